"""TwoLayerNet (2層ニューラルネットワーク, 4.5.1): its loss (損失関数), accuracy (認識精度), gradients."""
import numpy as np

from ..ch03.activations import sigmoid
from ..ch03.softmax import softmax
from .gradient import numerical_gradient
from .losses import cross_entropy_error


class TwoLayerNet:
    """input -> Affine(W1, b1) -> sigmoid -> Affine(W2, b2) -> softmax (4.5.1).

    self.params holds the four parameters, each a float ndarray:
    'W1' (input_size, hidden_size), 'b1' (hidden_size,),
    'W2' (hidden_size, output_size), 'b2' (output_size,).

    Example: net = TwoLayerNet(784, 100, 10); net.params['W1'].shape is (784, 100) and
    net.predict(np.random.rand(100, 784)) has shape (100, 10), each row summing to 1.
    """

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        """Weights drawn as weight_init_std * np.random.randn(...), biases all zeros.

        Edge case: use the global np.random.randn, as the book does, so that np.random.seed(...)
        before the constructor fixes the weights.
        """
        self.params = {}
        self.params["W1"] = weight_init_std * np.random.randn(input_size, hidden_size)
        self.params["b1"] = np.zeros(hidden_size)
        self.params["W2"] = weight_init_std * np.random.randn(hidden_size, output_size)
        self.params["b2"] = np.zeros(output_size)

    def predict(self, x):
        """The class probabilities for a batch x (N, input_size): a float ndarray (N, output_size)
        whose rows sum to 1."""
        W1, W2 = self.params["W1"], self.params["W2"]
        b1, b2 = self.params["b1"], self.params["b2"]
        z1 = sigmoid(np.dot(x, W1) + b1)
        return softmax(np.dot(z1, W2) + b2)

    def loss(self, x, t):
        """The cross-entropy error of predict(x) against t (one-hot (N, output_size) or labels
        (N,)): a scalar, the mean over the batch."""
        return cross_entropy_error(self.predict(x), t)

    def accuracy(self, x, t):
        """The fraction of rows of x whose most probable class is the correct one: a float in
        [0, 1].

        t: one-hot (N, output_size) or labels (N,); both give the same accuracy.
        Example: 3 of 4 samples right gives 0.75.
        """
        y = np.argmax(self.predict(x), axis=1)
        if t.ndim != 1:
            t = np.argmax(t, axis=1)
        return np.sum(y == t) / float(x.shape[0])

    def numerical_gradient(self, x, t):
        """The gradient of loss(x, t) for each parameter by numerical_gradient (4.4): a dict with
        keys 'W1', 'b1', 'W2', 'b2', each a float ndarray of that parameter's shape.

        Edge case: f = lambda W: self.loss(x, t) ignores its argument; it works because
        numerical_gradient changes self.params[key] in place and puts it back. The parameters
        are the same afterwards. Slow: one loss per element of every parameter, twice.
        """
        loss_W = lambda W: self.loss(x, t)  # noqa: E731 (the book's form)
        return {key: numerical_gradient(loss_W, self.params[key])
                for key in ("W1", "b1", "W2", "b2")}

    # Provided, as in the book's ch04 code: backpropagation, which chapter 5 explains. It gives
    # the same numbers as numerical_gradient, fast; training MNIST with numerical gradients would
    # take days.
    def gradient(self, x, t):
        """The gradients of loss(x, t) by backpropagation, as a dict like numerical_gradient's.

        x: (N, input_size); t: one-hot (N, output_size).
        Also keeps loss(x, t) in self.last_loss, from this same forward pass: the loss of the
        batch before the update, so that train need not run a second forward pass for it.
        """
        W1, W2 = self.params["W1"], self.params["W2"]
        b1, b2 = self.params["b1"], self.params["b2"]
        grads = {}
        batch_num = x.shape[0]

        a1 = np.dot(x, W1) + b1
        z1 = sigmoid(a1)
        a2 = np.dot(z1, W2) + b2
        y = softmax(a2)

        # the cross-entropy error of this batch (4.2.2), as loss(x, t) would give it
        self.last_loss = -np.sum(t * np.log(y + 1e-7)) / batch_num
        dy = (y - t) / batch_num
        grads["W2"] = np.dot(z1.T, dy)
        grads["b2"] = np.sum(dy, axis=0)
        da1 = np.dot(dy, W2.T)
        dz1 = (1.0 - z1) * z1 * da1  # the derivative of sigmoid is (1 - z1) * z1
        grads["W1"] = np.dot(x.T, dz1)
        grads["b1"] = np.sum(dz1, axis=0)
        return grads
