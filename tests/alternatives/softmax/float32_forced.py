"""module: ch03/softmax.py
Works in float32 whatever it is given (as for MNIST), each row's maximum subtracted first.
"""
def softmax(a):
    a = np.asarray(a, dtype=np.float32)
    e = np.exp(a - a.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
