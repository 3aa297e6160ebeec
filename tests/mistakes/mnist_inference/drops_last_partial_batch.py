"""module: ch03/mnist_inference.py
expect: skips the last, smaller batch
"""
def batch_accuracy(network, x, t, batch_size=100):
    accuracy_cnt = 0
    for b in range(len(x) // batch_size):
        i = b * batch_size
        y_batch = predict(network, x[i:i + batch_size])
        p = np.argmax(y_batch, axis=1)
        accuracy_cnt += np.sum(p == t[i:i + batch_size])
    return float(accuracy_cnt) / len(x)
