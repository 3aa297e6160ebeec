"""`--output` and every file a report is written to: a path that is no regular file is written
into, never replaced (as root, a rename over /dev/null would put a file there for everyone)."""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading

from grader.reporters import write_atomically
from submissions import SOLUTIONS


def test_a_pipe_is_written_into_and_stays_a_pipe(tmp_path):
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()), daemon=True)
    reader.start()
    write_atomically(fifo, "score 1\n")
    reader.join(timeout=60)
    assert received == ["score 1\n"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_regular_file_is_still_replaced_whole(tmp_path):
    path = tmp_path / "report.json"
    path.write_text("old and longer than the new text\n")
    write_atomically(path, "new\n")
    assert path.read_text() == "new\n" and list(tmp_path.iterdir()) == [path]


def test_grade_run_output_to_standard_output(tmp_path):
    run = subprocess.run([sys.executable, "-m", "grader.cli", "run", "sigmoid", "--target",
                          str(SOLUTIONS), "--format", "json", "--output", "/dev/stdout"],
                         capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    results, _ = json.JSONDecoder().raw_decode(run.stdout, run.stdout.index("{"))
    assert results["exercises"][0]["id"] == "sigmoid"
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
