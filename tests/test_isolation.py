"""The judge and the worker apart: what crosses between them, how the worker is confined, and
what a run refuses to do unconfined."""
import io
import os
import pickle

import numpy as np
import pytest
from click.testing import CliRunner

from grader.cli import main
from grader.judge import sandbox
from grader.worker import wire
from submissions import EXERCISES, SOLUTIONS, by_id, grade_json, patched_submission

needs_bwrap = pytest.mark.skipif(sandbox.bwrap_problem() is not None,
                                 reason=f"needs bubblewrap: {sandbox.bwrap_problem()}")


# ---- the wire: plain data only --------------------------------------------------------------

def test_plain_data_crosses_unchanged():
    value = {"a": np.arange(6.0).reshape(2, 3), "n": np.float32(1.5), 3: (True, None, "s"),
             "nested": [1, 2.5, float("nan"), np.array([], dtype=np.int8)]}
    back = wire.decode(wire.encode(value))
    assert back.keys() == value.keys()
    assert np.array_equal(back["a"], value["a"]) and back["a"].dtype == value["a"].dtype
    assert back["n"] == np.float32(1.5) and type(back["n"]) is np.float32
    assert back[3] == (True, None, "s")
    assert np.isnan(back["nested"][2]) and back["nested"][3].dtype == np.int8


def test_anything_else_crosses_only_as_its_type_name():
    class MyArray(np.ndarray):
        pass
    subclass = np.zeros(3).view(MyArray)
    back = wire.decode(wire.encode([subclass, object(), np.array([object()])]))
    assert [type(v) for v in back] == [wire.Unsupported] * 3
    assert back[0].type_name == "MyArray"


def test_a_pickle_in_an_array_is_refused_not_run():
    buffer = io.BytesIO()
    np.save(buffer, np.array([object()], dtype=object), allow_pickle=True)
    payload = wire.encode(np.zeros(1))
    header_size = int.from_bytes(payload[:8], "big")
    forged = payload[:8 + header_size] + len(buffer.getvalue()).to_bytes(8, "big") + \
        buffer.getvalue()
    with pytest.raises(wire.WireError):
        wire.decode(forged)
    with pytest.raises(wire.WireError):
        wire.decode(pickle.dumps({"ok": 1}))


# ---- the student's code never runs in the judge -----------------------------------------------

@pytest.mark.parametrize("mode", ["none", pytest.param("bwrap", marks=needs_bwrap)])
def test_graded_code_runs_where_there_is_no_judge(tmp_path, mode):
    submission = patched_submission(tmp_path, {"ch03/softmax.py": (
        "import sys as _sys\n"
        "_judge = [m for m in _sys.modules if m.split('.')[0] in "
        "('_pytest', 'pytest', 'grader', 'pytest_jsonreport')]\n"
        "assert not _judge, f'judge modules beside the graded code: {_judge}'\n")})
    code, results = grade_json(submission, "softmax", "--sandbox", mode)
    assert code == 0 and by_id(results)["softmax"]["status"] == "passed", results


@pytest.mark.parametrize("mode", [pytest.param("none", marks=pytest.mark.slow),
                                  pytest.param("bwrap", marks=needs_bwrap)])
def test_files_pytest_or_python_would_load_from_a_submission_are_never_loaded(tmp_path, mode):
    # The stubs with a conftest.py that turns every report into a pass, a pytest.ini, and
    # sitecustomize/usercustomize modules that would leave a mark: nothing is read by the judge's
    # pytest or at any interpreter's start, and the stubs stay not started.
    submission = patched_submission(tmp_path, {}, base=EXERCISES)
    mark = tmp_path / "loaded"
    hook = ("import pytest\n\n@pytest.hookimpl(hookwrapper=True)\n"
            "def pytest_runtest_makereport(item, call):\n"
            "    outcome = yield\n    outcome.get_result().outcome = 'passed'\n"
            f"open({str(mark)!r}, 'a').write('conftest ')\n")
    for folder in (submission, submission / "ch03"):
        (folder / "conftest.py").write_text(hook)
    (submission / "pytest.ini").write_text("[pytest]\naddopts = -p no:jsonreport\n")
    for name in ("sitecustomize", "usercustomize"):
        (submission / f"{name}.py").write_text(f"open({str(mark)!r}, 'a').write('{name} ')\n")
    code, results = grade_json(submission, "softmax", "sigmoid", "--sandbox", mode)
    assert code == 0, results
    assert {e["status"] for e in results["exercises"]} == {"not_started"}, results
    assert results["score"] == 0 and not mark.exists(), mark.read_text()


