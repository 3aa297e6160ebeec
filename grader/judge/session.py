"""One check's conversation with the worker, seen from the judge: requests with a deadline,
answers turned into values, handles (`Remote`) or the student's failures as exceptions.

A request waits for its answer until the check's deadline; meanwhile the worker may send progress
lines, call back a function of the check's own, or, at the deadline, report the student's line
it was running. No answer in time: the session is killed (StudentTimeout). The connection breaks:
its process died (StudentCrash, with how it ended).
"""
from __future__ import annotations

import socket
import time
from typing import Any, Callable

from ..worker import wire
from ..worker.session import STOPPED_MESSAGE

UNREADABLE = "UnreadableAnswer"  # the worker's answer was too big or not a frame at all
GRACE_SECONDS = 1.0  # after a deadline, for the worker's report of where it was
REPLIES = {"ok", "error", "progress", "callback", "stalled"}  # what a session may send


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


class Session:
    """One check's conversation with the worker."""

    def __init__(self, worker, sock: socket.socket):
        self.worker, self.sock = worker, sock
        self.deadline = float("inf")
        self.alive = True
        self.outcome: dict | None = None
        self.callbacks: list[Callable] = []

    def register(self, function: Callable) -> int:
        self.callbacks.append(function)
        return len(self.callbacks) - 1

    def _answer_callback(self, reply: dict, until: float) -> None:
        """The worker called one of the check's own functions (an f(x) passed to the student's
        code): run it here on the data it sent, and send back the value or the error."""
        number, args = reply["callback"], reply.get("args", [])
        if type(number) is not int or not 0 <= number < len(self.callbacks) \
                or type(args) is not list:
            raise wire.WireError("a call back to a function the check never passed")
        try:
            value = self.callbacks[number](*args)
            answer = {"op": "callback_result", "value": value}
        except (StudentError, StudentTimeout, StudentCrash):
            raise
        except Exception as exc:  # noqa: BLE001 - the check's f failed on what it was given
            answer = {"op": "callback_result", "error": f"{type(exc).__name__}: {exc}"[:2000]}
        self._send(wire.encode(answer, callbacks=self.register), until)

    def _send(self, payload: bytes, until: float) -> None:
        # A session that stops reading must not hold the judge past the check's deadline.
        left = until - time.monotonic()
        if left <= 0:
            raise socket.timeout
        self.sock.settimeout(min(left, 1e6))
        wire.send(self.sock, payload)

    def finish(self, kill: bool = False) -> dict:
        """End the session (killing its process when kill); how the process ended."""
        if self.outcome is None:
            self.outcome = self.worker.end_session(self, kill=kill)
        self.alive = False
        return self.outcome

    def _read(self, until: float) -> dict:
        """The next whole frame, all of it by `until` (a frame trickled in costs the check)."""
        reply = wire.decode(wire.receive(self.sock, wire.MAX_ANSWER, deadline=until),
                            self.resolve)
        if type(reply) is not dict or not reply.keys() & REPLIES:
            raise wire.WireError("a reply the judge never asks for")
        return reply

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
            self._send(wire.encode(message, callbacks=self.register), self.deadline)
            while True:
                until = self.deadline + (GRACE_SECONDS if not frames else 0)
                reply = self._read(until)
                if "progress" in reply:
                    if self.worker.on_progress and isinstance(reply["progress"], dict):
                        self.worker.on_progress(reply["progress"])
                elif "callback" in reply:
                    self._answer_callback(reply, until)
                elif "stalled" in reply:
                    frames = clean_frames(reply["stalled"])
                elif "error" in reply:
                    info = clean_error(reply["error"])
                    if info["type"] == "TimeoutError" and info["message"] == STOPPED_MESSAGE:
                        raise StudentTimeout(what, 0, info["frames"], earlier=True)
                    raise StudentError(what, info)
                elif "ok" in reply:
                    return reply["ok"]
        except socket.timeout:
            self.finish(kill=True)
            self._remember_timeout(stop_key, frames)
            raise StudentTimeout(what, self.limit, frames) from None
        except wire.WireError as error:  # an answer too big, or not plain data
            self.finish(kill=True)
            raise StudentError(what, {"type": UNREADABLE, "message": str(error),
                                      "frames": []}) from None
        except (EOFError, OSError):
            outcome = self.finish()
            raise StudentCrash(what, outcome.get("exit")) from None

    limit: float = 0.0  # the check's time limit, for messages

    def _remember_timeout(self, stop_key: str | None, frames: list) -> None:
        """Later runs of the code that looped are charged at once, not waited for again: the
        innermost student code still running at the deadline (file, first line, qualname), so
        a lambda, a closure or a method counts as well as a module's function."""
        if stop_key:
            self.worker.stopped_targets[stop_key] = self.limit
        if frames and len(frames[-1]) == 5:
            where, _, qualname, _, first_line = frames[-1]
            if [where, first_line, qualname] not in self.worker.stopped \
                    and len(self.worker.stopped) < 100:
                self.worker.stopped.append([where, first_line, qualname])


def _text(value, limit: int) -> str:
    return wire.cap(value if type(value) is str else "", limit)


def clean_frames(frames) -> list:
    """The worker's student frames as the judge uses them, [file, line, qualname, source] and
    for a stalled call the code's first line; anything else is dropped, at most 30 kept."""
    kept = []
    for frame in frames[-30:] if type(frames) is list else []:
        if type(frame) is not list or len(frame) not in (4, 5) \
                or type(frame[1]) is not int or (len(frame) == 5 and type(frame[4]) is not int):
            continue
        kept.append([_text(frame[0], 300), frame[1], _text(frame[2], 300),
                     _text(frame[3], 300), *frame[4:]])
    return kept


def clean_error(info) -> dict:
    """The worker's description of an exception with only the fields the judge reads, each of
    its type and bounded (a session may send anything on its socket)."""
    info = info if type(info) is dict else {}
    cleaned = {"type": _text(info.get("type"), 100) or "Exception",
               "message": _text(info.get("message"), 4000), "frames": clean_frames(
                   info.get("frames"))}
    if type(info.get("file")) is str and info["file"]:  # a SyntaxError's file
        cleaned["file"] = _text(info["file"], 300)
        cleaned["line"] = info.get("line") if type(info.get("line")) is int else 0
    if "module" in info:
        cleaned["module"] = _text(info["module"], 200)
    return cleaned


class Remote(wire.Handle):
    """An object kept in the worker: attribute reads, writes and calls go there."""

    def __init__(self, session: Session, number: int, type_name: str):
        super().__init__(number, type_name)
        object.__setattr__(self, "wire_session", session)

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        value = self.wire_session.request({"op": "getattr", "target": self, "name": name},
                                          f"{self.wire_type}.{name}")
        if isinstance(value, Remote) and value.wire_type == "method":
            # Named for what it is, so that its errors say "Net.accuracy raised ...".
            object.__setattr__(value, "wire_type", f"{self.wire_type}.{name}")
        return value

    def __setattr__(self, name: str, value) -> None:
        self.wire_session.request({"op": "setattr", "target": self, "name": name,
                                   "value": value}, f"setting {self.wire_type}.{name}")

    def __call__(self, *args, **kwargs):
        return self.wire_session.request({"op": "call", "target": self, "args": list(args),
                                          "kwargs": kwargs}, self.wire_type)

    def __repr__(self) -> str:
        return f"<{self.wire_type} in the worker>"
