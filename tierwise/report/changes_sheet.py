"""The "Tierwise Changes" sheet (`score NEW --since OLD`, `diff OLD NEW -o OUT`): one row
per change, so it can be filtered and sorted like the rest of the workbook."""

from __future__ import annotations

from tierwise.io.columns import CHANGES_SHEET
from tierwise.io.sheetspec import SheetSpec
from tierwise.report.diff import (
    VERDICT,
    Review,
    ambiguous_names,
    by_outcome,
    decision_counts,
    flag_names,
    moves,
)

HEADERS = ("Change", "Partner", "Before", "Now", "Detail")
WIDTHS = {1: 22, 2: 32, 3: 22, 4: 22, 5: 70}
_FIRST = 5  # the header row of the table


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.0f}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def change_rows(review: Review) -> list[tuple[str, str, object, object, str, str]]:
    """(change, partner, before, now, detail, style of the change cell), in report order."""
    d = review.diff
    rows: list[tuple[str, str, object, object, str, str]] = []
    styles = {True: "pass", False: "fail", None: "flag"}
    for r in by_outcome(d).iter_rows(named=True):
        verdict = r["carried_out"]
        rows.append(
            (
                f"Decision: {VERDICT[verdict]}",
                r["partner"],
                r["decision"],
                "",
                f"{r['detail']} (recorded in {r['source']})" if r["source"] else r["detail"],
                styles[verdict],
            )
        )
    for r in d.added.iter_rows(named=True):
        rows.append(
            ("Added", r["partner"], "", r["designated_tier"], f"score {_text(r['score'])}", "text")
        )
    for r in d.removed.iter_rows(named=True):
        rows.append(("Removed", r["partner"], r["designated_tier"], "", "", "text"))
    for r in d.tier_changes.iter_rows(named=True):
        labels = f"label '{r['from_label'] or ''}' → '{r['to_label'] or ''}'"
        rows.append(("Tier changed", r["partner"], r["from"], r["to"], labels, "text"))
    for r in d.score_changes.iter_rows(named=True):
        why = moves(r["motivations"], _text)
        rows.append(("Score moved", r["partner"], r["from"], r["to"], why, "text"))
    for title, frame in (("Flag raised", d.flags_raised), ("Flag cleared", d.flags_cleared)):
        for r in frame.iter_rows(named=True):
            rows.append((title, r["partner"], "", "", flag_names(r["flags"]), "flag"))
    for r in d.resources.iter_rows(named=True):
        detail = "; ".join(
            f"{label} {_fmt(r[f'{k}_from'])} → {_fmt(r[f'{k}_to'])}"
            for k, label in (("fte", "FTE"), ("budget", "budget"))
        )
        rows.append(("Resources moved", r["partner"], "", "", detail, "text"))
    for a in d.ambiguous:
        rows.append(("Not compared", ambiguous_names(a), "", "", a.reason, "muted"))
    return rows


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:,.2f}".rstrip("0").rstrip(".")


def changes_sheet(review: Review) -> SheetSpec:
    """The sheet: a title, the decisions' tally, then the table of changes."""
    d = review.diff
    spec = SheetSpec(CHANGES_SHEET, freeze=f"A{_FIRST + 1}", tab_color="7030A0")
    spec.col_widths = dict(WIDTHS)
    spec.set(
        1, 1, f"Changes since {review.old_label} (as of {review.old_as_of.isoformat()})", "title"
    )
    counts = decision_counts(d)
    spec.set(
        2,
        1,
        f"{d.matched} partners in both · {d.added.height} added · {d.removed.height} removed · "
        f"decisions: {counts[True]} carried out, {counts[False]} not, {counts[None]} cannot tell",
        "muted",
    )
    spec.set(3, 1, f"Score moves of {d.threshold:g} points or more are listed.", "muted")
    for col, title in enumerate(HEADERS, start=1):
        spec.set(_FIRST, col, title, "header")
    for i, (change, partner, before, now, detail, style) in enumerate(
        change_rows(review), start=_FIRST + 1
    ):
        spec.set(i, 1, change, style)
        spec.set(i, 2, partner)
        for col, value in ((3, before), (4, now)):
            if isinstance(value, float):
                spec.set(i, col, value, "number")
            else:
                tier = (
                    f"tier_{value}"
                    if value in ("strategic", "tactical", "casual", "exit")
                    else "text"
                )
                spec.set(i, col, _text(value), tier)
        spec.set(i, 5, detail, "wrap")
    return spec
