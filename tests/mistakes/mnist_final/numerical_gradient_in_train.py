"""module: ch04/train.py
expect: your train computes the gradient numerically
"""
_train_with_backprop = train


def train(network, *args, **kwargs):
    network.gradient = network.numerical_gradient  # the book's slow variant: days on MNIST
    return _train_with_backprop(network, *args, **kwargs)
