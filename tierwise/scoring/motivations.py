"""The four motivations (PLAYBOOK.md section 1), each 0-100 from evidence columns.

A piece of evidence scores linearly up to the rubric's `full_*` value; the pieces of a
motivation are averaged by the rubric's `weight_*` over the columns the tracker has. A
blank cell is no evidence (0); a missing column is left out; a motivation with none of
its columns is null ("not assessed").
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from tierwise.fields import MOTIVATIONS
from tierwise.scoring.rubric import Rubric
from tierwise.scoring.words import contains_any, money_text, number_text, text_list

# Decimals kept in intermediate values: far below what is shown, far above float noise.
STEADY = 6

# motivation -> the evidence columns any of which makes it assessable (for the notes)
EVIDENCE: dict[str, tuple[str, ...]] = {
    "share": ("closed_revenue", "share_gain", "deals_won"),
    "access": ("new_logos", "sourced_share", "new_markets"),
    "speed": ("cycle_days", "baseline_cycle_days"),
    "ecosystem": ("integrations", "certifications", "marketplace"),
}


@dataclass(frozen=True)
class _Piece:
    column: str  # the column that must exist for this piece to count
    score: pl.Expr  # 0-100
    weight: float
    words: pl.Expr  # how the evidence reads in `why`


def _scaled(value: pl.Expr, full: float) -> pl.Expr:
    if full <= 0:
        return pl.lit(100.0)
    return ((value.fill_null(0.0) / full).clip(0.0, 1.0) * 100.0).round(STEADY)


def _count(column: str, noun: str) -> pl.Expr:
    """ "1 new logo", "3 new logos": `noun` is the plural (its last plural word loses the s)."""
    value = pl.col(column).fill_null(0.0)
    words = noun.split()
    plural = max((i for i, w in enumerate(words) if w.endswith("s")), default=None)
    if plural is not None:
        words[plural] = words[plural][:-1]
    one = " ".join(words)
    return number_text(value) + pl.when(value == 1).then(pl.lit(f" {one}")).otherwise(
        pl.lit(f" {noun}")
    )


def _share_pieces(r: Rubric, present: frozenset[str]) -> list[_Piece]:
    m = r.get("motivations.share")
    target, closed = pl.col("revenue_target"), pl.col("closed_revenue").fill_null(0.0)
    pieces = []
    if "closed_revenue" in present:
        if "revenue_target" in present:
            # No target to hit: any closed revenue is full attainment of "something".
            ratio = pl.when(target > 0).then(closed / target).otherwise((closed > 0).cast(float))
            words = (
                pl.when(target > 0)
                .then(
                    money_text(closed)
                    + pl.lit(" closed of a ")
                    + money_text(target)
                    + pl.lit(" target")
                )
                .otherwise(money_text(closed) + pl.lit(" closed, no target"))
            )
            score = _scaled(ratio, m["full_attainment"])
        else:
            words = money_text(closed) + pl.lit(" closed")
            score = (closed > 0).cast(pl.Float64) * 100.0
        pieces.append(_Piece("closed_revenue", score, m["weight_attainment"], words))
    gain = pl.col("share_gain").fill_null(0.0)
    pieces.append(
        _Piece(
            "share_gain",
            _scaled(gain, m["full_share_gain"]),
            m["weight_share_gain"],
            pl.when(gain >= 0).then(pl.lit("+")).otherwise(pl.lit(""))
            + number_text(gain)
            + pl.lit(" pts share gain"),
        )
    )
    pieces.append(
        _Piece(
            "deals_won",
            _scaled(pl.col("deals_won"), m["full_deals_won"]),
            m["weight_deals_won"],
            _count("deals_won", "deals won"),
        )
    )
    return pieces


def _access_pieces(r: Rubric) -> list[_Piece]:
    m = r.get("motivations.access")
    return [
        _Piece(
            "new_logos",
            _scaled(pl.col("new_logos"), m["full_new_logos"]),
            m["weight_new_logos"],
            _count("new_logos", "new logos"),
        ),
        _Piece(
            "sourced_share",
            _scaled(pl.col("sourced_share"), m["full_sourced_share"]),
            m["weight_sourced_share"],
            number_text(pl.col("sourced_share").fill_null(0.0)) + pl.lit("% partner-sourced"),
        ),
        _Piece(
            "new_markets",
            _scaled(pl.col("new_markets"), m["full_new_markets"]),
            m["weight_new_markets"],
            _count("new_markets", "new markets opened"),
        ),
    ]


def _speed_pieces(r: Rubric, present: frozenset[str]) -> list[_Piece]:
    m = r.get("motivations.speed")
    default = float(m["default_baseline_days"])
    pieces = []
    if "cycle_days" in present and ("baseline_cycle_days" in present or default > 0):
        baseline = pl.col("baseline_cycle_days")
        if default > 0:
            baseline = baseline.fill_null(default)
        cycle = pl.col("cycle_days")
        known = cycle.is_not_null() & (cycle >= 0) & (baseline > 0)
        reduction = pl.when(known).then((baseline - cycle) / baseline).otherwise(0.0)
        words = (
            pl.when(known)
            .then(
                pl.lit("cycle ")
                + number_text(cycle, 0)
                + pl.lit(" days vs ")
                + number_text(baseline, 0)
                + pl.lit(" direct (")
                + number_text((reduction * 100).abs(), 0)
                + pl.when(reduction >= 0).then(pl.lit("% shorter)")).otherwise(pl.lit("% longer)"))
            )
            .otherwise(pl.lit("no cycle comparison recorded"))
        )
        pieces.append(
            _Piece(
                "cycle_days",
                _scaled(reduction, m["full_cycle_reduction"]),
                m["weight_cycle_reduction"],
                words,
            )
        )
    if pieces:  # co-sell wins support a measured cycle, never replace it
        pieces.append(
            _Piece(
                "deals_won",
                _scaled(pl.col("deals_won"), m["full_deals_won"]),
                m["weight_deals_won"],
                _count("deals_won", "co-sell wins"),
            )
        )
    return pieces


def _ecosystem_pieces(r: Rubric) -> list[_Piece]:
    m = r.get("motivations.ecosystem")
    listed = pl.col("marketplace").fill_null(False)
    return [
        _Piece(
            "integrations",
            _scaled(pl.col("integrations"), m["full_integrations"]),
            m["weight_integrations"],
            _count("integrations", "integrations"),
        ),
        _Piece(
            "certifications",
            _scaled(pl.col("certifications"), m["full_certifications"]),
            m["weight_certifications"],
            _count("certifications", "certified"),
        ),
        _Piece(
            "marketplace",
            listed.cast(pl.Float64) * 100.0,
            m["weight_marketplace"],
            pl.when(listed).then(pl.lit("on the marketplace")).otherwise(pl.lit("not listed")),
        ),
    ]


def _pieces(r: Rubric, present: frozenset[str]) -> dict[str, list[_Piece]]:
    found = {
        "share": _share_pieces(r, present),
        "access": _access_pieces(r),
        "speed": _speed_pieces(r, present),
        "ecosystem": _ecosystem_pieces(r),
    }
    return {k: [p for p in ps if p.column in present and p.weight > 0] for k, ps in found.items()}


def assessed(r: Rubric, present: frozenset[str]) -> dict[str, bool]:
    """Which motivations this tracker holds evidence columns for."""
    return {k: bool(ps) for k, ps in _pieces(r, present).items()}


def motivation_columns(r: Rubric, present: frozenset[str], unspecified: pl.Expr) -> list[pl.Expr]:
    """share/access/speed/ecosystem (Float64, null = not assessed) and `_<m>_words`, the
    evidence as words. `unspecified` is True where the target market is not specified."""
    cap = float(r.get("motivations.share.unspecified_market_cap"))
    out: list[pl.Expr] = []
    for name, pieces in _pieces(r, present).items():
        if not pieces:
            out.append(pl.lit(None, pl.Float64).alias(name))
            out.append(pl.lit(None, pl.String).alias(f"_{name}_words"))
            continue
        total = sum(p.weight for p in pieces)
        value = pl.sum_horizontal([p.score * p.weight for p in pieces]) / total
        if name == "share":
            value = pl.when(unspecified).then(value.clip(upper_bound=cap)).otherwise(value)
        # Rounding away float noise first: vectorised and scalar kernels can differ in the
        # last bit, and 21.25 must not become 21.2 or 21.3 depending on the row's position.
        out.append(value.round(STEADY).round(1).alias(name))
        words = pl.concat_str([p.words for p in pieces], separator=", ", ignore_nulls=True)
        out.append(words.alias(f"_{name}_words"))
    return out


def evidence_count(present: frozenset[str]) -> pl.Expr:
    """How many evidence cells hold something (the tie-break after score)."""
    cols = sorted({c for cs in EVIDENCE.values() for c in cs} & present)
    if not cols:
        return pl.lit(0, pl.Int64)
    filled = []
    for c in cols:
        v = pl.col(c)
        filled.append(v.fill_null(False) if c == "marketplace" else v.fill_null(0) != 0)
    return pl.sum_horizontal([f.cast(pl.Int64) for f in filled])


def stated_columns(r: Rubric, present: frozenset[str]) -> pl.Expr:
    """`stated`: motivations the objective mentions but the evidence does not reach
    the significance threshold for (stated, not evidenced)."""
    if "objective" not in present:
        return pl.lit([], pl.List(pl.String)).alias("stated")
    bar = float(r.get("thresholds.significant"))
    objective = pl.col("objective")
    items = [
        pl.when(
            contains_any(objective, r.get(f"stated.{m}")) & (pl.col(m).fill_null(-1.0) < bar)
        ).then(pl.lit(m))
        for m in MOTIVATIONS
    ]
    return text_list(items).alias("stated")
