"""module: ch04/two_layer_net.py
expect: returned all zeros
"""
def _gradient_on_copies(self, x, t):
    loss_W = lambda W: self.loss(x, t)
    return {key: numerical_gradient(loss_W, self.params[key].copy())
            for key in ("W1", "b1", "W2", "b2")}


TwoLayerNet.numerical_gradient = _gradient_on_copies
