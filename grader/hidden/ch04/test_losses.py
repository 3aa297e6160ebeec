"""Hidden checks of ch04/losses.py: other shapes and dtypes, label forms, inputs left unchanged."""
import numpy as np

from grader import catalog
from grader.judge.suite import check, close, fail, show
from grader.suites.ch04.test_losses import (cee, check_cee, check_one_hot, check_rejects,
                                            check_sse, losses, scalar)

Y5 = np.array([[0.05, 0.9, 0.05], [0.3, 0.3, 0.4], [0.6, 0.1, 0.3], [0.2, 0.2, 0.6],
               [0.34, 0.33, 0.33]])
L5 = np.array([1, 2, 0, 0, 2])


@check("sum_squared_error", weight=1)
def test_sum_squared_error_batch_and_int_targets():
    y = np.array([[0.3, 0.2, 0.5], [0.25, 0.7, 0.05]])
    check_sse(y, np.array([[0, 0, 1], [0, 1, 0]]), 0.26749999999999996,
              catalog.text("input.batch_2x3_int_one_hot"))


@check("cross_entropy_error", weight=1)
def test_cross_entropy_error_other_batches():
    for t, text in ((L5, catalog.text("input.batch5", t="[1, 2, 0, 0, 2]")),
                    (np.eye(3)[L5], catalog.text("input.batch5",
                                                 t="np.eye(3)[[1, 2, 0, 0, 2]] (one-hot)"))):
        check_cee(cee(Y5.copy(), t.copy(), text), 0.8501152154891651, text, Y5, t,
                  batch=True)
    text = catalog.text("input.batch_of_one")
    y1 = np.array([[0.25, 0.75]])
    check_cee(cee(y1.copy(), np.array([1]), text), 0.2876819391184566, text, y1,
              np.array([1]), batch=True)
    text = "float32 y = [0.25, 0.75] and t = 1"
    y32 = np.array([0.25, 0.75], dtype=np.float32)
    got = cee(y32.copy(), 1, text)
    if not close(got, 0.2876819391184566, rtol=1e-5):
        check_cee(got, 0.2876819391184566, text, y32, 1, batch=False)


def _minibatch():
    """An MNIST-sized minibatch: 100 samples of 10 classes (one-hot t then has 1000 elements,
    more than the small ints Python caches, so `t.size is y.size` is not `==`)."""
    rng = np.random.default_rng(44)
    y = rng.random((100, 10)) + 0.05
    return y / y.sum(axis=1, keepdims=True), rng.integers(0, 10, 100)


@check("cross_entropy_error", weight=1)
def test_cross_entropy_error_mnist_sized_batch():
    y, labels = _minibatch()
    for t, text in ((labels, "a minibatch of 100 samples of 10 classes, t as labels"),
                    (np.eye(10)[labels], "a minibatch of 100 samples of 10 classes, t one-hot "
                                         "(100, 10)")):
        check_cee(cee(y.copy(), t.copy(), text), 2.4903655274841014, text, y, t, batch=True)


@check("cross_entropy_error", weight=1)
def test_cross_entropy_error_leaves_inputs():
    got, (y, t) = losses().cross_entropy_error.args_after(Y5.copy(), L5.copy())
    scalar("cross_entropy_error", got, catalog.text("input.batch5_short"), "4.2.4")
    for name, before, after in (("y", Y5, y), ("t", L5, t)):
        if not np.array_equal(before, after):
            fail("test.mutated_input", name="cross_entropy_error", before=show(before),
                 after=show(after), section="4.2.4")


@check("to_one_hot", weight=1)
def test_to_one_hot_lists_and_edges():
    check_one_hot([1, 1, 0], 2, np.eye(2)[[1, 1, 0]])
    check_one_hot(np.array([0, 0]), 1, np.ones((2, 1)))
    check_one_hot(np.array([], dtype=int), 4, np.zeros((0, 4)))


@check("to_one_hot", weight=1)
def test_to_one_hot_rejects_labels_far_above():
    check_rejects(np.array([2, 12]), 12)
    check_rejects(np.array([4, 0]), 4, num_classes=3)
