"""module: ch03/softmax.py
expect: over the wrong axis
"""
def softmax(a):
    c = np.max(a, axis=0)
    exp_a = np.exp(a - c)
    return exp_a / np.sum(exp_a, axis=0)
