"""Public checks of ch04/train.py: sgd_update and the minibatch training loop train.

train runs on a small, easy 3-class problem made here, with the submission's own TwoLayerNet,
whose methods are watched in the worker (scenarios watch/watch_log: each call still runs the real
method) to see which batches train draws, when it records accuracy and, at every iteration, that
the parameters after the update are those before minus learning_rate times that batch's gradient
(scenario param_steps). Numpy's legacy global generator is seeded with train's seed before each
call, so the book's np.random.choice(train_size, batch_size) is reproducible too: using it is
advised against, not charged.
"""
import numpy as np

from grader import catalog
from grader.judge.suite import (advise, check, close, fail, plain, raised_on, rng_state, scenario,
                                seed, show, student)

# 250 training and 60 test samples: with batch_size=25 an epoch is 10 iterations.
TRAIN_SIZE, TEST_SIZE, BATCH, ITERS, LR = 250, 60, 25, 55, 0.5
EXPECTED_AT = [0, 10, 20, 30, 40, 50]  # i % 10 == 0 for i in range(55)


def blobs(n, seed):
    """n points of 4 features around three well-separated centres, with one-hot targets."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, n)
    centres = np.array([[2.0, 0.0, 0.0, 1.0], [0.0, 2.0, 0.0, -1.0], [0.0, 0.0, 2.0, 0.0]])
    return centres[labels] + 0.5 * rng.standard_normal((n, 4)), np.eye(3)[labels]


X_TRAIN, T_TRAIN = blobs(TRAIN_SIZE, 1)
X_TEST, T_TEST = blobs(TEST_SIZE, 2)


def train_module():
    return student("ch04.train")


def shapes_of(params):
    """{key: shape} of a copy of network.params, or None when it is not a dict."""
    if not isinstance(params, dict):
        return None
    return {str(key): tuple(np.shape(value)) for key, value in params.items()}


class Watched:
    """The submission's TwoLayerNet(4, 8, 3) in the worker, its gradient and accuracy calls
    logged there; the arrays of its params held, to tell later whether train rebound them."""

    def __init__(self, net_seed=0):
        seed(net_seed)
        self.network = student("ch04.two_layer_net").TwoLayerNet(4, 8, 3, weight_init_std=0.5)
        self.shapes = shapes_of(plain(self.network.params, "TwoLayerNet.params"))
        self.lr = LR
        scenario("hold_params", self.network, what="TwoLayerNet.params")
        scenario("watch", self.network, ["gradient"], what="TwoLayerNet.gradient")
        scenario("watch", self.network, ["accuracy"], False, what="TwoLayerNet.accuracy")

    def log(self):
        """(the batches given to gradient, as (x, t), in order; the accuracy calls, each as
        (gradient calls before it, rows of its x, its value))."""
        batches, accuracy_calls = [], []
        for name, args, result in plain(scenario("watch_log", self.network), "watch_log"):
            if name == "gradient":
                batches.append((np.asarray(args[0]), np.asarray(args[1])))
            else:
                accuracy_calls.append((len(batches), int(args[0]), result))
        return batches, accuracy_calls

    @property
    def batches(self):
        return self.log()[0]

    @property
    def accuracy_calls(self):
        return self.log()[1]

    def rebound(self):
        """The keys of network.params now bound to other arrays than when it was made."""
        return plain(scenario("params_rebound", self.network, what="TwoLayerNet.params"),
                     "params_rebound")

    def check_updates(self):
        """Every iteration's step as the worker saw it: network.params keep the keys and shapes
        the network was made with, and after each update equal the parameters gradient was taken
        at minus learning_rate times the gradient it returned for that iteration's batch."""
        steps = plain(scenario("param_steps", self.network, what="TwoLayerNet.params"),
                      "param_steps")
        for i, (before, _, after) in enumerate(steps):
            for params in (before, after):
                if shapes_of(params) != self.shapes:
                    fail("feedback.minibatch_sgd.params_reshaped", i=i,
                         got=show(shapes_of(params)), expected=show(self.shapes))
        for i, (before, grads, after) in enumerate(steps):
            if all(np.array_equal(after[key], before[key]) for key in before):
                fail("feedback.minibatch_sgd.not_updated", i=i, lr=self.lr)
            for key in before:
                grad = grads.get(key) if isinstance(grads, dict) else None
                if grad is None or np.shape(grad) != np.shape(before[key]):
                    continue  # a gradient that is no dict of such arrays: TwoLayerNet's to fix
                expected = np.asarray(before[key], dtype=float) - self.lr * np.asarray(grad)
                if not close(after[key], expected, rtol=1e-6, atol=1e-12):
                    fail("feedback.minibatch_sgd.update_wrong", i=i, param=key, lr=self.lr,
                         before=show(np.asarray(before[key])), got=show(np.asarray(after[key])),
                         expected=show(expected))

    def run(self, x_train, t_train, iters_num, batch_size, learning_rate, train_seed):
        """train(...) on this network, numpy's global generator seeded with train_seed first
        (the book's np.random.choice then draws reproducible batches); the history, once it
        holds the three lists."""
        seed(train_seed)
        self.lr = learning_rate
        history = train_module().train(self.network, x_train, t_train, X_TEST, T_TEST,
                                       iters_num=iters_num, batch_size=batch_size,
                                       learning_rate=learning_rate, seed=train_seed)
        if not isinstance(history, dict) or any(
                not isinstance(history.get(key), (list, np.ndarray))
                for key in ("loss", "train_acc", "test_acc")):
            fail("feedback.minibatch_sgd.history_keys", got=show(history))
        return history

    def train(self, seed=0, iters_num=ITERS):
        return self.run(X_TRAIN, T_TRAIN, iters_num, BATCH, LR, seed)


