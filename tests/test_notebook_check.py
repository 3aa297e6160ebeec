"""`check()` in a real Jupyter kernel (nbclient + ipykernel): a table in the notebook, edits
picked up without a restart, and a crash or an endless loop in the student's code never kills
the kernel."""
from __future__ import annotations

import pytest

from submissions import patched_submission

EXTRA = "install the test extra: pip install -e '.[test]'"
nbformat = pytest.importorskip("nbformat", reason=EXTRA)
nbclient = pytest.importorskip("nbclient", reason=EXTRA)
pytest.importorskip("ipykernel", reason=EXTRA)

CRASH = "import os\n\ndef softmax(a):\n    os._exit(3)\n"
LOOP = "def softmax(a):\n    while True:\n        pass\n"


def _append(path: str, text: str) -> str:
    return f"with open({path!r}, 'a') as f:\n    f.write('\\n\\n' + {text!r})"


@pytest.mark.slow  # starts a real Jupyter kernel
def test_check_in_a_jupyter_kernel(tmp_path):
    target = patched_submission(tmp_path, {})
    softmax = str(target / "ch03" / "softmax.py")
    cells = [
        "from grader import check",
        f"check('softmax', target={str(target)!r})",
        _append(softmax, CRASH),
        f"check('softmax', target={str(target)!r})",
        _append(softmax, LOOP),
        f"result = check('softmax', target={str(target)!r}, timeout=2)\nresult",
        "print('kernel alive', result.statuses['softmax'])",
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3").execute()

    def html(index: int) -> str:
        outputs = notebook.cells[index].outputs
        return next(o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {}))

    passed, crashed, looped = html(1), html(3), html(5)
    assert 'data-id="softmax" data-status="passed"' in passed and ">passed<" in passed
    assert ">error<" in crashed and "sys.exit or os._exit" in crashed  # the edit was seen
    assert ">timeout<" in looped and "2 s limit" in looped
    printed = "".join(o.get("text", "") for o in notebook.cells[6].outputs)
    assert printed.strip() == "kernel alive timeout"


def test_check_in_a_console_is_text(tmp_path):
    from grader import check
    result = check("softmax", target=str(patched_submission(tmp_path, {})))
    text = str(result)
    assert text.splitlines()[1].split() == ["softmax", "3.5.2", "6/6", "passed"]
    with pytest.raises(ValueError, match="unknown exercise 'sofmax'"):
        check("sofmax")


def test_grade_notebook_writes_a_section_and_a_check_cell_per_exercise(tmp_path):
    from click.testing import CliRunner

    from grader import manifest
    from grader.cli import main

    target = patched_submission(tmp_path, {})
    output = tmp_path / "exercises.ipynb"
    result = CliRunner().invoke(main, ["notebook", "--target", str(target),
                                       "--output", str(output)])
    assert result.exit_code == 0, result.output
    notebook = nbformat.read(output, as_version=4)
    nbformat.validate(notebook)
    checks = [c.source for c in notebook.cells if c.cell_type == "code" and "check(" in c.source]
    assert checks == [f'check("{e.id}", target={str(target)!r})' for e in manifest.EXERCISES]
    sigmoid = next(c.source for c in notebook.cells if c.source.startswith("## sigmoid"))
    assert "1 / (1 + exp(-x))" in sigmoid and "ch03/activations.py" in sigmoid

    # Its first sections, run in a real kernel: the import cell, then step_function's check.
    first = notebook.cells[:notebook.cells.index(next(
        c for c in notebook.cells if c.source.startswith("check(\"step_function\""))) + 1]
    notebook.cells = first
    nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3").execute()
    shown = notebook.cells[-1].outputs[0]["data"]["text/html"]
    assert 'data-id="step_function" data-status="passed"' in shown and ">passed<" in shown
