"""module: ch04/gradient.py
np.nditer with multi_index and op_flags readwrite, iterated with a for loop inside a with block.
"""
def numerical_gradient(f, x):
    h = 1e-4
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    grad = np.zeros(x.shape)
    with np.nditer(x, flags=["multi_index"], op_flags=["readwrite"]) as it:
        for value in it:
            idx = it.multi_index
            old = value.item()
            x[idx] = old + h
            plus = f(x)
            x[idx] = old - h
            minus = f(x)
            x[idx] = old
            grad[idx] = (plus - minus) / (2 * h)
    return grad
