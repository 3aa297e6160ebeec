"""simpleNet (4.4.2): a one-layer network whose loss we differentiate numerically (数値微分)."""
import numpy as np

from ..ch03.softmax import softmax
from .losses import cross_entropy_error


class SimpleNet:
    """A network with one weight matrix W of shape (2, 3): 2 inputs, 3 classes, no bias (4.4.2).

    Example: with W = np.array([[0.47355232, 0.9977393, 0.84668094],
                                [0.85557411, 0.03563661, 0.69422093]]),
    predict(np.array([0.6, 0.9])) is [1.05414809, 0.63071653, 1.1328074] and
    loss(np.array([0.6, 0.9]), np.array([0, 0, 1])) is 0.92806853663411326.
    """

    def __init__(self, W=None):
        """W: the weights, a float ndarray (2, 3), kept as self.W; None (the default) draws them
        with np.random.randn(2, 3) as the book does.

        Edge case: a W that is given is used as it is (the tests fix the weights this way), so
        draw random weights only when W is None.
        """
        raise NotImplementedError("SimpleNet: see section 4.4.2")

    def predict(self, x):
        """The scores x . W (before softmax).

        x: a float ndarray (2,) for one sample or (N, 2) for a batch.
        Returns a float ndarray (3,) or (N, 3).
        """
        raise NotImplementedError("SimpleNet.predict: see section 4.4.2")

    def loss(self, x, t):
        """The cross-entropy error of softmax(predict(x)) against t.

        x: (2,) or (N, 2); t: one-hot (3,) or (N, 3), or labels.
        Returns a scalar: the loss (the mean over the batch for a batch).
        Edge case: the gradient of this loss with respect to W is x^T (softmax(x W) - t) for one
        sample (divided by N for a batch): numerical_gradient(lambda w: net.loss(x, t), net.W)
        reproduces it, since it changes net.W itself while f reads it.
        """
        raise NotImplementedError("SimpleNet.loss: see section 4.4.2")
