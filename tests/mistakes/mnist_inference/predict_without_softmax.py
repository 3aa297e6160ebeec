"""module: ch03/mnist_inference.py
expect: apply softmax to the output layer
"""
def predict(network, x):
    z1 = sigmoid(np.dot(x, network['W1']) + network['b1'])
    z2 = sigmoid(np.dot(z1, network['W2']) + network['b2'])
    return np.dot(z2, network['W3']) + network['b3']
