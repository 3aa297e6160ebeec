"""Hidden checks of ch03/mnist_inference.py: one batch for everything, a batch larger than the
set, other slices of the test set, the default batch size, predict given batch_size images at
a time, and predict computing with the network it is given."""
import numpy as np

from grader.judge.suite import (check, check_defaults, close, fail, plain, scenario, shared,
                                show, student)
from grader.suites.ch03.test_mnist_inference import (  # noqa: F401 (pytest fixtures)
    PROBS_0, TEST_ACCURACY, check_accuracy, fresh, mnist, predict_of, weights)

CASES = {
    (0, 10000, 10000): (0.9321, []),
    (0, 10000, 20000): (0.9321, [(0.0, "drops_last_batch")]),
    (0, 7, 3): (1.0, [(0.8571428571428571, "drops_last_batch")]),
    (5000, 5123, 50): (0.967479674796748, [(0.7804878048780488, "drops_last_batch"),
                                           (0.96, "drops_last_batch"),
                                           (0.9733333333333333, "mean_of_batches")]),
}


@check("mnist_inference", weight=1)
def test_batch_accuracy_one_batch_and_a_batch_larger_than_the_set(weights, mnist):
    check_accuracy(weights, mnist, 0, 10000, 10000, cases=CASES)
    check_accuracy(weights, mnist, 0, 10000, 20000, cases=CASES)


@check("mnist_inference", weight=1)
def test_batch_accuracy_on_other_slices(weights, mnist):
    check_accuracy(weights, mnist, 0, 7, 3, cases=CASES)
    check_accuracy(weights, mnist, 5000, 5123, 50, cases=CASES)


@check("mnist_inference", weight=1)
def test_batch_accuracy_default_batch_size(weights, mnist):
    x_test, t_test = mnist
    got = student("ch03.mnist_inference").batch_accuracy(fresh(weights), x_test, t_test)
    if not isinstance(got, float) or abs(got - TEST_ACCURACY) > 1e-9:
        fail("feedback.mnist_inference.wrong_accuracy", input="x_test, t_test", batch_size=100,
             got=show(got), expected=TEST_ACCURACY, correct=round(TEST_ACCURACY * 10000),
             n=10000)
    check_defaults(student("ch03.mnist_inference").batch_accuracy, [100], "3.6.3")


@check("mnist_inference", weight=1)
def test_predict_leaves_the_network_unchanged(weights, mnist):
    x_test, _ = mnist
    _, (given, _) = student("ch03.mnist_inference").predict.args_after(fresh(weights),
                                                                       x_test[:10])
    for name, value in weights.items():
        after = given.get(name)
        if np.shape(after) != value.shape or not np.array_equal(after, value):
            fail("test.mutated_input", name="predict", before=show(value),
                 after=show(after), section="3.6.2")


@check("mnist_inference", weight=1)
def test_batch_accuracy_gives_predict_batch_size_images_at_once(weights, mnist):
    # One predict of all the images, or one image at a time, gets the same accuracy as batches:
    # only the calls of predict show whether batch_size was used (tests/strategies/).
    x_test, t_test = mnist
    x, t = shared("mnist_x_test", x_test)[:250], shared("mnist_t_test", t_test)[:250]
    rows = plain(scenario("rows_per_call", "ch03.mnist_inference:batch_accuracy",
                          "ch03.mnist_inference:predict", fresh(weights), x, t, batch_size=100,
                          what="batch_accuracy"), "batch_accuracy")
    # No call of predict at all: the forward pass is written out in batch_accuracy, which
    # this cannot see into; the accuracy checks judge it.
    if rows and (max(rows) != 100 or sum(rows) < 250):
        fail("feedback.mnist_inference.not_in_batches", input="x_test[:250], t_test[:250]",
             batch_size=100, calls=len(rows), largest=max(rows))


# The output units in another order of the digits: the same network, its ten probabilities
# permuted. A predict that loads init_network() itself (the kit's weights are the checks' too)
# still gives them in the kit's order.
ORDER = np.array([3, 7, 0, 9, 1, 5, 8, 2, 6, 4])


@check("mnist_inference", weight=1)
def test_predict_uses_the_network_it_is_given(weights, mnist):
    x_test, _ = mnist
    reordered = fresh(weights)
    reordered["W3"], reordered["b3"] = reordered["W3"][:, ORDER], reordered["b3"][ORDER]
    got = predict_of(reordered, x_test[0], "x_test[0]")
    if close(got, PROBS_0[ORDER], rtol=1e-4, atol=1e-7):
        return
    fields = dict(input="x_test[0]", got=show(got), expected=show(PROBS_0[ORDER]))
    if close(got, PROBS_0, rtol=1e-4, atol=1e-7):
        fail("feedback.mnist_inference.ignores_network", **fields)
    fail("feedback.mnist_inference.predict_wrong", **fields)
