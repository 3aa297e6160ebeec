"""The kit's own JSON results (schema in README.md, "Results files")."""
from __future__ import annotations

import json

from ..results import RunResult


def render(result: RunResult) -> str:
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
