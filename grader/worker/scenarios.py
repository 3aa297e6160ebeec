"""Steps a check runs inside the worker when plain calls are not enough: whether a constructor
takes its arguments, whether arrays were updated in place, how many rows each call got. The
steps that drive one exercise's class (a network and its training) live in the worker module
its manifest entry names (`scenarios`), and are found here by name like these.

They return what happened as plain data; the judge decides whether it is right. Nothing here
knows an expected value.
"""
from __future__ import annotations

import importlib
import inspect

import numpy as np

from . import wire


def function_2(x):
    """The book's f(x0, x1) = x0**2 + x1**2 (4.3.3, 4.4.1)."""
    return x[0] ** 2 + x[1] ** 2


wire.FUNCTIONS.update(function_2=function_2)


def takes_arguments(session, target, count):
    """Whether target (a class: its constructor) accepts `count` positional arguments, by its
    signature; True when it has none that can be read (the call itself then tells)."""
    try:
        inspect.signature(session.target(target)).bind(*range(count))
    except TypeError:
        return False
    except ValueError:
        return True
    return True


def call_on_mapping(session, target, mapping, *args):
    """Call target(mapping, *args) and report the mapping afterwards, with the keys whose value
    the call replaced by another object instead of updating it in place."""
    originals = dict(mapping)
    result = session.target(target)(mapping, *args)
    replaced = [key for key in originals if mapping.get(key) is not originals[key]]
    return {"result": result, "after": dict(mapping), "replaced": replaced}


def gradient_of_sum_squares_read_from_x(session, target, x):
    """target(f, x) where f ignores its argument and reads the array x itself,
    f = lambda w: np.sum(x ** 2), as the book's lambda w: net.loss(x, t) reads net.W: what it
    returns (only changes made to x itself reach f)."""
    def f(w):
        return np.sum(x ** 2)
    return session.target(target)(f, x)


def rows_per_call(session, caller, callee, *args, **kwargs):
    """caller(*args, **kwargs) with callee, a function of the same module ("module:name") that
    caller reaches through the module's globals, watched: how many rows its last argument had
    at each call, in order (1 for a single image). batch_accuracy's right answer does not show
    whether it used batch_size; the sizes of the batches it gave predict do."""
    module_name, _, name = callee.partition(":")
    module = session.target(module_name)
    original = getattr(module, name)
    rows = []

    def watched(*inner, **inner_kwargs):
        x = inner_kwargs.get("x", inner[-1] if inner else None)
        rows.append(int(np.shape(x)[0]) if np.ndim(x) >= 2 else 1)
        return original(*inner, **inner_kwargs)
    setattr(module, name, watched)
    try:
        session.target(caller)(*args, **kwargs)
    finally:
        setattr(module, name, original)
    return rows


def _own(module) -> dict:
    """The public functions module defines itself (not those it imports)."""
    return {name: value for name, value in vars(module).items()
            if not name.startswith("_") and inspect.isfunction(value)
            and value.__module__ == module.__name__}


# The session runs a scenario by its name in this module, so the steps of the worker modules the
# manifest's entries name (`scenarios`) are found here too. The worker runs without the rest of
# the grader (only this package is copied beside the submission), so it cannot read the manifest
# itself: tests/test_manifest_names.py checks that this list is the manifest's.
SCENARIO_MODULES = ("network",)
for _name in SCENARIO_MODULES:
    globals().update(_own(importlib.import_module(f"{__package__}.{_name}")))
