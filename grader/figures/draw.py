"""Drawing only: each function takes plain arrays (what the student's code returned, or stored
points) and writes one PNG. Nothing here calls the student's code."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - the backend is chosen first
import numpy as np  # noqa: E402

from .fonts import title, use_fonts  # noqa: E402

DPI = 100
COLOURS = {"step_function": "tab:blue", "sigmoid": "tab:orange", "relu": "tab:green"}


def _save(fig, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def _figure(size=(7, 4.5)):
    use_fonts()
    return plt.figure(figsize=size, layout="constrained")


def activations(shapes: dict, curves: dict[str, np.ndarray], x: np.ndarray, path: Path) -> Path:
    """The student's step, sigmoid and ReLU over x, each beside its correct shape's outline."""
    fig = _figure()
    ax = fig.add_subplot()
    for name, y in curves.items():
        colour = COLOURS[name]
        ax.plot(shapes["x"], shapes[name], color=colour, lw=7, alpha=0.2,
                label=title("plot.activations.correct", name=name))
        ax.plot(x, np.clip(np.asarray(y, dtype=float), -1.5, 6), color=colour, lw=1.8,
                label=title("plot.activations.yours", name=name))
    ax.set_xlim(-5, 5)
    ax.set_ylim(-0.6, 5.2)
    ax.axhline(0, color="grey", lw=0.5)
    ax.axvline(0, color="grey", lw=0.5)
    ax.set_xlabel("x")
    ax.legend(fontsize=8, loc="upper left")
    ax.set_title(title("plot.activations.title"))
    return _save(fig, path)


def softmax(row: np.ndarray, before: np.ndarray, after: np.ndarray, scale: float,
            path: Path) -> Path:
    """Bars of softmax(row) and softmax(scale * row): nan (overflow) shown as a red mark."""
    fig = _figure((8, 3.8))
    for place, (values, key) in enumerate([(before, "plot.softmax.before"),
                                           (after, "plot.softmax.after")]):
        ax = fig.add_subplot(1, 2, place + 1)
        values = np.asarray(values, dtype=float).ravel()
        finite = np.where(np.isfinite(values), values, 0.0)
        ax.bar(np.arange(len(values)), finite, color="tab:blue")
        for index in np.flatnonzero(~np.isfinite(values)):
            ax.text(index, 0.05, "nan", color="red", ha="center", fontsize=11, weight="bold")
        ax.set_ylim(0, 1.05)
        ax.set_xticks(range(len(values)), [f"{v:g}" for v in row])
        ax.set_xlabel(title("plot.softmax.input"))
        ax.set_title(title(key, scale=scale), fontsize=10)
    fig.suptitle(title("plot.softmax.title", scale=scale), fontsize=10)
    return _save(fig, path)


def gradient(grid: np.ndarray, arrows: np.ndarray, paths: dict[float, np.ndarray],
             path: Path) -> Path:
    """-grad f as arrows on the grid points, and descent paths, one per learning rate."""
    fig = _figure((6.5, 6))
    ax = fig.add_subplot()
    arrows = np.nan_to_num(np.asarray(arrows, dtype=float), posinf=0, neginf=0)
    ax.quiver(grid[:, 0], grid[:, 1], -arrows[:, 0], -arrows[:, 1], angles="xy", color="grey",
              width=0.003)
    for lr, points in paths.items():
        points = np.asarray(points, dtype=float)
        ax.plot(points[:, 0], points[:, 1], "o-", ms=3, lw=1.2,
                label=title("plot.gradient.path", lr=lr))
    ax.plot([0], [0], "k+", ms=12)
    ax.set_xlim(-7.5, 7.5)
    ax.set_ylim(-7.5, 7.5)
    ax.set_aspect("equal")
    ax.set_xlabel("x0")
    ax.set_ylabel("x1")
    if paths:
        ax.legend(fontsize=8, loc="lower right")
    ax.set_title(title("plot.gradient.title"), fontsize=10)
    return _save(fig, path)


def learning_curves(history: dict, path: Path) -> Path:
    """Loss per iteration, and train and test accuracy per epoch."""
    fig = _figure((9, 3.8))
    loss_ax, acc_ax = fig.add_subplot(1, 2, 1), fig.add_subplot(1, 2, 2)
    loss = np.asarray(history.get("loss") or [], dtype=float)
    loss_ax.plot(np.arange(len(loss)), loss, lw=0.6, color="tab:blue")
    loss_ax.set_xlabel(title("plot.curves.iteration"))
    loss_ax.set_ylabel(title("plot.curves.loss"))
    for key, style in (("train_acc", "o-"), ("test_acc", "s--")):
        values = np.asarray(history.get(key) or [], dtype=float)
        acc_ax.plot(np.arange(len(values)), values, style,  # epoch 0: before training
                    label=title(f"plot.curves.{key}"))
    acc_ax.set_ylim(0, 1)
    acc_ax.set_xlabel(title("plot.curves.epoch"))
    acc_ax.set_ylabel(title("plot.curves.accuracy"))
    acc_ax.legend(loc="lower right")
    fig.suptitle(title("plot.curves.title"))
    return _save(fig, path)


def misclassified(images: np.ndarray, truth: list[int], said: list[int], path: Path) -> Path:
    """A grid of 28x28 digits, each titled with its true and predicted labels."""
    count = len(images)
    columns = 8
    rows = max(1, -(-count // columns))
    fig = _figure((1.3 * columns, max(3.0, 1.5 * rows + 0.8)))
    for index in range(count):
        ax = fig.add_subplot(rows, columns, index + 1)
        ax.imshow(np.asarray(images[index]).reshape(28, 28), cmap="gray_r")
        ax.set_title(title("plot.misclassified.label", true=truth[index], said=said[index]),
                     fontsize=8)
        ax.axis("off")
    fig.suptitle(title("plot.misclassified.title"))
    return _save(fig, path)
