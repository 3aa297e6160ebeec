"""module: ch03/activations.py
np.where keeps x where it is positive and puts 0 elsewhere.
"""
def relu(x):
    return np.where(x > 0, x, 0)
