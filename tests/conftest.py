"""Shared fixtures for the kit's own tests."""
from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# ---- MNIST ----------------------------------------------------------------------------------
# The tests never download MNIST. They use $DLFS_MNIST_DIR when it is set, else the offline copy
# beside the repository (../shared/data/mnist). Without either, every test that needs MNIST (the
# `mnist_dir` fixture, or the `needs_mnist` marker on a test that grades an MNIST exercise) is
# skipped with the one reason below, and grading runs are pointed at a mirror that refuses
# connections, so a test that reaches for MNIST unmarked fails at once instead of downloading.
MNIST_FILE = "train-images-idx3-ubyte"


def _find_mnist() -> tuple[Path | None, str]:
    set_dir = os.environ.get("DLFS_MNIST_DIR")
    folder = Path(set_dir) if set_dir else REPO.parent / "shared" / "data" / "mnist"
    if (folder / MNIST_FILE).is_file() or (folder / f"{MNIST_FILE}.gz").is_file():
        return folder.resolve(), ""
    where = f"DLFS_MNIST_DIR={set_dir}" if set_dir else f"{folder} (DLFS_MNIST_DIR is unset)"
    return None, (f"needs MNIST, and there is none in {where}: set DLFS_MNIST_DIR to a folder "
                  f"with the four standard files ({MNIST_FILE}.gz and friends)")


MNIST_DIR, NO_MNIST = _find_mnist()

# The tests that press Ctrl-C (SIGINT) on `grade` need it to arrive as it does from a terminal. A
# shell without job control starts a command run in the background (`pytest ... &`) with SIGINT
# ignored, every child inherits that, and their `grade` never hears it: the test then fails on how
# it was started. Python's own handler here is reset to the default in every child it starts.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


def pytest_collection_modifyitems(config, items):
    if MNIST_DIR is None:
        skip = pytest.mark.skip(reason=NO_MNIST)
        for item in items:
            if item.get_closest_marker("needs_mnist"):
                item.add_marker(skip)


@pytest.fixture(scope="session")
def mnist_dir() -> Path:
    """The folder with the four standard MNIST files (see above)."""
    if MNIST_DIR is None:
        pytest.skip(NO_MNIST)
    return MNIST_DIR


@pytest.fixture(scope="session", autouse=True)
def _kit_environment(tmp_path_factory):
    """Grading runs in these tests find MNIST (the offline copy when DLFS_MNIST_DIR is unset)
    and keep their cache and last results out of the user's home; they speak English."""
    saved = {key: os.environ.get(key) for key in ("DLFS_MNIST_DIR", "DLFS_CACHE_DIR",
                                                  "DLFS_WORKER_TAG", "DLFS_LANG")}
    os.environ["DLFS_WORKER_TAG"] = f"tests-{os.getpid()}"  # whose workers are whose
    os.environ["DLFS_LANG"] = "en"  # the tests read English, whatever the machine's locale
    saved["DLFS_MNIST_MIRRORS"] = os.environ.get("DLFS_MNIST_MIRRORS")
    if MNIST_DIR is not None:
        os.environ["DLFS_MNIST_DIR"] = str(MNIST_DIR)
    else:
        os.environ["DLFS_MNIST_MIRRORS"] = "http://127.0.0.1:9/mnist/"  # the discard port
    # Each pytest-xdist worker keeps a cache of its own: the hostile tests prove that grading
    # leaves the cache untouched, which another worker filling the same one would belie.
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not saved["DLFS_CACHE_DIR"]:
        os.environ["DLFS_CACHE_DIR"] = str(tmp_path_factory.mktemp("dlfs-cache"))
    elif worker:
        os.environ["DLFS_CACHE_DIR"] = str(Path(saved["DLFS_CACHE_DIR"]) / f"tests-{worker}")
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
