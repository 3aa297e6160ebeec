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
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from ..worker import processes, wire
from . import confine, reaper, sandbox
from .sandbox import PYTHON
from .session import Session

WORKER_DIR = Path(__file__).resolve().parent.parent / "worker"
DATA_DIR = Path(__file__).resolve().parent.parent.parent / "data"
OUTPUT_LIMIT_MB = 64
MEMORY_LIMIT_ENV = "DLFS_MEMORY_LIMIT_GIB"
DEFAULT_MEMORY_GIB = 6
# DLFS_WORKER_TAG labels the workers of one caller: the kit's tests find their own by it.
PASSED_ENV = ("PATH", "LANG", "LC_ALL", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE",
              "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "DLFS_WORKER_TAG")


# Set by grade for its judge: the judge's private folder, which grade removes however the judge
# ends (SIGKILL included), so the worker's run folder inside it never stays behind in /tmp.
RUN_PARENT_ENV = "DLFS_RUN_PARENT"


def run_folder() -> Path:
    """A new run folder for a worker: the one place its path is chosen. Inside the folder grade
    gave (RUN_PARENT_ENV), else (the judge run straight by pytest, `grade plot`) in the system's
    temporary folder. A worker of a uid of its own must be able to go through every folder above
    it: grade makes its private folder 0711 (runner.py)."""
    parent = os.environ.get(RUN_PARENT_ENV)
    return Path(tempfile.mkdtemp(prefix="dlfs-worker-",
                                 dir=parent if parent and os.path.isdir(parent) else None))


def memory_limit_gib() -> float:
    return float(os.environ.get(MEMORY_LIMIT_ENV, DEFAULT_MEMORY_GIB))


def _limit_resources(processes_allowed: int | None = None) -> None:
    """In the worker between fork and exec: memory, file size, descriptors, core dumps and
    (given) processes plus threads."""
    memory = int(memory_limit_gib() * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    output = OUTPUT_LIMIT_MB * 2**20
    resource.setrlimit(resource.RLIMIT_FSIZE, (output, output))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    files = min(confine.FILES_LIMIT, resource.getrlimit(resource.RLIMIT_NOFILE)[1])
    resource.setrlimit(resource.RLIMIT_NOFILE, (files, files))
    if processes_allowed is not None:
        resource.setrlimit(resource.RLIMIT_NPROC, (processes_allowed, processes_allowed))


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
        # A uid of its own (uid mode; bwrap started by root), held until close().
        self.lease = confine.lease_for(mode)
        self.layers: list[str] = []  # what confined the last start (confine.py)
        self.run_dir = run_folder()
        (self.run_dir / "tmp").mkdir()
        skip = shutil.ignore_patterns("__pycache__")
        shutil.copytree(WORKER_DIR, self.run_dir / "lib" / "dlfs_worker", ignore=skip)
        # The provided MNIST loader and sample weights, which exercise modules import.
        shutil.copytree(DATA_DIR, self.run_dir / "lib" / "data", ignore=skip)
        copy_submission(submission, self.run_dir / "student")
        if self.lease is not None:
            confine.hand_over(self.run_dir, self.lease)
        self.compiled = False  # byte code: written once the worker is booting (start)
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
                "from dlfs_worker.zygote import main; main()")
        python = [PYTHON, "-I", "-c", boot]
        command = sandbox.bwrap_command(python, self.run_dir) if self.mode == "bwrap" else python
        tmp = "/tmp" if self.mode == "bwrap" else str(self.run_dir / "tmp")
        env = {key: os.environ[key] for key in PASSED_ENV if key in os.environ}
        env.update({"DLFS_WORKER_FD": str(theirs.fileno()), "PYTHONHASHSEED": "0",
                    "PYTHONDONTWRITEBYTECODE": "1", "TMPDIR": tmp, "HOME": tmp,
                    "MPLBACKEND": "Agg",
                    # emptied after each check (zygote.py); bwrap's /dev/shm is its own too
                    "DLFS_SCRATCH": "/tmp:/dev/shm" if self.mode == "bwrap" else tmp})
        for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env.setdefault(variable, "1")  # small matrices: threads only fight over the cores
        output = os.open(self.output_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        told, tell = os.pipe()  # the child says there which layers it took (confine.py)
        prepare = confine.preparation(self.mode, self.lease, self.run_dir, tmp, tell,
                                      _limit_resources)
        try:
            self.process = subprocess.Popen(
                command, env=env, cwd=tmp, stdin=subprocess.DEVNULL, stdout=output,
                stderr=output, pass_fds=(theirs.fileno(),), preexec_fn=prepare,
                start_new_session=True)
        finally:
            os.close(output)
            os.close(tell)
            theirs.close()
            with os.fdopen(told, "rb") as said:
                self.layers = confine.layers_told(said.read(4096), self.mode)
        self.control = ours
        if not self.compiled:
            # Byte code compiled here (compiling runs nothing), so sessions do not compile the
            # submission again; while the worker boots, not before (its first session waits for
            # this call to return). Each file is written whole and renamed into place.
            compileall.compile_dir(self.run_dir, quiet=2, workers=1)
            if self.lease is not None:
                confine.hand_over(self.run_dir, self.lease, only_bytecode=True)
            self.compiled = True
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
            if self.lease is not None:  # every process of its uid, wherever it went
                processes.kill_uid(self.lease.uid, self.lease.gid)
                processes.remove_ipc(self.lease.uid)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.run_dir, ignore_errors=True)
        if self.lease is not None:
            self.lease.release()
            self.lease = None

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
        # All of the zygote's answer by then, not each read (wire.receive's deadline).
        return wire.decode(wire.receive(self.control, deadline=time.monotonic() + seconds))

    def open_session(self, trace: bool = False) -> Session:
        for attempt in range(2):
            if self.process is None:
                self.start()
            try:
                sock = self._control_exchange(
                    {"op": "session", "student_root": f"{self._root()}/student",
                     "stopped": self.stopped, "trace": trace}, with_fd=True, seconds=30)
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
        finally:
            if self.mode == "uid" and self.lease is not None:  # nothing carries to the next check
                processes.remove_ipc(self.lease.uid)
