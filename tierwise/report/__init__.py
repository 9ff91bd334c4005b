"""Terminal reports the CLI prints (plain text, coloured where the terminal allows).

`tierwise.report.inspect` and `tierwise.report.score` are imported on first use: the
score report pulls in the scoring engine, which `inspect` does not need.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tierwise.report.inspect import inspect_report
    from tierwise.report.score import score_report

_HOME = {"inspect_report": "inspect", "score_report": "score"}

__all__ = ["inspect_report", "score_report"]


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'tierwise.report' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"tierwise.report.{home}"), name)
    globals()[name] = value
    return value