# --- sgd_update (4.5.2) ---

@check("minibatch_sgd", weight=2)
def test_sgd_update_in_place():
    W, b = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([0.5, -0.5])
    before = {"W": W, "b": b}
    grads = {"W": np.array([[10.0, 0.0], [-10.0, 5.0]]), "b": np.array([1.0, 2.0])}
    expected = {key: before[key] - 0.1 * grads[key] for key in before}
    # In the worker: sgd_update(params, grads, 0.1), and which keys it bound to new arrays.
    with raised_on(catalog.text("input.sgd_params")):
        answer = scenario("call_on_mapping", "ch04.train:sgd_update", dict(before), grads, 0.1,
                          what="sgd_update")
    params = plain(answer["after"], "sgd_update's params")
    if all(np.array_equal(params.get(key), before[key]) for key in before):
        fail("feedback.minibatch_sgd.sgd_never_reaches_params", before=show(before["W"]),
             expected=show(expected["W"]))
    for key in before:
        if not close(params.get(key), expected[key]):
            fail("feedback.minibatch_sgd.sgd_wrong_value", param=key, before=show(before[key]),
                 got=show(params.get(key)), expected=show(expected[key]))
    for key in before:
        if key in plain(answer["replaced"], "sgd_update's params"):
            fail("feedback.minibatch_sgd.sgd_replaces_arrays", param=key)


# --- train (4.5.2-4.5.3) ---

@check("minibatch_sgd", weight=1)
def test_train_draws_a_batch_per_iteration():
    watched = Watched()
    watched.train()
    batches = watched.batches
    if len(batches) != ITERS:
        fail("feedback.minibatch_sgd.no_gradient", iters=ITERS, calls=len(batches))
    sizes = sorted({len(x) for x, _ in batches})
    if sizes != [BATCH]:
        fail("feedback.minibatch_sgd.batch_size", expected=BATCH, got=sizes)
    # Each batch row must be one training sample, its target from the same row; equal up to
    # float32 rounding, since train may hand the net float32 copies of the data.
    for x, t in batches[:5]:
        for row in range(BATCH):
            same = np.isclose(X_TRAIN, x[row], rtol=1e-6, atol=0)
            matches = np.flatnonzero(np.all(same, axis=1))
            if not matches.size or not np.array_equal(T_TRAIN[matches[0]], t[row]):
                fail("feedback.minibatch_sgd.batch_rows", row=row)
    if all(np.array_equal(x, batches[0][0]) for x, _ in batches):
        fail("feedback.minibatch_sgd.same_batch", iters=ITERS)
    # 55 uniform draws of 25 rows from 250 reach nearly every row (99.6 % expected); drawing
    # from the first batch_size rows only, or any small part, reaches far fewer.
    drawn = np.unique(np.concatenate([x for x, _ in batches]), axis=0)
    if len(drawn) < TRAIN_SIZE // 2:
        fail("feedback.minibatch_sgd.part_of_the_data", rows=len(drawn), n=TRAIN_SIZE,
             iters=ITERS, batch=BATCH)
    for key in watched.rebound():
        fail("feedback.minibatch_sgd.params_rebound", param=key)
    watched.check_updates()


