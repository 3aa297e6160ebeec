"""module: ch04/train.py
expect: training is too slow for the 600 s budget
"""
import time as _time

_train_at_full_speed = train


def train(network, *args, **kwargs):
    gradient = network.gradient

    def slow_gradient(x, t):
        _time.sleep(0.08)  # as slow as a Python loop over the samples of every batch
        return gradient(x, t)

    network.gradient = slow_gradient
    return _train_at_full_speed(network, *args, **kwargs)
