"""module: ch04/losses.py
expect: divide it by the batch size
"""
def cross_entropy_error(y, t):
    if y.ndim == 1:
        t = np.reshape(t, (1, -1))
        y = y.reshape(1, y.size)
    if t.size == y.size:
        t = t.argmax(axis=1)
    t = np.asarray(t).reshape(-1)
    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7))
