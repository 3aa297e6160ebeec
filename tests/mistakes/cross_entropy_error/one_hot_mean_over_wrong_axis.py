"""module: ch04/losses.py
expect: t = np.eye(10)[2] (one sample, one-hot)
"""
def cross_entropy_error(y, t):
    if y.ndim == 1:
        t = np.reshape(t, (1, -1))
        y = y.reshape(1, y.size)
    batch_size = y.shape[0]
    if t.size == y.size:  # one-hot: the mean of the per-sample sums, but over the wrong axis
        return -np.mean(np.sum(t * np.log(y + 1e-7), axis=0))
    t = np.asarray(t).reshape(-1)
    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size
