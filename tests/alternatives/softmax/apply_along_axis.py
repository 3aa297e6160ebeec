"""module: ch03/softmax.py
A 1-D softmax applied to each row with np.apply_along_axis (to the vector itself when 1-D).
"""
def _softmax_1d(v):
    e = np.exp(v - v.max())
    return e / e.sum()


def softmax(a):
    return np.apply_along_axis(_softmax_1d, -1, a)
