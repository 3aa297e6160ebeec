"""module: ch04/two_layer_net.py
expect: draw weight_init_std * np.random.randn
"""
_reference_init = TwoLayerNet.__init__


def _init_without_std(self, input_size, hidden_size, output_size, weight_init_std=0.01):
    _reference_init(self, input_size, hidden_size, output_size, weight_init_std)
    self.params["W1"] = np.random.randn(input_size, hidden_size)
    self.params["W2"] = np.random.randn(hidden_size, output_size)


TwoLayerNet.__init__ = _init_without_std
