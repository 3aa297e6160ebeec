"""Public checks of ch04/two_layer_net.py: TwoLayerNet's parameters, predict, loss, accuracy and
numerical_gradient (against central differences of the submission's own loss, taken here).

Expected values were computed once from the reference solution, with the fixed parameters below,
and pasted in.
"""
import numpy as np

from grader import catalog
from grader.judge.suite import (check, close, fail, plain, raised_on, relative_error, scenario,
                                seed, set_item, show, student)

KEYS = ("W1", "b1", "W2", "b2")
# A tiny 4-5-3 net with fixed parameters and three samples.
PARAMS = {
    "W1": np.array([[0.1, 0.3, -0.27, -0.89, -0.45], [-0.99, 0.06, 1.34, -0.49, -0.62],
                    [0.49, 0.36, 0.11, -0.93, -0.03], [0.7, -1.34, -0.46, -1.9, -1.29]]),
    "b1": np.array([-1.84, -0.24, -1.27, 0.27, 0.16]),
    "W2": np.array([[-0.19, -2.52, -0.54], [-0.05, 0.11, -1.53], [-0.48, -0.98, -0.81],
                    [1.06, -0.81, -0.03], [0.88, -0.58, -0.11]]),
    "b2": np.array([0.11, 0.06, -1.23]),
}
X = np.array([[0.08, 1.36, -1.55, 0.86], [0.12, -0.64, 2.0, 0.76], [-1.2, 0.07, 0.58, -0.19]])
Y = np.array([[0.710058490904481, 0.2135974017550936, 0.0763441073404254],
              [0.82635612354889, 0.10870088347409732, 0.06494299297701256],
              [0.926132874253211, 0.05120843094768907, 0.02265869479909998]])
LABELS = np.array([2, 0, 1])
LOSS = 1.9116938652655246
# The class each sample finds least probable as its label: there the book's delta = 1e-7 inside
# the log moves the loss's gradient from the provided backpropagation's by 2e-5 (W1), well over
# the 1e-6 allowed, so a numerical_gradient that hands back gradient's answer is told apart.
GRADIENT_LABELS = np.array([2, 2, 2])
H = 1e-4  # the step of the central differences the check takes itself (the book's h)


def TwoLayerNet(*args, **kwargs):
    return student("ch04.two_layer_net").TwoLayerNet(*args, **kwargs)


def fixed_net():
    """The student's TwoLayerNet(4, 5, 3) holding copies of PARAMS."""
    network = TwoLayerNet(4, 5, 3)
    for key in KEYS:
        set_item(network, "params", key, PARAMS[key].copy())
    return network


def params_of(network):
    """A copy of network.params, read from the worker."""
    params = plain(network.params, "TwoLayerNet.params")
    if not isinstance(params, dict):
        fail("feedback.two_layer_net.keys", sizes="4, 5, 3", got=show(params))
    return params


def shaped_params(network, sizes, shapes):
    """A copy of network.params, read from the worker, once it holds W1, b1, W2 and b2 (other
    keys may sit beside them) in these shapes."""
    params = plain(network.params, "TwoLayerNet.params")
    if not isinstance(params, dict) or not set(KEYS) <= set(params):
        fail("feedback.two_layer_net.keys", sizes=sizes,
             got=sorted(map(str, params)) if isinstance(params, dict) else show(params))
    for key, shape in zip(KEYS, shapes):
        if np.shape(params[key]) != shape:
            fail("feedback.two_layer_net.param_shape", sizes=sizes, param=key,
                 got=np.shape(params[key]), expected=shape)
    return params


def loss_differences(network, x, t):
    """The gradient of network.loss(x, t) for each of KEYS, by central differences taken here:
    the parameter is set to a float64 copy with one element moved by +H, then -H, and put back.
    The submission's numerical_gradient and gradient are never called."""
    params = params_of(network)
    grads = {}
    for key in KEYS:
        value = np.asarray(params[key], dtype=float)
        grad = np.zeros_like(value)
        for index in np.ndindex(*value.shape):
            losses = []
            for step in (H, -H):
                moved = value.copy()
                moved[index] += step
                set_item(network, "params", key, moved)
                losses.append(float(plain(network.loss(x.copy(), t.copy()), "TwoLayerNet.loss")))
            grad[index] = (losses[0] - losses[1]) / (2 * H)
        set_item(network, "params", key, value)
        grads[key] = grad
    return grads


