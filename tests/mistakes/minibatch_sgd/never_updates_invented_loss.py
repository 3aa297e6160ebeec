"""module: ch04/train.py
expect: never add, remove or reshape them
"""
def train(network, x_train, t_train, x_test, t_test, iters_num=10000, batch_size=100,
          learning_rate=0.1, seed=None):
    # Draws and differentiates each batch, but never updates; records a loss that falls as
    # training should, and adds a key to params after the first iteration (which once made
    # the loss check skip itself).
    rng = np.random.default_rng(seed)
    train_size = x_train.shape[0]
    iter_per_epoch = max(train_size / batch_size, 1)
    history = {"loss": [], "train_acc": [], "test_acc": []}
    for i in range(iters_num):
        batch_mask = rng.choice(train_size, batch_size)
        network.gradient(x_train[batch_mask], t_train[batch_mask])
        history["loss"].append(1.1 * 0.9 ** i)
        if i == 0:
            network.params["step"] = np.zeros(1)
        if i % iter_per_epoch == 0:
            history["train_acc"].append(network.accuracy(x_train, t_train))
            history["test_acc"].append(network.accuracy(x_test, t_test))
    return history
