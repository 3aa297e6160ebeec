"""Public checks of ch04/simple_net.py: SimpleNet's weights, predict, loss and its gradient.

Expected values are the book's example (4.4.2) with its printed weights, or were computed once
from the reference solution and pasted in.
"""
import numpy as np

from grader.judge.suite import (check, close, fail, plain, relative_error, scenario, seed, show,
                                student)

# The book's weights (4.4.2), as it prints them.
W_BOOK = np.array([[0.47355232, 0.9977393, 0.84668094],
                   [0.85557411, 0.03563661, 0.69422093]])
X = np.array([0.6, 0.9])
T = np.array([0, 0, 1])
P = np.array([1.054148091, 0.630716529, 1.132807401])
LOSS = 0.9280682857864075
# The analytic gradient x^T (softmax(x W) - t), divided by N for the batch.
DW = np.array([[0.2192476266788698, 0.14356246612192342, -0.3628100928007932],
               [0.3288714400183047, 0.21534369918288512, -0.5442151392011898]])
# A batch of three with labels.
X_BATCH = np.array([[0.6, 0.9], [1.0, -0.5], [-0.3, 0.2]])
T_BATCH = np.array([2, 0, 1])
P_BATCH = np.array([[1.054148091, 0.630716529, 1.132807401],
                    [0.045765265, 0.979920995, 0.49957047500000007],
                    [0.02904912600000003, -0.292194468, -0.11516009600000003]])
LOSS_BATCH = 1.278121773066224
DW_BATCH = np.array([[-0.23373425822624538, 0.28557779032665187, -0.05184353210040651],
                     [0.26946485267029696, -0.05908200167553102, -0.21038285099476592]])
# The step of the central differences the check takes itself (the book's h).
H = 1e-4
# np.random.seed(0); np.random.randn(2, 3)
RANDN_SEED_0 = np.array([[1.764052345967664, 0.4001572083672233, 0.9787379841057392],
                         [2.240893199201458, 1.8675579901499675, -0.977277879876411]])


def net(W=None):
    """The submission's SimpleNet holding W (when given). A constructor that takes W gets it, and
    must keep it; one that takes none, as the book's simpleNet, has net.W set after it."""
    SimpleNet = student("ch04.simple_net").SimpleNet
    if W is None:
        return SimpleNet()
    if not plain(scenario("takes_arguments", "ch04.simple_net:SimpleNet", 1,
                          what="SimpleNet"), "SimpleNet's parameters"):
        network = SimpleNet()
        network.W = W
        return network
    network = SimpleNet(W)
    kept = plain(network.W, "SimpleNet.W")
    if not close(kept, W):
        fail("feedback.simple_net.W_ignored", W=show(W), got=show(np.asarray(kept)))
    return network


def loss_gradient(network, x, t, W):
    """The gradient of network.loss(x, t) with respect to net.W at W, by central differences
    computed here: net.W is set to a copy of W with one element moved by +h, then -h."""
    grad = np.zeros_like(W)
    for index in np.ndindex(*W.shape):
        values = []
        for step in (H, -H):
            moved = W.copy()
            moved[index] += step
            network.W = moved
            values.append(float(plain(network.loss(x.copy(), np.copy(t)), "SimpleNet.loss")))
        grad[index] = (values[0] - values[1]) / (2 * H)
    network.W = W.copy()
    return grad


@check("simple_net", weight=1)
def test_simple_net_weights():
    net(W_BOOK.copy())
    seed(0)
    drawn = np.asarray(plain(net().W, "SimpleNet.W"))
    if drawn.shape != (2, 3) or not close(drawn, RANDN_SEED_0):
        fail("feedback.simple_net.default_W", got=show(drawn), expected=show(RANDN_SEED_0))


@check("simple_net", weight=1)
def test_simple_net_predict():
    network = net(W_BOOK.copy())
    for x, expected in ((X, P), (X_BATCH, P_BATCH)):
        got = plain(network.predict(x.copy()), "SimpleNet.predict")
        if not close(got, expected):
            fail("feedback.simple_net.predict", x=show(x), got=show(np.asarray(got)),
                 expected=show(expected))


@check("simple_net", weight=2)
def test_simple_net_loss():
    network = net(W_BOOK.copy())
    for x, t, expected in ((X, T, LOSS), (X, 2, LOSS), (X_BATCH, T_BATCH, LOSS_BATCH)):
        got = plain(network.loss(x.copy(), np.copy(t)), "SimpleNet.loss")
        if not close(got, expected, rtol=1e-6):
            fail("feedback.simple_net.loss", x=show(x), t=show(t), got=show(got),
                 expected=show(expected))


@check("simple_net", weight=2)
def test_simple_net_numerical_gradient_is_analytic():
    # The central differences are taken here, not by the submission's numerical_gradient: a
    # right SimpleNet loses nothing for a mistake of the gradient exercise.
    for x, t, expected in ((X, T, DW), (X_BATCH, T_BATCH, DW_BATCH)):
        network = net(W_BOOK.copy())
        got = loss_gradient(network, x, t, W_BOOK.copy())
        if np.all(got == 0):
            fail("feedback.simple_net.gradient_zero", h=H)
        error = relative_error(got, expected)
        if not error < 1e-6:
            fail("feedback.simple_net.gradient", x=show(x), t=show(t), got=show(got),
                 expected=show(expected), error=error)
