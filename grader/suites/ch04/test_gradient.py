"""Public checks of ch04/gradient.py: numerical_diff, numerical_gradient, gradient_descent.

Expected values are the book's examples (4.3-4.4) or exact derivatives of simple functions.
"""
import numpy as np

from grader import catalog
from grader.judge.session import StudentError
from grader.judge.verdicts import where
from grader.judge.suite import (check, close, fail, plain, raised_on, scenario, show, student,
                                worker_function)

H = 1e-4
# The one-sided difference a student wrote, quoted back as written (4.3.1)
FORMULAS = {"forward": "(f(x + h) - f(x)) / h", "backward": "(f(x) - f(x - h)) / h"}


def gradient():
    return student("ch04.gradient")


def function_1(x):
    return 0.01 * x ** 2 + 0.1 * x


def function_2(x):
    return x[0] ** 2 + x[1] ** 2


# --- numerical_diff (4.3.1) ---

def check_diff(f, name, x, exact, second, tol):
    """numerical_diff(f, x) against the exact derivative; `second` is f''(x), which tells a
    one-sided difference (off by about f''(x) * h / 2) from the central one."""
    got = gradient().numerical_diff(f, x)
    if close(got, exact, rtol=0, atol=tol):
        return
    if np.ndim(got) == 0 and float(got) == 0.0 and exact != 0:
        fail("feedback.numerical_diff.tiny_h", x=x, f=name, got=show(got), expected=exact)
    for kind, sign in (("forward", 1), ("backward", -1)):
        if second and close(got, exact + sign * second * H / 2, rtol=0, atol=abs(second) * H / 20):
            fail("feedback.numerical_diff.one_sided", x=x, f=name, got=show(got, 10),
                 expected=exact, kind=catalog.text(f"feedback.difference.{kind}"),
                 formula=FORMULAS[kind])
    fail("feedback.numerical_diff.wrong_value", x=x, f=name, got=show(got, 10), expected=exact,
         tol=tol)


@check("numerical_diff", weight=2)
def test_numerical_diff_book_example():
    check_diff(function_1, "0.01*x**2 + 0.1*x", 5, 0.2, 0.02, 1e-6)
    check_diff(function_1, "0.01*x**2 + 0.1*x", 10, 0.3, 0.02, 1e-6)


@check("numerical_diff", weight=1)
def test_numerical_diff_is_central():
    # For x**2 the central difference is exact (up to rounding); a one-sided one is off by h.
    check_diff(lambda x: x ** 2, "x**2", 3.0, 6.0, 2.0, 1e-9)


@check("numerical_diff", weight=1)
def test_numerical_diff_uses_h_1e_4():
    # For x**3 at 1 the central difference is 3 + h**2 exactly: it shows which h was used.
    check_diff(lambda x: x ** 3, "x**3", 1.0, 3.0, 6.0, 1e-6)
    got = float(gradient().numerical_diff(lambda x: x ** 3, 1.0))
    if not close(got, 3.00000001, rtol=0, atol=1e-10):
        h = np.sqrt(abs(got - 3.0))
        fail("feedback.numerical_diff.wrong_h", got=show(got, 12), h=f"{h:.0e}")


# --- numerical_gradient (4.4) ---

def gradient_shaped(got, x):
    got = np.asarray(got)
    if got.shape != np.shape(x):
        fail("feedback.numerical_gradient.wrong_shape", got=got.shape, expected=np.shape(x))
    return got


def call_gradient(f, x):
    return gradient_shaped(gradient().numerical_gradient(f, x), x)


def call_gradient_args_after(f, x):
    """(the gradient, x as numerical_gradient left it): x crosses as a copy, so only the worker
    sees what the call did to it."""
    got, (_, x_after) = gradient().numerical_gradient.args_after(f, x)
    return gradient_shaped(got, x), x_after


