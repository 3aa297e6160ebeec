"""module: ch03/softmax.py
zero: softmax
status: error
expect: raised
unconfined: yes
split: yes
"""
# The worker's own caps are in the student's process, so they can be undone: its string limit
# raised, the session's records of deprecation warnings and called functions found with gc and
# filled (five 40 MB warnings: an answer the judge refuses to read; a hundred 60 KB names: one it
# reads and cuts), its exception description unbounded, and an exception message of 3 MB. The
# judge must keep the results file and the last-results cache small.
import gc as _gc
import sys as _sys


def softmax(a):
    wire = _sys.modules["dlfs_worker.wire"]
    wire.MAX_TEXT = 1 << 40
    big = "W" * 40_000_000
    for session in [o for o in _gc.get_objects() if type(o).__name__ == "Session"
                    and hasattr(o, "deprecations")]:
        session.deprecations[:] = [big + str(i) for i in range(5)]
        session.called.update((f"{i}.py" + "C" * 30_000, "f" * 30_000) for i in range(100))
        type(session).describe = lambda self, exc: {
            "type": "ValueError", "message": str(exc),
            "frames": [["ch03/softmax.py", 1, "softmax", "x" * 100_000]] * 20}
    raise ValueError("M" * 3_000_000)
