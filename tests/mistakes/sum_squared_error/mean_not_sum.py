"""module: ch04/losses.py
expect: you took the mean
"""
def sum_squared_error(y, t):
    return 0.5 * np.mean((y - t) ** 2)
