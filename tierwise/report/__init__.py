"""Terminal reports the CLI prints (plain text, coloured where the terminal allows)."""

from tierwise.report.inspect import inspect_report
from tierwise.report.score import score_report

__all__ = ["inspect_report", "score_report"]
