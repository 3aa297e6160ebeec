"""Hidden checks of ch04/simple_net.py: a batch with one-hot targets and a batch of one."""
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
