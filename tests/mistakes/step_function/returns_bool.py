"""module: ch03/activations.py
expect: returned booleans
"""
def step_function(x):
    return x > 0
