"""module: ch03/activations.py
zero: sigmoid, relu
status: timeout
expect: not run again
grade: sum_squared_error
also: three_layer_net
charged_at_once: yes
timeout: 3
"""
# Loops that are no module-level function: in a closure sigmoid makes anew at every call, and in
# a list comprehension inside a lambda inside a method of a class that relu makes. three_layer_net
# calls sigmoid from forward, through other names than the checks of sigmoid do.


def sigmoid(x):
    def spin():
        while True:
            pass
    return spin()


class _Spinner:
    def run(self, x):
        forever = lambda: [0 for _ in iter(int, 1) if _ is not None]  # noqa: E731
        return forever()


def relu(x):
    return _Spinner().run(x)
