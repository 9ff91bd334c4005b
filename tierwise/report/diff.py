"""`tierwise diff OLD NEW`: what changed between two quarters, as a terminal report and
as docs/CONTRACT.md's JSON members (added, removed, tier_changes, score_changes,
flags_raised, flags_cleared, decisions, plus resources, ambiguous and checks)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click
import polars as pl

from tierwise import __version__, catalogue
from tierwise.scoring.words import fmt_money, fmt_number

if TYPE_CHECKING:
    from tierwise.pipeline import Evaluation
    from tierwise.scoring.diff import QuarterDiff
    from tierwise.scoring.match import Ambiguity

TOP = 20  # entries listed per section in the text report; the JSON holds them all
VERDICT = {True: "carried out", False: "not carried out", None: "cannot tell"}
MARK = {True: ("✓", "green"), False: ("✗", "red"), None: ("?", "yellow")}


@dataclass(frozen=True)
class Review:
    """OLD and NEW as scored, and what changed between them. `old_label` names OLD in
    reports: its file name, or "the snapshot of DATE" when OLD is the workbook's history
    (then `old_file` is "")."""

    old_file: str
    old_label: str
    old_as_of: date
    new: Evaluation
    diff: QuarterDiff


def flag_names(codes: list[str]) -> str:
    """Flag codes in the catalogue's plain words: "Exec lunch, Vague agenda"."""
    return ", ".join(catalogue.FLAGS[c].name if c in catalogue.FLAGS else c for c in codes)


def moves(motivations: list[dict], show: Callable[[float | None], str]) -> str:
    """Motivation moves in plain words: "Share 63 → 18; Access 0 → 25"."""
    return "; ".join(
        f"{catalogue.MOTIVATIONS[m['motivation']].name} {show(m['from'])} → {show(m['to'])}"
        for m in motivations
    )


def _clean(value: object) -> object:
    """NaN (a sum of nothing, a blank cell read as a number) is null in JSON."""
    return None if isinstance(value, float) and math.isnan(value) else value


def _rows(frame: pl.DataFrame) -> list[dict]:
    return [{k: _clean(v) for k, v in row.items()} for row in frame.iter_rows(named=True)]


def diff_json(review: Review) -> dict:
    """The whole comparison as one JSON-ready document."""
    d = review.diff
    moves = [
        {
            "partner": r["partner"],
            "row": r["row"],
            "old_row": r["old_row"],
            "fte": {"from": _clean(r["fte_from"]), "to": _clean(r["fte_to"])},
            "budget": {"from": _clean(r["budget_from"]), "to": _clean(r["budget_to"])},
        }
        for r in d.resources.iter_rows(named=True)
    ]
    scores = [
        {
            **{k: _clean(v) for k, v in r.items() if k != "motivations"},
            "motivations": {
                m["motivation"]: {"from": m["from"], "to": m["to"]} for m in r["motivations"]
            },
        }
        for r in d.score_changes.iter_rows(named=True)
    ]
    return {
        "tierwise": __version__,
        "old": {
            "file": review.old_file or review.old_label,
            "as_of": review.old_as_of.isoformat(),
        },
        "new": {"file": review.new.tracker.source.file, "as_of": review.new.as_of.isoformat()},
        "threshold": d.threshold,
        "matched": d.matched,
        "added": _rows(d.added),
        "removed": _rows(d.removed),
        "tier_changes": _rows(d.tier_changes),
        "score_changes": scores,
        "flags_raised": _rows(d.flags_raised),
        "flags_cleared": _rows(d.flags_cleared),
        "resources": {**d.totals, "moves": moves},
        "decisions": _rows(
            d.decisions.select("partner", "decision", "carried_out", "detail", "source")
        ),
        "ambiguous": [a.to_json() for a in d.ambiguous],
        "tiers": d.by_tier,
        "checks": d.checks,
    }


def decision_counts(d: QuarterDiff) -> dict[bool | None, int]:
    """How many of OLD's decisions were carried out, not, and cannot be told."""
    column = d.decisions["carried_out"]
    return {
        True: int(column.eq(True).sum()),
        False: int(column.eq(False).sum()),
        None: column.null_count(),
    }


def by_outcome(d: QuarterDiff) -> pl.DataFrame:
    """OLD's decisions, those not carried out first, then those that cannot be told."""
    order = pl.col("carried_out").replace_strict({False: 0, True: 2}, default=1)
    return d.decisions.sort(order, maintain_order=True)


def _section(title: str, items: list[str], top: int) -> list[str]:
    if not items:
        return []
    shown = items if top == 0 else items[:top]
    more = (
        [f"  … and {len(items) - len(shown)} more (--top 0 lists them all)"]
        if len(items) > len(shown)
        else []
    )
    return ["", click.style(f"{title} ({len(items)})", bold=True), *shown, *more]


