"""module: ch03/activations.py
expect: which NumPy 1.24 removed
"""
def step_function(x):
    return np.array(np.asarray(x) > 0, dtype=np.int)
