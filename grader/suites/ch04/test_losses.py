"""Public checks of ch04/losses.py: sum_squared_error, cross_entropy_error, to_one_hot.

Expected values are the book's examples (4.2) or were computed once from the reference solution
and pasted in.
"""
import numpy as np

from grader.judge.session import StudentError
from grader import catalog
from grader.judge.suite import check, close, fail, raised_on, show, student

# The book's example outputs (4.2.1): 0.6 at the correct class 2, then 0.6 at the wrong class 7.
Y_RIGHT = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
Y_WRONG = np.array([0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0])
T2 = np.array([0, 0, 1, 0, 0, 0, 0, 0, 0, 0])
# A batch of three: the two examples above and a third sample of class 0.
Y_BATCH = np.array([Y_RIGHT, Y_WRONG, [0.2, 0.2, 0.2, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.0]])
LABELS_BATCH = np.array([2, 2, 0])
T_BATCH = np.eye(10)[LABELS_BATCH]
CEE_BATCH = 1.474282320842703  # the mean of 0.5108, 2.3026 and -log(0.2 + 1e-7)


def losses():
    return student("ch04.losses")


def scalar(name, got, input_text, section):
    """got as a float, failing with a message of its own when it is not a single number."""
    if np.ndim(got) != 0:
        fail("feedback.ch04.not_scalar", name=name, input=input_text, got=show(np.asarray(got)),
             shape=np.shape(got), section=section)
    return float(got)


# --- sum_squared_error (4.2.1) ---

def check_sse(y, t, expected, text):
    got = scalar("sum_squared_error", losses().sum_squared_error(y, t), text, "4.2.1")
    if close(got, expected):
        return
    if close(got, 2 * expected):
        fail("feedback.sum_squared_error.no_half", input=text, got=show(got),
             expected=show(expected))
    if close(got, 2 * expected / y.size) or close(got, expected / y.size):
        fail("feedback.sum_squared_error.mean", input=text, got=show(got),
             expected=show(expected))
    fail("feedback.sum_squared_error.wrong_value", input=text, got=show(got),
         expected=show(expected))


@check("sum_squared_error", weight=3)
def test_sum_squared_error_book_examples():
    check_sse(Y_RIGHT.copy(), T2.copy(), 0.0975, catalog.text("input.book_y_right"))
    check_sse(Y_WRONG.copy(), T2.copy(), 0.5975, catalog.text("input.book_y_wrong"))


@check("sum_squared_error", weight=1)
def test_sum_squared_error_zero_and_small():
    check_sse(np.array([0.0, 1.0, 0.0]), np.array([0.0, 1.0, 0.0]), 0.0,
              catalog.text("input.y_equal_t"))
    check_sse(np.array([0.5, 0.5]), np.array([1.0, 0.0]), 0.25, "y = [0.5, 0.5], t = [1, 0]")


# --- cross_entropy_error (4.2.2-4.2.4) ---

def cee(y, t, text):
    # Warnings are recorded, not shown: log(0) warnings are the no-delta check's business.
    got, _ = losses().cross_entropy_error.warnings(y, t)
    return scalar("cross_entropy_error", got, text, "4.2.4")


def check_cee(got, expected, text, y, t, batch,
              otherwise="feedback.cross_entropy_error.wrong_value"):
    """Name the mistake behind a wrong cross-entropy value, most specific first."""
    if close(got, expected, rtol=1e-6):
        return
    if not np.isfinite(got):
        # "large but finite" is true only of -log(0 + delta); elsewhere log(0) came from a
        # class that does not count, where 0 * -inf is nan
        large = expected > 10
        fail("feedback.cross_entropy_error.no_delta" if large else
             "feedback.cross_entropy_error.nan_elsewhere", y=show(y), t=show(t), got=show(got),
             expected=show(expected))
    if batch and close(got, expected * y.shape[0], rtol=1e-6):
        fail("feedback.cross_entropy_error.no_batch_mean", n=y.shape[0], input=text,
             got=show(got), expected=show(expected))
    k = y.shape[-1]
    if close(got * k, expected, rtol=1e-6):
        if not batch:
            # The same sample as a batch of one tells a missing reshape from a mean over all.
            as_batch = cee(y.reshape(1, -1), np.reshape(t, (1, -1)) if np.ndim(t) else
                           np.array([t]), text)
            if close(as_batch, expected, rtol=1e-6):
                fail("feedback.cross_entropy_error.no_reshape", k=k, input=text, got=show(got),
                     expected=show(expected))
        fail("feedback.cross_entropy_error.mean_over_all_elements", input=text, got=show(got),
             expected=show(expected), factor=k)
    fail(otherwise, input=text, y=show(y), t=show(t), got=show(got), expected=show(expected))


@check("cross_entropy_error", weight=2)
def test_cross_entropy_error_book_examples():
    for y, expected, where in ((Y_RIGHT, 0.510825457099338, "input.book_y_right"),
                               (Y_WRONG, 2.302584092994546, "input.book_y_wrong")):
        text = catalog.text("input.and_one_hot_at_2", y=catalog.text(where))
        got = cee(y.copy(), T2.copy(), text)
        check_cee(got, expected, text, y, T2, batch=False)


