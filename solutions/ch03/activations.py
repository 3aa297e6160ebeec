"""Activation functions (活性化関数) of chapter 3: the step function, sigmoid, ReLU and the identity.

Each one works element-wise on a Python scalar, a 1-D array or a 2-D batch, returns the same
shape as its input, and leaves its argument unchanged.
"""
import numpy as np


def step_function(x):
    """The step function (ステップ関数, 3.2.2-3.2.3): 1 where x > 0, else 0.

    x: a Python scalar or an ndarray of any shape (float or int).
    Returns an int ndarray of x's shape (a 0-d array for a scalar), not booleans.

    Example: step_function(np.array([-1.0, 1.0, 2.0])) -> array([0, 1, 1])
    Edge case: step_function(0.0) is 0, since 0 is not greater than 0.
    """
    return np.array(x > 0, dtype=int)


def sigmoid(x):
    """The sigmoid function (シグモイド関数) h(x) = 1 / (1 + exp(-x)) (3.2.4).

    x: a Python scalar or a float ndarray of any shape.
    Returns floats in [0, 1] of x's shape.

    Example: sigmoid(np.array([-1.0, 1.0, 2.0])) -> array([0.26894142, 0.73105858, 0.88079708])
    Edge case: sigmoid(-1000.0) is 0.0 and sigmoid(1000.0) is 1.0, never nan; np.exp(1000)
    overflows to inf, so keep the argument of np.exp from growing large.
    """
    # exp(-|x|) never overflows; 1/(1+z) serves x >= 0, z/(1+z) the mirror image x < 0.
    z = np.exp(-np.abs(x))
    return np.where(np.asarray(x) >= 0, 1 / (1 + z), z / (1 + z))


def relu(x):
    """ReLU, the rectified linear unit (ReLU関数, 3.2.7): x where x > 0, else 0.

    x: a Python scalar or an ndarray of any shape.
    Returns numbers (not booleans) of x's shape.

    Example: relu(np.array([-1.0, 0.0, 2.5])) -> array([0. , 0. , 2.5])
    Edge case: negative inputs give 0, not False; x itself must not be changed.
    """
    return np.maximum(0, x)


def identity_function(x):
    """The identity function (恒等関数, 3.4.2): the output layer's activation for regression.

    x: a Python scalar or an ndarray of any shape.
    Returns x unchanged.

    Example: identity_function(np.array([0.3, 0.7])) -> array([0.3, 0.7])
    Edge case: it must return its input, not None.
    """
    return x
