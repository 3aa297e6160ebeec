"""The pytest plugin inside every grading child (placeholder: marker registration only)."""
from __future__ import annotations


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "grade(exercise, weight=1): one check of an exercise and its weight in it")
