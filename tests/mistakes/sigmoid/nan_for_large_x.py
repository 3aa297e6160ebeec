"""module: ch03/activations.py
expect: contains nan or inf
"""
def sigmoid(x):
    return np.exp(x) / (1 + np.exp(x))
