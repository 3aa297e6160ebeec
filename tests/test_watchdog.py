"""The worker session's one watchdog thread: a report for each deadline that passes before its
call returns, none for a call that returned in time, and nested calls each with their own."""
import threading
import time

from grader.worker.session import Watchdog


def watchdog():
    reports, reported = [], threading.Semaphore(0)

    def report():
        reports.append(time.monotonic())
        reported.release()
    return Watchdog(report), reports, reported


def test_a_deadline_that_passes_is_reported_once():
    dog, reports, reported = watchdog()
    started = time.monotonic()
    dog.arm(0.05)
    assert reported.acquire(timeout=5)
    assert reports[0] - started >= 0.05
    time.sleep(0.2)
    assert len(reports) == 1


def test_a_call_that_returns_in_time_is_not_reported():
    dog, reports, _ = watchdog()
    dog.disarm(dog.arm(0.2))
    time.sleep(0.4)
    assert reports == []


def test_no_deadline_arms_nothing():
    dog, reports, _ = watchdog()
    assert dog.arm(None) is None and dog.arm(0) is None
    dog.disarm(None)
    assert reports == []


def test_nested_calls_keep_their_own_deadlines():
    dog, reports, reported = watchdog()
    outer = dog.arm(0.3)
    inner = dog.arm(0.05)  # a callback into the session, inside the outer call
    assert reported.acquire(timeout=5) and len(reports) == 1  # the inner one, first
    dog.disarm(inner)
    assert reported.acquire(timeout=5) and len(reports) == 2  # the outer one still fires
    dog.disarm(outer)
    short = dog.arm(0.05)
    long = dog.arm(30)
    assert reported.acquire(timeout=5)
    dog.disarm(long)
    dog.disarm(short)
    assert len(reports) == 3


def test_the_watchdog_needs_no_new_thread_for_a_call():
    dog, _, reported = watchdog()
    before = threading.active_count()
    for _ in range(20):
        dog.disarm(dog.arm(10))
    dog.arm(0.01)
    assert reported.acquire(timeout=5)
    assert threading.active_count() == before


def test_a_report_that_raises_leaves_the_watchdog_running():
    calls, reported = [], threading.Semaphore(0)

    def report():
        calls.append(1)
        reported.release()
        raise OSError("the judge's socket is closed")
    dog = Watchdog(report)
    dog.arm(0.01)
    assert reported.acquire(timeout=5)
    dog.arm(0.01)
    assert reported.acquire(timeout=5) and len(calls) == 2
