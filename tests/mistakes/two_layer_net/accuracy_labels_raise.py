"""module: ch04/two_layer_net.py
expect: raised AxisError when given t as labels
"""
def _accuracy_one_hot_only(self, x, t):
    y = np.argmax(self.predict(x), axis=1)
    t = np.argmax(t, axis=1)
    return np.sum(y == t) / float(x.shape[0])


TwoLayerNet.accuracy = _accuracy_one_hot_only
