"""Pure polars scoring: from a tracker frame and a rubric to judgments with reasons.

Knows nothing of Excel or Textual. Entry points: `score`, `check_portfolio` and
`portfolio_after` (the checks on triage decisions, without re-scoring).
"""

from tierwise.scoring.engine import score
from tierwise.scoring.portfolio import check_portfolio, portfolio_after
from tierwise.scoring.result import Check, Portfolio, Reallocation, Scored, ScoreWarning
from tierwise.scoring.rubric import Rubric, default_rubric_text, load_rubric

__all__ = [
    "Check",
    "Portfolio",
    "Reallocation",
    "Rubric",
    "ScoreWarning",
    "Scored",
    "check_portfolio",
    "default_rubric_text",
    "load_rubric",
    "portfolio_after",
    "score",
]