def check_numerical_gradient(network, x, t, sizes):
    """network.numerical_gradient(x, t) against loss_differences on a network of the same
    parameters: the keys and shapes, then each parameter's relative error. A numerical_gradient
    that calls network.gradient (the provided backpropagation) fails, whatever it returns."""
    fresh = params_of(network)
    scenario("watch", network, ["gradient"], False, what="TwoLayerNet.gradient")
    grads = plain(network.numerical_gradient(x.copy(), t.copy()),
                  "TwoLayerNet.numerical_gradient")
    if not isinstance(grads, dict) or sorted(grads) != sorted(KEYS) or any(
            np.shape(grads[key]) != np.shape(fresh[key]) for key in KEYS):
        fail("feedback.two_layer_net.gradient_keys", got=show(grads))
    if any(name == "gradient" for name, _, _ in plain(scenario("watch_log", network),
                                                       "watch_log")):
        fail("feedback.two_layer_net.numerical_calls_backprop")
    for key in KEYS:  # the parameters as they were before, whatever numerical_gradient left
        set_item(network, "params", key, np.asarray(fresh[key], dtype=float))
    expected = loss_differences(network, x, t)
    errors = {key: relative_error(grads[key], expected[key]) for key in KEYS}
    if not all(error < 1e-6 for error in errors.values()):
        fail("feedback.two_layer_net.gradient_mismatch", sizes=sizes, h=H,
             errors=", ".join(f"{key} {error:.1e}" for key, error in errors.items()))


def check_params(network, sizes, shapes):
    """Check a new network's params: shaped_params, and both biases zero; the copy read."""
    params = shaped_params(network, sizes, shapes)
    for key in ("b1", "b2"):
        if np.any(params[key] != 0):
            fail("feedback.two_layer_net.bias_not_zero", sizes=sizes, param=key,
                 got=show(np.asarray(params[key])), size=np.shape(params[key])[0])
    return params


@check("two_layer_net", weight=2)
def test_two_layer_net_parameters():
    sizes = "784, 50, 10"
    for std in (0.01, 0.5):
        seed(1)
        network = TwoLayerNet(784, 50, 10, weight_init_std=std)
        params = check_params(network, sizes, ((784, 50), (50,), (50, 10), (10,)))
        # 39,200 and 500 draws: their spread is within 15% of std with room to spare.
        for key in ("W1", "W2"):
            spread = float(np.std(params[key]))
            if not abs(spread - std) < 0.15 * std:
                fail("feedback.two_layer_net.weight_spread", sizes=sizes, param=key, std=std,
                     got=spread)
    check_params(TwoLayerNet(3, 7, 2), "3, 7, 2", ((3, 7), (7,), (7, 2), (2,)))
    seed(3)
    first = params_of(TwoLayerNet(4, 5, 3))["W1"]
    seed(3)
    if not np.array_equal(first, params_of(TwoLayerNet(4, 5, 3))["W1"]):
        fail("feedback.two_layer_net.not_global_rng", sizes="4, 5, 3")


@check("two_layer_net", weight=2)
def test_two_layer_net_predict():
    got = np.asarray(plain(fixed_net().predict(X.copy()), "TwoLayerNet.predict"))
    if got.shape != Y.shape:
        fail("feedback.two_layer_net.predict_shape", sizes="4, 5, 3", input=X.shape,
             got=got.shape, expected=Y.shape)
    sums = got.sum(axis=1)
    if not close(sums, np.ones(len(X)), rtol=1e-9):
        fail("feedback.two_layer_net.predict_not_softmax", sizes="4, 5, 3", sums=show(sums))
    if not close(got, Y, rtol=1e-7):
        fail("feedback.two_layer_net.predict", x=show(X), got=show(got), expected=show(Y))


