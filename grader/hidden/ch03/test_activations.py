"""Hidden checks of ch03/activations.py: other dtypes, shapes and the edges of the float range."""
import numpy as np

from grader.judge.suite import check, close, fail, show, student
from grader.suites.ch03.test_activations import call, check_relu, check_sigmoid, check_step


def activations():
    return student("ch03.activations")


@check("step_function", weight=1)
def test_step_function_integer_input_and_tiny_values():
    step_function = activations().step_function
    for x, expected in ((np.array([-3, 0, 5]), [0, 0, 1]),
                        (np.array([-0.0, 5e-324, -5e-324, 1e308]), [0, 1, 0, 1])):
        got = call("step_function", step_function, x, "3.2.3")
        check_step(x, got, expected)


@check("step_function", weight=1)
def test_step_function_3d_and_float32():
    step_function = activations().step_function
    x = np.arange(-4.0, 4.0).reshape(2, 2, 2)
    check_step(x, call("step_function", step_function, x, "3.2.3"), (x > 0).astype(int))
    x32 = np.array([-1.5, 0.0, 0.25], dtype=np.float32)
    got = call("step_function", step_function, x32, "3.2.3")
    check_step(x32, got, [0, 0, 1])
    if np.asarray(got).dtype.kind not in "iu":
        fail("feedback.step_function.not_int", input=show(x32), dtype=np.asarray(got).dtype)


@check("sigmoid", weight=1)
def test_sigmoid_integer_and_float32_input():
    sigmoid = activations().sigmoid
    x = np.array([-2, 0, 2])
    check_sigmoid(x, call("sigmoid", sigmoid, x, "3.2.4"),
                  [0.11920292202211755, 0.5, 0.8807970779778823])
    x32 = np.array([-100.0, 0.0, 100.0], dtype=np.float32)
    got = call("sigmoid", sigmoid, x32, "3.2.4")
    check_sigmoid(x32, got, [3.720075976020836e-44, 0.5, 1.0])


@check("sigmoid", weight=1)
def test_sigmoid_is_symmetric_and_increasing():
    sigmoid = activations().sigmoid
    x = np.linspace(-40.0, 40.0, 161)
    up, down = (np.asarray(call("sigmoid", sigmoid, v, "3.2.4")) for v in (x.copy(), -x))
    # A float32 answer (the public checks accept its precision) rounds each value to ~6e-8.
    eps = max((np.finfo(v.dtype).eps for v in (up, down) if v.dtype.kind == "f"), default=0)
    up, down = up.astype(float), down.astype(float)
    if not close(up + down, np.ones_like(x), rtol=0, atol=max(1e-12, 4 * eps)):
        i = int(np.argmax(np.abs(up + down - 1)))
        fail("feedback.sigmoid.wrong_value", input=show(x[i]), got=show(up[i], precision=17),
             expected=show(1 - down[i], precision=17))
    if np.any(np.diff(up) < 0):
        i = int(np.argmax(np.diff(up) < 0))
        fail("feedback.sigmoid.wrong_value", input=show(x[i:i + 2]), got=show(up[i:i + 2]),
             expected=show(np.sort(up[i:i + 2])))


@check("relu", weight=1)
def test_relu_integer_input_and_3d():
    relu = activations().relu
    x = np.array([-2, 0, 3])
    check_relu(x, call("relu", relu, x, "3.2.7"), [0, 0, 3])
    x3 = np.arange(-4.0, 4.0).reshape(2, 2, 2)
    check_relu(x3, call("relu", relu, x3, "3.2.7"), np.where(x3 > 0, x3, 0.0))


@check("relu", weight=1)
def test_relu_extreme_values_pass_through():
    relu = activations().relu
    x = np.array([-1e308, -5e-324, 5e-324, 1e308])
    check_relu(x, call("relu", relu, x, "3.2.7"), [0.0, 0.0, 5e-324, 1e308])


@check("identity_function", weight=1)
def test_identity_other_types_and_shapes():
    identity_function = activations().identity_function
    for x in (7, np.array([1, -2, 3]), np.arange(8.0).reshape(2, 2, 2),
              np.array([0.1, 0.2], dtype=np.float32)):
        got = call("identity_function", identity_function, x, "3.4.2",
                   none_key="feedback.identity_function.none")
        if not close(got, x, rtol=0):
            fail("feedback.identity_function.wrong_value", input=show(x), got=show(got),
                 expected=show(x))
