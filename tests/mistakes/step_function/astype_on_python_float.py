"""module: ch03/activations.py
expect: raised AttributeError when given the Python float 0.0
"""
def step_function(x):
    y = x > 0
    return y.astype(int)
