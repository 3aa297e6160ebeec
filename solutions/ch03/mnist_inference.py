"""Recognising MNIST digits with a network that is already trained (推論処理, 3.6)."""
from pathlib import Path

import numpy as np

import data
from data.mnist import load_mnist

from .activations import sigmoid
from .softmax import softmax


# Provided, not an exercise: the test images and the kit's pre-trained weights, as the book
# provides them (section 3.6.2), so this exercise is only about inference.
def get_data():
    """The MNIST test set: x_test (10000, 784) float32 in [0, 1], t_test (10000,) digit labels."""
    (x_train, t_train), (x_test, t_test) = load_mnist(normalize=True, flatten=True,
                                                      one_hot_label=False)
    return x_test, t_test


# Provided, not an exercise: the kit's trained 784-50-100-10 network (data/sample_weight.npz).
def init_network():
    """The trained network: a dict of float32 arrays W1 (784, 50), b1 (50,), W2 (50, 100),
    b2 (100,), W3 (100, 10), b3 (10,)."""
    with np.load(Path(data.__file__).parent / "sample_weight.npz") as weights:
        return {name: weights[name] for name in weights.files}


def predict(network, x):
    """The network's class probabilities (推論処理, 3.6.2): sigmoid, sigmoid, then softmax
    (ソフトマックス関数) on the output.

    network: a dict like init_network()'s.
    x: one image of shape (784,), or a batch of shape (N, 784), one image per row.
    Returns shape (10,) for one image, (N, 10) for a batch: each row's ten probabilities
    sum to 1.

    Example: np.argmax(predict(network, x_test[0])) -> 7, the label of the first test image.
    Edge case: a batch of one, shape (1, 784), gives shape (1, 10), not (10,).
    """
    W1, W2, W3 = network['W1'], network['W2'], network['W3']
    b1, b2, b3 = network['b1'], network['b2'], network['b3']

    a1 = np.dot(x, W1) + b1
    z1 = sigmoid(a1)
    a2 = np.dot(z1, W2) + b2
    z2 = sigmoid(a2)
    a3 = np.dot(z2, W3) + b3
    y = softmax(a3)
    return y


def batch_accuracy(network, x, t, batch_size=100):
    """The fraction of images in x whose predicted digit equals t, predicted in batches
    (バッチ処理, 3.6.3).

    network: a dict like init_network()'s.
    x: images of shape (N, 784); t: their labels, shape (N,) ints 0-9.
    batch_size: how many images go through predict at once.
    Returns a Python float in [0, 1]: the number of correct predictions divided by N.

    Example: batch_accuracy(network, x_test, t_test) -> 0.9321 with the kit's weights.
    Edge case: when batch_size does not divide N (say N = 10000, batch_size = 300), the last,
    smaller batch counts too; the predicted digit of each image is the argmax along axis=1.
    """
    accuracy_cnt = 0
    for i in range(0, len(x), batch_size):
        y_batch = predict(network, x[i:i + batch_size])
        p = np.argmax(y_batch, axis=1)
        accuracy_cnt += int(np.sum(p == t[i:i + batch_size]))
    return accuracy_cnt / len(x)
