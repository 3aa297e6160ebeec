"""module: ch03/activations.py
strategy: the input returned unchanged
"""
def relu(x):
    return x
