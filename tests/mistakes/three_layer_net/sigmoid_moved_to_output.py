"""module: ch03/three_layer_net.py
expect: your sigmoid is in the wrong place
"""
def forward(network, x):
    W1, W2, W3 = network['W1'], network['W2'], network['W3']
    b1, b2, b3 = network['b1'], network['b2'], network['b3']
    z1 = sigmoid(np.dot(x, W1) + b1)
    a2 = np.dot(z1, W2) + b2
    return sigmoid(np.dot(a2, W3) + b3)
