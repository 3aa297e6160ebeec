"""`grade plot`: real figures from real code run in the worker, read back as images."""
from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner
from matplotlib import image

from grader import commands, manifest
from grader.cli import main
from grader.figures import FIGURES
from grader.figures.fonts import cjk_font, title
from grader.results import ExerciseResult, RunResult

from submissions import EXERCISES, SOLUTIONS, patched_submission

WRONG_SIGMOID = "def sigmoid(x):\n    return 1 / (1 + np.exp(x))  # the sign of x is wrong\n"


def plot(target, out, *ids):
    result = CliRunner().invoke(main, ["plot", *ids, "--target", str(target), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return result.output


def pixels(path) -> np.ndarray:
    picture = image.imread(str(path))  # decodes the PNG, or raises
    assert picture.ndim == 3 and 300 <= picture.shape[0] <= 1500 and 400 <= picture.shape[1] <= 1500
    assert picture[..., :3].std() > 0.05, f"{path} is blank"
    return picture[..., :3]


def test_reference_draws_every_figure_of_its_own_functions(tmp_path, monkeypatch):
    # A cache of its own: a grade run of the solutions by an earlier test on this worker
    # would otherwise leave the capstone's last results behind.
    monkeypatch.setenv("DLFS_CACHE_DIR", str(tmp_path / "cache"))
    output = plot(SOLUTIONS, tmp_path / "plots")
    for name in ("activations", "softmax", "gradient"):
        path = tmp_path / "plots" / f"{name}.png"
        assert str(path) in output
        pixels(path)
    # No grade run of this folder yet: the capstone's figures say what they need.
    assert "learning_curves: skipped: it needs mnist_final" in output


def test_a_wrong_sigmoid_draws_a_different_figure(tmp_path):
    wrong = patched_submission(tmp_path, {"ch03/activations.py": WRONG_SIGMOID})
    plot(SOLUTIONS, tmp_path / "right", "sigmoid")
    plot(wrong, tmp_path / "wrong", "sigmoid")
    right_pixels = pixels(tmp_path / "right" / "activations.png")
    wrong_pixels = pixels(tmp_path / "wrong" / "activations.png")
    assert right_pixels.shape == wrong_pixels.shape
    changed = np.mean(np.abs(right_pixels - wrong_pixels).max(axis=-1) > 0.1)
    assert changed > 0.005, f"only {changed:.2%} of the pixels differ"


def test_stubs_skip_with_one_line_naming_the_exercise(tmp_path):
    output = plot(EXERCISES, tmp_path / "plots")
    lines = output.strip().splitlines()
    assert len(lines) == len(FIGURES), output
    for figure, line in zip(FIGURES, lines):
        assert line.startswith(f"{figure.name}: skipped: it needs {figure.needs[0]}"), line
    assert not (tmp_path / "plots").exists() or not list((tmp_path / "plots").glob("*.png"))


def test_capstone_figures_come_from_the_last_run_without_training(tmp_path, mnist_dir):
    # The state a `grade run mnist_final` leaves: its history and the digits it got wrong.
    target = SOLUTIONS.resolve()
    history = {"loss": list(np.linspace(2.3, 0.2, 300)), "train_acc": [0.1, 0.8, 0.9],
               "test_acc": [0.1, 0.79, 0.88]}
    capstone = ExerciseResult(manifest.BY_ID[manifest.CAPSTONE], "passed", 13.0, [], extra={
        "history": history, "misclassified": [[8, 6], [33, 0], [247, 2]]})
    state = commands._state_file(target)
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text(json.dumps(RunResult([capstone], 60.0, str(target)).to_dict()))
    try:
        output = plot(target, tmp_path / "plots", "mnist_final")
    finally:
        state.unlink()
    curves = pixels(tmp_path / "plots" / "learning_curves.png")
    grid = pixels(tmp_path / "plots" / "misclassified.png")
    assert curves.shape != grid.shape and "skipped" not in output


def test_unknown_and_figureless_ids_are_named(tmp_path):
    result = CliRunner().invoke(main, ["plot", "to_one_hot", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "no figure needs to_one_hot" in result.output
    result = CliRunner().invoke(main, ["plot", "sigmod", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "did you mean 'sigmoid'" in result.output


def test_titles_fall_back_to_english_without_a_cjk_font(monkeypatch):
    from grader import catalog
    monkeypatch.setitem(catalog.load("en"), "plot.test.title", "curves")
    monkeypatch.setattr(catalog, "text", lambda key, **fields: "曲線")
    expected = "曲線" if cjk_font() else "curves"
    assert title("plot.test.title") == expected


@pytest.mark.slow
def test_capstone_figures_after_a_real_training(tmp_path, mnist_dir):
    from submissions import grade_json
    target = patched_submission(tmp_path, {})
    _, results = grade_json(target, "mnist_final")
    final = next(e for e in results["exercises"] if e["id"] == "mnist_final")
    assert final["status"] == "passed" and 0 < len(final["misclassified"]) <= 24
    output = plot(target, tmp_path / "plots", "mnist_final")
    assert "skipped" not in output, output
    pixels(tmp_path / "plots" / "learning_curves.png")
    pixels(tmp_path / "plots" / "misclassified.png")
    # The HTML report of a later run takes the capstone's figures from that training too.
    page = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["run", "softmax", "mnist_final", "--skip-final",
                                       "--target", str(target), "--format", "html",
                                       "--output", str(page)])
    assert result.exit_code == 0, result.output
    text = page.read_text(encoding="utf-8")
    assert text.count("data:image/png;base64,") == 3  # softmax, learning curves, digits
    assert 'data-figure="learning_curves"' in text and 'data-figure="misclassified"' in text


LOOPING_SIGMOID = "def sigmoid(x):\n    while True:\n        pass\n"
STUB_DESCENT = ("def gradient_descent(f, init_x, lr=0.01, step_num=100):\n"
                "    raise NotImplementedError\n")


def test_a_looping_or_missing_function_leaves_the_rest_of_its_figure(tmp_path):
    target = patched_submission(tmp_path, {"ch03/activations.py": LOOPING_SIGMOID,
                                           "ch04/gradient.py": STUB_DESCENT})
    result = CliRunner().invoke(main, ["plot", "sigmoid", "gradient_descent", "--target",
                                       str(target), "--out", str(tmp_path / "plots"),
                                       "--timeout", "2"])
    assert result.exit_code == 0, result.output
    assert "activations: skipped: it needs sigmoid, which ran longer than 2 s" in result.output
    assert ("gradient: skipped: it needs gradient_descent, which still raises "
            "NotImplementedError") in result.output
    pixels(tmp_path / "plots" / "activations.png")  # step and ReLU still drawn
    pixels(tmp_path / "plots" / "gradient.png")  # the arrows still drawn


WRONG_SHAPES = {  # honest answers of the wrong shape or type: each costs only its own figure
    "ch03/softmax.py": "def softmax(a):\n    return np.exp(a - np.max(a))[:, None] * np.ones(2)\n",
    "ch03/activations.py": "def relu(x):\n    return 'positive part'\n",
    "ch04/gradient.py": "def numerical_gradient(f, x):\n    return np.zeros(3)\n",
}


def test_answers_of_the_wrong_shape_are_a_note_per_figure_not_a_crash(tmp_path):
    target = patched_submission(tmp_path, WRONG_SHAPES)
    output = plot(target, tmp_path / "plots", "relu", "softmax", "numerical_gradient")
    assert ("softmax: skipped: it needs softmax, which returned an array of shape (3, 2), "
            "where the figure needs an array of shape (3,)") in output
    assert "activations: skipped: it needs relu, which returned a str, not an array" in output
    assert ("gradient: skipped: it needs numerical_gradient, which returned an array of shape "
            "(3,), where the figure needs an array of shape (2,)") in output
    pixels(tmp_path / "plots" / "activations.png")  # step and sigmoid still drawn
    assert not (tmp_path / "plots" / "softmax.png").exists()


def test_japanese_figures_have_every_glyph(tmp_path):
    """`grade --lang ja plot` in a real process: matplotlib warns of each glyph no font has, and
    none may be missing. With a CJK font the titles are Japanese (the picture differs from the
    English one); without, they fall back to English."""
    import subprocess
    import sys
    pictures = {}
    for lang in ("en", "ja"):
        done = subprocess.run([sys.executable, "-m", "grader.cli", "--lang", lang, "plot",
                               "sigmoid", "--target", str(SOLUTIONS), "--out",
                               str(tmp_path / lang)], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert "missing from" not in done.stderr, done.stderr  # "Glyph ... missing from font"
        pictures[lang] = pixels(tmp_path / lang / "activations.png")
    differs = pictures["en"].shape != pictures["ja"].shape or \
        not np.array_equal(pictures["en"], pictures["ja"])
    assert differs == (cjk_font() is not None)
