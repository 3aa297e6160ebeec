"""module: ch03/activations.py
expect: returned the number 0
"""
def identity_function(x):
    y = x
    return 0
