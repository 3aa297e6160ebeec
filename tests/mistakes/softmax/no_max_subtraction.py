"""module: ch03/softmax.py
expect: subtract the maximum
"""
def softmax(a):
    exp_a = np.exp(a)
    return exp_a / np.sum(exp_a, axis=-1, keepdims=True)
