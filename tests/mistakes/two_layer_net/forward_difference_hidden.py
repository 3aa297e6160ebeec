"""module: ch04/two_layer_net.py
hidden: yes
expect: on a tiny TwoLayerNet(3, 2, 2)
"""
def _forward_difference(self, x, t):
    h = 1e-4
    grads = {}
    for key in ("W1", "b1", "W2", "b2"):
        param = self.params[key]
        grad = np.zeros_like(param)
        for idx in np.ndindex(param.shape):
            saved = param[idx]
            base = self.loss(x, t)
            param[idx] = saved + h
            grad[idx] = (self.loss(x, t) - base) / h  # one-sided: off by about h
            param[idx] = saved
        grads[key] = grad
    return grads


TwoLayerNet.numerical_gradient = _forward_difference
