"""`grade watch`: a real process watching a real folder, a real save, and Ctrl-C (SIGINT)."""
from __future__ import annotations

import queue
import shutil
import signal
import subprocess
import sys
import threading
import time

from submissions import EXERCISES, SOLUTIONS

WAIT = 120  # seconds: a bound on a wait, not a speed asserted


class Lines:
    """The process's output lines, read on a thread so a wait can have a bound."""

    def __init__(self, process: subprocess.Popen):
        self.seen: list[str] = []
        self._queue: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, args=(process.stdout,), daemon=True).start()

    def _read(self, stream) -> None:
        for line in stream:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def until(self, fragment: str) -> str:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=1)
            except queue.Empty:
                continue
            if line is None:
                break
            self.seen.append(line)
            if fragment in line:
                return line
        raise AssertionError(f"never printed {fragment!r}; printed:\n" + "\n".join(self.seen))


def test_watch_regrades_on_save_moves_on_and_stops_on_ctrl_c(tmp_path):
    target = tmp_path / "exercises"
    shutil.copytree(EXERCISES, target, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(SOLUTIONS / "ch03" / "activations.py", target / "ch03" / "activations.py")
    process = subprocess.Popen(
        [sys.executable, "-m", "grader.cli", "watch", "sigmoid", "softmax",
         "--target", str(target)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True)
    lines = Lines(process)
    try:
        lines.until("next: softmax (3.5.2) - edit ")  # sigmoid passes already: softmax is next
        lines.until("watching ")
        assert any(line.split()[:1] == ["sigmoid"] and "passed" in line for line in lines.seen)

        # Saving softmax.py re-grades softmax alone, then there is nothing left to do.
        shutil.copyfile(SOLUTIONS / "ch03" / "softmax.py", target / "ch03" / "softmax.py")
        saved = len(lines.seen)
        lines.until("saved: ch03/softmax.py")
        lines.until("softmax passes")
        regraded = [line.split()[0] for line in lines.seen[saved:]
                    if line.rstrip().endswith("passed")]
        assert regraded == ["softmax"], lines.seen[saved:]
        lines.until("All 2 exercises watched pass")

        process.send_signal(signal.SIGINT)
        lines.until("stopped watching.")
        assert process.wait(timeout=WAIT) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
