"""module: ch03/activations.py
expect: the limits are too narrow
"""
def sigmoid(x):
    return 1 / (1 + np.exp(-np.clip(x, -20, 20)))
