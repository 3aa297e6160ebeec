"""module: ch03/three_layer_net.py
A dict literal for the weights and a loop over the three layers with the @ operator.
"""
def init_network():
    return {
        "W1": np.array([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]]), "b1": np.array([0.1, 0.2, 0.3]),
        "W2": np.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]]), "b2": np.array([0.1, 0.2]),
        "W3": np.array([[0.1, 0.3], [0.2, 0.4]]), "b3": np.array([0.1, 0.2]),
    }


def forward(network, x):
    z = x
    for layer in (1, 2, 3):
        a = z @ network[f"W{layer}"] + network[f"b{layer}"]
        z = sigmoid(a) if layer < 3 else identity_function(a)
    return z
