"""Loss functions (損失関数) of chapter 4 (4.2): squared errors, cross-entropy, one-hot labels."""
import numpy as np


def sum_squared_error(y, t):
    """The sum of squared errors (2乗和誤差) E = 0.5 * sum_k (y_k - t_k)**2 (4.2.1).

    The book's text calls it mean_squared_error, but it sums, with the factor 0.5.
    y: the network's outputs, a float ndarray; t: the one-hot targets, an ndarray of y's shape.
    Returns a Python float or numpy float (a scalar, not an array).

    Example: y = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0]) and t one-hot at
    index 2 give 0.0975; the same y with t one-hot at index 7 gives 0.5975.
    Edge case: keep the 0.5 and sum (do not take the mean): y equal to t gives 0.0.
    """
    return 0.5 * np.sum((y - t) ** 2)


def cross_entropy_error(y, t):
    """Cross-entropy error (交差エントロピー誤差) E = -sum_k t_k log(y_k + delta), averaged over a
    batch (ミニバッチ学習, 4.2.2-4.2.4).

    y: the network's outputs (softmax probabilities), a 1-D float ndarray (one sample, K classes)
       or a 2-D batch (N, K).
    t: the targets, either one-hot (same shape as y) or labels (an int scalar for one sample, an
       int ndarray (N,) for a batch); both forms give the same result.
    Returns a scalar: the loss of the one sample, or the mean over the N samples of a batch (a sum
    over the batch divided by N, not the mean over all N*K elements).

    Example: y = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0]) with the label 2
    (or its one-hot vector) gives 0.5108; with the label 7 it gives 2.3026.
    Edge case: y is 0.0 at the correct class: np.log(0) is -inf, so add delta = 1e-7 inside the
    log as the book does; the loss is then -log(1e-7) = 16.118, large but finite. A 1-D y is one
    sample: reshape it to (1, K) so that the batch size is 1, not K.
    """
    if y.ndim == 1:
        y = y.reshape(1, y.size)
        t = np.reshape(t, (1, -1))
    if t.size == y.size:  # one-hot targets: turn them into the labels of the correct classes
        t = t.argmax(axis=1)
    t = np.asarray(t).reshape(-1)
    batch_size = y.shape[0]
    delta = 1e-7
    return -np.sum(np.log(y[np.arange(batch_size), t] + delta)) / batch_size


def to_one_hot(labels, num_classes=10):
    """One-hot vectors (one-hot表現) of integer labels (4.2.1): row i is 1.0 at column labels[i],
    else 0.0.

    labels: a 1-D int ndarray (N,) (or a list) of class numbers in 0..num_classes-1.
    num_classes: the number of classes K (10 for MNIST).
    Returns a float ndarray of shape (N, num_classes).

    Example: to_one_hot(np.array([2, 0]), 3) -> array([[0., 0., 1.], [1., 0., 0.]])
    Edge case: a label outside 0..num_classes-1 (e.g. 10 or -1 with 10 classes) raises ValueError
    naming the bad label and the allowed range; never wrap a -1 round to the last class.
    """
    labels = np.asarray(labels)
    bad = labels[(labels < 0) | (labels >= num_classes)]
    if bad.size:
        raise ValueError(f"label {bad[0]} is outside the range 0..{num_classes - 1}")
    one_hot = np.zeros((labels.size, num_classes))
    one_hot[np.arange(labels.size), labels] = 1.0
    return one_hot
