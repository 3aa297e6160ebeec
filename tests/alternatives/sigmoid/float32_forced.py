"""module: ch03/activations.py
Works in float32 whatever it is given (as for MNIST), stable through np.logaddexp.
"""
def sigmoid(x):
    x = np.asarray(x, dtype=np.float32)
    return np.exp(-np.logaddexp(np.float32(0), -x))
