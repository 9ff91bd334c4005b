"""Pure polars scoring: from a tracker frame and a rubric to judgments with reasons.

Knows nothing of Excel or Textual. Entry points: `score` and `check_portfolio`.
"""
