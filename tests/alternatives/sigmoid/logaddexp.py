"""module: ch03/activations.py
1 / (1 + exp(-x)) as exp(-log(1 + exp(-x))), with np.logaddexp computing the log stably.
"""
def sigmoid(x):
    return np.exp(-np.logaddexp(0, -x))
