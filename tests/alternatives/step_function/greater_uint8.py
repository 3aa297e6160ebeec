"""module: ch03/activations.py
np.greater cast to uint8, an unsigned integer dtype.
"""
def step_function(x):
    return np.greater(x, 0).astype(np.uint8)
