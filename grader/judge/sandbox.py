"""How the worker is confined: the strongest layer that works here (`--sandbox auto`).

The ladder: bubblewrap (`bwrap`) where user namespaces work; else, as root (a container, `sudo`
on a CI runner), a uid and gid of the worker's own with rlimits and Landlock (`uid`); else
Landlock alone where the kernel has it (`landlock`); else unconfined (`none`), with one line
that says so.

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

MODES = ("auto", "bwrap", "uid", "landlock", "none")
CONFINED = ("bwrap", "uid", "landlock")
SANDBOX_ROOT = "/dlfs"  # where the worker's code and the submission appear inside bwrap
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
SYSTEM_FILES = ("/etc/ld.so.cache", "/etc/localtime")
NOBODY = "65534"
# This interpreter by a path without "..", which inside the sandbox may not resolve.
PYTHON = os.path.normpath(os.path.abspath(sys.executable))


class SandboxUnavailable(Exception):
    """`--sandbox bwrap`, `uid` or `landlock` was asked for and cannot confine here; the
    message says why and what to do."""


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


TMPFS_ENV = "DLFS_TMPFS_MIB"
DEFAULT_TMPFS_MIB = 256  # each of /tmp and /dev/shm: their pages count against no rlimit


def tmpfs_bytes() -> int:
    return int(float(os.environ.get(TMPFS_ENV, DEFAULT_TMPFS_MIB)) * 2**20)


def bwrap_command(python: list[str], run_dir: Path | None = None) -> list[str]:
    """bwrap running `python`, with the run's worker code and submission when run_dir is given."""
    own = [] if run_dir is None else [
        "--ro-bind", str(run_dir / "lib"), f"{SANDBOX_ROOT}/lib",
        "--ro-bind", str(run_dir / "student"), f"{SANDBOX_ROOT}/student"]
    size = str(tmpfs_bytes())
    # The empty /tmp first: a Python installation (a venv) that lies under /tmp is mounted on it.
    # Both tmpfs are sized: their pages are memory that RLIMIT_AS does not count.
    return ["bwrap", "--unshare-all", "--die-with-parent", "--new-session",
            "--uid", NOBODY, "--gid", NOBODY, "--size", size, "--tmpfs", "/tmp", *_binds(),
            *own, "--proc", "/proc", "--dev", "/dev", "--size", size, "--tmpfs", "/dev/shm",
            "--chdir", "/tmp", "--", *python]


# Set by a `grade` that found bubblewrap working for the `grade run` processes it starts
# (grade batch): they skip the probe, a sandbox that starts Python and imports numpy (0.2 s).
# Its value says whether bwrap ran under a uid of the worker's own (":uid") or as grade's user.
CHECKED_ENV = "DLFS_BWRAP_CHECKED"


def checked_env() -> dict[str, str]:
    """The environment that tells a child `grade` this interpreter was found to run under
    bubblewrap (empty when it was not)."""
    if bwrap_problem():
        return {}
    return {CHECKED_ENV: PYTHON + (":uid" if bwrap_as_uid() else "")}


def bwrap_problem() -> str | None:
    """Why bubblewrap cannot confine the worker here, or None when it can (in the catalog's
    language, which may change between calls; the probe itself runs once)."""
    found = _probe()[0]
    return None if found is None else catalog.text(found[0], **found[1])


def bwrap_as_uid() -> bool:
    """Whether bwrap is started under a uid of the worker's own (grade runs as root, and bwrap
    works that way): as root the kernel enforces no RLIMIT_NPROC, even in a user namespace."""
    return _probe()[1]


def _try_bwrap(as_uid: bool) -> tuple[str, dict] | None:
    from . import uids
    try:
        lease = uids.lease() if as_uid else None
    except (uids.NoUid, OSError) as exc:
        return "sandbox.no_uid", {"detail": exc}
    try:
        done = subprocess.run(bwrap_command([PYTHON, "-I", "-c", "import numpy"]),
                              capture_output=True, timeout=30, cwd="/",
                              preexec_fn=lease.drop if lease else None)
    except (OSError, subprocess.SubprocessError) as exc:
        return "sandbox.cannot_start", {"error": exc}
    finally:
        if lease:
            lease.release()
    if done.returncode != 0:
        detail = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["-"]
        return "sandbox.cannot_start_here", {"detail": detail[0]}
    return None


@functools.lru_cache(maxsize=None)
def _probe() -> tuple[tuple[str, dict] | None, bool]:
    """The catalog key and fields of what keeps bubblewrap from confining here (None: it can),
    and whether it runs under a uid of the worker's own."""
    checked = os.environ.get(CHECKED_ENV, "")
    if checked.split(":uid")[0] == PYTHON:  # the parent `grade` probed for this Python
        return None, checked.endswith(":uid")
    if not sys.platform.startswith("linux"):
        return ("sandbox.not_linux", {"platform": sys.platform}), False
    if shutil.which("bwrap") is None:
        return ("sandbox.not_installed", {}), False
    # As root, under a leased uid (which also shows that uid can read this Python: no probe of
    # its own); failing that (a Python under a folder only root may enter), as root.
    if os.geteuid() == 0 and _try_bwrap(as_uid=True) is None:
        return None, True
    return _try_bwrap(as_uid=False), False


@functools.lru_cache(maxsize=None)
def _uid_probe() -> tuple[str, dict] | None:
    from . import uids
    return uids.problem()


def uids_problem() -> str | None:
    """Why the worker cannot run under a uid of its own here (`--sandbox uid`), or None."""
    found = _uid_probe()
    return None if found is None else catalog.text(found[0], **found[1])


def landlock_problem() -> str | None:
    """Why Landlock cannot confine the worker here (`--sandbox landlock`), or None."""
    from . import landlock
    if landlock.abi_version() == 0:
        return catalog.text("sandbox.no_landlock")
    return None


def _clear() -> None:
    _probe.cache_clear()
    _uid_probe.cache_clear()


bwrap_problem.cache_clear = _clear  # type: ignore[attr-defined]  # probe again

_PROBLEMS = {"bwrap": (bwrap_problem, "sandbox.unavailable"),
             "uid": (uids_problem, "sandbox.uid_unavailable"),
             "landlock": (landlock_problem, "sandbox.landlock_unavailable")}


def resolve(mode: str) -> str:
    """The mode a run uses: bwrap, uid, landlock or none. `auto` takes the first of them that
    works here; an explicit bwrap, uid or landlock that cannot raises SandboxUnavailable."""
    if mode == "none":
        return "none"
    if mode in _PROBLEMS:
        problem_of, key = _PROBLEMS[mode]
        problem = problem_of()
        if problem is not None:
            raise SandboxUnavailable(catalog.text(key, problem=problem))
        return mode
    for candidate in CONFINED:
        if _PROBLEMS[candidate][0]() is None:
            return candidate
    return "none"


def choose(requested: str) -> tuple[str, str | None]:
    """The mode a run uses and, when it is not bubblewrap, why (for the one-line notice)."""
    mode = resolve(requested)
    if mode == "bwrap":
        return mode, None
    if requested == mode:
        return mode, f"--sandbox {mode}"
    # As root below the uid rung, why that rung was passed over too (its fix differs).
    passed = [bwrap_problem(), uids_problem() if mode != "uid" and os.geteuid() == 0 else None]
    return mode, "; ".join(filter(None, passed))