def check_gradient(got, expected, x, name, tol=1e-6):
    if close(got, expected, rtol=0, atol=tol):
        return
    # x**2 per element: a forward difference is off by +h, a backward one by -h.
    for kind, offset in (("forward", H), ("backward", -H)):
        if close(got, np.asarray(expected) + offset, rtol=0, atol=H / 10):
            fail("feedback.numerical_gradient.one_sided", x=show(x), f=name, got=show(got, 8),
                 expected=show(np.asarray(expected, dtype=float)),
                 kind=catalog.text(f"feedback.difference.{kind}"), formula=FORMULAS[kind])
    fail("feedback.numerical_gradient.wrong_value", x=show(x), f=name, got=show(got, 8),
         expected=show(np.asarray(expected, dtype=float)))


@check("numerical_gradient", weight=2)
def test_numerical_gradient_book_examples():
    for point, expected in (([3.0, 4.0], [6.0, 8.0]), ([0.0, 2.0], [0.0, 4.0]),
                            ([3.0, 0.0], [6.0, 0.0])):
        x = np.array(point)
        got = call_gradient(function_2, x)
        check_gradient(got, expected, np.array(point), "x0**2 + x1**2")


@check("numerical_gradient", weight=1)
def test_numerical_gradient_restores_x():
    # Values where x + h - 2h + h is not exactly x again in floating point.
    x = np.array([0.1, 1e5 + 0.3, -2.7, 7.77])
    before = x.copy()
    _, after = call_gradient_args_after(lambda v: np.sum(v ** 2), x)
    if not np.array_equal(after, before):
        fail("feedback.numerical_gradient.not_restored", before=show(before, 12),
             after=show(after, 12))


def vector_right(f, W, expected) -> bool:
    """Whether the same function of the same numbers laid out as a vector gets its gradient
    right: that tells a matrix-only mistake."""
    try:
        flat = np.asarray(gradient().numerical_gradient(f, W.ravel().copy()))
    except StudentError:
        return False
    return flat.shape == (W.size,) and close(flat, expected.ravel(), rtol=0, atol=1e-6)


@check("numerical_gradient", weight=2)
def test_numerical_gradient_matrix():
    W = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])
    name = "np.sum(W**2) * np.sum(W)"

    def f(v):
        return np.sum(v ** 2) * np.sum(v)

    # d/dW_ij of sum(W**2) * sum(W) is 2 W_ij sum(W) + sum(W**2).
    expected = 2 * W * np.sum(W) + np.sum(W ** 2)
    try:
        with raised_on(catalog.text("input.matrix", shape="2x3", W=" ".join(show(W).split()),
                                    f=name)):
            got = call_gradient(f, W.copy())
    except StudentError as error:
        # The book's 1-D loop, for idx in range(x.size), indexes rows and runs past them
        if error.type_name in ("NotImplementedError", "SystemExit") or not vector_right(f, W,
                                                                                  expected):
            raise
        detail = (str(error.info.get("message", "")).strip().splitlines() or [""])[0][:300]
        fail("feedback.numerical_gradient.rowwise_raised", x=show(W), f=name,
             kind=error.type_name, detail=detail, where=where(error.info.get("frames")))
    if close(got, expected, rtol=0, atol=1e-6):
        return
    if vector_right(f, W, expected):
        fail("feedback.numerical_gradient.rowwise", x=show(W), f=name, got=show(got),
             expected=show(expected))
    check_gradient(got, expected, W, name)


@check("numerical_gradient", weight=2)
def test_numerical_gradient_changes_x_itself():
    # The book's simpleNet passes f = lambda w: net.loss(x, t), which reads net.W, not w. Such
    # an f must read the very array given as x, so it is built in the worker: there f is
    # lambda w: np.sum(W ** 2) with W the array passed to numerical_gradient.
    W = np.array([[1.0, -2.0], [0.5, 3.0]])
    with raised_on(catalog.text("input.matrix", shape="2x2", W=" ".join(show(W).split()),
                                f="lambda w: np.sum(W**2)")):
        answer = scenario("gradient_of_sum_squares_read_from_x",
                          "ch04.gradient:numerical_gradient", W, what="numerical_gradient")
    got = gradient_shaped(plain(answer, "numerical_gradient"), W)
    expected = 2 * np.array([[1.0, -2.0], [0.5, 3.0]])
    if np.all(got == 0):
        fail("feedback.numerical_gradient.works_on_copy", x=show(W), got=show(got),
             expected=show(expected))
    check_gradient(got, expected, W, "lambda w: np.sum(W**2)")


