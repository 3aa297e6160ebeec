"""module: ch03/softmax.py
The book's common/functions.py form, on the transposed batch with axis 0; a 1-D a is its own transpose.
"""
def softmax(a):
    x = a.T
    x = x - np.max(x, axis=0)
    y = np.exp(x) / np.sum(np.exp(x), axis=0)
    return y.T
