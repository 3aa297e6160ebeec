"""module: ch03/activations.py
Returns a copy of an array (the same values) and a scalar as it is.
"""
def identity_function(x):
    return x.copy() if isinstance(x, np.ndarray) else x
