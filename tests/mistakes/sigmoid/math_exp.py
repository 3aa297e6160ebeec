"""module: ch03/activations.py
expect: sigmoid raised TypeError
absent: when given a 2-D batch
"""
import math


def sigmoid(x):
    # math.exp takes one number: every array fails, the batch no more than a vector.
    return 1 / (1 + math.exp(-x))
