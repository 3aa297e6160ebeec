"""Hidden checks of ch03/three_layer_net.py: a network of other sizes, a batch of one, inputs kept."""
import numpy as np

from grader.judge.suite import check, close, fail, show, student
from grader.suites.ch03.test_three_layer_net import BOOK, Y, forward_of, network

# A 3-4-3-2 network: forward must take every size from the weights it is given.
OTHER = {
    "W1": [[0.2, -0.4, 0.1, 0.7], [-0.3, 0.5, 0.9, -0.1], [0.6, 0.0, -0.8, 0.3]],
    "b1": [0.1, -0.1, 0.2, 0.0],
    "W2": [[0.5, -0.2, 0.3], [0.1, 0.4, -0.6], [-0.7, 0.2, 0.8], [0.3, -0.5, 0.1]],
    "b2": [0.05, -0.05, 0.1],
    "W3": [[1.2, -0.4], [-0.3, 0.9], [0.6, 0.2]],
    "b3": [-0.2, 0.4],
}
OTHER_X = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]])
OTHER_Y = np.array([[0.814375285912361, 0.6080072492840496],
                    [0.5007840642572778, 0.8644463029066063]])


@check("three_layer_net", weight=1.5)
def test_forward_network_of_other_sizes():
    got = forward_of(OTHER, OTHER_X)
    if not close(got, OTHER_Y, rtol=1e-6):
        fail("feedback.three_layer_net.wrong_value", input=show(OTHER_X), got=show(got),
             expected=show(OTHER_Y))


@check("three_layer_net", weight=1)
def test_forward_batch_of_one():
    x = np.array([[1.0, 0.5]])
    got = forward_of(BOOK, x)
    if not close(got, Y[np.newaxis], rtol=1e-6):
        fail("feedback.three_layer_net.batch_wrong", input=show(x), got=show(got),
             expected=show(Y[np.newaxis]))


@check("three_layer_net", weight=1)
def test_forward_leaves_network_and_input_unchanged():
    x = np.array([[1.0, 0.5], [-1.0, 2.0]])
    _, (given, x_given) = student("ch03.three_layer_net").forward.args_after(network(BOOK), x)
    if not np.array_equal(x_given, x):
        fail("test.mutated_input", name="forward", before=show(x), after=show(x_given),
             section="3.4.3")
    for name, value in BOOK.items():
        if not np.array_equal(given.get(name), np.array(value)):
            fail("test.mutated_input", name="forward", before=show(np.array(value)),
                 after=show(given.get(name)), section="3.4.3")

