"""What confines the worker besides bubblewrap: its own uid, rlimits and Landlock, set in the
child between fork and exec (the layers the results list as `sandbox_layers`).

- uid (grade is root): the worker runs as a leased uid and gid (uids.py) with no supplementary
  groups or capabilities, so it cannot signal or trace the judge or grade, read what only root
  may read, or write anything root owns. Its run folder is root's and its group's only (0750):
  another worker (another uid) cannot even enter it. It reads its code and submission copy
  (root's files, 0644/0755) and writes only its scratch folder (its own, 0700), which is its
  TMPDIR, HOME and working folder. Landlock is layered on top where the kernel has it.
- landlock (not root): Landlock alone, and the rlimits; the worker keeps grade's uid.
- bwrap started by root: bubblewrap under a leased uid too, so RLIMIT_NPROC holds (the kernel
  lets a process of uid 0 past it, in a user namespace or not).
RLIMIT_NPROC allows PROCESS_LIMIT processes and threads (DLFS_PROCESS_LIMIT): a flood costs
its own check. Under grade's own uid (landlock, bwrap not as root) the kernel counts every task
of the user, so the limit is what the user runs now plus PROCESS_LIMIT (uids.process_limit).
"""
from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from . import landlock, reaper, sandbox, uids

PROCESS_LIMIT_ENV = "DLFS_PROCESS_LIMIT"
DEFAULT_PROCESS_LIMIT = 256  # the zygote, a session and its threads need about ten
FILES_LIMIT = 1024


def process_limit() -> int:
    return int(os.environ.get(PROCESS_LIMIT_ENV, DEFAULT_PROCESS_LIMIT))


def lease_for(mode: str) -> uids.Lease | None:
    """The uid of its own a Worker in `mode` runs under, or None (it keeps grade's)."""
    if mode == "uid" or (mode == "bwrap" and sandbox.bwrap_as_uid()):
        close_kit()
        return uids.lease()
    return None


def close_kit() -> None:
    """Make the kit's secrets root's alone. Under a uid of its own the worker is an "other" to
    every file: a solutions/ or grader/hidden/ checked out 0755, or a cache made 0755 under a
    umask of 022, would be readable by it. grade (root) reads them as their owner still."""
    from data.cache import kit_cache_root
    kit = Path(sandbox.kit_dirs()[0])
    for folder in (kit.parent / "solutions", kit / "hidden", kit_cache_root()):
        try:
            info = folder.lstat()
        except OSError:
            continue
        if stat.S_ISDIR(info.st_mode) and info.st_uid == 0 and info.st_mode & 0o077:
            folder.chmod(0o700)


def hand_over(run_dir: Path, lease: uids.Lease, only_bytecode: bool = False) -> None:
    """The run folder's modes for a worker of the leased uid: it may enter and list it (its
    group, 0750: the import system lists the folders on sys.path), read its code and submission
    copy (root's, 0755/0644) and write its scratch folder (its own, 0700); everything else there
    (its output file) stays root's."""
    for folder, _, files in [*os.walk(run_dir / "lib"), *os.walk(run_dir / "student")]:
        if only_bytecode and "__pycache__" not in folder:
            continue
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)
    if not only_bytecode:
        os.chown(run_dir, 0, lease.gid)
        os.chmod(run_dir, 0o750)
        os.chown(run_dir / "tmp", lease.uid, lease.gid)
        os.chmod(run_dir / "tmp", 0o700)


def _landlock_paths(run_dir: Path, tmp: str) -> tuple[list[str], list[str]]:
    read = [*sandbox._python_dirs(), *sandbox.SYSTEM_DIRS, *sandbox.SYSTEM_FILES,
            *landlock.python_read_paths(), str(run_dir)]  # its tmp/ is read-write below
    return read, [tmp, "/dev/null"]


def preparation(mode: str, lease: uids.Lease | None, run_dir: Path, tmp: str, tell: int,
                limit_resources):
    """The function the child runs between fork and exec: rlimits, Landlock, the uid, in that
    order (the rules' folders are opened while still root; the parent-death signal is set last,
    since changing uid clears it), writing the layers it took to `tell`."""
    own_uid = lease is not None
    allowed = None if mode == "none" else uids.process_limit(process_limit(), own_uid)
    with_landlock = mode in ("uid", "landlock") and landlock.abi_version() > 0
    read, write = _landlock_paths(run_dir, tmp) if with_landlock else ([], [])

    def prepare() -> None:
        limit_resources(allowed)
        layers = ["rlimits"] + (["rlimit-nproc"] if allowed is not None else [])
        if with_landlock:
            layers += landlock.restrict(read, write)
        if lease is not None:
            lease.drop()
            layers.insert(0, "uid")
        reaper.die_with_parent()
        os.write(tell, json.dumps(layers).encode())
    return prepare


def layers_told(said: bytes, mode: str) -> list[str]:
    """The layers the child wrote, bubblewrap's first when it runs in it."""
    try:
        layers = [str(layer) for layer in json.loads(said.decode())]
    except (ValueError, TypeError):
        layers = []
    return (["bwrap"] if mode == "bwrap" else []) + layers
