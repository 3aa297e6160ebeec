"""The worker's batch_losses scenario, run here on a tiny network: each watched gradient call's
batch loss before and after its update, with the parameters put back as they were."""
from types import SimpleNamespace

import numpy as np

from grader.worker import scenarios


class Line:
    """loss(x, t) = mean((x * w - t) ** 2); gradient keeps nothing, as the watcher needs."""

    def __init__(self):
        self.params = {"w": np.array([1.0])}

    def loss(self, x, t):
        return float(np.mean((x * self.params["w"] - t) ** 2))

    def gradient(self, x, t):
        return {"w": np.array([np.mean(2 * (x * self.params["w"] - t) * x)])}


def trained(steps=3, lr=0.1):
    session, net = SimpleNamespace(), Line()
    scenarios.watch(session, net, ["gradient"])
    batches = [(np.array([1.0, 2.0]) * (i + 1), np.array([3.0, 5.0])) for i in range(steps)]
    seen = []
    for x, t in batches:
        seen.append(net.params["w"].copy())
        net.params["w"] -= lr * net.gradient(x, t)["w"]
    return session, net, batches, seen + [net.params["w"].copy()]


def test_each_batch_is_scored_at_the_parameters_before_and_after_its_update():
    session, net, batches, points = trained()
    final = net.params["w"]
    losses = scenarios.batch_losses(session, net)

    def loss_at(w, x, t):
        return float(np.mean((x * w - t) ** 2))
    assert losses["before"] == [loss_at(points[i], *b) for i, b in enumerate(batches)]
    assert losses["after"] == [loss_at(points[i + 1], *b) for i, b in enumerate(batches)]
    assert losses["before"][1:] != losses["after"][:-1]  # different batches, different losses
    assert net.params["w"] is final and np.array_equal(final, points[-1])  # put back, in place


def test_parameters_that_changed_shape_give_no_losses():
    session, net, _, _ = trained()
    net.params["w"] = np.array([1.0, 2.0])
    assert scenarios.batch_losses(session, net) is None


def test_no_gradient_call_gives_no_losses():
    session, net = SimpleNamespace(), Line()
    scenarios.watch(session, net, ["gradient"])
    assert scenarios.batch_losses(session, net) is None
