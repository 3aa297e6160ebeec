"""Hidden checks of ch04/gradient.py: other functions and points, arrays of other shapes and
dtypes, integer starting points."""
import numpy as np

from grader.judge.suite import (check, check_defaults, close, fail, show, student,
                                worker_function)
from grader.suites.ch04.test_gradient import (call_gradient, call_gradient_args_after,
                                              check_diff, check_gradient)


def gradient():
    return student("ch04.gradient")


@check("numerical_diff", weight=1)
def test_numerical_diff_other_functions():
    check_diff(np.sin, "sin(x)", 0.0, 1.0, 0.0, 1e-8)
    check_diff(np.exp, "exp(x)", -1.5, float(np.exp(-1.5)), float(np.exp(-1.5)), 1e-8)
    check_diff(lambda x: 3 * x ** 2 - 4 * x, "3*x**2 - 4*x", -2, -16.0, 6.0, 1e-7)


@check("numerical_gradient", weight=1)
def test_numerical_gradient_3d_and_single_element():
    x = np.arange(12, dtype=float).reshape(2, 3, 2) / 4 - 1

    def f(v):
        return np.sum(v ** 2) * np.sum(v)

    got = call_gradient(f, x.copy())
    check_gradient(got, 2 * x * np.sum(x) + np.sum(x ** 2), x, "np.sum(x**2) * np.sum(x)")
    one = np.array([2.5])
    check_gradient(call_gradient(lambda v: v[0] ** 3, one), [18.75], np.array([2.5]), "x0**3")


@check("numerical_gradient", weight=1)
def test_numerical_gradient_transposed_view():
    # A view that is not C-contiguous: the gradient must still go to the right indices.
    base = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    x = base.T
    weights = np.array([[1.0, -1.0], [2.0, 0.5], [-3.0, 1.5]])
    got, x_after = call_gradient_args_after(lambda v: np.sum(weights * v ** 2), x)
    check_gradient(got, 2 * weights * base.T, base.T.copy(), "np.sum(A * x**2)")
    # x crosses as a (still transposed) copy: base as the call left it is x_after.T.
    if not np.array_equal(np.asarray(x_after).T, [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]):
        fail("feedback.numerical_gradient.not_restored", before="[[1, 2, 3], [4, 5, 6]]",
             after=show(np.asarray(x_after).T))


@check("gradient_descent", weight=1)
def test_gradient_descent_integer_start_and_matrix():
    got, (_, init_x) = gradient().gradient_descent.args_after(
        worker_function("function_2"), np.array([-3, 4]), lr=0.1, step_num=100)
    got = np.asarray(got)
    if not (got.shape == (2,) and np.linalg.norm(got) < 1e-8):
        fail("feedback.gradient_descent.not_converged", x0="[-3, 4] (integers)",
             got=show(got, 10))
    if not np.array_equal(init_x, [-3, 4]):
        fail("feedback.gradient_descent.mutated_init_x", before="[-3, 4]", after=show(init_x))
    start = np.array([[1.0, -2.0], [0.5, 3.0]])
    got = np.asarray(gradient().gradient_descent(lambda x: np.sum((x - 1) ** 2), start.copy(),
                                                 lr=0.25, step_num=3))
    # Each step halves the distance to 1: x <- x - 0.25 * 2 (x - 1).
    expected = 1 + (start - 1) * 0.5 ** 3
    if not close(got, expected, rtol=0, atol=1e-7):
        fail("feedback.gradient_descent.step_num", x0=show(start), steps=3, got=show(got),
             expected=show(expected))
    check_defaults(student("ch04.gradient").gradient_descent, [0.01, 100], "4.4.1")
