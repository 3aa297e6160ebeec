"""module: ch04/losses.py
Half the dot product of the flattened difference with itself.
"""
def sum_squared_error(y, t):
    d = np.ravel(y - t)
    return 0.5 * np.dot(d, d)