@check("two_layer_net", weight=1)
def test_two_layer_net_loss():
    network = fixed_net()
    for t in (np.eye(3)[LABELS], LABELS):
        got = plain(network.loss(X.copy(), t.copy()), "TwoLayerNet.loss")
        if not close(got, LOSS, rtol=1e-6):
            fail("feedback.two_layer_net.loss", t=show(t), got=show(got), expected=show(LOSS))


@check("two_layer_net", weight=1)
def test_two_layer_net_accuracy():
    network = fixed_net()
    x = np.vstack([X, X[:1] * 2])
    # The net's own answers with one of the four changed: exactly 3 of 4 right, whatever predict
    # returns.
    labels = np.argmax(np.asarray(plain(network.predict(x.copy()), "TwoLayerNet.predict")),
                       axis=1)
    labels[1] = (labels[1] + 1) % 3
    got_one_hot = plain(network.accuracy(x.copy(), np.eye(3)[labels]), "TwoLayerNet.accuracy")
    with raised_on(catalog.text("input.t_labels", labels=show(labels))):
        got_labels = plain(network.accuracy(x.copy(), labels.copy()), "TwoLayerNet.accuracy")
    if close(got_one_hot, 0.75) and close(got_labels, 0.75):
        return
    if close(got_one_hot, 3) or close(got_labels, 3):
        fail("feedback.two_layer_net.accuracy_count", got=show(got_one_hot), expected=0.75)
    if close(got_one_hot, 0.75):
        fail("feedback.two_layer_net.accuracy_labels", got_one_hot=show(got_one_hot),
             got_labels=show(got_labels), expected=0.75)
    fail("feedback.two_layer_net.accuracy", case=catalog.text("feedback.two_layer_net.case_3_of_4"),
         got=show(got_one_hot), expected=0.75)


def numerical_gradients():
    """(numerical gradient, the parameters before, the parameters after) for the fixed net; the
    parameters are copies read from the worker before and after the call."""
    network = fixed_net()
    before = params_of(network)
    grads = plain(network.numerical_gradient(X.copy(), np.eye(3)[GRADIENT_LABELS]),
                  "TwoLayerNet.numerical_gradient")
    if not isinstance(grads, dict) or sorted(grads) != sorted(KEYS) or any(
            np.shape(grads[key]) != PARAMS[key].shape for key in KEYS):
        fail("feedback.two_layer_net.gradient_keys", got=show(grads))
    return grads, before, params_of(network)


@check("two_layer_net", weight=3)
def test_two_layer_net_numerical_gradient_of_the_loss():
    grads, _, _ = numerical_gradients()
    zero = [key for key in KEYS if np.all(np.asarray(grads[key]) == 0)]
    for key in zero:
        # A parameter predict never reads has a zero gradient, rightly: in place or not.
        network = fixed_net()
        before = np.asarray(plain(network.predict(X.copy()), "TwoLayerNet.predict"))
        moved = np.linspace(-1, 1, PARAMS[key].size).reshape(PARAMS[key].shape)
        set_item(network, "params", key, PARAMS[key] + moved)
        if np.array_equal(before, plain(network.predict(X.copy()), "TwoLayerNet.predict")):
            fail("feedback.two_layer_net.param_unused", keys=", ".join(zero), param=key)
    if zero and len(zero) < len(KEYS):
        fail("feedback.two_layer_net.gradient_zero_some", keys=", ".join(zero),
             others=", ".join(key for key in KEYS if key not in zero))
    if zero:
        fail("feedback.two_layer_net.gradient_zero", keys=", ".join(zero))
    # The loss's own gradient, by differences taken here on a fresh net with the same
    # parameters: never the provided backpropagation, which any numerical_gradient could return.
    check_numerical_gradient(fixed_net(), X, np.eye(3)[GRADIENT_LABELS], "4, 5, 3")


@check("two_layer_net", weight=1)
def test_two_layer_net_numerical_gradient_keeps_params():
    _, before, after = numerical_gradients()
    for key in KEYS:
        if key not in after or not np.array_equal(after[key], before[key]):
            fail("feedback.two_layer_net.params_changed", param=key, before=show(before[key]),
                 after=show(after.get(key)))
