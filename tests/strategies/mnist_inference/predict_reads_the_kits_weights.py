"""module: ch03/mnist_inference.py
strategy: predict ignores the network it is given and computes with the provided init_network()
public: passes
"""
def predict(network, x):
    network = init_network()  # the kit's weights, whatever the caller passed
    z1 = sigmoid(np.dot(x, network["W1"]) + network["b1"])
    z2 = sigmoid(np.dot(z1, network["W2"]) + network["b2"])
    return softmax(np.dot(z2, network["W3"]) + network["b3"])
