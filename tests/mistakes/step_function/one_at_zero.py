"""module: ch03/activations.py
expect: not x >= 0
"""
def step_function(x):
    return np.array(x >= 0, dtype=int)
