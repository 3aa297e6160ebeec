"""module: ch04/train.py
expect: makes a new array bound only to the local name p
"""
def sgd_update(params, grads, lr):
    for key in params:
        p = params[key]
        p = p - lr * grads[key]
