"""The softmax function of the output layer, safe from overflow (3.5)."""
import numpy as np


def softmax(a):
    """Softmax (ソフトマックス関数, 3.5.1-3.5.2): y_k = exp(a_k) / sum_i exp(a_i).

    a: a 1-D float ndarray (one sample's scores), or a 2-D batch of shape (N, K), one sample per
       row; then softmax is taken row by row.
    Returns floats of a's shape: each sample's outputs are in [0, 1] and sum to 1.

    Example: softmax(np.array([0.3, 2.9, 4.0])) -> array([0.01821127, 0.24519181, 0.73659691])
    Edge case: softmax(np.array([1010.0, 1000.0, 990.0])) must not be nan: np.exp(1010) overflows,
    so subtract the maximum (of each row) first, which leaves the result unchanged. Do it without
    changing the caller's array.
    """
    # axis=-1 is the last axis: the only one of a vector, each row's of a batch.
    c = np.max(a, axis=-1, keepdims=True)
    exp_a = np.exp(a - c)
    return exp_a / np.sum(exp_a, axis=-1, keepdims=True)
