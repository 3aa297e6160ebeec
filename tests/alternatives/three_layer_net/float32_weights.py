"""module: ch03/three_layer_net.py
The book's weights stored as float32 arrays, and np.matmul for the layers.
"""
def init_network():
    values = {"W1": [[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]], "b1": [0.1, 0.2, 0.3],
              "W2": [[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]], "b2": [0.1, 0.2],
              "W3": [[0.1, 0.3], [0.2, 0.4]], "b3": [0.1, 0.2]}
    return {name: np.array(value, dtype=np.float32) for name, value in values.items()}


def forward(network, x):
    z1 = sigmoid(np.matmul(x, network["W1"]) + network["b1"])
    z2 = sigmoid(np.matmul(z1, network["W2"]) + network["b2"])
    return identity_function(np.matmul(z2, network["W3"]) + network["b3"])
