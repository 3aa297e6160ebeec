"""module: ch03/activations.py
expect: that is the mask x > 0
"""
def relu(x):
    return x > 0
