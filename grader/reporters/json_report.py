"""The kit's own JSON results: RunResult.to_dict, in the shape of grader/results.schema.json."""
from __future__ import annotations

from ..results import RunResult
from .safe_text import dumps


def render(result: RunResult) -> str:
    # valid UTF-8 whatever the submission's text holds; the text itself is kept as it came
    return dumps(result.to_dict(), indent=2) + "\n"