@check("cross_entropy_error", weight=1)
def test_cross_entropy_error_labels_like_one_hot():
    # Each call is described by its own text: the one-hot call's value is never quoted as the
    # labels call's.
    cases = ((Y_RIGHT, 2, T2, 0.510825457099338, catalog.text("input.book_y_label"),
              catalog.text("input.book_y_one_hot")),
             (Y_BATCH, LABELS_BATCH, T_BATCH, CEE_BATCH, catalog.text("input.batch3_labels"),
              catalog.text("input.batch3_one_hot")))
    for y, labels, one_hot, expected, text, one_hot_text in cases:
        got_one_hot = cee(y.copy(), one_hot.copy(), one_hot_text)
        check_cee(got_one_hot, expected, one_hot_text, y, one_hot, batch=y.ndim == 2)
        # A single label goes as the Python int itself, as in cross_entropy_error(y, 2).
        kind = "input.int_label" if np.ndim(labels) == 0 else "input.int_labels"
        with raised_on(catalog.text(kind, text=text)):
            got_labels = cee(y.copy(), labels if np.ndim(labels) == 0 else labels.copy(), text)
        if not close(got_labels, expected, rtol=1e-6):
            fail("feedback.cross_entropy_error.labels_differ", input=text,
                 got_labels=show(got_labels), got_one_hot=show(got_one_hot),
                 expected=show(expected))


@check("cross_entropy_error", weight=2)
def test_cross_entropy_error_batch_mean():
    text = catalog.text("input.batch3_samples")
    got = cee(Y_BATCH.copy(), T_BATCH.copy(), text)
    check_cee(got, CEE_BATCH, text, Y_BATCH, T_BATCH, batch=True)


@check("cross_entropy_error", weight=1)
def test_cross_entropy_error_zero_probability_is_finite():
    y, t = np.array([0.0, 0.9, 0.1]), np.array([1.0, 0.0, 0.0])
    text = "y = [0, 0.9, 0.1] and t = [1, 0, 0]"
    got = cee(y.copy(), t.copy(), text)
    check_cee(got, 16.11809565095832, text, y, t, batch=False,  # -log(1e-7)
              otherwise="feedback.cross_entropy_error.wrong_delta")


# --- to_one_hot (4.2.1) ---

def check_one_hot(labels, num_classes, expected):
    text = show(labels) if num_classes is None else f"{show(labels)}, {num_classes}"
    args = (labels,) if num_classes is None else (labels, num_classes)
    got = np.asarray(losses().to_one_hot(*args))
    if got.shape != expected.shape:
        fail("feedback.to_one_hot.wrong_shape", input=text, got=got.shape,
             expected=expected.shape)
    if not close(got, expected):
        fail("feedback.to_one_hot.wrong_value", input=text, got=show(got),
             expected=show(expected))
    if got.dtype.kind != "f":
        fail("feedback.to_one_hot.wrong_dtype", input=text, dtype=got.dtype)


@check("to_one_hot", weight=1)
def test_to_one_hot_ten_classes():
    check_one_hot(np.array([2, 0, 9]), None, np.eye(10)[[2, 0, 9]])


@check("to_one_hot", weight=1)
def test_to_one_hot_num_classes():
    check_one_hot(np.array([1, 0, 2, 1]), 3, np.eye(3)[[1, 0, 2, 1]])


def check_rejects(labels, bad, num_classes=10):
    """to_one_hot(labels, num_classes) must raise a ValueError naming the bad label and the
    range."""
    text, last = f"{show(labels)}, {num_classes}", num_classes - 1
    # The exception is the answer under test here, so it is caught and judged; it comes
    # back from the worker as a StudentError naming its type and message.
    try:
        got = losses().to_one_hot(labels, num_classes)
    except StudentError as error:
        kind, detail = error.type_name, str(error.info.get("message", ""))
        if kind in ("NotImplementedError", "SystemExit"):
            raise
        if kind != "ValueError":
            fail("feedback.to_one_hot.wrong_error", input=text, kind=kind, detail=detail,
                 label=bad, last=last)
        # Any form of the range will do: 0..9, 0-9, [0, 10), range(10).
        rest = detail.replace(str(bad), "", 1)
        if str(bad) not in detail or (str(last) not in rest and str(num_classes) not in rest):
            fail("feedback.to_one_hot.vague_error", input=text, detail=detail,
                 label=bad, last=last)
        return
    fail("feedback.to_one_hot.no_range_check", input=text, got=show(np.asarray(got)),
         label=bad, last=last)


@check("to_one_hot", weight=1)
def test_to_one_hot_rejects_bad_labels():
    for labels, bad in ((np.array([0, -1]), -1), (np.array([3, 10, 1]), 10)):
        check_rejects(labels, bad)
