"""module: ch03/mnist_inference.py
expect: divide it by the number of images
"""
def batch_accuracy(network, x, t, batch_size=100):
    accuracy_cnt = 0
    for i in range(0, len(x), batch_size):
        y_batch = predict(network, x[i:i + batch_size])
        accuracy_cnt += int(np.sum(np.argmax(y_batch, axis=1) == t[i:i + batch_size]))
    return accuracy_cnt
