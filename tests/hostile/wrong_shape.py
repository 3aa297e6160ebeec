"""module: ch03/activations.py
zero: relu
status: failed
expect: shape
"""
def relu(x):
    return np.array([1.0])
