"""module: ch03/mnist_inference.py
A loop over the two hidden layers, and batches counted with np.count_nonzero on argmax(axis=-1).
"""
def predict(network, x):
    z = x
    for layer in (1, 2):
        z = sigmoid(z @ network[f"W{layer}"] + network[f"b{layer}"])
    return softmax(z @ network["W3"] + network["b3"])


def batch_accuracy(network, x, t, batch_size=100):
    correct = 0
    for start in range(0, len(x), batch_size):
        labels = predict(network, x[start:start + batch_size]).argmax(axis=-1)
        correct += np.count_nonzero(labels == t[start:start + batch_size])
    return correct / len(x)
