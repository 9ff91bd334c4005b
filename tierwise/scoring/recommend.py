"""From scores to a recommendation (PLAYBOOK.md section 4): fill the strategic slots,
then the tactical ones, everyone else casual; then one action per partner.

Ranking is by score, then evidence, then worksheet row, so the result never depends
on the order rows arrive in.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from tierwise.scoring.rubric import Rubric
from tierwise.scoring.words import number_text, or_join

RANK_ORDER = (["score", "evidence", "row"], [True, True, False])
TIER_LEVEL = {"strategic": 3, "tactical": 2, "casual": 1}


def level(tier: pl.Expr) -> pl.Expr:
    """strategic 3, tactical 2, casual or no tier 1 (a partner with no tier is casual)."""
    return tier.replace_strict(TIER_LEVEL, default=1, return_dtype=pl.Int64)


def _first_n(frame: pl.DataFrame, n: int) -> set[int]:
    return set(frame.head(max(n, 0))["row"].to_list())


def recommend(ranked: pl.DataFrame, r: Rubric, present: frozenset[str]) -> pl.DataFrame:
    """Add `recommended_tier` and `_tier_why` to partners already sorted by RANK_ORDER.

    Needs row, score, partner_type, initiative, tier, _why_bother, _in_grace.
    """
    tiers, rec = r.get("tiers"), r.get("recommend")
    # New partners are too early to judge: they keep first claim on the tier they were
    # given (still within the caps), whatever their score so far.
    slim = ranked.select("row", "score", "partner_type", "initiative", "tier", "_why_bother")
    invested = ranked["tier"].is_in(["strategic", "tactical"]).fill_null(False)
    slim = slim.with_columns(_held=ranked["_in_grace"] & invested)
    held_first: dict[str, Any] = {"by": "_held", "descending": True, "maintain_order": True}
    open_ = slim.filter(~pl.col("_why_bother"))
    held_strategic = pl.col("_held") & (pl.col("tier") == "strategic")
    eligible = open_.filter((pl.col("score") >= rec["strategic_min_score"]) | held_strategic)
    if "partner_type" in present:
        eligible = eligible.filter(pl.col("partner_type").is_in(tiers["strategic_types"]))
    if "initiative" in present:
        # A strategic partner serves THE strategic initiative: it must have one.
        eligible = eligible.filter(pl.col("initiative").is_not_null())
    eligible = eligible.with_columns(_held=held_strategic).sort(**held_first)
    strategic: set[int] = set()
    if eligible.height:
        if "initiative" in present:
            # One strategic initiative: the lead partner's; the second slot must share it.
            lead = eligible["initiative"][0]
            eligible = eligible.filter(pl.col("initiative") == lead)
        strategic = _first_n(eligible, tiers["strategic_partners_max"])

    candidates = open_.filter(
        ~pl.col("row").is_in(list(strategic))
        & ((pl.col("score") >= rec["tactical_min_score"]) | pl.col("_held"))
    ).sort(**held_first)
    if "initiative" in present:
        # At most N tactical initiatives: those of the strongest candidates.
        named = candidates.filter(pl.col("initiative").is_not_null())["initiative"]
        allowed = named.unique(maintain_order=True).head(tiers["tactical_initiatives_max"])
        candidates = candidates.filter(
            pl.col("initiative").is_null() | pl.col("initiative").is_in(allowed.to_list())
        )
    tactical = _first_n(candidates, tiers["tactical_partners_max"])
    kept = slim.filter(
        pl.col("_held")
        & (
            ((pl.col("tier") == "strategic") & pl.col("row").is_in(list(strategic)))
            | ((pl.col("tier") == "tactical") & pl.col("row").is_in(list(tactical)))
        )
    )
    held_rows = set(kept["row"].to_list())

    strategic_bar = rec["strategic_min_score"]
    tactical_bar = rec["tactical_min_score"]
    types = or_join(list(tiers["strategic_types"]))
    score = number_text(pl.col("score"), 0)
    on_initiative = (
        pl.when(pl.col("initiative").is_not_null())
        .then(pl.lit(" on '") + pl.col("initiative") + pl.lit("'"))
        .otherwise(pl.lit(""))
    )
    tier_expr = (
        pl.when(pl.col("row").is_in(list(strategic)))
        .then(pl.lit("strategic"))
        .when(pl.col("row").is_in(list(tactical)))
        .then(pl.lit("tactical"))
        .otherwise(pl.lit("casual"))
    )
    not_strategic_type = pl.lit(False)
    if "partner_type" in present:
        eligible_type = pl.col("partner_type").is_in(tiers["strategic_types"]).fill_null(False)
        not_strategic_type = (pl.col("tier") == "strategic").fill_null(False) & ~eligible_type
    why = (
        pl.when(pl.col("row").is_in(list(held_rows)))
        .then(pl.lit("Kept ") + pl.col("tier") + pl.lit(": too early to judge, and a slot is free"))
        .when(pl.col("row").is_in(list(strategic)))
        .then(
            pl.lit("Recommended strategic: among the strongest eligible partners (score ")
            + score
            + pl.lit(f" ≥ {strategic_bar:g})")
            + on_initiative
        )
        .when(pl.col("row").is_in(list(tactical)))
        .then(
            pl.lit("Recommended tactical: score ")
            + score
            + pl.lit(f" clears the tactical bar of {tactical_bar:g}")
        )
        .when(pl.col("_why_bother"))
        .then(pl.lit("Recommended casual: it serves no motivation significantly"))
        .when(pl.col("score") < tactical_bar)
        .then(
            pl.lit("Recommended casual: score ")
            + score
            + pl.lit(f" is under the tactical bar of {tactical_bar:g}")
        )
        .otherwise(
            pl.lit(
                "Recommended casual: the tactical slots "
                f"({tiers['tactical_partners_max']} partners, "
                f"{tiers['tactical_initiatives_max']} initiatives) go to stronger partners"
            )
        )
    )
    type_why = pl.when(not_strategic_type).then(
        pl.lit("A ")
        + pl.col("partner_type").fill_null("partner of unknown type")
        + pl.lit(f" is not a strategic type ({types})")
    )
    return ranked.with_columns(
        recommended_tier=tier_expr,
        _tier_why=pl.concat_str([why, type_why], separator=". ", ignore_nulls=True),
    )


def actions(frame: pl.DataFrame) -> pl.DataFrame:
    """Add `action` and `_action_why`: exit, promote/demote, fix, keep (first wins)."""
    fte, budget = pl.col("fte").fill_null(0.0), pl.col("budget").fill_null(0.0)
    designated = pl.col("tier").fill_null("casual")
    up = level(pl.col("recommended_tier")) > level(pl.col("tier"))
    down = level(pl.col("recommended_tier")) < level(pl.col("tier"))
    exit_ = pl.col("_why_bother") & ((fte > 0) | (budget > 0))
    flagged = pl.col("flags").list.len() > 0
    action = (
        pl.when(exit_)
        .then(pl.lit("exit"))
        .when(up)
        .then(pl.lit("promote"))
        .when(down)
        .then(pl.lit("demote"))
        .when(flagged)
        .then(pl.lit("fix"))
        .otherwise(pl.lit("keep"))
    )
    move = designated + pl.lit(" → ") + pl.col("recommended_tier")
    why = (
        pl.when(exit_)
        .then(pl.lit("Exit: free ") + pl.col("_resources") + pl.lit(" for partners that serve us"))
        .when(up)
        .then(pl.lit("Promote ") + move)
        .when(down)
        .then(pl.lit("Demote ") + move)
        .when(flagged)
        .then(
            pl.lit("Fix ")
            + pl.col("flags").list.join(", ")
            + pl.lit(" before trusting the ")
            + designated
            + pl.lit(" tier")
        )
        .otherwise(pl.lit("Keep at ") + designated)
    )
    return frame.with_columns(action=action, _action_why=why)
