"""module: ch03/softmax.py
expect: divide exp(a) by the sum
"""
def softmax(a):
    return np.exp(a - np.max(a, axis=-1, keepdims=True))
