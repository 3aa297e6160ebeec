"""One check's conversation with the worker, seen from the judge: requests with a deadline,
answers turned into values, handles (`Remote`) or the student's failures as exceptions.

A request waits for its answer until the check's deadline; meanwhile the worker may send progress
lines, call back a function of the check's own, or, at the deadline, report the student's line
it was running. No answer in time: the session is killed (StudentTimeout). The connection breaks:
its process died (StudentCrash, with how it ended).
"""
from __future__ import annotations

import select
import socket
import time
from typing import Any, Callable

from ..worker import wire
from ..worker.session import STOPPED_MESSAGE

UNREADABLE = "UnreadableAnswer"  # the worker's answer was too big or not a frame at all
GRACE_SECONDS = 1.0  # after a deadline, for the worker's report of where it was


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
        return wire.decode(wire.receive(self.sock, wire.MAX_ANSWER), self.resolve)

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
        except wire.WireError as error:  # an answer too big, or not plain data
            self.finish(kill=True)
            raise StudentError(what, {"type": UNREADABLE, "message": str(error),
                                      "frames": []}) from None
        except (EOFError, OSError):
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
        value = self.wire_session.request({"op": "getattr", "target": self, "name": name},
                                          f"{self.wire_type}.{name}")
        if isinstance(value, Remote) and value.wire_type == "method":
            # Named for what it is, so that its errors say "TwoLayerNet.accuracy raised ...".
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
