"""Public checks of ch03/three_layer_net.py: init_network and forward.

forward is checked with the suite's own copy of the book's network, so a wrong init_network
does not fail forward's checks too. Expected outputs, and the outputs of the usual mistakes,
were computed once from the reference solution and pasted in.
"""
import numpy as np

from grader.judge.suite import check, close, fail, show, student

BOOK = {
    "W1": [[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]], "b1": [0.1, 0.2, 0.3],
    "W2": [[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]], "b2": [0.1, 0.2],
    "W3": [[0.1, 0.3], [0.2, 0.4]], "b3": [0.1, 0.2],
}
X = np.array([1.0, 0.5])
Y = np.array([0.3168270764110298, 0.6962790898619668])
# forward(BOOK, X) with the activations misplaced, and the message that names each mistake.
MISTAKES = (
    ([0.5785507923328949, 0.6673622828418322], "feedback.three_layer_net.output_sigmoid"),
    ([0.4062590715541802, 0.5937409284458198], "feedback.three_layer_net.output_softmax"),
    ([0.3227337575799669, 0.7100331457825133], "feedback.three_layer_net.missing_sigmoid_1"),
    ([0.39442137501249686, 0.8404587338043272], "feedback.three_layer_net.missing_sigmoid_2"),
    ([0.42599999999999993, 0.9119999999999999], "feedback.three_layer_net.no_sigmoid"),
    ([0.5973466006818736, 0.698561821846841], "feedback.three_layer_net.sigmoid_moved"),
    ([0.579990344960588, 0.6704084837737841], "feedback.three_layer_net.sigmoid_moved"),
)
BATCH = np.array([[1.0, 0.5], [0.0, 0.0], [-1.0, 2.0]])
BATCH_Y = np.array([[0.3168270764110298, 0.6962790898619668],
                    [0.3080685345252333, 0.6768389367475369],
                    [0.31668456400989997, 0.6959159507680599]])
OTHER = {
    "W1": [[-0.5, 0.2, 0.8], [0.3, -0.1, 0.4]], "b1": [0.0, -0.2, 0.1],
    "W2": [[0.6, -0.3], [-0.2, 0.5], [0.1, 0.9]], "b2": [-0.1, 0.05],
    "W3": [[1.0, -0.5], [0.25, 0.75]], "b3": [0.3, -0.3],
}
OTHER_Y = np.array([1.0062253317673713, -0.04104048596184251])


def network(values):
    return {name: np.array(value) for name, value in values.items()}


def forward_of(net, x):
    """The student's forward(net, x) on copies, with the output's shape checked."""
    got = student("ch03.three_layer_net").forward(network(net), x.copy())
    expected_shape = x.shape[:-1] + (2,)
    if got is None:
        fail("feedback.ch03.none_returned", name="forward", input=f"network, {show(x)}",
             section="3.4.3")
    if np.shape(got) != expected_shape:
        fail("feedback.ch03.output_shape", name="forward", input=f"network, {show(x)}",
             got=np.shape(got), expected=expected_shape, section="3.4.3")
    return np.asarray(got, dtype=float)


@check("three_layer_net", weight=2)
def test_init_network_holds_the_books_weights():
    got = student("ch03.three_layer_net").init_network()
    keys = sorted(BOOK)
    if not isinstance(got, dict):
        fail("feedback.three_layer_net.not_dict", got_type=type(got).__name__, expected=keys)
    if sorted(got) != keys:
        fail("feedback.three_layer_net.missing_key", got=sorted(map(str, got)), expected=keys)
    for key, value in BOOK.items():
        expected = np.array(value)
        if np.shape(got[key]) != expected.shape:
            fail("feedback.three_layer_net.weight_shape", name=key, got=np.shape(got[key]),
                 expected=expected.shape)
        if not close(got[key], expected):
            fail("feedback.three_layer_net.weight_value", name=key,
                 got=show(np.asarray(got[key])), expected=show(expected))


@check("three_layer_net", weight=2)
def test_forward_book_example():
    got = forward_of(BOOK, X)
    if close(got, Y, rtol=1e-6):
        return
    fields = dict(input=show(X), got=show(got, precision=8), expected=show(Y, precision=8))
    for mistake, key in MISTAKES:
        if close(got, mistake, rtol=1e-6):
            fail(key, **fields)
    fail("feedback.three_layer_net.wrong_value", **fields)


@check("three_layer_net", weight=1)
def test_forward_batch():
    got = forward_of(BOOK, BATCH)
    if not close(got, BATCH_Y, rtol=1e-6):
        fail("feedback.three_layer_net.batch_wrong", input=show(BATCH), got=show(got),
             expected=show(BATCH_Y))


@check("three_layer_net", weight=1)
def test_forward_uses_the_network_it_is_given():
    got = forward_of(OTHER, X)
    if close(got, OTHER_Y, rtol=1e-6):
        return
    fields = dict(input=show(X), got=show(got, precision=8), expected=show(OTHER_Y, precision=8))
    if close(got, Y, rtol=1e-6):
        fail("feedback.three_layer_net.book_weights", **fields)
    fail("feedback.three_layer_net.wrong_value", **fields)
