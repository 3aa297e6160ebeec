"""module: ch04/losses.py
expect: when given the book's y and t = 2 (one sample), t an int label instead of one-hot
"""
def cross_entropy_error(y, t):
    # The book's first batch version (4.2.4): one-hot t only.
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    batch_size = y.shape[0]
    return -np.sum(t * np.log(y + 1e-7)) / batch_size
