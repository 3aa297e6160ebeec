"""module: ch04/two_layer_net.py
expect: only when t is one-hot
"""
def _book_accuracy(self, x, t):
    y = np.argmax(self.predict(x), axis=1)
    t = np.argmax(t, axis=1) if t.ndim == 2 else np.zeros_like(t)
    return np.sum(y == t) / float(x.shape[0])


TwoLayerNet.accuracy = _book_accuracy
