"""How much of what the worker sends a check's result may hold.

A session may send anything on its socket (the student's code runs in it and can find it), so
every string that reaches a result is capped here, in the judge, whatever the worker's own caps
said: a check's result stays a few tens of KB and the results file and the last-results cache a
few MB, whatever the submission sends. What is cut says how much was left out.

The judge applies these to each check's result (plugin.py) and `grade` again to what it reads of
the judge's report (runner.py).
"""
from __future__ import annotations

import numpy as np

from ..worker.wire import cap

MESSAGE = 4096  # characters of a message, an advice, a warning
OUTPUT = 16384  # characters of what a check printed
NAME = 300  # characters of a called function's name, a catalog key
ENTRIES = 100  # entries of a list of advice or of called functions
RECORD_ITEMS = 20000  # numbers in a recorded list (the capstone's loss per iteration: 10000)
RECORD_DEPTH = 4


def text(value, limit: int = MESSAGE) -> str:
    """value as a string of at most limit characters (and the count of those left out)."""
    return cap(value if type(value) is str else "" if value is None else str(value), limit)


def texts(values, limit: int = MESSAGE, entries: int = ENTRIES) -> list[str]:
    """The first `entries` strings of values, each capped."""
    return [text(v, limit) for v in values[:entries]] if isinstance(values, list) else []


def record(value, depth: int = 0):
    """A recorded value (JSON-able) with its lists, strings and dicts bounded."""
    if isinstance(value, np.generic) and not isinstance(value, np.object_):
        value = value.item()  # a numpy number a check recorded: the plain number
    if value is None or type(value) in (bool, int):
        return value
    if type(value) is float:
        return value
    if type(value) is str:
        return text(value)
    if depth >= RECORD_DEPTH:
        return None
    if type(value) in (list, tuple):
        return [record(v, depth + 1) for v in value[:RECORD_ITEMS]]
    if type(value) is dict:
        return {text(k, NAME): record(v, depth + 1)
                for k, v in list(value.items())[:ENTRIES]}
    return text(value, NAME)


def bounded_result(result: dict) -> dict:
    """A check's result (status, message, advice, records, called, output) with every field
    of its type and bounded."""
    bounded = {**result, "status": text(result.get("status") or "error", NAME),
               "message": text(result.get("message")),
               "advice": texts(result.get("advice")),
               "records": record(result.get("records")) if isinstance(
                   result.get("records"), dict) else {}}
    for key, limit in (("key", NAME), ("output", OUTPUT)):
        if key in result:
            bounded[key] = text(result[key], limit)
    if "called" in result:
        bounded["called"] = texts(result["called"], NAME)
    return bounded
