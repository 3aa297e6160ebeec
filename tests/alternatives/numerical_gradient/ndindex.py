"""module: ch04/gradient.py
Every index of any shape from np.ndindex; an integer x is copied as floats first.
"""
def numerical_gradient(f, x):
    h = 1e-4
    x = x if np.issubdtype(x.dtype, np.floating) else x.astype(float)
    grad = np.empty_like(x)
    for idx in np.ndindex(*x.shape):
        tmp = x[idx]
        x[idx] = tmp + h
        fxh1 = f(x)
        x[idx] = tmp - h
        fxh2 = f(x)
        x[idx] = tmp
        grad[idx] = (fxh1 - fxh2) / (2 * h)
    return grad
