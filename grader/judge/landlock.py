"""Landlock: the kernel's own allow-list for files, TCP and IPC, for a worker without namespaces.

A process restricts itself (and everything it starts later) to the rules it hands the kernel;
no privilege and no user namespace is needed, so it works as root in a container and as an
ordinary user on a CI runner alike. Only the three documented system calls are used
(Documentation/userspace-api/landlock.rst), through ctypes: the bindings on PyPI are alpha or
beta releases, and the most used one has no TCP or scope rules.

Each ABI level handles more: 1 the filesystem basics, 2 REFER (moving files between folders),
3 TRUNCATE, 4 TCP bind and connect, 5 ioctl on devices, 6 scoping (signals and abstract unix
sockets), 7 only audit-log flags. What the running kernel does not know cannot be denied: below
ABI 3 truncating a readable file is allowed, below 4 TCP is open, below 6 so are signals. Below
ABI 2 moving a file into another folder is always refused (EXDEV). UDP, named unix sockets
and pipes are no Landlock rights at any level: a network namespace (bwrap) closes those.
"""
from __future__ import annotations

import ctypes
import os
import stat
import sys

# The same numbers on every architecture but alpha: landlock came after the syscall tables
# were unified (include/uapi/asm-generic/unistd.h).
_CREATE_RULESET, _ADD_RULE, _RESTRICT_SELF = 444, 445, 446
_CREATE_RULESET_VERSION = 1 << 0
_RULE_PATH_BENEATH = 1  # no port is ever granted, so no LANDLOCK_RULE_NET_PORT
_PR_SET_NO_NEW_PRIVS = 38

# LANDLOCK_ACCESS_FS_*: the first 13 bits are ABI 1.
FS_EXECUTE, FS_WRITE_FILE, FS_READ_FILE, FS_READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
FS_REFER, FS_TRUNCATE, FS_IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
_FS_ABI1 = (1 << 13) - 1
# Rights a rule on a file (not a folder) may carry; any other bit there is EINVAL.
_FS_FILE = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV
NET_BIND_TCP, NET_CONNECT_TCP = 1 << 0, 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1


# What a Python and numpy need beyond the installation's own folders (measured with strace):
# the shared libraries and the dynamic loader, which needs the execute right; the loader's cache,
# the time zone and locale aliases (without them they fall back to defaults silently); the CPU
# count OpenBLAS and os.cpu_count read; and the two devices programs expect to open.
LIBRARY_DIRS = ("/lib", "/lib64", "/lib32", "/libx32", "/usr/lib", "/usr/lib64", "/usr/lib32",
                "/usr/libx32")
SYSTEM_PATHS = ("/etc/ld.so.cache", "/etc/localtime", "/usr/share/locale/locale.alias",
                "/sys/devices/system/cpu", "/dev/null", "/dev/urandom")


class Unavailable(Exception):
    """Landlock cannot restrict this process; the message says why."""


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1  # the kernel declares it __attribute__((packed)): 12 bytes, not 16
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _libc():
    if not sys.platform.startswith("linux"):
        return None, None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None, None
    libc.syscall.restype = ctypes.c_long
    return libc.syscall, libc.prctl


# Loaded at import, in the parent: a child between fork and exec should not open libraries.
_syscall, _prctl = _libc()
_abi: int | None = None


def _check(result: int) -> int:
    if result < 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return result


def abi_version() -> int:
    """The Landlock ABI the running kernel offers; 0 where there is none (not Linux, a kernel
    without it, or Landlock left out of the boot's LSM list)."""
    global _abi
    if _abi is None:
        version = 0
        if _syscall is not None:
            version = _syscall(ctypes.c_long(_CREATE_RULESET), None, ctypes.c_size_t(0),
                               ctypes.c_long(_CREATE_RULESET_VERSION))
            if version < 0:  # ENOSYS, EOPNOTSUPP, or a seccomp filter's EPERM
                version = 0
        _abi = int(version)
    return _abi


def python_read_paths() -> list[str]:
    """The paths a restricted Python needs to read, beyond its installation and packages, to
    start and run numpy (those that exist here)."""
    return [p for p in LIBRARY_DIRS + SYSTEM_PATHS if os.path.exists(p)]


def _fs_handled(abi: int) -> int:
    rights = _FS_ABI1
    if abi >= 2:
        rights |= FS_REFER
    if abi >= 3:
        rights |= FS_TRUNCATE
    if abi >= 5:
        rights |= FS_IOCTL_DEV
    return rights


def _add_path(ruleset: int, path: str, rights: int) -> None:
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except (FileNotFoundError, NotADirectoryError):
        return  # a folder this machine lacks (/lib64, say) is no error
    try:
        if not stat.S_ISDIR(os.fstat(fd).st_mode):
            rights &= _FS_FILE
        rule = _PathBeneathAttr(rights, fd)
        _check(_syscall(ctypes.c_long(_ADD_RULE), ctypes.c_long(ruleset),
                        ctypes.c_long(_RULE_PATH_BENEATH), ctypes.byref(rule), ctypes.c_long(0)))
    finally:
        os.close(fd)


def restrict(read_only: list[str], read_write: list[str], *, deny_tcp: bool = True,
             scope: bool = True) -> list[str]:
    """Restrict this process and its future children: read and execute `read_only`, read, write,
    create and remove in `read_write`, nothing elsewhere; no TCP bind or connect (`deny_tcp`,
    ABI 4), no signal to and no abstract unix socket of a process outside (`scope`, ABI 6).

    Safe in subprocess's preexec_fn (nothing is imported or loaded here). Returns the layers
    applied, e.g. ["landlock-fs", "landlock-tcp", "landlock-scope"]; raises Unavailable where
    the kernel has no Landlock and OSError when the kernel refuses a rule (none is in force then).
    """
    abi = abi_version()
    if abi == 0:
        raise Unavailable("the kernel has no Landlock (ABI 0): it needs Linux 5.13 or later "
                          "with landlock in its LSM list, and a seccomp profile that allows it")
    handled = _fs_handled(abi)
    layers = ["landlock-fs"]
    attr = _RulesetAttr(handled, 0, 0)
    if deny_tcp and abi >= 4:
        attr.handled_access_net = NET_BIND_TCP | NET_CONNECT_TCP  # handled with no rule: denied
        layers.append("landlock-tcp")
    if scope and abi >= 6:
        attr.scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL
        layers.append("landlock-scope")
    ruleset = _check(_syscall(ctypes.c_long(_CREATE_RULESET), ctypes.byref(attr),
                              ctypes.c_size_t(ctypes.sizeof(attr)), ctypes.c_long(0)))
    try:
        reading = FS_EXECUTE | FS_READ_FILE | FS_READ_DIR
        for path in read_only:
            _add_path(ruleset, path, reading)
        # Everything handled but executing what was written there and ioctl on devices.
        writing = handled & ~(FS_EXECUTE | FS_IOCTL_DEV)
        for path in read_write:
            _add_path(ruleset, path, writing)
        # Without it an unprivileged process may not restrict itself, and a set-uid program
        # started later could shed the rules.
        _check(_prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
        _check(_syscall(ctypes.c_long(_RESTRICT_SELF), ctypes.c_long(ruleset), ctypes.c_long(0)))
    finally:
        os.close(ruleset)
    return layers
