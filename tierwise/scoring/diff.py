"""Quarter over quarter: what changed between two scorings of the same portfolio, and
whether the decisions recorded in the older one were carried out in the newer.

Pure polars on two `Side`s (what scoring said of each tracker, plus the tier labels as
written); knows nothing of files. Partners are paired by `match.match_partners`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Final

import polars as pl

from tierwise.fields import MOTIVATIONS
from tierwise.scoring.match import Ambiguity, Matching, match_partners, name_key
from tierwise.scoring.result import Portfolio, Scored

# Score and motivation moves smaller than this (points of 0-100) are not reported.
THRESHOLD: Final = 10.0
# A tier label that says the partnership has ended (an exit decision carried out).
_ENDED: Final = re.compile(
    r"(?i)^\s*(exit(ed|ing)?|terminated|inactive|churned|former|ended|retired|lapsed|expired"
    r"|closed|dropped|discontinued|cancell?ed|off-?board(ed|ing)?)\s*$"
)
_PAST: Final = pl.List(pl.Struct({"date": pl.Date, "score": pl.Float64, "tier": pl.String}))
_SIDE_COLUMNS: Final = (
    "row",
    "partner",
    "label",
    "designated_tier",
    "recommended_tier",
    "score",
    *MOTIVATIONS,
    "flags",
    "fte",
    "budget",
)


@dataclass(frozen=True)
class Side:
    """One quarter as scored.

    partners: `row`, `partner`, `label` (the tier label as written, or null),
        `designated_tier`, `recommended_tier`, `score`, the four motivations, `flags`,
        `fte`, `budget` (missing columns are read as null).
    decisions: `row` (in this side's sheet, or null), `partner`, `decision`
        (strategic/tactical/casual/exit, null for one undone), `source` (where it was
        recorded), in the order they were made (a later one wins).
    has_tier: whether the tracker has a tier column at all.
    """

    partners: pl.DataFrame
    portfolio: Portfolio | None = None
    decisions: pl.DataFrame | None = None
    has_tier: bool = True


@dataclass(frozen=True)
class QuarterDiff:
    """Every change between OLD and NEW, as frames (see `compare_quarters`)."""

    added: pl.DataFrame  # row, partner, designated_tier, recommended_tier, score, flags
    removed: pl.DataFrame  # the same columns, of OLD
    tier_changes: pl.DataFrame  # partner, old_row, row, from, to, from_label, to_label
    score_changes: pl.DataFrame  # partner, old_row, row, from, to, change, motivations
    flags_raised: pl.DataFrame  # partner, old_row, row, flags
    flags_cleared: pl.DataFrame  # partner, old_row, row, flags
    resources: pl.DataFrame  # partner, old_row, row, fte_from, fte_to, budget_from, budget_to
    totals: dict[str, dict[str, float]]  # "fte"/"budget" -> {"old", "new"} (where both have it)
    decisions: pl.DataFrame  # partner, decision, carried_out (Boolean, null), detail, source
    ambiguous: list[Ambiguity]
    checks: list[dict]  # code, old_ok, new_ok, detail (of NEW)
    matched: int
    threshold: float = THRESHOLD
    by_tier: dict[str, dict[str, int]] = field(default_factory=dict)  # tier -> old/new count


def side_of(frame: pl.DataFrame, scored: Scored, decisions: pl.DataFrame | None = None) -> Side:
    """A Side from a tracker frame (for the tier labels as written) and its scoring."""
    has_tier = "designated_tier" in frame.columns
    labels = frame.select(
        "row", label=pl.col("designated_tier") if has_tier else pl.lit(None, pl.String)
    )
    partners = scored.partners.join(labels, on="row", how="left")
    return Side(partners, scored.portfolio, decisions, has_tier)


def _complete(frame: pl.DataFrame) -> pl.DataFrame:
    """The partners frame with every column a Side promises (absent ones null)."""
    kinds = {"row": pl.Int64, "score": pl.Float64, "fte": pl.Float64, "budget": pl.Float64}
    kinds |= dict.fromkeys(MOTIVATIONS, pl.Float64)
    missing = [
        pl.lit(None, pl.List(pl.String) if c == "flags" else kinds.get(c, pl.String)).alias(c)
        for c in _SIDE_COLUMNS
        if c not in frame.columns
    ]
    return (
        frame.with_columns(missing)
        .select(_SIDE_COLUMNS)
        .with_columns(pl.col("flags").cast(pl.List(pl.String)))
    )


def compare_quarters(old: Side, new: Side, threshold: float = THRESHOLD) -> QuarterDiff:
    """What changed from `old` to `new`: partners added and removed, designated tiers
    changed, scores or motivations moved by `threshold` points or more, flags raised and
    cleared, FTE and budget moved, and each of OLD's decisions judged against NEW."""
    a, b = _complete(old.partners), _complete(new.partners)
    # FTE and budget are compared only where both sides hold them (a snapshot does not).
    money = [
        k for k in ("fte", "budget") if k in old.partners.columns and k in new.partners.columns
    ]
    matching = match_partners(a, b)
    both = (
        matching.pairs.join(a, left_on="old_row", right_on="row")
        .join(b, left_on="new_row", right_on="row", suffix="_new")
        .rename({"new_row": "row"})
        .sort("row")
    )
    listed = ["row", "partner", "designated_tier", "recommended_tier", "score", "flags"]
    added = b.filter(pl.col("row").is_in(matching.added.to_list())).select(listed)
    removed = a.filter(pl.col("row").is_in(matching.removed.to_list())).select(listed)
    who: list[pl.Expr | str] = [pl.col("partner_new").alias("partner"), "old_row", "row"]
    # A tier that changed, or a label that did ("Gold" to "Silver": tactical both times).
    relabelled = (
        pl.col("label").str.strip_chars().str.to_lowercase()
        != pl.col("label_new").str.strip_chars().str.to_lowercase()
    )
    changed = pl.col("designated_tier").ne_missing(pl.col("designated_tier_new"))
    tiers = both.filter(changed | relabelled.fill_null(False)).select(
        *who,
        pl.col("designated_tier").alias("from"),
        pl.col("designated_tier_new").alias("to"),
        pl.col("label").alias("from_label"),
        pl.col("label_new").alias("to_label"),
    )
    return QuarterDiff(
        added=added,
        removed=removed,
        tier_changes=tiers,
        score_changes=_score_changes(both, threshold),
        flags_raised=_flag_moves(both, "flags_new", "flags"),
        flags_cleared=_flag_moves(both, "flags", "flags_new"),
        resources=_resource_moves(both, money),
        totals={
            k: {"old": float(a[k].fill_nan(None).sum()), "new": float(b[k].fill_nan(None).sum())}
            for k in money
        },
        decisions=_decisions(old, new, a, b, matching),
        ambiguous=matching.ambiguous,
        checks=_checks(old.portfolio, new.portfolio),
        matched=both.height,
        threshold=threshold,
        by_tier={
            t: {
                "old": int((a["designated_tier"] == t).sum()),
                "new": int((b["designated_tier"] == t).sum()),
            }
            for t in ("strategic", "tactical", "casual")
        },
    )


def _score_changes(both: pl.DataFrame, threshold: float) -> pl.DataFrame:
    def beyond(column: str) -> pl.Expr:
        return ((pl.col(f"{column}_new") - pl.col(column)).abs() >= threshold).fill_null(False)

    # Filter first: the list of moves is built only for the partners that moved (a list
    # of structs over every partner was most of a 10k-partner comparison's time).
    moved = both.filter(pl.any_horizontal(beyond(c) for c in ("score", *MOTIVATIONS)))
    moves = [
        pl.when(beyond(m)).then(
            pl.struct(
                pl.lit(m).alias("motivation"),
                pl.col(m).alias("from"),
                pl.col(f"{m}_new").alias("to"),
            )
        )
        for m in MOTIVATIONS
    ]
    change = pl.col("score_new") - pl.col("score")
    return moved.select(
        pl.col("partner_new").alias("partner"),
        "old_row",
        "row",
        pl.col("score").alias("from"),
        pl.col("score_new").alias("to"),
        change.alias("change"),
        pl.concat_list(moves).list.drop_nulls().alias("motivations"),
    ).sort(pl.col("change").abs(), "row", descending=[True, False], nulls_last=True)


def _flag_moves(both: pl.DataFrame, now: str, before: str) -> pl.DataFrame:
    """Partners with flags in `now` that `before` did not have."""
    empty = pl.lit([], pl.List(pl.String))
    gained = pl.col(now).fill_null(empty).list.set_difference(pl.col(before).fill_null(empty))
    return (
        both.with_columns(gained.list.sort().alias("moved"))
        .filter(pl.col("moved").list.len() > 0)
        .select(
            pl.col("partner_new").alias("partner"), "old_row", "row", pl.col("moved").alias("flags")
        )
    )


def _resource_moves(both: pl.DataFrame, fields: Sequence[str]) -> pl.DataFrame:
    moved = pl.lit(False)
    for k in fields:
        moved = moved | pl.col(k).fill_nan(None).ne_missing(pl.col(f"{k}_new").fill_nan(None))
    return both.filter(moved).select(
        pl.col("partner_new").alias("partner"),
        "old_row",
        "row",
        pl.col("fte").alias("fte_from"),
        pl.col("fte_new").alias("fte_to"),
        pl.col("budget").alias("budget_from"),
        pl.col("budget_new").alias("budget_to"),
    )


def _checks(old: Portfolio | None, new: Portfolio | None) -> list[dict]:
    if old is None or new is None:
        return []
    before = {c.code: c.ok for c in old.designated}
    return [
        {"code": c.code, "old_ok": before.get(c.code), "new_ok": c.ok, "detail": c.detail}
        for c in new.designated
    ]


# -- decisions ----------------------------------------------------------------------


def _on_old_rows(decided: pl.DataFrame, a: pl.DataFrame) -> pl.DataFrame:
    """Decisions placed on OLD's rows: by `row` where that row holds the same name, else
    by the name where OLD has it once (a Log entry's row may have moved); the last
    decision for a row wins. `partner` becomes the name as OLD has it."""
    keyed = a.select("row", "partner", key=name_key(pl.col("partner")))
    once = keyed.filter(pl.col("key").is_unique()).select("key", by_name="row")
    found = (
        decided.with_columns(key=name_key(pl.col("partner")), _order=pl.int_range(pl.len()))
        .join(keyed.select("row", row_key="key"), on="row", how="left")
        .join(once, on="key", how="left")
        .with_columns(
            row=pl.when(pl.col("row_key").eq_missing(pl.col("key")) | pl.col("partner").is_null())
            .then(pl.col("row"))
            .otherwise(pl.col("by_name"))
        )
    )
    placed = found.filter(pl.col("row").is_not_null()).unique("row", keep="last")
    lost = found.filter(pl.col("row").is_null()).unique("key", keep="last")
    named = placed.join(a.select("row", old_name="partner"), on="row", how="left")
    named = named.with_columns(partner=pl.coalesce("old_name", "partner"))
    cols = ["row", "partner", "decision", "source", "_order"]
    return pl.concat([named.select(cols), lost.select(cols)]).sort("_order")


def _decisions(
    old: Side, new: Side, a: pl.DataFrame, b: pl.DataFrame, matching: Matching
) -> pl.DataFrame:
    """Each decision recorded in OLD, with whether NEW's tier labels carry it out:
    carried_out true, false, or null (cannot tell) and a detail saying why."""
    schema = {
        "partner": pl.String,
        "decision": pl.String,
        "carried_out": pl.Boolean,
        "detail": pl.String,
        "source": pl.String,
    }
    decided = old.decisions
    if decided is None or decided.height == 0:
        return pl.DataFrame(schema=schema)
    decided = _on_old_rows(decided, a).filter(pl.col("decision").is_not_null())
    ambiguous_rows = {r: amb for amb in matching.ambiguous if not amb.paired for r, _ in amb.old}
    pairs = dict(matching.pairs.iter_rows())
    now = {r["row"]: r for r in b.iter_rows(named=True)}
    out = []
    for d in decided.iter_rows(named=True):
        row, name = d["row"], d["partner"]
        verdict: tuple[bool | None, str]
        if row in ambiguous_rows:
            amb = ambiguous_rows[row]
            others = ", ".join(p for _, p in amb.new) or "nothing"
            verdict = (None, f"cannot tell: {name} may be {others} in NEW ({amb.reason})")
        else:
            verdict = _verdict(d["decision"], name, now.get(pairs.get(row)), new.has_tier)
        out.append(
            {
                "partner": name,
                "decision": d["decision"],
                "carried_out": verdict[0],
                "detail": verdict[1],
                "source": d.get("source"),
            }
        )
    return pl.DataFrame(out, schema=schema)


def _label(row: dict) -> str:
    """ " ('Gold')": the label as written, where it says more than the tier it maps to."""
    label = row.get("label")
    if not label or label.strip().lower() == row.get("designated_tier"):
        return ""
    return f" ('{label}')"


def _verdict(decision: str, name: str, now: dict | None, has_tier: bool) -> tuple[bool | None, str]:
    if now is None:
        if decision == "exit":
            return True, f"{name} is no longer in NEW"
        return None, f"cannot tell: {name} is not in NEW (removed, or renamed past recognition)"
    tier, label = now["designated_tier"], now.get("label")
    ended = label is not None and _ENDED.match(label) is not None
    if decision == "exit" and ended:
        return True, f"{name} is marked '{label}' in NEW"
    if not has_tier:
        return None, "cannot tell: NEW has no tier column"
    if tier is None:
        why = (
            f"its tier label{_label(now)} is not one Tierwise knows"
            if label
            else "its tier is blank"
        )
        return None, f"cannot tell: {name} is still in NEW, but {why}"
    if decision == "exit":
        return False, f"{name} is still in NEW as {tier}{_label(now)}"
    if tier == decision:
        return True, f"{name} is {tier}{_label(now)} in NEW"
    return False, f"{name} is {tier}{_label(now)} in NEW, not {decision}"


def trends(
    history: pl.DataFrame, partners: pl.DataFrame, as_of: date, threshold: float = THRESHOLD
) -> pl.DataFrame:
    """Each partner's past, from the snapshots a workbook keeps (`history`: `date` and a
    Side's columns) dated before `as_of`, matched by name key.

    Returns `row` of `partners`, `past` (list of {date, score, tier}, oldest first) and
    `changed`: whether tier, recommended tier, flags or score (by `threshold`) differ
    from the newest of those snapshots, or the partner is new since (null when there is
    no earlier snapshot at all). A name found twice on a side gets no past."""
    now = partners.select("row", "partner", "designated_tier", "recommended_tier", "score", "flags")
    now = now.with_columns(key=name_key(pl.col("partner")))
    kept = history.filter(pl.col("date") < as_of).with_columns(key=name_key(pl.col("partner")))
    if kept.height == 0:
        return now.select(
            "row",
            past=pl.lit([], _PAST),
            changed=pl.lit(None, pl.Boolean),
        )
    kept = kept.filter(pl.len().over("date", "key") == 1)
    unique_now = now.filter(pl.col("key").is_unique())
    past = (
        unique_now.select("row", "key")
        .join(kept, on="key")
        .sort("date")
        .group_by("row")
        .agg(past=pl.struct("date", "score", tier=pl.col("designated_tier")))
    )
    last = kept.filter(pl.col("date") == pl.col("date").max()).select(
        "key",
        pl.col("designated_tier").alias("tier_then"),
        pl.col("recommended_tier").alias("recommended_then"),
        pl.col("score").alias("score_then"),
        pl.col("flags").cast(pl.List(pl.String)).list.sort().alias("flags_then"),
    )
    empty = pl.lit([], pl.List(pl.String))
    changed = (
        pl.col("score_then").is_null()
        & pl.col("tier_then").is_null()
        & pl.col("recommended_then").is_null()
        | pl.col("designated_tier").ne_missing(pl.col("tier_then"))
        | pl.col("recommended_tier").ne_missing(pl.col("recommended_then"))
        | (
            pl.col("flags").cast(pl.List(pl.String)).fill_null(empty).list.sort()
            != pl.col("flags_then").fill_null(empty)
        )
        | ((pl.col("score") - pl.col("score_then")).abs() >= threshold).fill_null(False)
    )
    return (
        now.join(last, on="key", how="left", maintain_order="left")
        .join(past, on="row", how="left", maintain_order="left")
        .select(
            "row",
            pl.col("past").fill_null(pl.lit([], _PAST)),
            changed=changed,
        )
    )
