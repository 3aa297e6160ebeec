"""One progress mechanism (data/progress.py) for the MNIST download, a grading run and `grade
batch`: a tqdm bar or status line on a terminal (a real pty here), one line per step in a log (a
real pipe)."""
from __future__ import annotations

import csv
import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios

from data.progress import Progress
from submissions import ROOT, patched_submission


def _drain(master: int) -> str:
    """Everything written to the pty so far, once its writers are done."""
    out = b""
    while select.select([master], [], [], 0.5)[0]:
        try:
            chunk = os.read(master, 1 << 16)
        except OSError:  # EIO: every writer closed its end
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    return out.decode("utf-8", errors="replace")


def _terminal(columns: int = 100):
    """A pty sized like a terminal window: (the master's fd, the slave's fd)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    return master, slave


def _log():
    """A pipe, as a CI log is: (its read end as a file, its write end as a file)."""
    read, write = os.pipe()
    return open(read, encoding="utf-8"), open(write, "w", encoding="utf-8", buffering=1)


def test_a_terminal_gets_a_tqdm_bar_and_a_log_one_line_per_step():
    master, slave = _terminal()
    with open(slave, "w", encoding="utf-8", buffering=1) as terminal:
        with Progress("grading", 3, stream=terminal) as progress:
            assert progress.live
            for name in ("alice", "bob", "carol"):
                progress.step(f"{name}: ok")
    shown = _drain(master)
    assert "\r" in shown and "grading: 100%" in shown and "3/3" in shown, shown
    assert "carol: ok" in shown and "alice: ok\n" not in shown  # beside the bar, not logged

    reader, writer = _log()
    with writer, Progress("grading", 3, stream=writer) as progress:
        assert not progress.live
        for name in ("alice", "bob", "carol"):
            progress.step(f"{name}: ok")
    with reader:
        assert reader.read() == "alice: ok\nbob: ok\ncarol: ok\n"


def test_a_run_s_progress_lines_are_one_line_drawn_over_itself_then_erased():
    master, slave = _terminal()
    with open(slave, "w", encoding="utf-8", buffering=1) as terminal:
        with Progress(leave=False, timed=True, stream=terminal) as progress:
            progress.step("epoch 1/2: loss 2.3")
            progress.step("epoch 2/2: loss 0.4")
        progress.step("a line that came too late")  # after the run: drawn nowhere
    shown = _drain(master)
    assert "too late" not in shown
    assert "\n" not in shown, repr(shown)  # never a new line: the same one, redrawn
    assert "] epoch 1/2: loss 2.3\r" in shown and "] epoch 2/2: loss 0.4\r" in shown
    assert shown.rstrip(" \r").endswith("loss 0.4"), repr(shown)  # ...then blanked out
    assert shown.endswith(" \r"), repr(shown)

    reader, writer = _log()
    with writer, Progress(leave=False, timed=True, stream=writer) as progress:
        progress.step("epoch 1/2: loss 2.3")
        progress.step("epoch 2/2: loss 0.4")
    with reader:
        lines = reader.read().splitlines()
    assert [line.split("] ", 1)[1] for line in lines] == ["epoch 1/2: loss 2.3",
                                                          "epoch 2/2: loss 0.4"]
    assert all(line.startswith("  [") and " s] " in line for line in lines), lines


def test_a_terminal_that_tells_no_width_still_gets_a_bar():
    master, slave = pty.openpty()  # 0 columns, 0 rows: nobody sized it
    with open(slave, "w", encoding="utf-8", buffering=1) as terminal:
        with Progress("grading", 2, stream=terminal) as progress:
            progress.step("a")
            progress.step("b")
    assert "grading: 100%" in _drain(master)


def _batch(tmp_path, stderr) -> subprocess.CompletedProcess:
    folder = tmp_path / "submissions"
    folder.mkdir()
    for name in ("alice", "bob"):  # graded one after the other: -j 1
        patched_submission(tmp_path / name, {}).rename(folder / name)
    grades = tmp_path / "grades.csv"
    done = subprocess.run([sys.executable, "-m", "grader.cli", "batch", str(folder), "relu",
                           "--sandbox", "none", "--csv", str(grades)], cwd=ROOT,
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr,
                          timeout=300)
    rows = list(csv.DictReader(open(grades, encoding="utf-8-sig")))
    assert [r["submission"] for r in rows] == ["alice", "bob"] and \
        [r["relu"] for r in rows] == ["3", "3"], rows
    return done


def test_grade_batch_draws_a_bar_on_a_terminal(tmp_path):
    master, slave = _terminal()
    try:
        done = _batch(tmp_path, slave)
    finally:
        os.close(slave)
    shown = _drain(master)
    assert done.returncode == 0, shown
    assert "grading: 100%" in shown and "2/2" in shown and "bob: 3/3 ok" in shown, shown
    assert "[1/2]" not in shown  # the log's form


def test_grade_batch_logs_a_line_per_submission(tmp_path):
    done = _batch(tmp_path, subprocess.PIPE)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.decode().splitlines()
    assert "[1/2] alice: 3/3 ok" in lines and "[2/2] bob: 3/3 ok" in lines, lines
    assert "\r" not in done.stderr.decode() and "%|" not in done.stderr.decode()
