# The grading plugin's hooks, active for every suite whether run by `grade` or straight by pytest.
from grader.judge.plugin import *  # noqa: F401,F403
