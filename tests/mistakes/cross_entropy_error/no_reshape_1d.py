"""module: ch04/losses.py
expect: reshape y and t to (1, size)
"""
def cross_entropy_error(y, t):
    if np.size(t) != y.size:
        t = np.eye(y.shape[-1])[t]
    batch_size = y.shape[0]
    return -np.sum(t * np.log(y + 1e-7)) / batch_size
