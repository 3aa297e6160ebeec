"""module: ch04/two_layer_net.py
float32 parameters, and a sigmoid and softmax that keep float32 input in float32 (float64 stays float64).
"""
def sigmoid(x):
    return np.exp(-np.logaddexp(np.zeros((), dtype=x.dtype), -x))


def softmax(a):
    e = np.exp(a - a.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        f32 = np.float32
        self.params = {
            "W1": (weight_init_std * np.random.randn(input_size, hidden_size)).astype(f32),
            "b1": np.zeros(hidden_size, dtype=f32),
            "W2": (weight_init_std * np.random.randn(hidden_size, output_size)).astype(f32),
            "b2": np.zeros(output_size, dtype=f32),
        }

    def predict(self, x):
        p = self.params
        return softmax(sigmoid(x @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"])

    def loss(self, x, t):
        return cross_entropy_error(self.predict(x), t)

    def accuracy(self, x, t):
        labels = t.argmax(axis=1) if t.ndim == 2 else t
        return float(np.mean(self.predict(x).argmax(axis=1) == labels))

    def numerical_gradient(self, x, t):
        loss_W = lambda W: self.loss(x, t)  # noqa: E731
        return {key: numerical_gradient(loss_W, self.params[key])
                for key in ("W1", "b1", "W2", "b2")}

    def gradient(self, x, t):  # the provided backpropagation, unchanged in substance
        W1, W2, b1, b2 = (self.params[k] for k in ("W1", "W2", "b1", "b2"))
        z1 = sigmoid(x @ W1 + b1)
        y = softmax(z1 @ W2 + b2)
        dy = (y - t) / x.shape[0]
        da1 = dy @ W2.T
        dz1 = (1.0 - z1) * z1 * da1
        return {"W1": x.T @ dz1, "b1": dz1.sum(axis=0), "W2": z1.T @ dy, "b2": dy.sum(axis=0)}
