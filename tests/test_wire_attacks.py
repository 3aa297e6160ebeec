"""Nothing the worker sends can crash the judge, and what it sends is bounded in size and time.

The attacks are fixtures in tests/hostile/ (test_hostile.py grades each of them too): a
real-time signal to itself, garbage frames, unknown progress lines and stray or ill-typed
replies on the session's own socket, an answer trickled in, loops in a closure and in a lambda
inside a method, and side answers of 40 MB. Here each is graded once more through the CLI, and
the run's results are rendered in every format, each of which must parse; the side answers must
leave the results file and the last-results cache small. The run's overall budget
(`--total-timeout`) is graded over checks that each sleep.
"""
from __future__ import annotations

import json
import socket
import struct
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from submissions import by_id, grade_json, messages, patched_submission, read_fixture

from grader import commands
from grader.reporters import render
from grader.worker import wire

HOSTILE = Path(__file__).parent / "hostile"
# loop_in_closure and huge_side_answers have tests of their own below.
ATTACKS = ["realtime_signal", "socket_garbage", "stray_replies", "trickled_answer"]
SMALL = 2 << 20  # bytes: what a results file may weigh whatever the worker sent


def _grade_every_format(submission: Path, monkeypatch, *args: str):
    """One `grade run` through the CLI: its exit code, its JSON results and file, and the
    run's results rendered by every reporter (the same RunResult the CLI rendered)."""
    seen = []

    def spy(result, fmt, **kwargs):
        seen.append(result)
        return render(result, fmt, **kwargs)
    monkeypatch.setattr(commands, "render", spy)
    code, results, output = grade_json(submission, *args, keep_output=True)
    assert seen, "grade rendered nothing"
    formats = {fmt: render(seen[0], fmt) for fmt in ("json", "junit", "gradescope", "text")}
    return code, results, output, formats


def _parses(formats: dict[str, str]) -> None:
    assert json.loads(formats["json"])["exercises"]
    assert json.loads(formats["gradescope"])["tests"]
    assert ET.fromstring(formats["junit"]).tag == "testsuites"
    assert "total" in formats["text"]


@pytest.mark.parametrize("name", ATTACKS)
def test_the_attack_is_charged_to_its_check_and_every_report_parses(name, tmp_path, monkeypatch):
    fixture = read_fixture(HOSTILE / f"{name}.py")
    zero = [e.strip() for e in fixture["zero"].split(",")]
    others = [e.strip() for e in fixture.get("grade", "sigmoid").split(",") if e.strip()]
    others = [e for e in others if e not in zero] or ["sum_squared_error"]
    submission = patched_submission(tmp_path, {fixture["module"]: fixture["text"]})
    code, results, output, formats = _grade_every_format(
        submission, monkeypatch, *zero, *others, "--timeout", fixture.get("timeout", "5"))
    assert code == 0, results
    exercises = by_id(results)
    for exercise in zero:
        assert exercises[exercise]["score"] == 0, exercises[exercise]
        assert exercises[exercise]["status"] == fixture["status"], exercises[exercise]
        assert fixture["expect"].lower() in messages(exercises[exercise]).lower()
    for exercise in others:
        assert exercises[exercise]["score"] == exercises[exercise]["max_score"]
    _parses(formats)
    assert output.stat().st_size < SMALL


def test_loops_outside_module_functions_are_not_waited_for_again(tmp_path, monkeypatch):
    """Only the first check into each loop waits out its limit: a closure made anew by every
    call, a comprehension in a lambda in a method, and the same closure reached through
    three_layer_net's forward all count as code that already ran out of time."""
    fixture = read_fixture(HOSTILE / "loop_in_closure.py")
    submission = patched_submission(tmp_path, {fixture["module"]: fixture["text"]})
    code, results, _, formats = _grade_every_format(submission, monkeypatch, "sigmoid", "relu",
                                                    "three_layer_net", "--timeout", "3")
    assert code == 0, results
    _parses(formats)
    assert all(by_id(results)[e]["status"] == "timeout" for e in ("sigmoid", "relu"))
    waited = [t for e in results["exercises"] for t in e["tests"] if t["status"] == "timeout"
              and "was not run again" not in t["message"]]
    assert len(waited) == 2, [t["message"] for t in waited]  # sigmoid's loop and relu's
    forward = by_id(results)["three_layer_net"]["tests"]
    assert any("was not run again" in t["message"] for t in forward), forward


def test_huge_side_answers_leave_the_results_and_the_cache_small(tmp_path, monkeypatch):
    fixture = read_fixture(HOSTILE / "huge_side_answers.py")
    submission = patched_submission(tmp_path, {fixture["module"]: fixture["text"]})
    code, results, output, formats = _grade_every_format(submission, monkeypatch, "softmax",
                                                         "--timeout", "20")
    assert code == 0, results
    _parses(formats)
    assert by_id(results)["softmax"]["status"] == "error"
    assert output.stat().st_size < SMALL
    assert commands._state_file(submission.resolve()).stat().st_size < SMALL
    assert all(len(text) < SMALL for text in formats.values())
    for test in by_id(results)["softmax"]["tests"]:
        assert len(test["message"]) <= 4096 + 40, test["message"][:200]
        assert len(test.get("called", [])) <= 100
        assert all(len(name) <= 300 + 40 for name in test.get("called", []))
        assert all(len(advice) <= 4096 + 40 for advice in test.get("advice", []))