@needs_bwrap
def test_the_confined_worker_sees_only_python_and_its_submission(tmp_path):
    home = os.path.expanduser("~")
    hidden_paths = [str(SOLUTIONS), str(SOLUTIONS.parent / "grader"), os.environ["DLFS_CACHE_DIR"],
                    str(tmp_path), home + "/.cache"]
    submission = patched_submission(tmp_path, {"ch03/softmax.py": (
        "import os as _os, socket as _socket\n"
        f"_seen = [p for p in {hidden_paths!r} if _os.path.exists(p)]\n"
        "assert not _seen, f'visible: {_seen}'\n"
        "assert _os.getuid() != 0, 'runs as root'\n"
        "_links = [name for _, name in _socket.if_nameindex()]\n"
        "assert _links == ['lo'], f'network interfaces: {_links}'\n"
        "_processes = [p for p in _os.listdir('/proc') if p.isdigit()]\n"
        "assert len(_processes) < 10, f'sees {len(_processes)} processes'\n")})
    code, results = grade_json(submission, "softmax", "--sandbox", "bwrap")
    assert code == 0 and by_id(results)["softmax"]["status"] == "passed", results


# ---- confinement is chosen, and required where it matters --------------------------------------

@pytest.fixture
def no_bwrap(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no bwrap to be found
    sandbox.bwrap_problem.cache_clear()
    yield
    sandbox.bwrap_problem.cache_clear()


@pytest.fixture
def unconfinable(no_bwrap, monkeypatch):
    """Nothing on the ladder works: no bwrap, not root, a kernel without Landlock (as on
    macOS). This machine has root and Landlock, so those two are said to be missing."""
    from grader.judge import landlock, uids
    monkeypatch.setattr(landlock, "_abi", 0)
    monkeypatch.setattr(uids, "problem", lambda: ("sandbox.uid_not_root", {"uid": 1000}))
    sandbox.bwrap_problem.cache_clear()


def test_sandbox_bwrap_without_bwrap_is_a_kit_error_that_says_what_to_install(no_bwrap):
    result = CliRunner().invoke(main, ["run", "sigmoid", "--target", str(SOLUTIONS),
                                       "--sandbox", "bwrap"])
    assert result.exit_code == 2
    assert "bwrap is not installed" in result.output and "--sandbox none" in result.output


def test_auto_grades_unconfined_saying_so_in_one_line(unconfinable):
    result = CliRunner().invoke(main, ["run", "sigmoid", "--target", str(SOLUTIONS)])
    assert result.exit_code == 0, result.output
    assert result.output.count("Grading is not confined") == 1
    assert "sigmoid" in result.output and "4/4" in result.output


@pytest.mark.parametrize("args", [["run", "sigmoid", "--target", str(SOLUTIONS), "--hidden"],
                                  ["batch", str(SOLUTIONS.parent / "tests"), "--csv", "x.csv"]],
                         ids=["hidden", "batch"])
def test_hidden_checks_and_batches_refuse_to_grade_unconfined(unconfinable, args):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "grades only confined code" in result.output and "--sandbox none" in result.output


def test_sandbox_none_grades_hidden_checks_when_told(no_bwrap):
    result = CliRunner().invoke(main, ["run", "sigmoid", "--target", str(SOLUTIONS), "--hidden",
                                       "--sandbox", "none"])
    assert result.exit_code == 0, result.output
    assert "hidden checks passed" in result.output


# ---- the judge's MNIST cannot be changed under it ----------------------------------------------

def test_a_poisoned_cache_entry_is_rebuilt_before_grading(mnist_dir, monkeypatch, tmp_path):
    from data import cache, idx
    from grader.judge import mnist
    monkeypatch.setenv("DLFS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(mnist, "_arrays", {})
    monkeypatch.setattr(mnist, "VERIFY", True)  # as when grading unconfined
    spec = next(s for s in idx.FILES if s.key == "test_label")
    (_, _), (_, good) = mnist.load(normalize=False)
    # Zero the cached labels and re-stamp the entry with the loader's own writer.
    writer = cache.EntryWriter(spec, "u8")
    writer.write(memoryview(np.zeros(spec.count, dtype=np.uint8)))
    writer.commit()
    assert not cache.open_entry(spec, "u8").any()
    monkeypatch.setattr(mnist, "_arrays", {})
    (_, _), (_, labels) = mnist.load(normalize=False)
    assert np.array_equal(labels, good) and labels.any()


def test_a_python_installation_under_tmp_is_mounted_over_the_sandboxs_empty_tmp():
    # A kit cloned under /tmp keeps its venv there: the empty /tmp must come before the binds,
    # or it hides the venv and the worker cannot start (everything then ran unconfined).
    from grader.judge.sandbox import bwrap_command
    command = bwrap_command(["python"])
    tmpfs = command.index("/tmp", command.index("--tmpfs"))
    binds = [i for i, arg in enumerate(command) if arg in ("--ro-bind", "--bind", "--symlink")]
    assert binds and tmpfs < min(binds), command
