"""A 3-layer network's forward pass (3層ニューラルネットワーク), with the book's weights (3.4.3)."""
import numpy as np

from .activations import identity_function, sigmoid


def init_network():
    """The book's 2-3-2-2 network (3.4.3): a dict of its weights and biases.

    Returns {'W1': (2, 3), 'b1': (3,), 'W2': (3, 2), 'b2': (2,), 'W3': (2, 2), 'b3': (2,)},
    float ndarrays holding the book's numbers:
    W1 = [[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]], b1 = [0.1, 0.2, 0.3],
    W2 = [[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]], b2 = [0.1, 0.2],
    W3 = [[0.1, 0.3], [0.2, 0.4]], b3 = [0.1, 0.2].

    Example: init_network()['b1'] -> array([0.1, 0.2, 0.3])
    Edge case: W1 has one row per input (2 rows), not one row per neuron.
    """
    network = {}
    network['W1'] = np.array([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]])
    network['b1'] = np.array([0.1, 0.2, 0.3])
    network['W2'] = np.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]])
    network['b2'] = np.array([0.1, 0.2])
    network['W3'] = np.array([[0.1, 0.3], [0.2, 0.4]])
    network['b3'] = np.array([0.1, 0.2])
    return network


def forward(network, x):
    """The forward pass (順方向の処理, 3.4.3): input -> sigmoid layer -> sigmoid layer -> identity output.

    network: a dict like init_network()'s (any sizes that fit together).
    x: one input of shape (D,), or a batch of shape (N, D), one input per row.
    Returns the output layer's values: shape (K,) for one input, (N, K) for a batch.

    Example: forward(init_network(), np.array([1.0, 0.5])) -> array([0.31682708, 0.69627909])
    Edge case: the output layer uses identity_function, not sigmoid; use the weights in
    `network`, not the book's numbers.
    """
    W1, W2, W3 = network['W1'], network['W2'], network['W3']
    b1, b2, b3 = network['b1'], network['b2'], network['b3']

    a1 = np.dot(x, W1) + b1
    z1 = sigmoid(a1)
    a2 = np.dot(z1, W2) + b2
    z2 = sigmoid(a2)
    a3 = np.dot(z2, W3) + b3
    y = identity_function(a3)
    return y
