"""How much of what the worker sends a check's result may hold.

A session may send anything on its socket (the student's code runs in it and can find it), so
every string that reaches a result is capped here, in the judge, whatever the worker's own caps
said: a check's result stays a few tens of KB and the results file and the last-results cache a
few MB, whatever the submission sends. What is cut says how much was left out.

The judge applies these to each check's result (plugin.py) and `grade` again to what it reads of
the judge's report (runner.py).
"""
from __future__ import annotations

import json
import math

import numpy as np

from .. import catalog
from ..worker.wire import cap

MESSAGE = 4096  # characters of a message, an advice, a warning
OUTPUT = 16384  # characters of what a check printed
NAME = 300  # characters of a called function's name, a catalog key
ENTRIES = 100  # entries of a list of advice or of called functions
RECORD_ITEMS = 20000  # numbers in a recorded list (the capstone's loss per iteration: 10000)
RECORD_DEPTH = 4
FIELDS = 40  # fields of a message; a nested message (a crash's reason) counts as one
MESSAGE_DEPTH = 3  # messages within messages


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


def message(value, depth: int = 0) -> dict | None:
    """A message (a catalog.Message, or the dict of one) as plain bounded JSON, {"key": str,
    "fields": {...}}, a field being str, int, float, bool, None or such a dict; None when value
    is no message. A field of another type (an array a check passed) becomes its text; fields
    longer in all than twice a message are dropped (a reader falls back to the message)."""
    if isinstance(value, catalog.Message):
        value = {"key": value.key, "fields": value.fields}
    if not catalog.nested(value) or depth > MESSAGE_DEPTH:
        return None
    fields = {text(name, NAME): _field(item, depth) for name, item
              in list(value["fields"].items())[:FIELDS] if type(name) is str}
    if depth == 0 and len(json.dumps(fields)) > 2 * MESSAGE:
        fields = {}  # no more than the rendered message may hold: a reader shows that instead
    return {"key": text(value["key"], NAME), "fields": fields}


def _field(value, depth: int):
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if value is None or type(value) is int:
        return value
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.float64)):  # np.float64 is a float: it formats as one
        return float(value) if math.isfinite(value) else text(value, NAME)
    if isinstance(value, catalog.Message) or catalog.nested(value):
        return message(value, depth + 1) or text(value, NAME)
    return text(value)


def messages(values) -> list[dict]:
    """The first ENTRIES messages of values, each bounded; what is no message is left out."""
    found = [message(v) for v in values[:ENTRIES]] if isinstance(values, list) else []
    return [m for m in found if m is not None]


def bounded_result(result: dict) -> dict:
    """A check's result (status, message, its key and fields, advice and advice_keys, records,
    called, output) with every field of its type and bounded."""
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
    if "fields" in result:
        found = message({"key": bounded.get("key", ""), "fields": result["fields"]})
        bounded["fields"] = found["fields"] if found else {}
    if "advice_keys" in result:
        bounded["advice_keys"] = messages(result["advice_keys"])
    return bounded
