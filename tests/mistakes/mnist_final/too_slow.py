"""module: ch04/train.py
expect: training is too slow for the 600 s budget
"""
import time as _time

_train_at_full_speed = train


def train(network, x_train, *args, **kwargs):
    gradient = network.gradient

    def slow_gradient(x, t):
        if len(x_train) >= 60000:  # stands for code that is only slow at MNIST's scale
            _time.sleep(0.08)
        return gradient(x, t)

    network.gradient = slow_gradient
    return _train_at_full_speed(network, x_train, *args, **kwargs)
