"""Hidden checks of ch04/train.py: epochs shorter than a batch, uneven epoch counts, and
sgd_update on more keys."""
import numpy as np

from grader import catalog
from grader.judge.suite import check, check_defaults, close, fail, plain, scenario, show, student
from grader.suites.ch04.test_train import X_TRAIN, T_TRAIN, Watched


def check_times(n, batch, iters, seed, expected_at):
    """train on the first n samples; accuracy belongs at the iterations expected_at."""
    watched = Watched()
    history = watched.run(X_TRAIN[:n], T_TRAIN[:n], iters, batch, 0.1, seed)
    loss = np.asarray(history["loss"], dtype=float)
    if len(loss) != iters or not np.all(np.isfinite(loss)):
        fail("feedback.minibatch_sgd.loss_length", got=len(loss), iters=iters)
    done = [count for count, size, _ in watched.accuracy_calls if size == n]
    if ([d - 1 for d in done] != expected_at and done != expected_at) or len(
            history["train_acc"]) != len(expected_at) or len(history["test_acc"]) != len(
            expected_at):
        fail("feedback.minibatch_sgd.acc_times", n=n, batch=batch, per=max(n / batch, 1),
             expected_at=expected_at, count=len(expected_at),
             got_at=[max(d - 1, 0) for d in done], got_count=len(history["train_acc"]))
    watched.check_updates()


@check("minibatch_sgd", weight=1)
def test_sgd_update_every_key():
    params = {key: np.full(shape, 1.0) for key, shape in
              (("W1", (2, 3)), ("b1", (3,)), ("W2", (3, 2)), ("b2", (2,)))}
    grads = {key: np.full(value.shape, 2.0) for key, value in params.items()}
    # In the worker, to see params as sgd_update left it.
    answer = scenario("call_on_mapping", "ch04.train:sgd_update", params, grads, 0.25,
                      what="sgd_update")
    after = plain(answer["after"], "sgd_update's params")
    for key, start in params.items():
        value = after.get(key)
        if not close(value, np.full(start.shape, 0.5)):
            fail("feedback.minibatch_sgd.sgd_wrong_value", param=key,
                 before=catalog.text("feedback.all_equal", value=1.0),
                 got=show(value), expected=catalog.text("feedback.all_equal", value=0.5))


@check("minibatch_sgd", weight=1)
def test_train_batch_larger_than_the_data():
    # 20 samples, batch_size 50: an epoch is max(20 / 50, 1) = 1 iteration, and a batch
    # repeats samples (rng.choice draws with replacement).
    check_times(20, 50, 4, 0, [0, 1, 2, 3])


@check("minibatch_sgd", weight=1)
def test_train_uneven_epochs():
    # 250 samples, batch_size 50: an epoch is 5 iterations; 23 iterations record at 0, 5, ..., 20.
    check_times(250, 50, 23, 1, [0, 5, 10, 15, 20])
    check_defaults(student("ch04.train").train, [10000, 100, 0.1, None], "4.5.2")
