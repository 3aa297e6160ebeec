"""Public checks of ch03/activations.py: step_function, sigmoid, relu, identity_function.

Expected values were computed once from the reference solution and pasted in.
"""
import numpy as np

from grader import catalog
from grader.judge.suite import advise, check, close, fail, raised_on, show, student

X = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])
BATCH = np.array([[-1.0, 0.0, 2.0], [3.5, -0.25, 0.75]])


def activations():
    return student("ch03.activations")


def call(name, fn, x, section, none_key="feedback.ch03.none_returned"):
    """fn(x), failing with a message of its own when x was changed or the shape is not x's."""
    notable = (catalog.text("input.python_float", x=repr(x)) if isinstance(x, float) else
               catalog.text("input.batch_2d", shape=x.shape) if np.ndim(x) == 2 else None)
    # The same numbers as a 1-D array (of two or more): if that raises too, the batch or the
    # float is not what the code fails on
    with raised_on(notable, plain=lambda: fn(np.append(np.ravel(np.asarray(x, float)), 0.0))):
        got, (after,) = fn.args_after(x)
    if got is None:
        fail(none_key, name=name, input=show(x), section=section)
    if isinstance(x, np.ndarray) and not (np.shape(after) == x.shape
                                          and np.array_equal(after, x)):
        fail("test.mutated_input", name=name, before=show(x), after=show(np.asarray(after)),
             section=section)
    if np.ndim(x) > 0 and isinstance(got, (int, float, np.integer, np.floating)) and not (
            isinstance(got, bool)):
        fail("test.returned_number", name=name, input=show(x), got=show(got),
             expected=np.shape(x))
    if np.shape(got) != np.shape(x):
        fail("test.wrong_shape", name=name, input=show(x), got=np.shape(got),
             expected=np.shape(x))
    return got


# --- step_function (3.2.2-3.2.3) ---

def check_step(x, got, expected):
    if np.asarray(got).dtype == bool:
        fail("feedback.step_function.bool", input=show(x), got=show(np.asarray(got)))
    if close(got, expected):
        return
    at_zero = np.asarray(x) == 0
    if np.any(at_zero) and close(np.asarray(got)[~at_zero], np.asarray(expected)[~at_zero]):
        fail("feedback.step_function.at_zero", input=show(x), got=show(np.asarray(got)),
             expected=show(np.asarray(expected)))
    fail("feedback.step_function.wrong_value", input=show(x), got=show(np.asarray(got)),
         expected=show(np.asarray(expected)))


@check("step_function", weight=2)
def test_step_function_values():
    got = call("step_function", activations().step_function, X.copy(), "3.2.3")
    # The values alone: a boolean answer is the dtype check's business.
    if not close(np.asarray(got, dtype=float), [0, 0, 0, 1, 1]):
        check_step(X, np.asarray(got, dtype=float), [0, 0, 0, 1, 1])


@check("step_function", weight=1)
def test_step_function_returns_integers():
    x = np.array([-1.0, 0.0, 2.0])
    got = call("step_function", activations().step_function, x, "3.2.3")
    check_step(x, got, [0, 0, 1])
    if np.asarray(got).dtype.kind not in "iu":
        fail("feedback.step_function.not_int", input=show(x), dtype=np.asarray(got).dtype)


@check("step_function", weight=1)
def test_step_function_scalar_and_batch():
    step_function = activations().step_function
    for x, expected in ((0.0, 0), (2.5, 1), (-1.5, 0),
                        (BATCH.copy(), [[0, 0, 1], [1, 0, 1]])):
        got = call("step_function", step_function, x, "3.2.3")
        check_step(x, got, expected)


# --- sigmoid (3.2.4) ---

SIGMOID_X = np.array([-5.0, -1.0, 0.0, 0.5, 1.0, 2.0, 5.0])
SIGMOID_Y = np.array([0.006692850924284856, 0.2689414213699951, 0.5, 0.6224593312018546,
                      0.7310585786300049, 0.8807970779778823, 0.9933071490757153])
EXTREME_X = np.array([-1.7e308, -1000.0, -745.0, -710.0, -100.0, -30.0,
                      30.0, 100.0, 710.0, 1000.0, 1.7e308])
EXTREME_Y = np.array([0.0, 0.0, 4.940656458412465e-324, 4.476286225675130e-309,
                      3.720075976020836e-44, 9.357622968839300e-14,
                      0.9999999999999065, 1.0, 1.0, 1.0, 1.0])


