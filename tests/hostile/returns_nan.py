"""module: ch03/softmax.py
zero: softmax
status: failed
expect: nan
"""
def softmax(a):
    return np.full(np.shape(a), np.nan)
