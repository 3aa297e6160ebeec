"""module: ch03/activations.py
expect: the sign inside exp is flipped
"""
def sigmoid(x):
    return 1 / (1 + np.exp(x))
