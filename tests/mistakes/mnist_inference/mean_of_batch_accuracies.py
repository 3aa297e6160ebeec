"""module: ch03/mnist_inference.py
expect: you averaged the accuracies of the batches
"""
def batch_accuracy(network, x, t, batch_size=100):
    accuracies = []
    for i in range(0, len(x), batch_size):
        y_batch = predict(network, x[i:i + batch_size])
        accuracies.append(np.mean(np.argmax(y_batch, axis=1) == t[i:i + batch_size]))
    return float(np.mean(accuracies))
