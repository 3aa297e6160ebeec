"""The class report's figures, drawn from the graded results' numbers alone, each returned as a
base64 PNG for a page that opens without a network."""
from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - the backend is chosen first

from ..figures.fonts import title, use_fonts  # noqa: E402

DPI = 100
BINS = 10  # 0-10 %, 10-20 %, ..., 90-100 %


def _png(fig) -> str:
    stream = io.BytesIO()
    fig.savefig(stream, format="png", dpi=DPI)
    plt.close(fig)
    return base64.b64encode(stream.getvalue()).decode("ascii")


def histogram(percents: list[float]) -> str:
    """The totals (in percent of the points) as a histogram of ten bins."""
    use_fonts()
    fig = plt.figure(figsize=(7, 3.5), layout="constrained")
    ax = fig.add_subplot()
    ax.hist(percents, bins=BINS, range=(0, 100), color="tab:blue", edgecolor="white")
    ax.set_xlim(0, 100)
    ax.set_xlabel(title("class.axis.percent"))
    ax.set_ylabel(title("class.axis.submissions"))
    ax.yaxis.get_major_locator().set_params(integer=True)
    return _png(fig)


def capstone(accuracies: list[float], threshold: float) -> str:
    """One bar per submission (numbered as in the capstone table), the threshold a line: green
    at or above it, red below."""
    use_fonts()
    fig = plt.figure(figsize=(7, 3.5), layout="constrained")
    ax = fig.add_subplot()
    numbers = range(1, len(accuracies) + 1)
    colours = ["tab:green" if a >= threshold else "tab:red" for a in accuracies]
    ax.bar(numbers, accuracies, color=colours)
    ax.axhline(threshold, color="black", linestyle="--", linewidth=1)
    ax.set_xticks(list(numbers))
    ax.set_ylim(0, 1)
    ax.set_xlabel(title("class.axis.submissions"))
    ax.set_ylabel(title("class.axis.accuracy"))
    return _png(fig)
