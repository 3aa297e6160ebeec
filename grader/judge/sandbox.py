"""How the worker is started: confined by bubblewrap where it works, plainly elsewhere.

Under bubblewrap (`bwrap`) the worker runs as an unprivileged user in new user, PID, network, IPC
and UTS namespaces. It sees the Python installation read-only, its own copy of the worker code
and of the submission read-only (at /dlfs/lib and /dlfs/student), an empty /tmp, and nothing else
of the machine: not the kit, its solutions or hidden checks, the cache, other submissions, the
home folder or the network. It dies with the judge, and with it every process it started.
"""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from .. import catalog

MODES = ("auto", "bwrap", "none")
SANDBOX_ROOT = "/dlfs"  # where the worker's code and the submission appear inside bwrap
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
SYSTEM_FILES = ("/etc/ld.so.cache", "/etc/localtime")
NOBODY = "65534"
# This interpreter by a path without "..", which inside the sandbox may not resolve.
PYTHON = os.path.normpath(os.path.abspath(sys.executable))


class SandboxUnavailable(Exception):
    """`--sandbox bwrap` was asked for and bubblewrap cannot run here; the message says why."""


def _python_dirs() -> list[str]:
    """The folders the worker's Python needs: its installation, the virtual environment and the
    folders packages are installed in."""
    dirs = {sys.base_prefix, sys.prefix, sys.exec_prefix, sys.base_exec_prefix}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        dirs.add(sysconfig.get_paths()[key])
    for entry in sys.path:  # packages installed with --user or --target
        if entry.endswith(("site-packages", "dist-packages")) and os.path.isdir(entry):
            dirs.add(entry)
    real = sorted({os.path.realpath(d) for d in dirs if d and os.path.isdir(d)} | {
        d for d in dirs if d and os.path.isdir(d)})
    # A folder inside another one is already mounted with it.
    return [d for d in real if not any(d != o and d.startswith(o + os.sep) for o in real)]


def kit_dirs() -> list[Path]:
    """The kit's own folders, hidden inside the sandbox wherever they lie under a mounted one
    (a kit installed into site-packages, say)."""
    import grader
    kit = Path(grader.__file__).resolve().parent
    return [kit, kit.parent / "data", kit.parent / "solutions", kit.parent / "tests"]


def _binds() -> list[str]:
    args = []
    for path in SYSTEM_DIRS:
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    for path in SYSTEM_FILES:
        if os.path.exists(path):
            args += ["--ro-bind", path, path]
    mounted = _python_dirs()
    for path in mounted:
        if not any(path == s or path.startswith(s + os.sep) for s in SYSTEM_DIRS):
            args += ["--ro-bind", path, path]
    for kit in kit_dirs():
        inside = any(str(kit).startswith(m + os.sep) for m in mounted + list(SYSTEM_DIRS))
        if kit.is_dir() and inside:
            args += ["--tmpfs", str(kit)]
    return args


def bwrap_command(python: list[str], run_dir: Path | None = None) -> list[str]:
    """bwrap running `python`, with the run's worker code and submission when run_dir is given."""
    own = [] if run_dir is None else [
        "--ro-bind", str(run_dir / "lib"), f"{SANDBOX_ROOT}/lib",
        "--ro-bind", str(run_dir / "student"), f"{SANDBOX_ROOT}/student"]
    # The empty /tmp first: a Python installation (a venv) that lies under /tmp is mounted on it.
    return ["bwrap", "--unshare-all", "--die-with-parent", "--new-session",
            "--uid", NOBODY, "--gid", NOBODY, "--tmpfs", "/tmp", *_binds(), *own,
            "--proc", "/proc", "--dev", "/dev", "--chdir", "/tmp", "--", *python]


# Set by a `grade` that found bubblewrap working for the `grade run` processes it starts
# (grade batch): they skip the probe, a sandbox that starts Python and imports numpy (0.2 s).
CHECKED_ENV = "DLFS_BWRAP_CHECKED"


def checked_env() -> dict[str, str]:
    """The environment that tells a child `grade` this interpreter was found to run under
    bubblewrap (empty when it was not)."""
    return {} if bwrap_problem() else {CHECKED_ENV: PYTHON}


def bwrap_problem() -> str | None:
    """Why bubblewrap cannot confine the worker here, or None when it can (in the catalog's
    language, which may change between calls; the probe itself runs once)."""
    found = _probe()
    return None if found is None else catalog.text(found[0], **found[1])


@functools.lru_cache(maxsize=None)
def _probe() -> tuple[str, dict] | None:
    """The catalog key and fields of what keeps bubblewrap from confining here, or None."""
    if os.environ.get(CHECKED_ENV) == PYTHON:  # the parent `grade` probed for this Python
        return None
    if not sys.platform.startswith("linux"):
        return "sandbox.not_linux", {"platform": sys.platform}
    if shutil.which("bwrap") is None:
        return "sandbox.not_installed", {}
    try:
        done = subprocess.run(bwrap_command([PYTHON, "-I", "-c", "import numpy"]),
                              capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return "sandbox.cannot_start", {"error": exc}
    if done.returncode != 0:
        detail = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["-"]
        return "sandbox.cannot_start_here", {"detail": detail[0]}
    return None


bwrap_problem.cache_clear = _probe.cache_clear  # type: ignore[attr-defined]  # probe again


def resolve(mode: str) -> str:
    """The mode a run uses: "bwrap" or "none". Raises SandboxUnavailable for an impossible
    `bwrap`."""
    if mode == "none":
        return "none"
    problem = bwrap_problem()
    if problem is None:
        return "bwrap"
    if mode == "bwrap":
        raise SandboxUnavailable(catalog.text("sandbox.unavailable", problem=problem))
    return "none"
