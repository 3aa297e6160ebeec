"""What the student reads when a check ends in the student's failure: the worker's description
of an exception, a crash's exit status or a stalled call's frames, turned into a status and a
catalog message (a catalog.Message: key and fields, a reason or a place nested in it).
Everything here comes from the worker and was checked where it entered the judge
(session.py: clean_error, clean_frames); a value of another kind still gives a message.
"""
from __future__ import annotations

import re
import signal

import numpy as np

from .. import catalog
from ..results import TRACEBACK
from .client import OUTPUT_LIMIT_MB, memory_limit_gib
from .session import UNREADABLE, StudentError

FORBIDDEN = ("solutions", "grader", "tests", "pytest", "_pytest", "pytest_jsonreport")


def where(frames) -> catalog.Message | str:
    """' (ch03/softmax.py, line 12: `return x / 0`)' for the innermost student frame."""
    if not frames or not isinstance(frames[-1], list) or len(frames[-1]) < 4:
        return ""
    file, line, _, source = frames[-1][:4]
    code = f": `{source}`" if source else ""
    return catalog.message("test.where", file=file, line=line, code=code)


def _signal_name(number: int) -> str:
    """SIGSEGV, SIGRTMIN+6 (real-time signals are not in signal.Signals), or the number."""
    try:
        return signal.Signals(number).name
    except ValueError:
        if signal.SIGRTMIN <= number <= signal.SIGRTMAX:
            return f"SIGRTMIN+{number - signal.SIGRTMIN}"
        return str(number)


def crash_message(exit_status, exercise: str) -> catalog.Message:
    if type(exit_status) is not int:
        exit_status = None
    if exit_status == -signal.SIGXFSZ:
        return catalog.message("test.output_flood", limit=OUTPUT_LIMIT_MB)
    if exit_status == -signal.SIGKILL:
        return catalog.message("test.memory", limit=memory_limit_gib())
    if exit_status is None:
        reason = catalog.message("crash.no_answer")
    elif exit_status < 0:
        reason = catalog.message("crash.signal", signal=_signal_name(-exit_status))
    else:
        reason = catalog.message("crash.exit", status=exit_status)
    return catalog.message("test.crashed", reason=reason, exercise=exercise)


# Aliases NumPy removed, with the release that removed them and what to write instead.
NUMPY_REMOVED = {
    **{name: ("1.24", name) for name in ("int", "float", "bool", "object", "complex", "str")},
    "float_": ("2.0", "np.float64"), "complex_": ("2.0", "np.complex128"),
    "NaN": ("2.0", "np.nan"), "Inf": ("2.0", "np.inf"), "round_": ("2.0", "np.round"),
    "product": ("2.0", "np.prod"), "cumproduct": ("2.0", "np.cumprod"),
    "sometrue": ("2.0", "np.any"), "alltrue": ("2.0", "np.all"),
    "unicode_": ("2.0", "np.str_"), "string_": ("2.0", "np.bytes_")}


def _removed_from_numpy(kind: str, message: str) -> tuple[str, str, str] | None:
    match = re.match(r"module 'numpy' has no attribute '(\w+)'", message)
    if kind != "AttributeError" or not match or match.group(1) not in NUMPY_REMOVED:
        return None
    return (match.group(1), *NUMPY_REMOVED[match.group(1)])


def student_error(error: StudentError, exercise: str) -> tuple[str, catalog.Message]:
    info, kind = error.info, error.type_name
    frames = info.get("frames") or []
    detail = str(info.get("message", "")).strip().splitlines()
    detail = detail[0][:300] if detail else "(no message)"
    if kind == "NotImplementedError":
        name = frames[-1][2] if frames and len(frames[-1]) > 2 else error.what
        return "not_started", catalog.message("test.not_started", name=name, exercise=exercise)
    if "file" in info:  # a SyntaxError or IndentationError, in the file that has it
        return "error", catalog.message(
            "test.import_failed", module=info["file"], kind=kind, detail=detail,
            where=catalog.message("test.where_line", line=info.get("line")))
    module = str(info.get("module") or "")
    if kind == "ModuleNotFoundError" and module.split(".")[0] in FORBIDDEN:
        importer = frames[-1][0] if frames else "your code"
        return "error", catalog.message("test.forbidden_import", module=importer, name=module)
    removed = _removed_from_numpy(kind, str(info.get("message", "")))
    if removed:
        attribute, version, instead = removed
        return "error", catalog.message("test.numpy_removed", name=error.what,
                                        attribute=attribute, version=version, instead=instead,
                                        running=np.__version__, where=where(frames))
    if kind == UNREADABLE:
        return "error", catalog.message("test.unreadable_answer", name=error.what,
                                        detail=detail)
    if kind == "OSError" and "[Errno 27]" in detail:  # EFBIG: the output file's size limit
        return "error", catalog.message("test.output_flood", limit=OUTPUT_LIMIT_MB)
    if kind == "MemoryError":
        return "error", catalog.message("test.memory", limit=memory_limit_gib())
    if kind == "SystemExit":
        return "error", catalog.message("test.crashed", reason=f"sys.exit({detail})",
                                        exercise=exercise)
    if info.get("input"):  # the check named its notable input (suite.raised_on)
        return "error", catalog.message("test.raised_on", name=error.what, kind=kind,
                                        detail=detail, input=info["input"],
                                        where=where(frames), exercise=exercise)
    return "error", catalog.message("test.raised", name=error.what, kind=kind, detail=detail,
                                    where=where(frames), exercise=exercise)


def traceback_text(error: BaseException) -> str:
    """--verbose: the student's own frames of a failure, innermost last."""
    frames = getattr(error, "info", {}).get("frames") if isinstance(error, StudentError) else (
        getattr(error, "frames", None))
    if not frames:
        return ""
    lines = [TRACEBACK]
    for where, line, name, source in (f[:4] for f in frames if len(f) >= 4):
        lines.append(f"  {where}, line {line}, in {name}" + (f"\n    {source}" if source else ""))
    return "\n".join(lines)
