"""module: ch04/two_layer_net.py
Weights drawn with np.random.normal(0, weight_init_std, shape), the same distribution from the global generator.
"""
_reference_init = TwoLayerNet.__init__


def _init_normal(self, input_size, hidden_size, output_size, weight_init_std=0.01):
    self.params = {"W1": np.random.normal(0.0, weight_init_std, (input_size, hidden_size)),
                   "b1": np.zeros(hidden_size),
                   "W2": np.random.normal(0.0, weight_init_std, (hidden_size, output_size)),
                   "b2": np.zeros(output_size)}


TwoLayerNet.__init__ = _init_normal
