"""module: ch04/gradient.py
expect: for idx in range(x.size) runs past the last row
first: x[i] of a matrix is a whole row
"""
def numerical_gradient(f, x):
    # The book's one-dimensional version: x[idx] is an element only when x is a vector.
    h = 1e-4
    grad = np.zeros_like(x)
    for idx in range(x.size):
        tmp_val = x[idx]
        x[idx] = tmp_val + h
        fxh1 = f(x)
        x[idx] = tmp_val - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = tmp_val
    return grad
