"""Hidden checks of ch04/simple_net.py: a batch with one-hot targets, a batch of one, and weights
other than the book's."""
import numpy as np

from grader.judge.suite import check, close, fail, plain, show
from grader.suites.ch04.test_simple_net import (LOSS, LOSS_BATCH, P, T_BATCH, W_BOOK, X,
                                                X_BATCH, net)


@check("simple_net", weight=1)
def test_simple_net_one_hot_batch_and_batch_of_one():
    network = net(W_BOOK.copy())
    got = plain(network.predict(X.reshape(1, 2)), "SimpleNet.predict")
    if not close(got, P.reshape(1, 3)):
        fail("feedback.simple_net.predict", x=show(X.reshape(1, 2)), got=show(np.asarray(got)),
             expected=show(P.reshape(1, 3)))
    for x, t, expected in ((X_BATCH, np.eye(3)[T_BATCH], LOSS_BATCH),
                           (X.reshape(1, 2), np.array([2]), LOSS)):
        got = plain(network.loss(x.copy(), t.copy()), "SimpleNet.loss")
        if not close(got, expected, rtol=1e-6):
            fail("feedback.simple_net.loss", x=show(x), t=show(t), got=show(got),
                 expected=show(expected))


# Weights other than the book's, with the answers the reference gives (computed once, pasted
# in): a SimpleNet whose predict keeps the book's W, whatever net.W holds, gains nothing.
W_OTHER = np.array([[-0.31, 1.42, 0.05], [0.88, -0.67, 1.19]])
X_OTHER = np.array([[0.25, -1.1], [1.3, 0.4]])
T_OTHER = np.array([1, 2])
P_OTHER = np.array([[-1.0455, 1.092, -1.2965], [-0.051, 1.578, 0.541]])
LOSS_OTHER = 0.833027367751805


@check("simple_net", weight=1)
def test_simple_net_other_weights():
    network = net(W_OTHER.copy())
    got = plain(network.predict(X_OTHER.copy()), "SimpleNet.predict")
    if not close(got, P_OTHER):
        fail("feedback.simple_net.predict", x=show(X_OTHER), got=show(np.asarray(got)),
             expected=show(P_OTHER))
    got = plain(network.loss(X_OTHER.copy(), T_OTHER.copy()), "SimpleNet.loss")
    if not close(got, LOSS_OTHER, rtol=1e-6):
        fail("feedback.simple_net.loss", x=show(X_OTHER), t=show(T_OTHER), got=show(got),
             expected=show(LOSS_OTHER))
