"""module: ch04/train.py
Batches from rng.integers, accuracy recorded before the update, sgd_update through np.subtract(out=).
"""
def sgd_update(params, grads, lr):
    for key in grads:
        np.subtract(params[key], lr * grads[key], out=params[key])


def train(network, x_train, t_train, x_test, t_test, iters_num=10000, batch_size=100,
          learning_rate=0.1, seed=None):
    rng = np.random.default_rng(seed)
    n = len(x_train)
    per_epoch = max(n / batch_size, 1)
    history = {"loss": [], "train_acc": [], "test_acc": []}
    for i in range(iters_num):
        if i % per_epoch == 0:
            history["train_acc"].append(network.accuracy(x_train, t_train))
            history["test_acc"].append(network.accuracy(x_test, t_test))
        rows = rng.integers(0, n, size=batch_size)
        grads = network.gradient(x_train[rows], t_train[rows])
        sgd_update(network.params, grads, learning_rate)
        history["loss"].append(network.loss(x_train[rows], t_train[rows]))
    return history
