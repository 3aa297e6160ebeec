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
