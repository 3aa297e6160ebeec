"""module: ch03/mnist_inference.py
expect: a softmax for a batch works row by row
"""
def predict(network, x):
    z1 = sigmoid(np.dot(x, network['W1']) + network['b1'])
    z2 = sigmoid(np.dot(z1, network['W2']) + network['b2'])
    a3 = np.dot(z2, network['W3']) + network['b3']
    exp_a = np.exp(a3 - np.max(a3))
    return exp_a / np.sum(exp_a)
