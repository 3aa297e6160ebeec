"""The same code, judged on the numpy it runs on: an alias a newer numpy removed is named with the
release that removed it, and a deprecation warning on an older numpy becomes advice. `.ci/run`
runs these on the lowest numpy the kit declares and on the newest."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

from submissions import by_id, grade_json, patched_submission

NP_INT_STEP = '''
def step_function(x):
    return np.array(np.asarray(x) > 0, dtype=np.int)
'''
ROW_STACK_SOFTMAX = '''
def softmax(a):
    a = np.asarray(a, dtype=float)
    rows = np.row_stack(a.reshape(-1, a.shape[-1]) if a.ndim else [[a]])
    e = np.exp(rows - rows.max(axis=1, keepdims=True))
    return (e / e.sum(axis=1, keepdims=True)).reshape(a.shape)
'''


def _numpy_at_least(version: str) -> bool:
    return tuple(int(p) for p in np.__version__.split(".")[:2]) >= \
        tuple(int(p) for p in version.split("."))


def test_np_int_is_judged_for_the_numpy_it_runs_on(tmp_path):
    submission = patched_submission(tmp_path, {"ch03/activations.py": NP_INT_STEP})
    _, results = grade_json(submission, "step_function")
    step = by_id(results)["step_function"]
    assert results["numpy"] == np.__version__
    text = "\n".join(t["message"] for t in step["tests"]) + "\n".join(step.get("advice", []))
    if _numpy_at_least("1.24"):  # removed: an error that names the release and the fix
        assert step["score"] == 0
        assert "NumPy 1.24 removed" in text and "write int instead" in text, text
    else:  # deprecated only: full marks, and advice to change it before numpy removes it
        assert step["score"] == step["max_score"], text
        assert "NumPy 1.24 removed" in text and "write int instead" in text, text


def test_a_deprecation_warning_becomes_advice(tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        getattr(np, "row_stack", lambda x: None)([[1.0]])
    if not any(issubclass(w.category, DeprecationWarning) for w in caught):
        pytest.skip(f"numpy {np.__version__} does not deprecate np.row_stack")
    submission = patched_submission(tmp_path, {"ch03/softmax.py": ROW_STACK_SOFTMAX})
    _, results = grade_json(submission, "softmax")
    softmax = by_id(results)["softmax"]
    assert softmax["score"] == softmax["max_score"]
    advice = softmax.get("advice", [])
    assert len(advice) == 1 and "row_stack" in advice[0] and "ch03/softmax.py" in advice[0], \
        advice
