"""module: ch04/losses.py
One-hot t becomes labels with argmax, then the log-probability of each correct class is indexed.
"""
def cross_entropy_error(y, t):
    t = np.asarray(t)
    if t.ndim == y.ndim:  # one-hot
        t = t.argmax(axis=-1)
    y = y.reshape(-1, y.shape[-1])
    t = t.reshape(-1)
    return -np.mean(np.log(y[np.arange(len(t)), t] + 1e-7))
