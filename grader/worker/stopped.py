"""Student code that ran out of time earlier in the run raises at once when run again.

The judge names the code that was looping by its file, first line and qualname (the innermost
student frame still running at the deadline: session.py's watchdog). A module's function or a
method has its code replaced; a lambda, a closure or a nested function is made anew by each
call of the code that holds it, so that code's constants get a stopped copy of it instead. The
stopped code raises TimeoutError with STOPPED_MESSAGE, which the judge charges as a timeout
"not run again" without waiting. This saves time only: the session is still confined by the OS
and watched by its deadline, whatever the student's code does to these replacements.
"""
from __future__ import annotations

from types import CodeType, FunctionType

# Its text must be session.STOPPED_MESSAGE's: the stopped code runs with the student module's
# globals, so it cannot name that constant.
def _stopped(*args, **kwargs):
    raise TimeoutError("dlfs-worker: stopped for time earlier in this run")


def _stub(code: CodeType) -> CodeType:
    """A code object that raises at once, taking any arguments, with the free variables of the
    code it replaces (a function's closure must fit the code it is given)."""
    return _stopped.__code__.replace(co_freevars=code.co_freevars, co_name=code.co_name)


def _functions(namespace: dict, root: str, seen: set):
    """The student's functions reachable from a module's names: functions, methods (static,
    class, properties), classes within classes, and functions kept in closures (decorators)."""
    for value in list(namespace.values()):
        for function in _unwrap(value):
            if id(function) in seen:
                continue
            seen.add(id(function))
            if isinstance(function, type):
                if function.__module__.startswith("student"):
                    yield from _functions(dict(vars(function)), root, seen)
            elif function.__code__.co_filename.startswith(root):
                yield function
                cells = [c.cell_contents for c in function.__closure__ or ()
                         if _filled(c)] + [getattr(function, "__wrapped__", None)]
                yield from _functions({i: v for i, v in enumerate(cells)}, root, seen)


def _filled(cell) -> bool:
    try:
        cell.cell_contents
    except ValueError:  # an empty cell
        return False
    return True


def _unwrap(value) -> list:
    if isinstance(value, (staticmethod, classmethod)):
        value = value.__func__
    if isinstance(value, property):
        return [f for f in (value.fget, value.fset, value.fdel) if isinstance(f, FunctionType)]
    return [value] if isinstance(value, (FunctionType, type)) else []


class Stopper:
    """Replaces, in the student's modules, the code the judge says ran out of time."""

    def __init__(self, stopped: list, root: str, relative):
        self.keys = {(str(e[0]), e[1], str(e[2])) for e in stopped
                     if isinstance(e, (list, tuple)) and len(e) == 3}
        self.root, self.relative = root, relative
        self.done: set[str] = set()  # modules already seen
        self.files: dict[str, str | None] = {}

    def _key(self, code: CodeType) -> tuple:
        if code.co_filename not in self.files:
            self.files[code.co_filename] = self.relative(code.co_filename)
        return (self.files[code.co_filename], code.co_firstlineno,
                getattr(code, "co_qualname", code.co_name))

    def _code(self, code: CodeType) -> CodeType:
        """code, stopped if it is one of the keys, or with its nested code stopped."""
        if self._key(code) in self.keys:
            return _stub(code)
        consts = tuple(self._code(c) if isinstance(c, CodeType) else c for c in code.co_consts)
        if all(new is old for new, old in zip(consts, code.co_consts)):
            return code
        return code.replace(co_consts=consts)

    def apply(self, modules: dict) -> None:
        """Stop the keys' code in every student module not seen yet."""
        if not self.keys:
            return
        for name, module in list(modules.items()):
            if name in self.done or not (name == "student" or name.startswith("student.")):
                continue
            self.done.add(name)
            for function in _functions(dict(getattr(module, "__dict__", {})), self.root, set()):
                code = self._code(function.__code__)
                if code is not function.__code__:
                    try:
                        function.__code__ = code
                    except ValueError:  # a closure that does not fit: its deadline still holds
                        pass