def _tier(tier: str | None, label: str | None) -> str:
    shown = tier or "no tier"
    return f"{shown} ('{label}')" if label and label.strip().lower() != tier else shown


def _ok(ok: bool) -> str:
    return "pass" if ok else "FAIL"


def ambiguous_names(a: Ambiguity) -> str:
    """ "Globex → Globex EMEA, Globex APAC": the names on each side of an ambiguity."""
    return f"{', '.join(p for _, p in a.old) or '-'} → {', '.join(p for _, p in a.new) or '-'}"


def _score(value: float | None) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.0f}"


def _resources(d: QuarterDiff) -> list[str]:
    lines = []
    for key, show in (("fte", lambda v: f"{fmt_number(v, 1)} FTE"), ("budget", fmt_money)):
        if key in d.totals:
            old, new = d.totals[key]["old"], d.totals[key]["new"]
            lines.append(
                f"  {key.upper() if key == 'fte' else 'Budget'}: {show(old)} → {show(new)}"
            )
    for r in d.resources.iter_rows(named=True):
        parts = [
            f"{label} {show(r[f'{k}_from'])} → {show(r[f'{k}_to'])}"
            for k, label, show in (
                ("fte", "FTE", lambda v: fmt_number(v, 2)),
                ("budget", "budget", fmt_money),
            )
            if _clean(r[f"{k}_from"]) != _clean(r[f"{k}_to"])
        ]
        lines.append(f"  {r['partner']}: " + ", ".join(parts))
    return lines


def diff_report(review: Review, top: int = TOP) -> str:
    """The comparison for a person: decisions first, then each kind of change."""
    d = review.diff
    new = review.new
    counts = decision_counts(d)
    lines = [
        click.style(
            f"{review.old_label} (as of {review.old_as_of}) → {Path(new.tracker.source.file).name} "
            f"(as of {new.as_of}): {d.matched} partners in both",
            bold=True,
        )
    ]
    decided = []
    for r in by_outcome(d).iter_rows(named=True):
        mark, colour = MARK[r["carried_out"]]
        decided.append(
            f"  {click.style(mark, fg=colour)} {r['partner']}: {r['decision']}: {r['detail']}"
        )
    if decided:
        summary = ", ".join(f"{counts[k]} {VERDICT[k]}" for k in (True, False, None))
        lines += _section(f"Decisions of the last review: {summary}", decided, top)
    else:
        lines += ["", "No decisions recorded in OLD (its decision column and Log are empty)."]
    lines += _section(
        "Added",
        [
            f"  {r['partner']}: {r['designated_tier'] or 'no tier'}, score {_score(r['score'])}"
            for r in d.added.iter_rows(named=True)
        ],
        top,
    )
    lines += _section(
        "Removed",
        [
            f"  {r['partner']}: was {r['designated_tier'] or 'no tier'}"
            for r in d.removed.iter_rows(named=True)
        ],
        top,
    )
    lines += _section(
        "Tier changed",
        [
            f"  {r['partner']}: {_tier(r['from'], r['from_label'])} → "
            f"{_tier(r['to'], r['to_label'])}"
            for r in d.tier_changes.iter_rows(named=True)
        ],
        top,
    )
    moved = []
    for r in d.score_changes.iter_rows(named=True):
        why = moves(r["motivations"], _score)
        change = "" if r["change"] is None else f" ({r['change']:+.0f})"
        moved.append(
            f"  {r['partner']}: {_score(r['from'])} → {_score(r['to'])}{change}"
            + (f"; {why}" if why else "")
        )
    lines += _section(f"Score moves of {d.threshold:g} points or more", moved, top)
    for title, frame in (("Flags raised", d.flags_raised), ("Flags cleared", d.flags_cleared)):
        lines += _section(
            title,
            [f"  {r['partner']}: {flag_names(r['flags'])}" for r in frame.iter_rows(named=True)],
            top,
        )
    res = _resources(d)
    if res:
        lines += ["", click.style("Resources", bold=True), *res]
    changed = [c for c in d.checks if c["old_ok"] is not None and c["old_ok"] != c["new_ok"]]
    lines += _section(
        "Portfolio checks that changed",
        [f"  {c['code']}: {_ok(c['old_ok'])} → {_ok(c['new_ok'])}: {c['detail']}" for c in changed],
        top,
    )
    lines += _section(
        "Not compared (ambiguous names)",
        [f"  {ambiguous_names(a)}: {a.reason}" for a in d.ambiguous],
        top,
    )
    return "\n".join(lines)
