"""Public checks of ch03/mnist_inference.py: predict and batch_accuracy.

The network is the kit's data/sample_weight.npz and the images the MNIST test set, each loaded
once for the module. The exact accuracies the shipped weights give (data/SAMPLE_WEIGHTS.md),
and the ones the usual mistakes give, were computed once from the reference and pasted in.
"""
from pathlib import Path

import numpy as np
import pytest

import data
from grader.judge.mnist import load
from grader.judge.suite import check, close, fail, shared, show, student

# predict(network, x_test[0]): the first test image is a 7.
PROBS_0 = np.array([1.6962418e-04, 4.3341993e-06, 7.1047549e-04, 2.6489012e-03, 8.9339983e-07,
                    6.3908665e-05, 2.3334850e-08, 9.9565744e-01, 4.6806158e-06, 7.3977106e-04])
TEST_ACCURACY = 0.9321  # 9321 of the 10000 test images
# batch_accuracy on x_test[start:stop] with batch_size: the right answer, then what known
# mistakes return instead and the message that names each.
CASES = {
    (0, 10000, 100): (0.9321, []),
    (0, 10000, 300): (0.9321, [(0.9229, "drops_last_batch"),
                               (0.9322222222222222, "drops_last_batch"),
                               (0.9318627450980393, "mean_of_batches")]),
    (0, 10000, 7): (0.9321, [(0.9317, "drops_last_batch"),
                             (0.9320728291316527, "drops_last_batch"),
                             (0.9321203638908327, "mean_of_batches")]),
    (0, 100, 10): (0.97, [(0.15, "argmax_axis"), (0.07, "argmax_axis")]),
    (0, 200, 1): (0.975, [(0.85, "argmax_axis")]),
    # One image, a 0: argmax over axis 0 finds ten 0s where there is one image.
    (3, 4, 100): (1.0, [(0.0, "drops_last_batch"), (10.0, "argmax_axis")]),
}


@pytest.fixture(scope="module")
def mnist():
    """The test set, also sent to the worker once, before any check's first call."""
    (_, _), (x_test, t_test) = load(normalize=True, one_hot_label=False, splits=("test",))
    shared("mnist_x_test", x_test), shared("mnist_t_test", t_test)
    return x_test, t_test


@pytest.fixture(scope="module")
def weights():
    with np.load(Path(data.__file__).parent / "sample_weight.npz") as saved:
        return {name: saved[name] for name in saved.files}


def fresh(weights):
    return {name: value.copy() for name, value in weights.items()}


def predict_of(weights, x, describe):
    got = student("ch03.mnist_inference").predict(fresh(weights), x)
    expected_shape = x.shape[:-1] + (10,)
    if got is None:
        fail("feedback.ch03.none_returned", name="predict", input=f"network, {describe}",
             section="3.6.2")
    if np.shape(got) != expected_shape:
        fail("feedback.ch03.output_shape", name="predict", input=f"network, {describe}",
             got=np.shape(got), expected=expected_shape, section="3.6.2")
    return np.asarray(got, dtype=float)


def check_accuracy(weights, mnist, start, stop, batch_size, cases=CASES):
    """batch_accuracy on x_test[start:stop] against cases[(start, stop, batch_size)]."""
    x_test, t_test = mnist
    n = stop - start
    # What the worker already holds, not 31 MB sent again for every call.
    x, t = shared("mnist_x_test", x_test)[start:stop], shared("mnist_t_test", t_test)[start:stop]
    describe = ("x_test, t_test" if n == len(x_test)
                else f"x_test[{start}:{stop}], t_test[{start}:{stop}]")
    got = student("ch03.mnist_inference").batch_accuracy(fresh(weights), x, t,
                                                        batch_size=batch_size)
    expected, mistakes = cases[(start, stop, batch_size)]
    correct = round(expected * n)
    if isinstance(got, (int, np.integer)) and not isinstance(got, bool) and got == correct:
        fail("feedback.mnist_inference.count_not_fraction", input=describe, got=got,
             expected=expected)
    if not isinstance(got, float):
        fail("feedback.mnist_inference.not_float", input=describe, got=show(got),
             got_type=type(got).__name__)
    if abs(got - expected) < 1e-9:
        return
    fields = dict(input=describe, batch_size=batch_size, got=show(got, precision=8),
                  expected=show(expected, precision=8), n=n)
    for value, mistake in mistakes:
        if abs(got - value) < 1e-9:
            fail(f"feedback.mnist_inference.{mistake}", **fields)
    fail("feedback.mnist_inference.wrong_accuracy", correct=correct, **fields)


@check("mnist_inference", weight=1.5)
def test_predict_one_image(weights, mnist):
    x_test, _ = mnist
    got = predict_of(weights, x_test[0], "x_test[0]")
    fields = dict(input="x_test[0]", got=show(got), expected=show(PROBS_0))
    if not np.isclose(np.sum(got), 1.0, atol=1e-5):
        fail("feedback.mnist_inference.no_softmax", total=show(np.sum(got)), **fields)
    if not close(got, PROBS_0, rtol=1e-4, atol=1e-7):
        fail("feedback.mnist_inference.predict_wrong", **fields)


@check("mnist_inference", weight=1)
def test_predict_batch_row_by_row(weights, mnist):
    x_test, _ = mnist
    got = predict_of(weights, x_test[:5], "x_test[:5]")
    for row in range(5):
        alone = predict_of(weights, x_test[row], f"x_test[{row}]")
        if not close(got[row], alone, rtol=1e-4, atol=1e-7):
            fail("feedback.mnist_inference.batch_rows", input="x_test[:5]", row=row,
                 got=show(got[row]), expected=show(alone))
    one = predict_of(weights, x_test[:1], "x_test[:1]")
    if not close(one[0], got[0], rtol=1e-4, atol=1e-7):
        fail("feedback.mnist_inference.batch_rows", input="x_test[:1]", row=0,
             got=show(one[0]), expected=show(got[0]))


@check("mnist_inference", weight=2.5)
def test_batch_accuracy_on_the_test_set(weights, mnist):
    check_accuracy(weights, mnist, 0, 10000, 100)


@check("mnist_inference", weight=1.5)
def test_batch_accuracy_counts_the_last_partial_batch(weights, mnist):
    check_accuracy(weights, mnist, 0, 10000, 300)
    check_accuracy(weights, mnist, 0, 10000, 7)


@check("mnist_inference", weight=1)
def test_batch_accuracy_takes_argmax_per_image(weights, mnist):
    check_accuracy(weights, mnist, 0, 100, 10)


@check("mnist_inference", weight=0.5)
def test_batch_accuracy_batches_of_one(weights, mnist):
    check_accuracy(weights, mnist, 0, 200, 1)
    check_accuracy(weights, mnist, 3, 4, 100)
