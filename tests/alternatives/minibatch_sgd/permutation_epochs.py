"""module: ch04/train.py
A new permutation from np.random.default_rng(seed) every epoch, its batches taken in order; sgd_update iterates over grads.
"""
def sgd_update(params, grads, lr):
    for key, grad in grads.items():
        params[key] -= lr * grad


def train(network, x_train, t_train, x_test, t_test, iters_num=10000, batch_size=100,
          learning_rate=0.1, seed=None):
    rng = np.random.default_rng(seed)
    train_size = x_train.shape[0]
    iter_per_epoch = max(train_size / batch_size, 1)
    history = {"loss": [], "train_acc": [], "test_acc": []}
    order, position = rng.permutation(train_size), 0
    for i in range(iters_num):
        if position + batch_size > train_size and position > 0:  # the epoch is used up
            order, position = rng.permutation(train_size), 0
        batch = order[position:position + batch_size]
        position += batch_size
        x_batch, t_batch = x_train[batch], t_train[batch]
        sgd_update(network.params, network.gradient(x_batch, t_batch), learning_rate)
        history["loss"].append(float(network.loss(x_batch, t_batch)))
        if i % iter_per_epoch == 0:
            history["train_acc"].append(network.accuracy(x_train, t_train))
            history["test_acc"].append(network.accuracy(x_test, t_test))
    return history
