"""The worker-side steps that drive the student's network (TwoLayerNet, 4.5) and its training
loop: watching the methods train calls, the parameters each gradient step moved, the losses
before and after, and the capstone's training on MNIST. The manifest names this module
(`scenarios="network"`); grader/worker/scenarios.py finds its steps by name.

They return what happened as plain data; the judge decides whether it is right. Nothing here
knows an expected value.
"""
from __future__ import annotations

import math
import mmap
import time

import numpy as np


class _Stop(Exception):
    """Ends a watched run early; the judge turns (key, fields) into feedback."""

    def __init__(self, key: str, **fields):
        super().__init__(key)
        self.key, self.fields = key, fields


def watch(session, obj, names, keep_args=True):
    """Log every call of obj's methods `names`: the method, its arguments (copies; their lengths
    only when not keep_args), its result (accuracy's; a copy of gradient's) and, for gradient,
    a copy of the parameters it was taken at, in call order (a call is logged when it returns).
    watch_log(obj) returns the log; watching more methods adds to the same log."""
    log = session.__dict__.setdefault("logs", {}).setdefault(id(obj), [])
    for name in names:
        method = getattr(obj, name)

        def watched(*args, _name=name, _method=method, **kwargs):
            # For gradient, the parameters it is taken at: batch_losses and param_steps read them.
            at = _copy_params(obj) if _name == "gradient" else None
            result = _method(*args, **kwargs)
            copies = [np.array(a) for a in args] if keep_args else [len(a) for a in args]
            kept = _copy_arrays(result) if _name == "gradient" else result
            log.append([_name, copies, kept, at])
            return result
        setattr(obj, name, watched)


def _copy_arrays(mapping):
    try:
        return {key: np.array(value) for key, value in dict(mapping).items()}
    except Exception:  # noqa: BLE001 - not a dict of arrays: the checks say so
        return None


def _copy_params(obj):
    try:
        return _copy_arrays(obj.params)
    except Exception:  # noqa: BLE001 - no params at all
        return None


def _log(session, obj):
    return session.__dict__.get("logs", {}).get(id(obj), [])


def watch_log(session, obj):
    return [[name, args, _plain(result) if name == "accuracy" else None]
            for name, args, result, _ in _log(session, obj)]


def param_steps(session, obj):
    """For each watched gradient(x, t) call, in order: [the parameters it was taken at, the
    gradient it returned, the parameters at the next call (for the last, those now)], copies.
    Whether each step was params - lr * grads is the judge's to say."""
    steps = [(at, grads) for name, _, grads, at in _log(session, obj) if name == "gradient"]
    points = [at for at, _ in steps] + [_copy_params(obj)]
    return [[at, grads, points[i + 1]] for i, (at, grads) in enumerate(steps)]


def batch_losses(session, obj):
    """For each watched gradient(x, t) call: obj.loss(x, t) at the parameters gradient was taken
    at, and at those after the update (the next call's, or the parameters now for the last),
    as two lists of floats. The parameters are written in place and put back as they are now."""
    steps = [(args, at) for name, args, _, at in _log(session, obj) if name == "gradient"]
    params, now = obj.params, _copy_params(obj)
    shapes = None if now is None else {key: value.shape for key, value in now.items()}
    if not steps or shapes is None or any(
            at is None or {key: value.shape for key, value in at.items()} != shapes
            for _, at in steps):
        return None  # parameters that changed keys or shapes: other checks say what is wrong
    points = [at for _, at in steps] + [now]
    losses = {"before": [], "after": []}
    try:
        for i, (args, _) in enumerate(steps):
            for kind, at in (("before", points[i]), ("after", points[i + 1])):
                for key, value in at.items():
                    params[key][...] = value
                losses[kind].append(_plain(obj.loss(*args)))
    finally:
        for key, value in now.items():
            params[key][...] = value
    return losses


