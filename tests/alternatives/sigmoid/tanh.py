"""module: ch03/activations.py
The identity sigmoid(x) = (1 + tanh(x / 2)) / 2, which never overflows.
"""
def sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x)))
