"""Hidden checks of ch04/two_layer_net.py: other sizes, a batch of one, all right or all wrong,
and the numerical gradient on another tiny net, against differences of its loss taken here."""
import numpy as np

from grader import catalog
from grader.judge.suite import (check, check_defaults, close, fail, plain, raised_on, seed,
                                set_item, show, student)
from grader.suites.ch04.test_two_layer_net import (KEYS, TwoLayerNet, check_numerical_gradient,
                                                   check_params, params_of)


@check("two_layer_net", weight=1)
def test_two_layer_net_other_sizes_and_batch_of_one():
    seed(0)
    network = TwoLayerNet(784, 100, 10)
    check_params(network, "784, 100, 10", ((784, 100), (100,), (100, 10), (10,)))
    x = np.random.RandomState(0).rand(1, 784)
    got = np.asarray(plain(network.predict(x), "TwoLayerNet.predict"))
    if got.shape != (1, 10):
        fail("feedback.two_layer_net.predict_shape", sizes="784, 100, 10", input=x.shape,
             got=got.shape, expected=(1, 10))
    if not close(got.sum(axis=1), [1.0], rtol=1e-9):
        fail("feedback.two_layer_net.predict_not_softmax", sizes="784, 100, 10",
             sums=show(got.sum(axis=1)))
    check_defaults(student("ch04.two_layer_net").TwoLayerNet, [0.01], "4.5.1")


@check("two_layer_net", weight=1)
def test_two_layer_net_accuracy_all_or_nothing():
    seed(5)
    network = TwoLayerNet(3, 4, 2, weight_init_std=1.0)
    x = np.random.RandomState(5).randn(6, 3)
    labels = np.argmax(np.asarray(plain(network.predict(x), "TwoLayerNet.predict")), axis=1)
    n = len(x)
    for t, expected, case in (
            (labels, 1.0, catalog.text("feedback.two_layer_net.case_all_labels", n=n)),
            (1 - labels, 0.0, catalog.text("feedback.two_layer_net.case_none_labels", n=n)),
            (np.eye(2)[1 - labels], 0.0,
             catalog.text("feedback.two_layer_net.case_none_one_hot", n=n))):
        with raised_on(f"{case}: t = {show(t)} (TwoLayerNet(3, 4, 2))" if t.ndim == 1 else None):
            got = plain(network.accuracy(x, t), "TwoLayerNet.accuracy")
        if not close(got, expected):
            fail("feedback.two_layer_net.accuracy", case=f"{case} (TwoLayerNet(3, 4, 2))",
                 got=show(got), expected=expected)


@check("two_layer_net", weight=1)
def test_two_layer_net_numerical_gradient_another_net():
    seed(11)
    network = TwoLayerNet(3, 2, 2, weight_init_std=1.0)
    # Float64 copies of the parameters it drew: a net may keep float32 ones (as MNIST is), and
    # steps of h = 1e-4 stored in float32 are rounded, leaving the differences ~1e-4 off.
    for key, value in params_of(network).items():
        if key in KEYS:
            set_item(network, "params", key, np.asarray(value, dtype=float))
    x = np.random.RandomState(11).randn(2, 3)
    # The class each sample finds less probable as its target, where the delta inside the log
    # moves the loss's gradient furthest from backpropagation's.
    t = np.eye(2)[np.argmin(np.asarray(plain(network.predict(x), "TwoLayerNet.predict")),
                            axis=1)]
    check_numerical_gradient(network, x, t, "3, 2, 2")
