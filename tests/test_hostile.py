"""Submissions that fight back, graded for real (tests/hostile/*.py, one attack each).

Each fixture's docstring says how to grade it:
    module: the file its text is appended to (later definitions win)
    base:   solutions (the attack must cost only its own exercise) or exercises (the stubs: the
            attack must gain nothing, every graded exercise scoring zero)
    zero:   the exercises the attack is charged to; status: their status; expect: a phrase of
            their message
    grade:  more exercises to grade beside them (with base solutions they keep full marks)
    also:   exercises graded too, whatever they score (to see how long the run takes)
    charged_at_once: yes when a check after the first timeout must be charged without running
        the looping code again ("was not run again"): no wait per later check
    hidden: yes, to run the hidden checks too
    confined: yes, when only confinement stops it (bwrap or a uid of the worker's own; it is
        skipped where neither can run)
    uid: no, when a uid of the worker's own does not stop it (graded in bwrap only)
    expect_uid, status_uid: the phrase and status to expect under a uid of the worker's own,
        when they differ (Landlock refuses with PermissionError what bubblewrap does not show,
        and hides /proc from sessions)
    timeout: the run's --timeout in seconds (5 unless given)
    linger: seconds to wait after `grade` returns before looking for changed files
    unconfined: yes, to grade it with --sandbox none as well (attacks on the judge, always)
    split: yes, when the process split alone stops it, whatever the mode (docs/security.md: "the
        same" in every column): graded under bubblewrap and unconfined, the two ends, and not
        a third time under a uid of the worker's own
For every fixture: exit status 0, the kit, the MNIST cache and the results file byte-for-byte
unchanged, no worker process left, and no line of solutions/ or grader/hidden/ in the results.
"""
import hashlib
import os
import time
from pathlib import Path

import pytest

from submissions import EXERCISES, ROOT, by_id, grade_json, messages, patched_submission, \
    read_fixture, worker_processes

from grader.judge.sandbox import resolve, uids_problem

BYSTANDERS = ["sigmoid", "sum_squared_error"]  # graded beside the attack, at full marks
HOSTILE = sorted((Path(__file__).parent / "hostile").glob("*.py"))
# Long attacks (they wait out time limits, fill memory, write a lot or train), marked slow: the full
# test command runs them, `pytest -m "not slow"` leaves them out.
SLOW = {"daemon_rewrites_results", "identity_loop_ignores_signals", "loop",
        "sigterm_ignoring_loop", "memory_bomb", "crash_every_check", "leak_solutions",
        "huge_answer", "memorize_test_answers", "nearest_neighbour_predict"}


def tree_digest(*folders: Path) -> str:
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path).encode() + path.read_bytes())
    return digest.hexdigest()


def stat_digest(folder: Path) -> str:
    """Every file's name, inode, size and change time: any write, rename or replacement changes
    the change time (ctime), which no process can set back, not even with os.utime. For the MNIST
    cache, whose 260 MB took over a second to hash on every attack; the kit is small and hashed."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        digest.update(f"{path}:{info.st_ino}:{info.st_size}:{info.st_mtime_ns}:"
                      f"{info.st_ctime_ns}".encode())
    return digest.hexdigest()


def kit_digest() -> str:
    return tree_digest(*(ROOT / name for name in ("grader", "solutions", "data", "exercises")))


def telling_lines(*folders: Path) -> set[str]:
    """The lines of these folders' .py files long enough to be telling."""
    lines = set()
    for folder in folders:
        for path in folder.rglob("*.py"):
            lines |= {line.strip() for line in path.read_text().splitlines()
                      if len(line.strip()) > 30 and not line.strip().startswith(("#", '"""'))}
    return lines


@pytest.fixture(scope="module")
def mnist_cache(mnist_dir):
    """The MNIST cache, built before the first attack so that any later change shows."""
    from data.mnist import load_mnist
    for normalize in (False, True):  # every entry grading may read
        load_mnist(normalize=normalize)


