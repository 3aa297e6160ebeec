"""module: ch04/train.py
expect: iter_per_epoch is 10
"""
def train(network, x_train, t_train, x_test, t_test, iters_num=10000, batch_size=100,
          learning_rate=0.1, seed=None):
    rng = np.random.default_rng(seed)
    train_size = x_train.shape[0]
    history = {"loss": [], "train_acc": [], "test_acc": []}
    for i in range(iters_num):
        batch_mask = rng.choice(train_size, batch_size)
        x_batch, t_batch = x_train[batch_mask], t_train[batch_mask]
        sgd_update(network.params, network.gradient(x_batch, t_batch), learning_rate)
        history["loss"].append(network.loss(x_batch, t_batch))
        if i % batch_size == 0:  # batch_size is not the number of iterations in an epoch
            history["train_acc"].append(network.accuracy(x_train, t_train))
            history["test_acc"].append(network.accuracy(x_test, t_test))
    return history
