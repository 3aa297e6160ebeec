"""module: __init__.py
base: exercises
zero: softmax
status: error
expect: died
grade: sigmoid, numerical_gradient, two_layer_net
hidden: yes
split: yes
"""
# Replace every function of every grading module it can find, the way a one-line attack on an
# in-process plugin would: it finds no judge here, only its own worker, which it breaks.
import sys as _sys

for _name, _module in list(_sys.modules.items()):
    if any(part in _name for part in ("grader", "plugin", "suite", "pytest", "judge", "worker")):
        for _attr, _value in list(vars(_module).items()):
            if callable(_value) and not _attr.startswith("__"):
                try:
                    setattr(_module, _attr, lambda *args, **kwargs: "passed")
                except (AttributeError, TypeError):
                    pass
