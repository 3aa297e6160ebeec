"""module: ch04/gradient.py
A flat counter over x.size turned into an index with np.unravel_index (x itself is never reshaped).
"""
def numerical_gradient(f, x):
    h = 1e-4
    if not np.issubdtype(x.dtype, np.floating):
        x = np.array(x, dtype=np.float64)
    grad = np.zeros(x.shape, dtype=np.float64)
    for i in range(x.size):
        idx = np.unravel_index(i, x.shape)
        original = x[idx].copy()
        x[idx] = original + h
        up = f(x)
        x[idx] = original - h
        down = f(x)
        x[idx] = original
        grad[idx] = (up - down) / (2 * h)
    return grad