def _plain(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def hold_params(session, obj):
    """Remember the arrays obj.params holds now (params_rebound compares against them)."""
    session.__dict__.setdefault("held", {})[id(obj)] = dict(obj.params)


def params_rebound(session, obj):
    """The keys of obj.params now bound to another object than at hold_params."""
    held = session.__dict__.get("held", {}).get(id(obj), {})
    return [key for key, value in held.items() if obj.params.get(key) is not value]


def _as_loaded(images, labels):
    """MNIST's raw images (uint8) and labels as load_mnist(normalize=True, one_hot_label=True)
    gives them: float32 pixels / 255 and float32 one-hot rows, the same bits.

    The pixels go in ordinary 4 KiB pages, as load_mnist's memory-mapped cache file is: numpy
    would ask for transparent huge pages for an array this large, in which the training's
    random row gathers ran some 7 % slower (bench/run: capstone in grade / train direct)."""
    pixels = mmap.mmap(-1, max(images.size * 4, 1))
    if hasattr(mmap, "MADV_NOHUGEPAGE"):
        pixels.madvise(mmap.MADV_NOHUGEPAGE)
    out = np.frombuffer(pixels, dtype=np.float32, count=images.size).reshape(images.shape)
    return (np.divide(images, np.float32(255), out=out),
            np.eye(10, dtype=np.float32)[labels])


def capstone(session, net_target, train_target, data, settings):
    """Build the class net_target (784, hidden, 10) after seeding numpy, train it with the
    function train_target while watching its pace through the methods settings["methods"] names
    (the gradient it trains by, the loss); the trained network is returned (kept here).

    Stops early (returning the reason) when train computes numerical gradients or cannot finish
    within the budget."""
    (x_train, t_train), (x_test, t_test) = (_as_loaded(*split) for split in data)
    iters, per_epoch, budget = settings["iters"], settings["per_epoch"], settings["budget"]
    np.random.seed(settings["seed"])
    network = session.target(net_target)(784, settings["hidden"], 10)
    session.progress("progress.mnist_final.start", iters=iters, epochs=settings["epochs"])
    state = {"done": 0, "loss_calls": 0, "loss": None, "start": time.perf_counter()}
    gradient_name, loss_name = settings["methods"]
    gradient, loss = getattr(network, gradient_name), getattr(network, loss_name)

    def elapsed():
        return time.perf_counter() - state["start"]

    def check_time():
        seconds, done = elapsed(), state["done"]
        projected = seconds / done * iters if done else math.inf
        if seconds > budget or ((done >= 100 or seconds >= 20) and projected > budget):
            raise _Stop("feedback.mnist_final.too_slow", done=done, seconds=seconds,
                        projected=projected)

    def watched_gradient(x, t):
        check_time()
        grads = gradient(x, t)
        # the kit's gradient keeps the batch's loss; a train that calls loss sets it there too
        state["loss"] = getattr(network, "last_loss", state["loss"])
        state["done"] += 1
        state["loss_calls"] = 0
        if state["done"] % per_epoch == 0 or state["done"] == iters:
            loss = _plain(state["loss"])
            session.progress("progress.mnist_final.epoch",
                             epoch=math.ceil(state["done"] / per_epoch), epochs=settings["epochs"],
                             loss=None if loss is None else round(loss, 4),
                             rate=state["done"] / max(elapsed(), 1e-9), seconds=elapsed())
        return grads

    def watched_loss(x, t):
        value = loss(x, t)
        state["loss_calls"] += 1
        state["loss"] = value
        if state["loss_calls"] > settings["numerical_loss_calls"]:
            raise _Stop("feedback.mnist_final.numerical_gradient",
                        loss_calls=state["loss_calls"], seconds=elapsed(), done=state["done"])
        if state["loss_calls"] % 100 == 0:
            check_time()
        return value

    setattr(network, gradient_name, watched_gradient)
    setattr(network, loss_name, watched_loss)
    # The same seed for the legacy global generator, as the train checks give it: the book's
    # np.random.choice(train_size, batch_size) draws reproducible batches too.
    np.random.seed(settings["seed"])
    try:
        history = session.target(train_target)(
            network, x_train, t_train, x_test, t_test, iters_num=iters,
            batch_size=settings["batch"], learning_rate=settings["lr"], seed=settings["seed"])
    except _Stop as stop:
        return {"stopped": stop.key, "fields": stop.fields}
    seconds = elapsed()
    # The network stays in the worker: the judge asks it for predictions on test images that
    # train never saw.
    return {"done": state["done"], "seconds": seconds, "history": history, "network": network}
