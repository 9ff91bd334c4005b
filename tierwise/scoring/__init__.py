"""Pure polars scoring: from a tracker frame and a rubric to judgments with reasons.

Knows nothing of Excel or Textual. Entry points: `score`, `check_portfolio` and
`portfolio_after` (the checks on triage decisions, without re-scoring).

Names are loaded on first use, so reading a rubric (as `inspect` does) does not import
the scoring engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tierwise.lazy import lazy_exports

if TYPE_CHECKING:
    from tierwise.scoring.engine import designated_tiers, score
    from tierwise.scoring.portfolio import check_portfolio, portfolio_after
    from tierwise.scoring.result import Check, Portfolio, Reallocation, Scored, ScoreWarning
    from tierwise.scoring.rubric import Rubric, default_rubric_text, load_rubric

_HOME = {
    "score": "engine",
    "designated_tiers": "engine",
    "check_portfolio": "portfolio",
    "portfolio_after": "portfolio",
    "Check": "result",
    "Portfolio": "result",
    "Reallocation": "result",
    "Scored": "result",
    "ScoreWarning": "result",
    "Rubric": "rubric",
    "default_rubric_text": "rubric",
    "load_rubric": "rubric",
}

__all__ = [
    "Check",
    "Portfolio",
    "Reallocation",
    "Rubric",
    "ScoreWarning",
    "Scored",
    "check_portfolio",
    "default_rubric_text",
    "designated_tiers",
    "load_rubric",
    "portfolio_after",
    "score",
]


__getattr__ = lazy_exports(__name__, _HOME)