@check("minibatch_sgd", weight=2)
def test_train_history():
    watched = Watched()
    history = watched.train()
    if len(history["loss"]) != ITERS:
        fail("feedback.minibatch_sgd.loss_length", got=len(history["loss"]), iters=ITERS)
    # train may ask for accuracy right before or right after iteration i's update, counted in
    # calls to network.gradient: without any, when it asked cannot be told.
    batches, accuracy_calls = watched.log()
    if len(batches) != ITERS:
        fail("feedback.minibatch_sgd.no_gradient", iters=ITERS, calls=len(batches))
    on_train = [c for c in accuracy_calls if c[1] == TRAIN_SIZE]
    on_test = [c for c in accuracy_calls if c[1] == TEST_SIZE]
    after = [done - 1 for done, _, _ in on_train]
    before = [done for done, _, _ in on_train]
    right_times = EXPECTED_AT in (after, before) and len(on_test) == len(on_train)
    if not right_times or len(history["train_acc"]) != len(EXPECTED_AT):
        fail("feedback.minibatch_sgd.acc_times", n=TRAIN_SIZE, batch=BATCH,
             per=TRAIN_SIZE / BATCH, expected_at=EXPECTED_AT, count=len(EXPECTED_AT),
             got_at=[max(i, 0) for i in after], got_count=len(history["train_acc"]))
    for key, calls, data in (("train_acc", on_train, catalog.text("feedback.data.train")),
                             ("test_acc", on_test, catalog.text("feedback.data.test"))):
        values = [value for _, _, value in calls]
        if not close(np.asarray(history[key], dtype=float), values):
            fail("feedback.minibatch_sgd.acc_values", param=key, data=data,
                 got=show(np.asarray(history[key], dtype=float), 3),
                 expected=show(np.array(values), 3))
    # The parameters keep their keys and shapes and move by each batch's gradient: then every
    # entry is checked, none skipped.
    watched.check_updates()
    # Each entry is the loss of that iteration's batch, before its update (network.last_loss)
    # or after it (the book's network.loss(x_batch, t_batch)): the network's own loss, at the
    # parameters gradient was taken at and at the next ones.
    losses = plain(scenario("batch_losses", watched.network, what="TwoLayerNet.loss"),
                   "batch_losses")
    got = np.asarray(history["loss"], dtype=float)
    before, after = (np.asarray(losses[kind], dtype=float) for kind in ("before", "after"))
    if not any(close(got, expected, rtol=1e-5, atol=1e-9) for expected in (before, after)):
        wrong = ~(np.isclose(got, before, rtol=1e-5, atol=1e-9)
                  | np.isclose(got, after, rtol=1e-5, atol=1e-9))
        i = int(np.flatnonzero(wrong)[0]) if wrong.any() else 0
        fail("feedback.minibatch_sgd.loss_values", i=i, got=show(got[i]),
             before=show(before[i]), after=show(after[i]))


@check("minibatch_sgd", weight=1)
def test_train_loss_falls():
    watched = Watched()
    history = watched.train(iters_num=100)
    watched.check_updates()
    loss = np.asarray(history["loss"], dtype=float)
    first, last = float(np.mean(loss[:10])), float(np.mean(loss[-10:]))
    if not (np.isfinite(last) and last < 0.5 * first):
        fail("feedback.minibatch_sgd.loss_not_falling", first=first, last=last, lr=LR)


@check("minibatch_sgd", weight=2)
def test_train_seed():
    first = Watched(net_seed=0)
    seed(3)
    state = rng_state()
    first_history = first.train(seed=3)
    first.check_updates()
    # Batches drawn from the global generator (the book's np.random.choice) are reproducible
    # here, where it is seeded with train's seed: advice, not a charge.
    after = rng_state()
    if not (np.array_equal(state[1], after[1]) and state[2:] == after[2:]):
        advise("advice.minibatch_sgd.global_rng")
    second_history = Watched(net_seed=0).train(seed=3)
    a, b = (np.asarray(h["loss"], dtype=float) for h in (first_history, second_history))
    if a.shape != b.shape or not np.array_equal(a, b):
        i = int(np.flatnonzero(a != b)[0]) if a.shape == b.shape else 0
        fail("feedback.minibatch_sgd.not_reproducible", i=i, a=show(a[i]), b=show(b[i]))
    other = Watched(net_seed=0)
    other.train(seed=4)
    batches, other_batches = first.batches, other.batches
    if not batches or not other_batches:
        fail("feedback.minibatch_sgd.seed_no_gradient", iters=ITERS, seed=4 if batches else 3)
    if all(np.array_equal(x, y) for (x, _), (y, _) in zip(batches, other_batches)):
        fail("feedback.minibatch_sgd.seed_ignored", a=3, b=4)
