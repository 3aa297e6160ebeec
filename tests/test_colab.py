"""The student README's first notebook cell for Colab and Jupyter, run as a notebook would run
it: in a fresh venv (standing for Colab's Python), installing a zipped students' copy from a URL
and pointing DLFS_MNIST_DIR at the course's MNIST folder."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli import main
from submissions import ROOT

CELL = re.compile(r"<!-- colab-cell -->\n```python\n(.*?)\n```", re.S)


# That the students' README carries this cell is tested on test_release.py's release, built once
# there: test_the_students_readme_holds_the_colab_cell.


@pytest.mark.slow
def test_the_cell_installs_a_zipped_release_that_grades(tmp_path, mnist_dir):
    # The cell is tested with the course's MNIST folder, as a course ships it.
    result = CliRunner().invoke(main, ["release", str(tmp_path / "dlfs-kit-student"),
                                       "--no-verify-venv"])
    assert result.exit_code == 0, result.output
    archive = shutil.make_archive(str(tmp_path / "course" / "kit"), "zip", tmp_path,
                                  "dlfs-kit-student")  # a zip of the folder, as zip -r makes
    content = tmp_path / "content"
    content.mkdir()
    cell = CELL.search((ROOT / "README.md").read_text()).group(1)
    cell = cell.replace('KIT_ZIP_URL = ""', f'KIT_ZIP_URL = "{Path(archive).as_uri()}"', 1)
    cell = cell.replace('MNIST_DIR = ""', f'MNIST_DIR = "{mnist_dir}"', 1)
    cell = cell.replace("/content", str(content))
    cell += "\nsubprocess.run([os.path.join(os.path.dirname(sys.executable), 'grade'), 'run', " \
            "'softmax', 'mnist_inference'], check=True)\n"
    subprocess.run([sys.executable, "-m", "venv", str(tmp_path / "venv")], check=True)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DLFS_MNIST_DIR")}
    # an empty cache and a mirror that answers nothing: MNIST can only come from MNIST_DIR
    env.update(DLFS_CACHE_DIR=str(tmp_path / "cache"), DLFS_MNIST_MIRRORS="http://127.0.0.1:9/")
    done = subprocess.run([str(tmp_path / "venv" / "bin" / "python"), "-c", cell], env=env,
                          cwd=tmp_path, capture_output=True, text=True, timeout=900,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stdout + done.stderr
    kit = content / "dlfs-kit" / "dlfs-kit-student"
    assert f"ready: edit {kit / 'exercises'}" in done.stdout
    assert f"grading {kit / 'exercises'}" in done.stdout
    assert "total: 0/" in done.stdout and "mnist_inference" in done.stdout
