"""Every view of an evaluation: the terminal reports the CLI prints (`score`, `inspect`,
`compare`), the JSON document (`document`) and the portfolio sheet's content
(`portfolio_sheet`). tierwise.outputs writes them; io only renders plain data.

`tierwise.report.inspect` and `tierwise.report.score` are imported on first use: the
score report pulls in the scoring engine, which `inspect` does not need.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tierwise.lazy import lazy_exports

if TYPE_CHECKING:
    from tierwise.report.inspect import inspect_report
    from tierwise.report.score import score_report

_HOME = {"inspect_report": "inspect", "score_report": "score"}

__all__ = ["inspect_report", "score_report"]


__getattr__ = lazy_exports(__name__, _HOME)
