"""module: ch04/train.py
expect: is now a new array
"""
def sgd_update(params, grads, lr):
    for key in params:
        params[key] = params[key] - lr * grads[key]
