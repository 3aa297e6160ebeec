"""What the grader (parent) and the grading plugin (child) agree on: the environment variables
that pass between them and the signature on each line of the events file."""
from __future__ import annotations

import hashlib
import hmac

SESSION_ENV = "DLFS_GRADER_SESSION"  # set: the child was started by the grader
SECRET_FD_ENV = "DLFS_GRADER_SECRET_FD"  # the pipe that carries the session's secrets
VERBOSE_ENV = "DLFS_GRADER_VERBOSE"  # `grade run --verbose`: keep each failure's traceback
STUDENT_PACKAGE_ENV = "DLFS_STUDENT_PACKAGE"  # the package graded modules are imported from


def sign(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, payload, hashlib.sha256).hexdigest().encode()


def signed_line(key: bytes, payload: bytes) -> bytes:
    return payload + b"\t" + sign(key, payload) + b"\n"


def verified_payload(key: bytes, line: bytes) -> bytes | None:
    """The payload of a line the plugin signed, or None for any other line."""
    payload, _, signature = line.rpartition(b"\t")
    return payload if hmac.compare_digest(signature, sign(key, payload)) else None
