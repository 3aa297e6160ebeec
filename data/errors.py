"""The one exception the MNIST loader raises for problems a user can fix."""
from __future__ import annotations


class MnistError(RuntimeError):
    """MNIST could not be loaded: a file is missing, damaged or unreachable.

    The message names the file, says what is wrong with it and how to fix it.
    """
