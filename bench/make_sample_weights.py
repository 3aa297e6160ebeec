"""Make data/sample_weight.npz, the trained network that exercise mnist_inference (3.6) uses.

Developer script, not shipped to students' code: run it from the repository root with
`python bench/make_sample_weights.py` (DLFS_MNIST_DIR may name a folder with the MNIST files).
It trains the book's 784-50-100-10 sigmoid network with a softmax output and cross-entropy loss,
by plain minibatch SGD with hand-written backpropagation, from a fixed seed, and stores the
weights as float32 (keys W1 b1 W2 b2 W3 b3). It then prints the test accuracy that
solutions.ch03.mnist_inference.batch_accuracy gets with them: that exact number is recorded in
data/SAMPLE_WEIGHTS.md and in the suite grader/suites/ch03/test_mnist_inference.py.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # solutions/ and data/

import numpy as np

from data.mnist import load_mnist
from solutions.ch03.activations import sigmoid
from solutions.ch03.mnist_inference import batch_accuracy, predict
from solutions.ch03.softmax import softmax

SEED = 20160928  # the book's first edition date; any fixed seed will do
SIZES = (784, 50, 100, 10)
BATCH_SIZE = 100
LEARNING_RATE = 0.5
# Chosen so that the test accuracy lands near the book's sample_weight.pkl (0.9352): chapter 3
# only needs a network that works, and a stronger one would leave students nothing to beat
# with their own training in chapter 4.
STEPS = 1200  # two epochs of 100-image minibatches
OUT = Path(__file__).parent / "sample_weight.npz"


def init_params(rng):
    params = {}
    for i, (n_in, n_out) in enumerate(zip(SIZES[:-1], SIZES[1:]), start=1):
        params[f"W{i}"] = rng.normal(0.0, 1.0 / np.sqrt(n_in), (n_in, n_out))
        params[f"b{i}"] = np.zeros(n_out)
    return params


def gradients(params, x, t):
    """Backpropagation for sigmoid, sigmoid, softmax with cross-entropy (t: labels)."""
    z1 = sigmoid(x @ params["W1"] + params["b1"])
    z2 = sigmoid(z1 @ params["W2"] + params["b2"])
    y = softmax(z2 @ params["W3"] + params["b3"])
    dy = y.copy()
    dy[np.arange(len(t)), t] -= 1
    dy /= len(t)
    da2 = (dy @ params["W3"].T) * z2 * (1 - z2)
    da1 = (da2 @ params["W2"].T) * z1 * (1 - z1)
    return {"W3": z2.T @ dy, "b3": dy.sum(axis=0),
            "W2": z1.T @ da2, "b2": da2.sum(axis=0),
            "W1": x.T @ da1, "b1": da1.sum(axis=0)}


def train(x_train, t_train):
    rng = np.random.default_rng(SEED)
    params = init_params(rng)
    for _ in range(STEPS):
        batch = rng.choice(len(x_train), BATCH_SIZE, replace=False)
        grads = gradients(params, x_train[batch].astype(np.float64), t_train[batch])
        for name in params:
            params[name] -= LEARNING_RATE * grads[name]
    return {name: value.astype(np.float32) for name, value in params.items()}


def robustness(network, x_test):
    """The smallest gap between the two largest outputs, and whether float64 agrees.

    A student's predict may compute in float64 where the reference stays in float32; the
    recorded accuracy only holds for everyone if no test image is a near tie."""
    y32 = predict(network, x_test)
    y64 = predict({k: v.astype(np.float64) for k, v in network.items()},
                  x_test.astype(np.float64))
    top2 = np.sort(y64, axis=1)[:, -2:]
    agree = bool(np.array_equal(np.argmax(y32, axis=1), np.argmax(y64, axis=1)))
    return float(np.min(top2[:, 1] - top2[:, 0])), agree


def main():
    (x_train, t_train), (x_test, t_test) = load_mnist(normalize=True, flatten=True,
                                                      one_hot_label=False)
    network = train(np.asarray(x_train), np.asarray(t_train).astype(np.int64))
    np.savez(OUT, **network)
    with np.load(OUT) as saved:
        network = {name: saved[name] for name in saved.files}
    accuracy = batch_accuracy(network, x_test, t_test)
    gap, agree = robustness(network, x_test)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
    print(f"test accuracy: {accuracy!r} ({round(accuracy * len(x_test))} of {len(x_test)})")
    print(f"smallest top-2 probability gap: {gap:.3g}; float32 and float64 agree: {agree}")
    if not agree:
        raise SystemExit("a test image is a near tie: the recorded accuracy would depend on "
                         "float precision; change SEED or STEPS")


if __name__ == "__main__":
    main()