def cases():
    """Every fixture as `grade` runs it by default; under a uid of the worker's own (as root
    without bubblewrap: the confined fixtures in the fast set, the others slow; not those the
    split alone stops); the attacks on the judge, which the split alone must stop, also without
    confinement (slow: the same attack a second time)."""
    for path in HOSTILE:
        fixture = read_fixture(path)
        marks = [pytest.mark.slow] if path.stem in SLOW else []
        yield pytest.param(path, "auto", marks=marks, id=path.stem)
        if fixture.get("uid") != "no" and fixture.get("split") != "yes":
            slow = path.stem in SLOW or fixture.get("confined") != "yes"
            yield pytest.param(path, "uid", marks=[pytest.mark.slow] if slow else [],
                               id=f"{path.stem}-uid")
        unconfined = fixture.get("base") == "exercises" or fixture.get("unconfined") == "yes"
        if unconfined and fixture.get("confined") != "yes":
            yield pytest.param(path, "none", marks=[pytest.mark.slow],
                               id=f"{path.stem}-unconfined")


@pytest.mark.parametrize("path, mode", list(cases()))
def test_hostile_submission_gains_nothing_and_costs_only_itself(path, mode, tmp_path, monkeypatch,
                                                                 mnist_cache):
    monkeypatch.setenv("DLFS_MEMORY_LIMIT_GIB", "2")
    fixture = read_fixture(path)
    if mode == "uid" and uids_problem():
        pytest.skip(f"needs a uid of the worker's own: {uids_problem()}")
    if fixture.get("confined") == "yes" and resolve(mode) == "none":
        pytest.skip("needs confinement: neither bubblewrap nor a uid of its own works here")
    zero = [name.strip() for name in fixture["zero"].split(",")]
    if mode == "uid":
        fixture["status"] = fixture.get("status_uid", fixture["status"])
        fixture["expect"] = fixture.get("expect_uid", fixture["expect"])
    base = EXERCISES if fixture.get("base") == "exercises" else None
    others = [name.strip() for name in fixture.get("grade", "").split(",") if name.strip()]
    others = [e for e in others or ([] if base else BYSTANDERS) if e not in zero]
    submission = patched_submission(tmp_path, {fixture["module"]: fixture["text"]},
                                    **({"base": base} if base else {}))
    cache = Path(os.environ["DLFS_CACHE_DIR"]) / "mnist"
    before = kit_digest(), stat_digest(cache)
    running = set(worker_processes())
    also = [name.strip() for name in fixture.get("also", "").split(",") if name.strip()]
    args = [*zero, *others, *also, "--timeout", fixture.get("timeout", "5")]
    args += ["--hidden"] if fixture.get("hidden") == "yes" else []
    args += ["--sandbox", mode]

    code, results, output = grade_json(submission, *args, keep_output=True)
    written = output.read_bytes()
    time.sleep(float(fixture.get("linger", 0)))

    assert code == 0, results
    exercises = by_id(results)
    for exercise_id in zero:
        exercise = exercises[exercise_id]
        if fixture["status"] == "failed":  # wrong answers after the attack: no full marks
            assert exercise["score"] < exercise["max_score"], exercise
            assert exercise["status"] in ("failed", "partial"), exercise
        else:  # the attack itself is charged: nothing for this exercise
            assert exercise["score"] == 0, exercise
            assert exercise["status"] == fixture["status"], exercise
        assert fixture["expect"].lower() in messages(exercise).lower(), messages(exercise)
    for exercise_id in others:
        expected = 0 if base else exercises[exercise_id]["max_score"]
        assert exercises[exercise_id]["score"] == expected, exercises[exercise_id]
    if base:
        assert results["score"] == 0, results
    if fixture.get("charged_at_once") == "yes":
        every = "\n".join(messages(e) for e in results["exercises"])
        assert "was not run again" in every, every
    assert (kit_digest(), stat_digest(cache)) == before, "the kit or the MNIST cache changed"
    assert output.read_bytes() == written, "the results file changed after grade returned"
    assert not set(worker_processes()) - running, "a process of the graded code outlived grade"
    text = output.read_text()
    secret = telling_lines(ROOT / "solutions", ROOT / "grader" / "hidden")
    leaked = [line for line in secret - telling_lines(submission) if line in text]
    assert not leaked, f"reference or hidden lines in the results: {leaked[:3]}"
