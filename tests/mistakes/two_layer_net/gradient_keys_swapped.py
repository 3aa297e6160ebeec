"""module: ch04/two_layer_net.py
expect: relative error per parameter
"""
def _swapped(self, x, t):
    loss_W = lambda W: self.loss(x, t)
    grads = {key: numerical_gradient(loss_W, self.params[key]) for key in ("W1", "b1", "W2", "b2")}
    grads["W1"] = grads["W1"][::-1].copy()
    return grads


TwoLayerNet.numerical_gradient = _swapped
