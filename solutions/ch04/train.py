"""Minibatch SGD (ミニバッチ学習, 4.5.2-4.5.3): the training loop of TwoLayerNet, in epochs (エポック)."""
import numpy as np


def sgd_update(params, grads, lr):
    """One step of stochastic gradient descent (確率的勾配降下法, SGD, 4.5.2): params[key] -=
    lr * grads[key] for every key, with lr the learning rate (学習率).

    params: a dict of float ndarrays (e.g. network.params); grads: a dict with the same keys and
    shapes; lr: the learning rate.
    Returns None. The arrays in params are updated in place: after the call, params[key] is
    still the same array object, holding new values.

    Example: params = {'W': np.array([1.0, 2.0])}, grads = {'W': np.array([10.0, 10.0])},
    lr=0.1 leave params['W'] as array([0., 1.]).
    Edge case: `p = params[key]; p = p - lr * grads[key]` only rebinds the local name p and
    params never changes; write into the array itself with -=.
    """
    for key in params:
        params[key] -= lr * grads[key]


def train(network, x_train, t_train, x_test, t_test, iters_num=10000, batch_size=100,
          learning_rate=0.1, seed=None):
    """Train network by minibatch SGD, the book's train_neuralnet.py as a function (4.5.2-4.5.3).

    network: a TwoLayerNet (anything with params, gradient, last_loss and accuracy).
    x_train (N, D), t_train one-hot (N, K); x_test, t_test the same for the test data.
    Each of the iters_num iterations draws batch_size row numbers with
    rng.choice(train_size, batch_size) from rng = np.random.default_rng(seed), made once
    before the loop (not the global np.random), takes the gradient of that batch with
    network.gradient (backpropagation, fast), updates with sgd_update, then appends the loss
    of the batch to history["loss"]: network.last_loss, which network.gradient computed in
    its own forward pass. (The book calls network.loss(x_batch, t_batch) there instead: a
    second forward pass, after the update, that makes training about a third slower. It is
    accepted too.)
    At iteration i (counting from 0) whenever i % iter_per_epoch == 0, with
    iter_per_epoch = max(train_size / batch_size, 1), it appends network.accuracy on all the
    training data and on all the test data to history["train_acc"] and history["test_acc"].
    Returns history = {"loss": [iters_num floats], "train_acc": [...], "test_acc": [...]}.

    Example: 60000 training images, iters_num=10000, batch_size=100: an epoch is 600
    iterations, so accuracy is recorded at i = 0, 600, ..., 9600: 17 entries each.
    Edge case: the same seed gives exactly the same history from the same starting
    parameters; a new minibatch must be drawn at every iteration.
    """
    rng = np.random.default_rng(seed)
    train_size = x_train.shape[0]
    iter_per_epoch = max(train_size / batch_size, 1)
    history = {"loss": [], "train_acc": [], "test_acc": []}
    for i in range(iters_num):
        batch_mask = rng.choice(train_size, batch_size)
        x_batch, t_batch = x_train[batch_mask], t_train[batch_mask]
        sgd_update(network.params, network.gradient(x_batch, t_batch), learning_rate)
        history["loss"].append(network.last_loss)  # no second forward pass for the loss
        if i % iter_per_epoch == 0:
            history["train_acc"].append(network.accuracy(x_train, t_train))
            history["test_acc"].append(network.accuracy(x_test, t_test))
    return history
