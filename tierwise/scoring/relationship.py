"""What kind of relationship a partner is (docs/PLAYBOOK.md section 4): go-to-market, or one
of the other vehicles (supplier, subcontractor, technology, acquisition candidate) that
are listed but never judged for a go-to-market exit."""

from __future__ import annotations

import polars as pl

from tierwise.scoring.rubric import Rubric
from tierwise.scoring.words import contains_any

KINDS = ("supplier", "subcontractor", "technology", "acquisition_candidate")


def relationship_kind(rubric: Rubric) -> pl.Expr:
    """`relationship` as one of gtm (blank or anything else) and KINDS, from the text of
    the Relationship column matched to the rubric's `[relationship]` words."""
    text = pl.col("relationship").str.replace_all(r"[_\-]", " ")
    kind: pl.Expr = pl.lit("gtm")
    for name in reversed(KINDS):  # the first kind that matches wins
        words = [*rubric.get(f"relationship.{name}"), name.replace("_", " ")]
        kind = pl.when(contains_any(text, words)).then(pl.lit(name)).otherwise(kind)
    return kind


def relied_on(rubric: Rubric) -> pl.Expr:
    """A non-GTM relationship we depend on: strategic label, or FTE or budget at the
    rubric's `relied_*` levels."""
    rule = rubric.get("relationship")
    return (
        (pl.col("tier") == "strategic").fill_null(False)
        | (pl.col("fte").fill_null(0.0) >= rule["relied_fte"])
        | (pl.col("budget").fill_null(0.0) >= rule["relied_budget"])
    )
