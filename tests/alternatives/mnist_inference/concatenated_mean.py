"""module: ch03/mnist_inference.py
The batches' predicted labels concatenated, then the mean of the matches (a numpy float64).
"""
def batch_accuracy(network, x, t, batch_size=100):
    labels = np.concatenate([np.argmax(predict(network, x[i:i + batch_size]), axis=1)
                             for i in range(0, len(x), batch_size)])
    return np.mean(labels == t)
