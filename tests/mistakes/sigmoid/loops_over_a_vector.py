"""module: ch03/activations.py
expect: when given a 2-D batch of shape (2, 3)
"""
import math


def sigmoid(x):
    # Right for a number and a vector; a batch's rows are arrays, which math.exp refuses.
    if np.ndim(x) == 0:
        return 1 / (1 + math.exp(-x))
    return np.array([1 / (1 + math.exp(-v)) for v in x])
