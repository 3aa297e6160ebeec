"""module: ch03/softmax.py
expect: subtracts the maximum in place
"""
def softmax(a):
    a -= np.max(a, axis=-1, keepdims=True)
    exp_a = np.exp(a)
    return exp_a / np.sum(exp_a, axis=-1, keepdims=True)
