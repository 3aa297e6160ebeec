"""module: ch04/train.py
expect: a batch whose targets do not belong to its images
"""
def train(network, x_train, t_train, x_test, t_test, iters_num=10000, batch_size=100,
          learning_rate=0.1, seed=None):
    rng = np.random.default_rng(seed)
    train_size = x_train.shape[0]
    iter_per_epoch = max(train_size / batch_size, 1)
    history = {"loss": [], "train_acc": [], "test_acc": []}
    for i in range(iters_num):
        # Two draws: the targets come from other rows than the images.
        x_batch = x_train[rng.choice(train_size, batch_size)]
        t_batch = t_train[rng.choice(train_size, batch_size)]
        sgd_update(network.params, network.gradient(x_batch, t_batch), learning_rate)
        history["loss"].append(network.loss(x_batch, t_batch))
        if i % iter_per_epoch == 0:
            history["train_acc"].append(network.accuracy(x_train, t_train))
            history["test_acc"].append(network.accuracy(x_test, t_test))
    return history
