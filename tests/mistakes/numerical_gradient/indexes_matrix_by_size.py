"""module: ch04/gradient.py
expect: raised IndexError when given the 2x3 matrix W
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
