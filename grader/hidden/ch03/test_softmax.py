"""Hidden checks of ch03/softmax.py: rows far apart, a batch of one, small and integer inputs,
and the ten classes of MNIST."""
import numpy as np

from grader import catalog
from grader.judge.suite import check, close, fail, show, student
from grader.suites.ch03.test_softmax import check_vector, not_finite_key, softmax_of

FAR_ROWS = np.array([[1000.0, 990.0], [0.0, -10.0], [-1000.0, -1000.0]])
FAR_ROWS_Y = np.array([[9.9995460213129761e-01, 4.5397868702434395e-05],
                       [9.9995460213129761e-01, 4.5397868702434395e-05],
                       [0.5, 0.5]])


@check("softmax", weight=1.5)
def test_softmax_subtracts_each_rows_own_maximum():
    got = softmax_of(FAR_ROWS)
    if close(got, FAR_ROWS_Y, rtol=1e-6, atol=1e-12):
        return
    fields = dict(input=show(FAR_ROWS), got=show(got), expected=show(FAR_ROWS_Y))
    rows = [i for i in range(len(FAR_ROWS)) if not np.all(np.isfinite(got[i]))]
    if rows and rows[0] == 0:  # [1000, 990]: np.exp overflows
        fail("feedback.softmax.no_max_subtraction", **fields)
    # The whole batch's maximum, 1000, pushes rows 1 and 2 below -745: both underflow.
    if rows == [1, 2]:
        fail("feedback.softmax.row_max", **fields)
    if rows:
        fail(not_finite_key(FAR_ROWS[rows[0]]),
             which=catalog.text("feedback.softmax.which_row", row=rows[0],
                                values=show(FAR_ROWS[rows[0]])), **fields)
    if np.allclose(np.sum(got, axis=0), 1.0):
        fail("feedback.softmax.wrong_axis", **fields)
    fail("feedback.softmax.batch_wrong", **fields)


@check("softmax", weight=1)
def test_softmax_batch_of_one_row():
    a = np.array([[5.0, 1.0, 2.0, 0.0]])
    expected = np.array([[0.9303704656505482, 0.017040329481598906, 0.046320417980785254,
                          0.006268786887067859]])
    got = softmax_of(a)
    if not close(got, expected, rtol=1e-6, atol=1e-12):
        fail("feedback.softmax.batch_wrong", input=show(a), got=show(got),
             expected=show(expected))


@check("softmax", weight=1)
def test_softmax_very_negative_and_single_values():
    check_vector(np.array([-1000.0, -1010.0, -990.0]),
                 softmax_of(np.array([-1000.0, -1010.0, -990.0])),
                 np.array([4.539786860886666e-05, 2.061060046209062e-09, 9.999546000703310e-01]))
    check_vector(np.array([42.0]), softmax_of(np.array([42.0])), np.array([1.0]))


@check("softmax", weight=1)
def test_softmax_integer_input_left_unchanged():
    a = np.array([1, 2, 3])
    got, (after,) = student("ch03.softmax").softmax.args_after(a)
    if not np.array_equal(after, a):
        fail("feedback.softmax.mutated_input", before=show(a), after=show(np.asarray(after)))
    check_vector(a, np.asarray(got, dtype=float),
                 np.array([0.09003057317038046, 0.24472847105479764, 0.6652409557748218]))


# Scores of 3 samples over the 10 digits, as a network's output layer gives them: a softmax that
# works for the 2-4 classes of the other checks must keep all 10 too.
TEN_CLASSES = np.array([[0.5, -1.0, 2.0, 0.0, 3.5, -2.0, 1.0, 0.25, -0.5, 4.0],
                        [-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
                        [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]])


@check("softmax", weight=1)
def test_softmax_keeps_all_ten_classes():
    exp = np.exp(TEN_CLASSES - TEN_CLASSES.max(axis=1, keepdims=True))
    expected = exp / exp.sum(axis=1, keepdims=True)
    got = softmax_of(TEN_CLASSES)
    if not close(got, expected, rtol=1e-6, atol=1e-12):
        fail("feedback.softmax.batch_wrong", input=show(TEN_CLASSES), got=show(got),
             expected=show(expected))
