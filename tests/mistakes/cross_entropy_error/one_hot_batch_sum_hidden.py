"""module: ch04/losses.py
hidden: yes
expect: t = np.eye(3)[[1, 2, 0, 0, 2]] (one-hot)
"""
def cross_entropy_error(y, t):
    if y.ndim == 1:
        t = np.reshape(t, (1, -1))
        y = y.reshape(1, y.size)
    batch_size = y.shape[0]
    if t.size == y.size:  # one-hot: the sum over the batch, never divided by its size
        return -np.sum(t * np.log(y + 1e-7))
    t = np.asarray(t).reshape(-1)
    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size