@check("numerical_gradient", weight=1)
def test_numerical_gradient_integer_x():
    x = np.array([3, 4])
    with raised_on(catalog.text("input.int_array")):
        got = call_gradient(function_2, x)
    if close(got, [6.0, 8.0], rtol=0, atol=1e-6):
        return
    fields = dict(f="x0**2 + x1**2", got=show(got), expected="[6., 8.]")
    # x + h stored back into the int x: 3.0001 is 3 and 2.9999 is 2, so f(3, 4) - f(2, 4) = 5.
    if close(got, [25000.0, 35000.0], rtol=0, atol=1.0):
        fail("feedback.numerical_gradient.int_input", **fields)
    if got.dtype.kind in "iub":
        fail("feedback.numerical_gradient.int_gradient", dtype=got.dtype, **fields)
    fail("feedback.numerical_gradient.wrong_value", x=show(x), **fields)


# --- gradient_descent (4.4.1) ---

X0 = np.array([-3.0, 4.0])


def descend_args_after(lr=0.1, step_num=100, init_x=None):
    """(the final x, init_x as gradient_descent left it)."""
    x0 = X0.copy() if init_x is None else init_x
    # The worker's own function_2: the same formula, without a round trip per call.
    got, (_, x0_after) = gradient().gradient_descent.args_after(
        worker_function("function_2"), x0, lr=lr, step_num=step_num)
    got = np.asarray(got)
    if got.shape != (2,):
        fail("feedback.gradient_descent.wrong_shape", x0=show(X0), got=show(got),
             expected=(2,))
    return got, x0_after


def descend(lr=0.1, step_num=100, init_x=None):
    return descend_args_after(lr, step_num, init_x)[0]


@check("gradient_descent", weight=2)
def test_gradient_descent_reaches_minimum():
    got = descend(lr=0.1, step_num=100)
    if np.all(np.isfinite(got)) and np.linalg.norm(got) < 1e-8:
        return
    if not np.all(np.isfinite(got)) or np.linalg.norm(got) > np.linalg.norm(X0):
        fail("feedback.gradient_descent.sign_flipped", x0=show(X0), got=show(got))
    fail("feedback.gradient_descent.not_converged", x0=show(X0), got=show(got, 10))


@check("gradient_descent", weight=1)
def test_gradient_descent_learning_rates():
    too_big = descend(lr=10.0)
    if not (np.max(np.abs(too_big)) > 1e10):
        fail("feedback.gradient_descent.learning_rate", x0=show(X0), lr=10.0,
             got=show(too_big), expected=catalog.text("feedback.gradient_descent.diverges"))
    too_small = descend(lr=1e-10)
    if not (close(too_small, X0, rtol=0, atol=1e-6) and not np.array_equal(too_small, X0)):
        fail("feedback.gradient_descent.learning_rate", x0=show(X0), lr=1e-10,
             got=show(too_small, 10),
             expected=catalog.text("feedback.gradient_descent.barely_moved"))


@check("gradient_descent", weight=1)
def test_gradient_descent_step_num():
    # One step of x -= 0.1 * 2x multiplies x by 0.8.
    for steps, expected in ((0, X0), (1, 0.8 * X0), (2, 0.64 * X0)):
        got = descend(lr=0.1, step_num=steps)
        if not close(got, expected, rtol=0, atol=1e-7):
            fail("feedback.gradient_descent.step_num", x0=show(X0), steps=steps,
                 got=show(got), expected=show(expected))


@check("gradient_descent", weight=1)
def test_gradient_descent_leaves_init_x():
    _, init_x = descend_args_after(lr=0.1, step_num=10, init_x=X0.copy())
    if not np.array_equal(init_x, X0):
        fail("feedback.gradient_descent.mutated_init_x", before=show(X0), after=show(init_x))
