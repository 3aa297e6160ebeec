"""module: ch03/softmax.py
hidden: yes
expect: returned shape (3, 5); expected shape (3, 10): keep the input's shape
"""
def softmax(a):
    exp_a = np.exp(a - np.max(a, axis=-1, keepdims=True))
    return (exp_a / np.sum(exp_a, axis=-1, keepdims=True))[..., :5]
