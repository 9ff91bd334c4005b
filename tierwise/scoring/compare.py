"""Two rubrics on one portfolio: which partners' judgments change."""

from __future__ import annotations

import polars as pl

from tierwise.scoring.result import Scored

_JUDGED = ("recommended_tier", "action", "flags", "score")


def compare(a: Scored, b: Scored) -> pl.DataFrame:
    """Partners whose tier, action or flags differ between two scorings of the same frame.

    Columns: row, partner, then `<x>_a` / `<x>_b` for recommended_tier, action, flags
    and score, and `changed` (the names of what changed), ranked by the larger score.
    """
    left = a.partners.select("row", "partner", *_JUDGED)
    right = b.partners.select("row", *_JUDGED)
    both = left.join(right, on="row", suffix="_b").rename({c: f"{c}_a" for c in _JUDGED})
    both = both.with_columns(
        pl.col("flags_a").list.sort().alias("flags_a"),
        pl.col("flags_b").list.sort().alias("flags_b"),
    )
    changed = pl.concat_list(
        pl.when(pl.col(f"{c}_a").ne_missing(pl.col(f"{c}_b"))).then(pl.lit(c)).otherwise(None)
        for c in ("recommended_tier", "action", "flags")
    ).list.drop_nulls()
    return (
        both.with_columns(changed.alias("changed"))
        .filter(pl.col("changed").list.len() > 0)
        .sort(pl.max_horizontal("score_a", "score_b"), "row", descending=[True, False])
    )
