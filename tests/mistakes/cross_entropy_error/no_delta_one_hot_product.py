"""module: ch04/losses.py
expect: y is 0 at some classes other than the correct one
absent: 0.51083, large but finite
"""
def cross_entropy_error(y, t):
    # The book's 4.2.2 formula without its delta: the book's y has zeros at wrong classes.
    if y.ndim == 1:
        t = np.reshape(t, (1, -1))
        y = y.reshape(1, y.size)
    if t.size != y.size:
        t = np.eye(y.shape[1])[np.asarray(t).reshape(-1)]
    return -np.sum(t * np.log(y)) / y.shape[0]
