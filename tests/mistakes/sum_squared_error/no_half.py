"""module: ch04/losses.py
expect: keep the factor 0.5
"""
def sum_squared_error(y, t):
    return np.sum((y - t) ** 2)
