"""MNIST that cannot be had is the kit's fault, never the student's: grading ends as a kit error
(exit status 2, the loader's whole message in the results), `grade list` downloads nothing, and
`grade release` still proves every stub not started. "Offline" here: DLFS_MNIST_DIR is an empty
folder, the cache is empty and the only mirror is a local server that records what it is asked
and answers 404: nothing reaches the internet.
"""
from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from data.mnist import MnistError, load_mnist, on_this_machine
from grader import catalog, manifest
from grader.cli import main
from grader.instructor.release import ReleaseError, build_release, check_stubs_raise
from grader.runner import KitError, RunOptions, run_suites
from submissions import EXERCISES, ROOT, SOLUTIONS

CAPSTONE_ID = manifest.CAPSTONE


class Recorder:
    """A local mirror that answers 404 to everything and remembers what it was asked."""

    def __init__(self):
        self.requests: list[str] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                recorder.requests.append(self.path)
                self.send_error(404)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/mnist/"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def offline(tmp_path, monkeypatch):
    """No MNIST anywhere, and a mirror that has none either (404 at once: a closed port would be
    retried with backoff, seconds of waiting that show nothing more)."""
    (tmp_path / "no-mnist").mkdir()
    monkeypatch.setenv("DLFS_MNIST_DIR", str(tmp_path / "no-mnist"))
    monkeypatch.setenv("DLFS_CACHE_DIR", str(tmp_path / "cache"))
    recorder = Recorder()
    monkeypatch.setenv("DLFS_MNIST_MIRRORS", recorder.url)
    assert not on_this_machine()
    yield recorder
    recorder.close()


def loader_message() -> str:
    """What the loader says, in this environment, when asked for MNIST."""
    with pytest.raises(MnistError) as caught:
        load_mnist(normalize=False)
    return str(caught.value)


def test_grading_without_mnist_is_a_kit_error_with_the_loaders_whole_message(offline, tmp_path):
    output = tmp_path / "results.json"
    result = CliRunner().invoke(main, ["run", "mnist_inference", "--target", str(SOLUTIONS),
                                       "--format", "json", "--output", str(output)])
    assert result.exit_code == 2, result.output
    results = json.loads(output.read_text())
    expected = loader_message()
    assert "DLFS_MNIST_MIRRORS" in expected and "\n" in expected, expected  # long, several lines
    assert expected in results["kit_error"], results["kit_error"]
    assert "mnist_inference" in results["kit_error"]
    [exercise] = results["exercises"]  # not graded, and nothing charged for it
    assert exercise["id"] == "mnist_inference" and exercise["status"] == "not_graded"
    assert results["score"] == 0 and "DLFS_MNIST_DIR" in exercise["tests"][0]["message"]


def test_without_mnist_every_other_exercise_is_graded_and_the_run_still_says_incomplete(
        offline, tmp_path):
    # `grade run --skip-final` offline: mnist_inference alone needs MNIST there
    output = tmp_path / "results.json"
    result = CliRunner().invoke(main, ["run", "--skip-final", "--target", str(SOLUTIONS),
                                       "--format", "json", "--output", str(output)])
    assert result.exit_code == 2, result.output  # the grade is incomplete: a kit error
    results = json.loads(output.read_text())
    assert loader_message() in results["kit_error"]
    statuses = {e["id"]: e["status"] for e in results["exercises"]}
    assert statuses.pop("mnist_inference") == "not_graded"
    assert CAPSTONE_ID not in statuses
    assert set(statuses.values()) == {"passed"}, statuses
    assert len(statuses) == len(manifest.EXERCISES) - 2
    # the text report marks it and says how to provide MNIST
    text = CliRunner().invoke(main, ["run", "mnist_inference", "softmax", "--target",
                                     str(SOLUTIONS)])
    assert text.exit_code == 2
    shown = " ".join(text.output.split())
    assert "not graded: mnist_inference needs MNIST" in shown and "DLFS_MNIST_DIR" in shown
    assert "softmax 3.5.2 6/6 passed" in shown, shown


def test_the_judge_reports_its_own_mnist_failure_as_a_kit_error(offline):
    # Straight to the judge, without `grade` loading MNIST first: the suite's load fails there.
    with pytest.raises(KitError) as caught:
        run_suites(["ch03/test_mnist_inference.py"], ["mnist_inference"],
                   RunOptions(target=SOLUTIONS, sandbox="none", timeout=20))
    assert loader_message() in str(caught.value), str(caught.value)


def test_grade_list_without_mnist_downloads_nothing_and_says_not_run(offline):
    result = CliRunner().invoke(main, ["list", "--target", str(EXERCISES)])
    assert result.exit_code == 0, result.output
    assert offline.requests == [], f"grade list tried to download: {offline.requests}"
    rows = {line.split()[0]: line for line in result.stdout.splitlines() if line.strip()}
    assert rows["mnist_inference"].endswith(catalog.text("status.not_run")), result.stdout
    assert rows["softmax"].endswith(catalog.text("status.not_started")), result.stdout


def test_release_without_mnist_still_proves_every_stub_not_started(offline, tmp_path):
    said: list[str] = []
    files = build_release(ROOT, tmp_path / "student-kit", verify_venv=False, say=said.append)
    assert Path("exercises/ch03/mnist_inference.py") in files
    assert any("MNIST cannot be loaded here" in line and "mnist_inference" in line
               for line in said), said


def test_the_direct_stub_check_catches_a_stub_that_does_not_raise(tmp_path):
    kit = tmp_path / "kit"
    for part in ("exercises", "data"):
        (kit / part).mkdir(parents=True)
    import shutil
    shutil.copytree(EXERCISES, kit / "exercises", dirs_exist_ok=True)
    shutil.copytree(ROOT / "data", kit / "data", dirs_exist_ok=True)
    exercise = manifest.BY_ID["mnist_inference"]
    check_stubs_raise(sys.executable, kit, [exercise], "here")  # the real stubs pass
    with open(kit / "exercises" / exercise.module, "a") as stub:
        stub.write("\n\ndef predict(network, x):\n    return None\n")
    with pytest.raises(ReleaseError, match="predict: returned"):
        check_stubs_raise(sys.executable, kit, [exercise], "here")


def test_the_capstone_alone_without_mnist_is_not_started_for_stubs_and_a_kit_error_after(
        offline, tmp_path):
    # Graded alone, the capstone runs first when MNIST can be had; without it, the stubs are
    # still "not started" (nothing it builds on is written), and written code is a kit error.
    stubs = CliRunner().invoke(main, ["run", "mnist_final", "--target", str(EXERCISES),
                                      "--format", "json", "--output", str(tmp_path / "s.json")])
    assert stubs.exit_code == 0, stubs.output
    (final,) = json.loads((tmp_path / "s.json").read_text())["exercises"]
    assert final["status"] == "not_started", final
    written = CliRunner().invoke(main, ["run", "mnist_final", "--target", str(SOLUTIONS)])
    assert written.exit_code == 2 and "MNIST could not be loaded" in written.output, \
        written.output
