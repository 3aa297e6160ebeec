"""module: ch03/softmax.py
hidden: yes
expect: far below 0, so np.exp of each underflows to 0
"""
def softmax(a):
    # Only large values overflow, so only a positive maximum is subtracted.
    c = np.maximum(np.max(a, axis=-1, keepdims=True), 0)
    exp_a = np.exp(a - c)
    return exp_a / np.sum(exp_a, axis=-1, keepdims=True)
