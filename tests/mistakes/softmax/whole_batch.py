"""module: ch03/softmax.py
expect: the whole batch sums to 1
"""
def softmax(a):
    c = np.max(a)
    exp_a = np.exp(a - c)
    return exp_a / np.sum(exp_a)
