"""module: ch03/mnist_inference.py
strategy: batch_accuracy ignores batch_size: one predict of all the images, the same accuracy
public: passes
"""
def batch_accuracy(network, x, t, batch_size=100):
    return float(np.mean(np.argmax(predict(network, x), axis=1) == t))
