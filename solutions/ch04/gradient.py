"""Numerical differentiation (数値微分) and gradient descent (勾配降下法) (4.3-4.4)."""
import numpy as np


def numerical_diff(f, x):
    """Numerical differentiation (数値微分, 4.3.1): the derivative of f at x by the central
    difference (f(x+h) - f(x-h)) / 2h, h = 1e-4.

    f: a function of one number returning a number; x: a Python float or int.
    Returns a float.

    Example: for f(x) = 0.01*x**2 + 0.1*x, numerical_diff(f, 5) is 0.2 and numerical_diff(f, 10)
    is 0.3 (to 1e-6).
    Edge case: h must not be tiny: with h = 1e-50, 5 + h == 5 in float arithmetic and the
    difference is 0. Use h = 1e-4, and the central difference, which is far more accurate than
    the forward difference (f(x+h) - f(x)) / h.
    """
    h = 1e-4
    return (f(x + h) - f(x - h)) / (2 * h)


def numerical_gradient(f, x):
    """The gradient (勾配) of f at x: one central difference, a partial derivative (偏微分), per
    element of x (4.4).

    f: a function of the whole array x returning a number, e.g. lambda x: np.sum(x**2). It may
       also ignore its argument and read the array through another name (the book's
       `f = lambda w: net.loss(x, t)` reads net.W), so change x itself, in place: set one element
       to x[idx] + h, call f(x), set it to x[idx] - h, call f(x), then put the old value back.
    x: a float ndarray of any shape: a vector (2,), a weight matrix (2, 3), ...
    Returns a float ndarray of x's shape, the same index holding the same partial derivative.
    x is left exactly as it was found (restore the saved value, do not subtract h again). An
    integer x is read as floats (stored back into an int array, 3 + 1e-4 is 3 again).

    Example: numerical_gradient(lambda x: x[0]**2 + x[1]**2, np.array([3.0, 4.0])) -> [6., 8.]
    Edge case: a matrix: visit every element, e.g. with np.nditer(x, flags=['multi_index']) and
    idx = it.multi_index, not only its rows (x[i] is a whole row of a matrix).
    """
    h = 1e-4
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(float)
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    while not it.finished:
        idx = it.multi_index
        saved = x[idx]
        x[idx] = saved + h
        fxh1 = f(x)
        x[idx] = saved - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = saved
        it.iternext()
    return grad


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    """Gradient descent (勾配降下法, 4.4.1): step_num times, x <- x - lr * numerical_gradient(f, x).

    f: a function of an ndarray returning a number; init_x: the starting point, an ndarray.
    lr: the learning rate; step_num: how many steps.
    Returns the final x, a float ndarray of init_x's shape. init_x itself is not changed: start
    from a float copy (x = init_x.astype(float)), since the book's `x = init_x` followed by
    `x -= ...` would overwrite the caller's array.

    Example: f = lambda x: x[0]**2 + x[1]**2 from np.array([-3.0, 4.0]) with lr=0.1, step_num=100
    ends within 1e-8 of [0, 0].
    Edge case: the learning rate matters: lr=10 diverges to huge numbers, lr=1e-10 barely
    moves, and step_num=0 returns the start.
    """
    x = np.array(init_x, dtype=float)
    for _ in range(step_num):
        x -= lr * numerical_gradient(f, x)
    return x
