"""module: ch04/gradient.py
expect: the gradient you return is itself an integer array
"""
def numerical_gradient(f, x):
    h = 1e-4
    grad = np.zeros_like(x)  # made before x becomes float: an int array for an int x
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(float)
    it = np.nditer(x, flags=["multi_index"])
    while not it.finished:
        idx = it.multi_index
        saved = x[idx]
        x[idx] = saved + h
        fxh1 = f(x)
        x[idx] = saved - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = saved
        it.iternext()
    return grad
