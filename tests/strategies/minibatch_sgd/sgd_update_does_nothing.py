"""module: ch04/train.py
strategy: sgd_update returns at once, so train's loop runs but never changes the parameters
"""
def sgd_update(params, grads, lr):
    return None
