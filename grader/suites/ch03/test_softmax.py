"""Public checks of ch03/softmax.py.

Expected values were computed once from the reference solution and pasted in.
"""
import numpy as np

from grader import catalog
from grader.judge.session import StudentError
from grader.judge.suite import check, close, fail, show, student

BOOK_A = np.array([0.3, 2.9, 4.0])
BOOK_Y = np.array([0.01821127329554753, 0.24519181293507392, 0.7365969137693786])
LARGE_A = np.array([1010.0, 1000.0, 990.0])
LARGE_Y = np.array([9.999546000703310e-01, 4.539786860886666e-05, 2.061060046209062e-09])
BATCH_A = np.array([[0.3, 2.9, 4.0], [-1.0, 0.0, 3.0]])
BATCH_Y = np.array([[0.01821127329554753, 0.24519181293507392, 0.7365969137693786],
                    [0.01714782554552039, 0.0466126225779739, 0.9362395518765058]])


def softmax_of(a):
    """The student's softmax(a) (on a copy of a: the worker's), with the shape checked."""
    got = student("ch03.softmax").softmax(a)
    if got is None:
        fail("feedback.ch03.none_returned", name="softmax", input=show(a), section="3.5.2")
    if np.shape(got) != a.shape:
        fail("test.wrong_shape", name="softmax", input=show(a), got=np.shape(got),
             expected=a.shape)
    return np.asarray(got, dtype=float)


def not_finite_key(a):
    """Why softmax(a) may have come back with nan or inf, from a alone: np.exp overflows to inf
    above 709.78 (inf / inf is nan), and underflows to 0 for every entry below -745 (0 / 0)."""
    if np.max(a) > 709.78:
        return "feedback.softmax.no_max_subtraction"
    if np.max(a) < -745:
        return "feedback.softmax.underflow"
    return "feedback.softmax.not_finite"


def check_vector(a, got, expected):
    if close(got, expected, rtol=1e-6, atol=1e-12):
        return
    fields = dict(input=show(a), got=show(got), expected=show(expected))
    if not np.all(np.isfinite(got)):
        fail(not_finite_key(a), which=catalog.text("feedback.softmax.which_every"), **fields)
    if not np.isclose(np.sum(got), 1.0):
        fail("feedback.softmax.not_normalised", total=show(np.sum(got), 10), **fields)
    fail("feedback.softmax.wrong_value", **fields)


@check("softmax", weight=2)
def test_softmax_book_example():
    check_vector(BOOK_A, softmax_of(BOOK_A), BOOK_Y)


@check("softmax", weight=1.5)
def test_softmax_large_values_do_not_overflow():
    check_vector(LARGE_A, softmax_of(LARGE_A), LARGE_Y)


@check("softmax", weight=1.5)
def test_softmax_batch_is_row_by_row():
    try:
        got = softmax_of(BATCH_A)
    except StudentError as error:
        # A max or sum per row without keepdims=True is shaped (2,), which numpy lines up with
        # the batch's last axis (3): the subtraction or the division cannot broadcast.
        detail = str(error.info.get("message", ""))
        if error.type_name == "ValueError" and "broadcast" in detail:
            fail("feedback.softmax.no_keepdims", input=show(BATCH_A), detail=detail,
                 rows=(BATCH_A.shape[0],), shape=BATCH_A.shape)
        raise
    if close(got, BATCH_Y, rtol=1e-6, atol=1e-12):
        return
    fields = dict(input=show(BATCH_A), got=show(got), expected=show(BATCH_Y))
    if np.isclose(np.sum(got), 1.0):
        fail("feedback.softmax.whole_batch", **fields)
    if np.allclose(np.sum(got, axis=0), 1.0):
        fail("feedback.softmax.wrong_axis", **fields)
    fail("feedback.softmax.batch_wrong", **fields)


@check("softmax", weight=1)
def test_softmax_leaves_its_input_unchanged():
    softmax = student("ch03.softmax").softmax
    for a in (LARGE_A, BATCH_A):
        _, (after,) = softmax.args_after(a)
        if not np.array_equal(after, a):
            fail("feedback.softmax.mutated_input", before=show(a), after=show(np.asarray(after)))
