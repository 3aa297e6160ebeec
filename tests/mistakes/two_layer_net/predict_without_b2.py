"""module: ch04/two_layer_net.py
expect: leaves predict(x) unchanged
"""
def _predict_without_b2(self, x):
    W1, W2 = self.params["W1"], self.params["W2"]
    b1 = self.params["b1"]
    z1 = sigmoid(np.dot(x, W1) + b1)
    return softmax(np.dot(z1, W2))  # + b2 forgotten


TwoLayerNet.predict = _predict_without_b2
