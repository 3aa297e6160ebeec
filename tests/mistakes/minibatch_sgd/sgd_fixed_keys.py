"""module: ch04/train.py
expect: raised KeyError when given params and grads with the keys 'W' and 'b'
"""
def sgd_update(params, grads, lr):
    for key in ("W1", "b1", "W2", "b2"):  # only a TwoLayerNet's keys
        params[key] -= lr * grads[key]
