"""The judge's side of the worker: starts it (confined or not), opens one session per check, sends
calls and turns the answers into values, handles to objects kept in the worker, or exceptions.

Only plain data comes back (grader/worker/wire.py): the judge never unpickles or runs anything
the worker sends. A session that does not answer in time is killed with everything it started;
one that dies is reported with how it died; a worker that stops answering is replaced.
"""
from __future__ import annotations

import compileall
import os
import resource
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from ..worker import wire
from . import reaper, sandbox
from .sandbox import PYTHON

WORKER_DIR = Path(__file__).resolve().parent.parent / "worker"
DATA_DIR = Path(__file__).resolve().parent.parent.parent / "data"
STOPPED_MESSAGE = "dlfs-worker: stopped for time earlier in this run"
GRACE_SECONDS = 1.0  # after a deadline, for the worker's report of where it was
OUTPUT_LIMIT_MB = 64
MEMORY_LIMIT_ENV = "DLFS_MEMORY_LIMIT_GIB"
DEFAULT_MEMORY_GIB = 6
PASSED_ENV = ("PATH", "LANG", "LC_ALL", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE",
              "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def memory_limit_gib() -> float:
    return float(os.environ.get(MEMORY_LIMIT_ENV, DEFAULT_MEMORY_GIB))


class StudentError(Exception):
    """The student's code raised; `info` is the worker's description (type, message, frames)."""

    def __init__(self, what: str, info: dict):
        super().__init__(f"{what}: {info.get('type')}: {info.get('message')}")
        self.what, self.info = what, info

    @property
    def type_name(self) -> str:
        return str(self.info.get("type", "Exception"))


class StudentTimeout(Exception):
    """A call did not return in time; `frames` are the student lines it was running."""

    def __init__(self, what: str, seconds: float, frames: list, earlier: bool = False):
        super().__init__(f"{what} did not return within {seconds:g} s")
        self.what, self.seconds, self.frames, self.earlier = what, seconds, frames, earlier


class StudentCrash(Exception):
    """The worker process died during a call; `exit` is its exit status (-N for signal N)."""

    def __init__(self, what: str, exit_status: int | None):
        super().__init__(f"{what}: the worker died ({exit_status})")
        self.what, self.exit = what, exit_status


class UnsupportedValue(Exception):
    """The student's code returned something that is not plain data."""


def _limit_resources() -> None:
    """In the worker between fork and exec: memory, file size and core dumps."""
    memory = int(memory_limit_gib() * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    output = OUTPUT_LIMIT_MB * 2**20
    resource.setrlimit(resource.RLIMIT_FSIZE, (output, output))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    reaper.die_with_parent()


def copy_submission(source: Path, destination: Path) -> None:
    """The submission's .py files (no links, nothing hidden), each folder a package."""
    for path in sorted(source.rglob("*.py")):
        relative = path.relative_to(source)
        if "__pycache__" in relative.parts or any(p.startswith(".") for p in relative.parts):
            continue
        if any(p.is_symlink() for p in [path, *path.parents][:len(relative.parts)]):
            continue  # a link could pull in files from outside the submission
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    destination.mkdir(parents=True, exist_ok=True)
    for folder in [destination, *[p for p in destination.rglob("*") if p.is_dir()]]:
        (folder / "__init__.py").touch()


class Worker:
    """One worker for a judge run, restarted whenever it stops answering."""

    def __init__(self, submission: Path, mode: str, on_progress: Callable[[dict], None] = None):
        self.mode, self.on_progress = mode, on_progress
        self.run_dir = Path(tempfile.mkdtemp(prefix="dlfs-worker-"))
        (self.run_dir / "tmp").mkdir()
        skip = shutil.ignore_patterns("__pycache__")
        shutil.copytree(WORKER_DIR, self.run_dir / "lib" / "dlfs_worker", ignore=skip)
        # The provided MNIST loader and sample weights, which exercise modules import.
        shutil.copytree(DATA_DIR, self.run_dir / "lib" / "data", ignore=skip)
        copy_submission(submission, self.run_dir / "student")
        # Byte code compiled here (compiling runs nothing), so sessions do not compile again.
        compileall.compile_dir(self.run_dir, quiet=2, workers=1)
        self.output_path = self.run_dir / "output.txt"
        self.process: subprocess.Popen | None = None
        self.control: socket.socket | None = None
        self.shared: dict[str, Any] = {}  # arrays every session gets without sending them
        self.stopped: list[list[str]] = []  # (file, qualname) of functions that timed out
        self.stopped_targets: dict[str, float] = {}

    # -- the process ---------------------------------------------------------------------------
    def _root(self) -> str:
        return sandbox.SANDBOX_ROOT if self.mode == "bwrap" else str(self.run_dir)

    def start(self) -> None:
        ours, theirs = socket.socketpair()
        root = self._root()
        boot = (f"import sys; sys.path[:0] = [{root + '/lib'!r}, {root!r}]; "
                "from dlfs_worker.server import main; main()")
        python = [PYTHON, "-I", "-c", boot]
        command = sandbox.bwrap_command(python, self.run_dir) if self.mode == "bwrap" else python
        tmp = "/tmp" if self.mode == "bwrap" else str(self.run_dir / "tmp")
        env = {key: os.environ[key] for key in PASSED_ENV if key in os.environ}
        env.update({"DLFS_WORKER_FD": str(theirs.fileno()), "PYTHONHASHSEED": "0",
                    "PYTHONDONTWRITEBYTECODE": "1", "TMPDIR": tmp, "HOME": tmp,
                    "MPLBACKEND": "Agg"})
        for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env.setdefault(variable, "1")  # small matrices: threads only fight over the cores
        output = os.open(self.output_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            self.process = subprocess.Popen(
                command, env=env, cwd=tmp, stdin=subprocess.DEVNULL, stdout=output,
                stderr=output, pass_fds=(theirs.fileno(),), preexec_fn=_limit_resources,
                start_new_session=True)
        finally:
            os.close(output)
            theirs.close()
        self.control = ours
        for name, array in self.shared.items():
            self._send_shared(name, array)

    def share(self, name: str, array) -> wire.Shared:
        """Send array to the worker once; the token stands for it (or its rows) in any call."""
        if name not in self.shared:
            self.shared[name] = array
            if self.control is not None:
                self._send_shared(name, array)
        return wire.Shared(name, None, len(array))

    def _send_shared(self, name: str, array) -> None:
        try:
            self._control_exchange({"op": "share", "name": name, "value": array},
                                   with_fd=False, seconds=60)
        except (OSError, EOFError, wire.WireError):
            self.stop()  # the next session starts a fresh worker, which gets it again

    def stop(self) -> None:
        """Kill the worker and everything in it."""
        if self.control is not None:
            self.control.close()
            self.control = None
        if self.process is not None:
            reaper.kill_group(self.process)
            self.process = None
            reaper.kill_children()  # orphans of a zygote that was killed come back to the judge

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.run_dir, ignore_errors=True)

    def take_output(self) -> str:
        """What the student's code printed since the last call, and start afresh."""
        try:
            with open(self.output_path, "r+b") as stream:
                data = stream.read()
                stream.truncate(0)
        except OSError:
            return ""
        return data.decode("utf-8", errors="replace")

    # -- sessions ------------------------------------------------------------------------------
    def _control_exchange(self, message: dict, with_fd: bool, seconds: float):
        self.control.settimeout(seconds)
        wire.send(self.control, wire.encode(message))
        if with_fd:
            _, fds, _, _ = socket.recv_fds(self.control, 1, 1)
            if not fds:
                raise EOFError("no session socket")
            return socket.socket(fileno=fds[0])
        return wire.decode(wire.receive(self.control))

    def open_session(self) -> "Session":
        for attempt in range(2):
            if self.process is None:
                self.start()
            try:
                sock = self._control_exchange(
                    {"op": "session", "student_root": f"{self._root()}/student",
                     "stopped": self.stopped}, with_fd=True, seconds=30)
                return Session(self, sock)
            except (OSError, EOFError, wire.WireError):
                self.stop()  # killed or stuck: a fresh worker
        raise RuntimeError(f"the worker could not start: {self.take_output()[-2000:]}")

    def end_session(self, session: "Session", kill: bool) -> dict:
        """Close the session and learn how its process ended ({"exit": status, ...})."""
        session.sock.close()
        if self.control is None:
            return {"exit": None}
        try:
            return self._control_exchange({"op": "end", "kill": kill}, with_fd=False, seconds=10)
        except (OSError, EOFError, wire.WireError):
            self.stop()  # the zygote was killed or hangs: the next check gets a new worker
            return {"exit": None, "worker_lost": True}


class Session:
    """One check's conversation with the worker."""

    def __init__(self, worker: Worker, sock: socket.socket):
        self.worker, self.sock = worker, sock
        self.deadline = float("inf")
        self.alive = True
        self.outcome: dict | None = None
        self.callbacks: list[Callable] = []

    def register(self, function: Callable) -> int:
        self.callbacks.append(function)
        return len(self.callbacks) - 1

    def _answer_callback(self, reply: dict) -> None:
        """The worker called one of the check's own functions (an f(x) passed to the student's
        code): run it here on the data it sent, and send back the value or the error."""
        try:
            value = self.callbacks[int(reply["callback"])](*reply.get("args", []))
            answer = {"op": "callback_result", "value": value}
        except (StudentError, StudentTimeout, StudentCrash):
            raise
        except Exception as exc:  # noqa: BLE001 - the check's f failed on what it was given
            answer = {"op": "callback_result", "error": f"{type(exc).__name__}: {exc}"}
        wire.send(self.sock, wire.encode(answer, callbacks=self.register))

    def finish(self, kill: bool = False) -> dict:
        """End the session (killing its process when kill); how the process ended."""
        if self.outcome is None:
            self.outcome = self.worker.end_session(self, kill=kill)
        self.alive = False
        return self.outcome

    def _read(self, until: float) -> dict:
        remaining = until - time.monotonic()
        if remaining <= 0:
            raise socket.timeout
        ready, _, _ = select.select([self.sock], [], [], min(remaining, 1e6))
        if not ready:
            raise socket.timeout
        self.sock.settimeout(max(0.5, min(until - time.monotonic(), 1e6)))
        return wire.decode(wire.receive(self.sock), self.resolve)

    def resolve(self, number: int, type_name: str) -> "Remote":
        return Remote(self, number, type_name)

    def request(self, message: dict, what: str, stop_key: str | None = None) -> Any:
        """Send one operation; its result, or StudentError / StudentTimeout / StudentCrash."""
        if not self.alive:
            raise StudentCrash(what, (self.outcome or {}).get("exit"))
        if stop_key and stop_key in self.worker.stopped_targets:
            raise StudentTimeout(what, self.worker.stopped_targets[stop_key], [], earlier=True)
        seconds = self.deadline - time.monotonic()
        if seconds <= 0:
            raise StudentTimeout(what, 0, [])
        if seconds != float("inf"):
            message = {**message, "seconds": seconds}
        frames: list = []
        try:
            wire.send(self.sock, wire.encode(message, callbacks=self.register))
            while True:
                until = self.deadline + (GRACE_SECONDS if not frames else 0)
                reply = self._read(until)
                if not isinstance(reply, dict):
                    raise wire.WireError("a reply that is not a dict")
                if "progress" in reply:
                    if self.worker.on_progress and isinstance(reply["progress"], dict):
                        self.worker.on_progress(reply["progress"])
                elif "callback" in reply:
                    self._answer_callback(reply)
                elif "stalled" in reply:
                    frames = reply["stalled"] if isinstance(reply["stalled"], list) else []
                elif "error" in reply:
                    info = reply["error"] if isinstance(reply["error"], dict) else {}
                    if info.get("type") == "TimeoutError" and info.get(
                            "message") == STOPPED_MESSAGE:
                        raise StudentTimeout(what, 0, info.get("frames") or [], earlier=True)
                    raise StudentError(what, info)
                elif "ok" in reply:
                    return reply["ok"]
        except socket.timeout:
            self.finish(kill=True)
            self._remember_timeout(stop_key, frames)
            raise StudentTimeout(what, self.limit, frames) from None
        except (EOFError, OSError, wire.WireError):
            outcome = self.finish()
            raise StudentCrash(what, outcome.get("exit")) from None

    limit: float = 0.0  # the check's time limit, for messages

    def _remember_timeout(self, stop_key: str | None, frames: list) -> None:
        """Later calls of the function that looped are charged at once, not waited for again."""
        if stop_key:
            self.worker.stopped_targets[stop_key] = self.limit
        if frames and isinstance(frames[-1], list) and len(frames[-1]) >= 3:
            where, qualname = str(frames[-1][0]), str(frames[-1][2])
            if [where, qualname] not in self.worker.stopped:
                self.worker.stopped.append([where, qualname])


class Remote(wire.Handle):
    """An object kept in the worker: attribute reads, writes and calls go there."""

    def __init__(self, session: Session, number: int, type_name: str):
        super().__init__(number, type_name)
        object.__setattr__(self, "wire_session", session)

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return self.wire_session.request({"op": "getattr", "target": self, "name": name},
                                         f"{self.wire_type}.{name}")

    def __setattr__(self, name: str, value) -> None:
        self.wire_session.request({"op": "setattr", "target": self, "name": name,
                                   "value": value}, f"setting {self.wire_type}.{name}")

    def __call__(self, *args, **kwargs):
        return self.wire_session.request({"op": "call", "target": self, "args": list(args),
                                          "kwargs": kwargs}, self.wire_type)

    def __repr__(self) -> str:
        return f"<{self.wire_type} in the worker>"
