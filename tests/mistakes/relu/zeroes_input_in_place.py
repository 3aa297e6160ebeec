"""module: ch03/activations.py
expect: changed the array it was given
"""
def relu(x):
    x[x < 0] = 0
    return x