def check_sigmoid(x, got, expected, key="feedback.sigmoid.wrong_value"):
    got_array = np.asarray(got, dtype=float)
    if not np.all(np.isfinite(got_array)):
        fail("feedback.sigmoid.not_finite", input=show(x), got=show(got_array),
             expected=show(expected))
    if close(got_array, expected, rtol=1e-7, atol=1e-12):
        return
    if close(got_array, 1 - np.asarray(expected), rtol=1e-7, atol=1e-12):
        fail("feedback.sigmoid.sign", input=show(x), got=show(got_array), expected=show(expected))
    if got_array.shape and key == "feedback.sigmoid.extremes_wrong":
        # Near 0 and 1 a whole array prints as 0. and 1.: name the first wrong element instead.
        wrong = ~np.isclose(got_array, expected, rtol=1e-7, atol=1e-12)
        i = int(np.argmax(wrong))
        fail(key, input=show(x[i]), got=show(got_array[i], precision=17),
             expected=show(expected[i], precision=17))
    fail(key, input=show(x), got=show(got_array), expected=show(expected))


@check("sigmoid", weight=2)
def test_sigmoid_values():
    got = call("sigmoid", activations().sigmoid, SIGMOID_X.copy(), "3.2.4")
    check_sigmoid(SIGMOID_X, got, SIGMOID_Y)


@check("sigmoid", weight=1)
def test_sigmoid_whole_float_range():
    sigmoid = activations().sigmoid
    got = call("sigmoid", sigmoid, EXTREME_X, "3.2.4")
    check_sigmoid(EXTREME_X, got, EXTREME_Y, key="feedback.sigmoid.extremes_wrong")
    _, caught = sigmoid.warnings(EXTREME_X)
    if any("overflow" in message for message in caught):
        advise("advice.sigmoid.overflow")


@check("sigmoid", weight=1)
def test_sigmoid_scalar_and_batch():
    sigmoid = activations().sigmoid
    batch_y = np.array([[0.2689414213699951, 0.5, 0.8807970779778823],
                        [0.9706877692486436, 0.43782349911420193, 0.679178699175393]])
    for x, expected in ((0.0, 0.5), (-1.0, 0.2689414213699951), (BATCH.copy(), batch_y)):
        got = call("sigmoid", sigmoid, x, "3.2.4")
        check_sigmoid(x, got, expected)


# --- relu (3.2.7) ---

def check_relu(x, got, expected):
    got_array = np.asarray(got)
    if got_array.dtype == bool:
        fail("feedback.relu.bool", input=show(x), got=show(got_array))
    if close(got_array, expected):
        return
    if close(got_array, np.asarray(np.asarray(x) > 0, dtype=float)):
        fail("feedback.relu.step", input=show(x), got=show(got_array),
             expected=show(np.asarray(expected, dtype=float)))
    fail("feedback.relu.wrong_value", input=show(x), got=show(got_array),
         expected=show(np.asarray(expected, dtype=float)))


@check("relu", weight=2)
def test_relu_values():
    got = call("relu", activations().relu, X.copy(), "3.2.7")
    check_relu(X, got, [0.0, 0.0, 0.0, 0.5, 3.0])


@check("relu", weight=1)
def test_relu_scalar_batch_and_input_kept():
    relu = activations().relu
    for x, expected in ((-3.0, 0.0), (2.5, 2.5), (BATCH.copy(), [[0, 0, 2], [3.5, 0, 0.75]])):
        got = call("relu", relu, x, "3.2.7")
        check_relu(x, got, expected)


# --- identity_function (3.4.2) ---

@check("identity_function", weight=1.5)
def test_identity_returns_its_input():
    x = np.array([0.3, -0.7, 2.0])
    got = call("identity_function", activations().identity_function, x, "3.4.2",
               none_key="feedback.identity_function.none")
    if not close(got, [0.3, -0.7, 2.0], rtol=0):
        fail("feedback.identity_function.wrong_value", input=show(x), got=show(got),
             expected=show(x))


@check("identity_function", weight=0.5)
def test_identity_scalar_and_batch():
    identity_function = activations().identity_function
    for x in (0.5, BATCH.copy()):
        got = call("identity_function", identity_function, x, "3.4.2",
                   none_key="feedback.identity_function.none")
        if not close(got, x, rtol=0):
            fail("feedback.identity_function.wrong_value", input=show(x), got=show(got),
                 expected=show(x))
