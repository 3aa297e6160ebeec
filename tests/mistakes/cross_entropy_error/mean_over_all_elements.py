"""module: ch04/losses.py
expect: averaged over all the elements
"""
def cross_entropy_error(y, t):
    if np.size(t) != y.size:
        t = np.eye(y.shape[-1])[t]
    return -np.mean(t * np.log(y + 1e-7))
