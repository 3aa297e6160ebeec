"""Shared fixtures for the kit's own tests."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# ---- MNIST ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def mnist_dir() -> Path:
    """The folder with the four standard MNIST .gz files: $DLFS_MNIST_DIR if it exists, else the
    offline copy beside the repository (../shared/data/mnist)."""
    candidates = [Path(os.environ["DLFS_MNIST_DIR"])] if os.environ.get("DLFS_MNIST_DIR") else []
    candidates.append(REPO.parent / "shared" / "data" / "mnist")
    name = "train-images-idx3-ubyte"
    for folder in candidates:
        if (folder / name).is_file() or (folder / f"{name}.gz").is_file():
            return folder.resolve()
    pytest.skip(f"no MNIST files: looked in {', '.join(map(str, candidates))}; set "
                f"DLFS_MNIST_DIR to a folder with the four standard files")


@pytest.fixture(scope="session", autouse=True)
def _kit_environment(tmp_path_factory):
    """Grading runs in these tests find MNIST (the offline copy when DLFS_MNIST_DIR is unset)
    and keep their cache and last results out of the user's home; they speak English."""
    saved = {key: os.environ.get(key) for key in ("DLFS_MNIST_DIR", "DLFS_CACHE_DIR",
                                                  "DLFS_WORKER_TAG", "DLFS_LANG")}
    os.environ["DLFS_WORKER_TAG"] = f"tests-{os.getpid()}"  # whose workers are whose
    os.environ["DLFS_LANG"] = "en"  # the tests read English, whatever the machine's locale
    offline = REPO.parent / "shared" / "data" / "mnist"
    if not saved["DLFS_MNIST_DIR"] and offline.is_dir():
        os.environ["DLFS_MNIST_DIR"] = str(offline.resolve())
    if not saved["DLFS_CACHE_DIR"]:
        os.environ["DLFS_CACHE_DIR"] = str(tmp_path_factory.mktemp("dlfs-cache"))
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
