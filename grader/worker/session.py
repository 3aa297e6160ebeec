"""One check's session in the worker, a child forked by the zygote (zygote.py).

It serves the judge's requests on its own socket: import a student module, call a function or
method, read or set an attribute, run a scenario (scenarios.py). Objects that are not plain data
stay here behind numbered handles; every failure goes back as data: the exception's type, message
and the student's own frames. At a call's deadline a watchdog thread reports the student's line
that is running, and functions that ran out of time earlier in the run are made to raise at once.
"""
from __future__ import annotations

import importlib
import linecache
import os
import socket
import sys
import threading
import traceback
import warnings
from time import monotonic, sleep  # bound at import: code that patches time cannot stall them

import numpy as np

from . import scenarios, wire
from .stopped import Stopper

STUDENT_PACKAGE = "student"
# What a function that ran out of time raises when called again (stopped.py's literal).
STOPPED_MESSAGE = "dlfs-worker: stopped for time earlier in this run"
STALL_SAMPLE_SECONDS = 0.05  # between the two looks at what runs when a deadline passes


class Session:
    """One check's calls, in the forked child."""

    def __init__(self, sock: socket.socket, request: dict):
        self.sock, self.objects = sock, {}
        self.root = os.path.realpath(request["student_root"])
        self.stopper = Stopper(request.get("stopped", []), self.root, self.relative)
        self.write_lock = threading.Lock()
        self.called: set[tuple[str, str]] = set()
        self.deprecations: list[str] = []  # numpy's deprecation warnings at the student's lines
        warnings.simplefilter("always", DeprecationWarning)
        warnings.simplefilter("always", FutureWarning)
        warnings.showwarning = self._note_warning
        # Started before any student code runs: code that starts threads until the process can
        # start no more must not leave its next call without a deadline report.
        self.watchdog = Watchdog(self._report_stalled)
        if request.get("trace"):
            sys.settrace(self._trace)  # told of Python calls only, never of numpy's C calls

    def _trace(self, frame, event, arg) -> None:
        """Which of the student's functions ran: the judge tells from it which exercise a
        failing check depended on. Returning None leaves the frame's lines untraced."""
        code = frame.f_code
        if code.co_filename.startswith(self.root):
            self.called.add((code.co_filename, getattr(code, "co_qualname", code.co_name)))

    def _note_warning(self, message, category, filename, lineno, file=None, line=None) -> None:
        """Keep a deprecation warning raised at one of the student's lines (numpy 1.23's
        "`np.int` is a deprecated alias"): it works here and fails on a newer numpy."""
        if issubclass(category, (DeprecationWarning, FutureWarning)) \
                and os.path.realpath(filename).startswith(self.root) \
                and len(self.deprecations) < 5:
            where = f"{self.relative(filename) or filename}, line {lineno}"
            text = f"{str(message).splitlines()[0][:200]} ({where})"
            if text not in self.deprecations:
                self.deprecations.append(text)

    # -- plumbing ----------------------------------------------------------------------------
    def keep(self, value) -> int:
        number = len(self.objects) + 1
        self.objects[number] = value
        return number

    def resolve(self, number: int, type_name: str):
        if number not in self.objects:
            raise KeyError(f"no object {number} in this session")
        return self.objects[number]

    def reply(self, message: dict) -> None:
        try:
            payload = wire.encode(message, keep=self.keep)
        except Exception as exc:  # noqa: BLE001 - e.g. an array numpy cannot save
            payload = wire.encode({"error": {"type": "UnsupportedResult",
                                             "message": f"{type(exc).__name__}: {exc}"[:500],
                                             "frames": []}})
        with self.write_lock:
            wire.send(self.sock, payload)

    def next_request(self) -> dict:
        try:
            return wire.decode(wire.receive(self.sock), self.resolve, self.judge_function)
        except (EOFError, OSError, wire.WireError):
            os._exit(0)

    def judge_function(self, number: int):
        """A function of the judge's (a check's f(x)): calling it asks the judge, and serves the
        judge's own calls meanwhile (its f may call back into this session)."""
        def call(*args):
            self.reply({"callback": number, "args": list(args)})
            while True:
                request = self.next_request()
                if request.get("op") == "callback_result":
                    if "error" in request:
                        raise ValueError(str(request["error"]))
                    return request.get("value")
                self.handle(request)
        return call

    def serve(self) -> None:
        while True:
            self.handle(self.next_request())

    def handle(self, request: dict) -> None:
        deadline = self.watchdog.arm(request.get("seconds"))
        try:
            message = {"ok": self.dispatch(request)}
        except BaseException as exc:  # noqa: BLE001 - every failure goes back as data
            message = {"error": self.describe(exc)}
        finally:
            self.watchdog.disarm(deadline)
            for stream in (sys.stdout, sys.stderr):  # what it printed reaches the judge's file
                try:
                    stream.flush()
                except Exception:  # noqa: BLE001 - a stream the student replaced or closed
                    pass
        self.reply(message)

    def _report_stalled(self) -> None:
        """At a call's deadline, tell the judge which student code is running: the frames
        still running a moment later, so a loop's own frame and not those of the calls it makes
        (a loop in train calling sigmoid stops train, not sigmoid). Each carries its code's
        first line: the judge stops that code for the rest of the run (stopped.py)."""
        first = self._student_stack()  # held, so that no later frame can reuse their memory
        sleep(STALL_SAMPLE_SECONDS)
        later = {id(frame) for frame in self._student_stack()}
        running = [frame for frame in first if id(frame) in later]
        if not running:  # the call returned meanwhile: a report now would be read as the next's
            return
        frames = []
        for frame in running:
            code = frame.f_code
            line = linecache.getline(code.co_filename, frame.f_lineno).strip()
            frames.append([self.relative(code.co_filename), frame.f_lineno,
                           getattr(code, "co_qualname", code.co_name), line[:200],
                           code.co_firstlineno])
        self.reply({"stalled": frames})

    def _student_stack(self) -> list:
        """The main thread's frames in the student's files, outermost first."""
        frame, frames = sys._current_frames().get(threading.main_thread().ident), []
        while frame is not None:
            if self.relative(frame.f_code.co_filename):
                frames.insert(0, frame)
            frame = frame.f_back
        return frames

    # -- what the student's code did ----------------------------------------------------------
    def relative(self, filename: str) -> str | None:
        path = os.path.realpath(filename)
        if path.startswith(self.root + os.sep):
            return path[len(self.root) + 1:].replace(os.sep, "/")
        return None

    def student_frames(self, summary) -> list:
        frames = []
        for frame in summary:
            where = self.relative(frame.filename)
            if where:
                frames.append([where, frame.lineno or 0, frame.name, (frame.line or "")[:200]])
        return frames

    def describe(self, exc: BaseException) -> dict:
        try:
            message = str(exc)[:2000]
        except Exception:  # noqa: BLE001 - a __str__ that raises
            message = "(the exception's message could not be read)"
        frames = self.student_frames(traceback.extract_tb(exc.__traceback__))
        described = {"type": type(exc).__name__, "message": message, "frames": frames}
        if isinstance(exc, SyntaxError) and exc.filename:
            described["file"] = self.relative(exc.filename) or os.path.basename(exc.filename)
            described["line"] = exc.lineno or 0
            described["message"] = str(exc.msg)[:500]
        if isinstance(exc, ModuleNotFoundError):
            described["module"] = str(exc.name or "")[:200]
        return described

    # -- the operations -------------------------------------------------------------------------
    def target(self, spec):
        if not isinstance(spec, str):
            return spec  # an object from this session
        module_name, _, name = spec.partition(":")
        module = importlib.import_module(f"{STUDENT_PACKAGE}.{module_name}")
        self.stopper.apply(sys.modules)  # code that ran out of time earlier raises at once
        return getattr(module, name) if name else module

    def dispatch(self, request: dict):
        op = request["op"]
        if op == "call":
            function = self.target(request["target"])
            args = request.get("args", [])
            if request.get("warnings"):
                with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn"):
                    warnings.simplefilter("always")
                    result = function(*args, **request.get("kwargs", {}))
                for w in caught:
                    self._note_warning(w.message, w.category, w.filename, w.lineno)
                return {"result": result, "warnings": [str(w.message)[:300] for w in caught]}
            result = function(*args, **request.get("kwargs", {}))
            # The arguments as the call left them, to see whether it changed its input.
            return {"result": result, "args": args} if request.get("return_args") else result
        if op == "getattr":
            return getattr(self.target(request["target"]), request["name"])
        if op == "setattr":
            return setattr(self.target(request["target"]), request["name"], request["value"])
        if op == "setitem":
            container = self.target(request["target"])
            for name in request.get("path", ()):
                container = getattr(container, name)
            container[request["key"]] = request["value"]
            return None
        if op == "called":
            return sorted({(self.relative(f) or f, q) for f, q in self.called})
        if op == "deprecations":
            return self.deprecations
        if op == "seed":
            np.random.seed(request["seed"])
            return None
        if op == "rng_state":
            return np.random.get_state()
        if op == "scenario":
            run = getattr(scenarios, request["name"])
            return run(self, *request.get("args", ()), **request.get("kwargs", {}))
        raise ValueError(f"unknown operation {op!r}")

    def progress(self, key: str, **fields) -> None:
        """A progress line (a catalog key and its numbers) for the student during a long call."""
        self.reply({"progress": {"key": key, "fields": fields}})


class Watchdog:
    """One thread for the session's deadlines (calls nest: a judge's f(x) called back into the
    session has a deadline of its own). `report` runs once for each deadline that passes before
    its call returns."""

    def __init__(self, report):
        self.report, self.deadlines, self.count = report, {}, 0
        self.changed = threading.Condition()
        threading.Thread(target=self._run, name="dlfs-watchdog", daemon=True).start()

    def arm(self, seconds) -> int | None:
        if not seconds:
            return None
        with self.changed:
            self.count += 1
            self.deadlines[self.count] = monotonic() + float(seconds)
            self.changed.notify()
            return self.count

    def disarm(self, number: int | None) -> None:
        if number is not None:
            with self.changed:
                self.deadlines.pop(number, None)
                self.changed.notify()

    def _run(self) -> None:
        while True:
            with self.changed:
                now = monotonic()
                due = [n for n, at in self.deadlines.items() if at <= now]
                for number in due:
                    del self.deadlines[number]
                if not due:
                    self.changed.wait(min(self.deadlines.values(), default=now + 3600) - now)
                    continue
            for _ in due:  # outside the lock: reporting writes to the judge's socket
                try:
                    self.report()
                except Exception:  # noqa: BLE001 - the next deadline still gets its report
                    pass
