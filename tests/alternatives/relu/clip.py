"""module: ch03/activations.py
np.clip with no upper limit.
"""
def relu(x):
    return np.clip(x, 0, None)