# step_function as the reference (its checks pass well within the budget); sigmoid and relu
# sleep a second a call, so their nine checks take longer than the budget whatever the load.
SLEEPING = '''
import time as _time

_reference = {name: globals()[name] for name in ("sigmoid", "relu")}


def sigmoid(x):
    _time.sleep(1)
    return _reference["sigmoid"](x)


def relu(x):
    _time.sleep(1)
    return _reference["relu"](x)
'''


def test_a_spent_budget_charges_the_checks_left_as_timeouts(tmp_path, monkeypatch):
    """--total-timeout 5 over checks that each sleep: the checks the budget does not reach are
    timeouts that name it, the results are written, and grade exits 0, never as a kit error."""
    submission = patched_submission(tmp_path, {"ch03/activations.py": SLEEPING})
    code, results, _, formats = _grade_every_format(
        submission, monkeypatch, "step_function", "sigmoid", "relu", "--timeout", "30",
        "--total-timeout", "5")
    assert code == 0, results
    tests = [t for e in results["exercises"] for t in e["tests"]]
    charged = [t for t in tests if "overall time budget" in t["message"]]
    assert charged, [t["message"] for t in tests]
    assert all(t["status"] == "timeout" and t["hidden"] is False for t in charged)
    assert any(t["message"].startswith("Not run") for t in charged)  # never started
    assert any(t["status"] == "passed" for t in tests)  # those within it were graded
    _parses(formats)


def _payload(header: bytes) -> bytes:
    return struct.pack("!Q", len(header)) + header


@pytest.mark.parametrize("header", [
    b"[" * 100_000 + b"]" * 100_000,  # deeper than the JSON parser recurses
    b'{"~nd": "zero"}', b'{"~dict": "pairs"}', b'{"~handle": [1]}', b"\xff\xfe",
    b'{"~tuple": 5}', b'{"a": 1, "b": 2, "c": 3}'])
def test_a_malformed_frame_is_a_wire_error_never_another_exception(header):
    with pytest.raises(wire.WireError):
        wire.decode(_payload(header))


def test_strings_are_cut_where_they_enter_and_say_how_much_was_left_out():
    text = wire.decode(_payload(json.dumps("x" * (wire.MAX_TEXT + 5)).encode()))
    assert text.startswith("x" * wire.MAX_TEXT) and text.endswith("(5 more characters)")


def test_plain_data_over_its_limit_is_refused_before_it_is_read():
    ours, theirs = socket.socketpair()
    with ours, theirs:
        # announced, never sent: reading it would wait forever
        theirs.sendall(struct.pack("!QQ", 1 << 28, wire.MAX_HEADER + 1))
        with pytest.raises(wire.WireError, match="byte limit"):
            wire.receive(ours, wire.MAX_ANSWER, deadline=time.monotonic() + 30)


def test_a_trickled_frame_must_be_whole_by_the_deadline():
    """Each byte comes well within any per-read timeout; the whole frame never by its deadline."""
    ours, theirs = socket.socketpair()
    stop = threading.Event()

    def trickle():
        theirs.sendall(struct.pack("!QQ", 1000, 100))
        while not stop.wait(0.05):
            theirs.sendall(b" ")
    sender = threading.Thread(target=trickle, daemon=True)
    sender.start()
    try:
        with pytest.raises(socket.timeout):
            wire.receive(ours, wire.MAX_ANSWER, deadline=time.monotonic() + 0.5)
    finally:
        stop.set()
        sender.join()
        ours.close()
        theirs.close()


def test_a_checks_result_is_bounded_and_of_its_types_whatever_it_holds():
    from grader.judge import bounds
    result = bounds.bounded_result({
        "status": 5, "message": ["not", "text"], "advice": "not a list",
        "records": {"accuracy": np.float64(0.5), "loss": [0.1] * 30_000, "name": "n" * 10_000},
        "called": ["f" * 400] * 150, "output": "o" * 20_000})
    assert result["status"] == "5" and result["message"] == "['not', 'text']"
    assert result["advice"] == []
    assert type(result["records"]["accuracy"]) is float  # JSON-able, not a numpy scalar
    assert len(result["records"]["loss"]) == bounds.RECORD_ITEMS
    assert result["records"]["name"].endswith(f"({10_000 - bounds.MESSAGE} more characters)")
    assert len(result["called"]) == bounds.ENTRIES
    assert all(len(name) < bounds.NAME + 40 for name in result["called"])
    assert len(result["output"]) < bounds.OUTPUT + 40
