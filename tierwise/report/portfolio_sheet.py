"""The "Tierwise Portfolio" sheet: a one-page summary a biz-dev lead hands upward.

Built as a SheetSpec (what goes where, with named styles); io/render.py turns it into
worksheet XML and native charts. Layout, top to bottom, all within columns A-J: the
tier-discipline checks (designated vs recommended vs limits), the flags with
the playbook's one-line explanation, then a middle band of partners per tier and the
resources to reallocate (A-C), the tier chart beside them (D-F), and motivation coverage
with its chart (G-J); then what the tracker does not record (when it lacks evidence),
then the action list by impact.

The charts sit inside the tables' width rather than in a column of their own, and every
text is whole (wrapped, its row as tall as it needs, never cut with "…"), so the page is
taller than it is wide: printed portrait on one page it keeps a readable scale instead
of shrinking to fit.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

import polars as pl

from tierwise import __version__, catalogue
from tierwise.fields import MOTIVATIONS, TIERS
from tierwise.io.columns import PORTFOLIO_SHEET
from tierwise.io.sheetspec import ChartSpec, SheetSpec
from tierwise.io.tracker import column_letter
from tierwise.pipeline import Evaluation
from tierwise.scoring import portfolio_after
from tierwise.scoring.portfolio import after_tiers, check_limits
from tierwise.scoring.recommend import level
from tierwise.scoring.result import Check, Portfolio
from tierwise.scoring.rubric import Rubric

if TYPE_CHECKING:
    from tierwise.report.diff import Review

# Action list order: what frees or moves the most first.
# Exits and demotions free people and budget, so they rank together by what they free.
ACTION_RANK: Final[dict[str, int]] = {
    "exit": 0,
    "withdraw": 0,
    "demote": 0,
    "promote": 1,
    "collect": 2,
    "fix": 2,
    "keep": 3,
}
REALLOCATION_TITLE: Final = "Resources to reallocate (net of the tier norms)"
ACTION_ROWS: Final = 10  # the action list is cut here to keep the page to one sheet of paper
MOTIVE_CHART_MIN_ROWS: Final = 8  # four columns under a title stay legible in 8 rows

# Column layout (1-based): every block within A-J, the middle band split A-C | D-F | G-J.
WIDTHS: Final[dict[int, float]] = {
    1: 32,
    2: 12,
    3: 14,
    4: 11,
    5: 13,
    6: 14,
    7: 11,
    8: 11,
    9: 11,
    10: 11,
}
LAST_COL: Final = 10
TIER_CHART_COLS: Final = (4, 6)  # D-F, right of the tier and reallocation tables
MOTIVE_CHART_COLS: Final = (7, 10)  # G-J, under the motivation coverage table
# Text spans (first, last column) whose text wraps onto as many lines as it needs.
_SPANS: Final = {1: (1, LAST_COL), 4: (4, LAST_COL), 6: (6, LAST_COL)}
_LINE_PT: Final = 15.0  # one line of 11 pt text
# Excel's default row (15 pt) and its column widths in pixels at 96 dpi (Calibri 11:
# 7 px a character plus 5 px of padding). Charts are sized from these, the narrowest
# likely rendering, so they never spill onto a table; wider fonts only add margin.
_ROW_CM: Final = 15 / 72 * 2.54
_PX_CM: Final = 2.54 / 96
_CHART_MARGIN_CM: Final = 0.25


def _cols_cm(first: int, last: int) -> float:
    return sum(int(WIDTHS[c] * 7 + 5) for c in range(first, last + 1)) * _PX_CM


def _rows_cm(first: int, last: int) -> float:
    return (last - first + 1) * _ROW_CM


def build_portfolio_sheet(
    ev: Evaluation, decisions: pl.DataFrame | None = None, since: Review | None = None
) -> SheetSpec:
    """The "Tierwise Portfolio" sheet for an evaluation, on the decided tiers where
    `decisions` (row, decision, decision_note) holds any, else on the recommended ones.
    `since`: the comparison with an older tracker, whose checks get a "Since" column."""
    decided = decisions is not None and decisions.height > 0
    portfolio: Portfolio = (
        portfolio_after(ev.scored, decisions, ev.rubric)
        if decisions is not None and decided
        else ev.scored.portfolio
    )
    partners = after_tiers(ev.scored.partners, decisions if decided else None)
    after_name = "Decided" if decided else "Recommended"

    # One portrait page: the layout is sized so that this prints at a readable scale.
    spec = SheetSpec(
        PORTFOLIO_SHEET,
        tab_color="1F4E79",
        landscape=False,
        fit_to_width=True,
        fit_to_height=1,
        active=True,  # the tab the workbook opens on: what an executive sees first
    )
    spec.col_widths = dict(WIDTHS)
    source = ev.tracker.source
    spec.set(1, 1, f"Partner portfolio: {Path(source.file).name}", "title")
    spec.merges.append(f"A1:{column_letter(LAST_COL)}1")
    subtitle = (
        f"As of {ev.as_of.isoformat()} · sheet '{source.sheet}' · {partners.height} partners"
        + (f" · {_decision_count(decisions)} triage decisions" if decided else "")
        + (f" · compared with {since.old_label}" if since is not None else "")
        + f" · Tierwise {__version__}"
    )
    spec.set(2, 1, subtitle, "muted")
    spec.merges.append(f"A2:{column_letter(LAST_COL)}2")
    _text(spec, 3, 1, portfolio.strategy.words(), "muted")

    row = _checks(spec, 4, portfolio, ev.rubric, after_name, since)
    row = _flags(spec, row + 2, partners, portfolio.flags_not_assessed)
    # The middle band: tier counts over reallocation on the left, the tier chart beside
    # them, coverage over its chart on the right.
    band = row + 2
    end_tiers = _tier_counts(spec, band, partners, after_name)
    end_motives = _coverage(spec, band, partners, ev.rubric)
    end_realloc = _reallocation(spec, end_tiers + 2, portfolio)
    motive_chart_at = end_motives + 1
    band_end = max(end_realloc, motive_chart_at + MOTIVE_CHART_MIN_ROWS - 1)
    row = _notes(spec, band_end + 2, _unassessed(portfolio) + list(portfolio.notes))
    row = _actions(spec, row + 2, partners, decisions if decided else None)
    _legend(spec, row + 2)

    first, last = TIER_CHART_COLS
    spec.charts.append(
        ChartSpec(
            title="Partners per tier",
            categories=f"A{band + 2}:A{end_tiers}",
            series=(
                ("Designated", f"B{band + 2}:B{end_tiers}"),
                (after_name, f"C{band + 2}:C{end_tiers}"),
            ),
            anchor=f"{column_letter(first)}{band}",
            width_cm=round(_cols_cm(first, last) - _CHART_MARGIN_CM, 2),
            height_cm=round(_rows_cm(band, band_end) - _CHART_MARGIN_CM, 2),
        )
    )
    first, last = MOTIVE_CHART_COLS
    spec.charts.append(
        ChartSpec(
            title="Partners per motivation",
            categories=f"G{band + 2}:G{end_motives}",
            series=(("Partners", f"H{band + 2}:H{end_motives}"),),
            anchor=f"{column_letter(first)}{motive_chart_at}",
            kind="col",
            width_cm=round(_cols_cm(first, last) - _CHART_MARGIN_CM, 2),
            height_cm=round(_rows_cm(motive_chart_at, band_end) - _CHART_MARGIN_CM, 2),
        )
    )
    return spec


# -- blocks -----------------------------------------------------------------------------


_SMALL_NUMBERS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
]


def _in_words(n: int) -> str:
    """A count as a reader writes it in a title: words up to twelve, digits beyond."""
    return _SMALL_NUMBERS[n] if n < len(_SMALL_NUMBERS) else str(n)


def _checks(
    spec: SheetSpec,
    row: int,
    portfolio: Portfolio,
    rubric: Rubric,
    after: str,
    since: Review | None = None,
) -> int:
    spec.set(row, 1, f"Tier discipline: the {_in_words(len(catalogue.CHECKS))} checks", "subtitle")
    titles = {1: "Check", 2: "Designated", 3: after, 4: "Limit", 6: "What the tracker shows today"}
    then: dict[str, bool | None] = {}
    if since is not None:  # how each designated check stood in the older tracker
        titles[5] = f"Since {since.old_as_of.isoformat()}"
        then = {c["code"]: c["old_ok"] for c in since.diff.checks}
    _header(spec, row + 1, titles)
    spec.merges.append(f"F{row + 1}:J{row + 1}")
    designated = {c.code: c for c in portfolio.designated}
    recommended = {c.code: c for c in portfolio.recommended}
    limits = check_limits(rubric)
    for i, code in enumerate(catalogue.CHECKS, start=row + 2):
        _text(spec, i, 1, catalogue.CHECKS[code].name, span=False)
        for col, check in ((2, designated.get(code)), (3, recommended.get(code))):
            text, style = mark(check)
            spec.set(i, col, text, style)
        spec.set(i, 4, limits[code])
        if since is not None:
            ok = then.get(code)
            text, style = (
                ("-", "muted") if ok is None else ("PASS", "pass") if ok else ("FAIL", "fail")
            )
            spec.set(i, 5, text, style)
        detail = designated[code].detail if code in designated else ""
        _text(spec, i, 6, detail)
    return row + 1 + len(catalogue.CHECKS)


def _flags(spec: SheetSpec, row: int, partners: pl.DataFrame, unjudged: Sequence[str]) -> int:
    spec.set(row, 1, "The four mistakes, and why bother", "subtitle")
    _header(spec, row + 1, {1: "Flag", 2: "Partners", 3: "Code", 4: "What it means (the playbook)"})
    spec.merges.append(f"D{row + 1}:J{row + 1}")
    counts = flag_counts(partners)
    for i, code in enumerate(catalogue.FLAGS, start=row + 2):
        entry = catalogue.FLAGS[code]
        spec.set(i, 1, entry.name, "flag" if counts[code] else "text")
        if code in unjudged:  # the tracker lacks its columns: not a zero
            spec.set(i, 2, "not assessed", "muted")
        else:
            spec.set(i, 2, counts[code], "int")
        spec.set(i, 3, entry.label, "muted")
        _text(spec, i, 4, entry.meaning)
    return row + 1 + len(catalogue.FLAGS)


def _tier_counts(spec: SheetSpec, row: int, partners: pl.DataFrame, after: str) -> int:
    """Tier | Designated | after, one row per tier (plus exit, plus "no tier" if any);
    returns the last row used."""
    spec.set(row, 1, "Partners per tier", "subtitle")
    _header(spec, row + 1, {1: "Tier", 2: "Designated", 3: after})
    table = tier_counts(partners)
    for i, (tier, before, now) in enumerate(table.iter_rows(), start=row + 2):
        style = f"tier_{tier}" if tier in (*TIERS, "exit") else "text"
        spec.set(i, 1, tier.capitalize() if tier != "none" else "No tier recorded", style)
        spec.set(i, 2, before, "int")
        spec.set(i, 3, now, "int")
    return row + 1 + table.height


def _coverage(spec: SheetSpec, row: int, partners: pl.DataFrame, rubric: Rubric) -> int:
    threshold = float(rubric.get("thresholds.significant"))
    spec.set(row, 7, f"Motivation coverage (score >= {threshold:g})", "subtitle")
    _header(spec, row + 1, {7: "Motivation", 8: "Partners", 9: "Of all"})
    coverage = motivation_coverage(partners, threshold)
    for i, (key, count, assessed) in enumerate(coverage, start=row + 2):
        spec.set(i, 7, key.capitalize())
        spec.set(i, 8, count, "int")
        if assessed:
            spec.set(i, 9, count / partners.height if partners.height else 0.0, "percent")
        else:
            # Short enough to stay inside the table (longer text spills past the print
            # edge); the notes block under the band says what evidence is missing.
            spec.set(i, 9, "not assessed", "muted")
    return row + 1 + len(coverage)


def _reallocation(spec: SheetSpec, row: int, portfolio: Portfolio) -> int:
    """Freed, needed and net (by the rubric's tier norms)."""
    spec.set(row, 1, REALLOCATION_TITLE, "subtitle")
    _header(spec, row + 1, {1: "", 2: "FTE", 3: "Budget"})
    realloc = portfolio.reallocate
    r = row + 2
    for label, amounts in (
        ("Freed", realloc.freed),
        ("Needed", realloc.needed),
        ("Net", realloc.net),
    ):
        spec.set(r, 1, label, "subtitle")
        spec.set(r, 2, amounts["fte"], "number")
        spec.set(r, 3, amounts["budget"], "money")
        r += 1
    return r - 1


def _unassessed(portfolio: Portfolio) -> list[str]:
    """One line naming the flags and checks the tracker cannot support, if any."""
    names = [
        f"{catalogue.FLAGS[code].name} ({catalogue.FLAGS[code].label})"
        for code in portfolio.flags_not_assessed
    ] + [catalogue.CHECKS[c.code].name for c in portfolio.designated if not c.assessed]
    return [f"Not assessed: {', '.join(names)}."] if names else []


def _notes(spec: SheetSpec, row: int, notes: Sequence[str]) -> int:
    """What the tracker lacks, each note whole across the page; returns the last row
    used (row - 2 when there is nothing to say, so no gap is left)."""
    if not notes:
        return row - 2
    spec.set(row, 1, "What the tracker does not record", "subtitle")
    for i, note in enumerate(notes, start=row + 1):
        _text(spec, i, 1, note)
    return row + len(notes)


def _legend(spec: SheetSpec, row: int) -> None:
    """What the sheet's marks and the partner sheet's codes mean."""
    codes = ", ".join(f"{e.label} = {e.code}" for e in catalogue.FLAGS.values())
    _text(
        spec,
        row,
        1,
        "PASS / FAIL: the check on the designated tiers and on the "
        "recommended (or decided) ones; not assessed: the tracker lacks the columns to "
        f"judge it. Flag codes on the partner sheet: {codes}. Money in the tracker's "
        "currency, shown as $.",
        "muted",
    )


def _actions(
    spec: SheetSpec, row: int, partners: pl.DataFrame, decisions: pl.DataFrame | None
) -> int:
    table = action_list(partners, decisions)
    shown = table.head(ACTION_ROWS)
    spec.set(row, 1, f"Action list, by impact ({table.height} partners)", "subtitle")
    _header(
        spec,
        row + 1,
        {1: "Partner", 2: "From", 3: "To", 4: "Action", 5: "FTE / budget", 6: "Main reason"},
    )
    spec.merges.append(f"F{row + 1}:J{row + 1}")
    r = row + 2
    for p in shown.iter_rows(named=True):
        _text(spec, r, 1, p["partner"] or "", span=False)
        spec.set(r, 2, p["from"] or "none", _tier_style(p["from"]))
        spec.set(r, 3, p["to"], _tier_style(p["to"]))
        spec.set(r, 4, p["action"], "flag" if p["action"] in ("exit", "fix") else "text")
        spec.set(r, 5, p["resources"])
        _text(spec, r, 6, catalogue.in_words(p["reason"] or ""))
        r += 1
    if table.height > shown.height:
        more = table.height - shown.height
        spec.set(
            r, 1, f"... and {more} more: see the Tierwise columns on the partner sheet", "muted"
        )
        spec.merges.append(f"A{r}:J{r}")
        r += 1
    if table.height == 0:
        spec.set(r, 1, "Nothing to change: every partner keeps its tier.", "muted")
        r += 1
    return r - 1


# -- tables (polars), public for tests and other faces ---------------------------------


def mark(check: Check | None) -> tuple[str, str]:
    """A check as a printable mark and its named style: "PASS 2" / "FAIL 7"."""
    if check is None:
        return "-", "muted"
    if not check.assessed:
        return "not assessed", "muted"
    word, style = ("PASS", "pass") if check.ok else ("FAIL", "fail")
    if check.actual is None:
        return word, style
    value = f"{check.actual:g}%" if check.code == "EVERYONE_STRATEGIC" else f"{check.actual:g}"
    return f"{word} {value}", style


def flag_counts(partners: pl.DataFrame) -> dict[str, int]:
    """How many partners carry each flag (every flag of catalogue.FLAGS, 0 if none)."""
    counts = (
        partners.select(pl.col("flags").explode().alias("flag")).drop_nulls().group_by("flag").len()
    )
    found = dict(counts.iter_rows())
    return {code: int(found.get(code, 0)) for code in catalogue.FLAGS}


def tier_counts(partners: pl.DataFrame) -> pl.DataFrame:
    """tier, designated, after: partners per tier before and after (needs `_after`).
    Rows: strategic, tactical, casual, exit, then "none" when some partner has no tier."""
    order = [*TIERS, "exit"]
    before = partners.group_by(pl.col("designated_tier").fill_null("none").alias("tier")).len()
    after = partners.group_by(pl.col("_after").fill_null("casual").alias("tier")).len()
    if before.filter(pl.col("tier") == "none").height:
        order.append("none")
    frame = pl.DataFrame({"tier": order})
    return (
        frame.join(before.rename({"len": "designated"}), on="tier", how="left")
        .join(after.rename({"len": "after"}), on="tier", how="left")
        .with_columns(pl.col("designated", "after").fill_null(0).cast(pl.Int64))
    )


def motivation_coverage(partners: pl.DataFrame, threshold: float) -> list[tuple[str, int, bool]]:
    """(motivation, partners evidencing it at or above `threshold`, assessed at all)."""
    counts = partners.select(
        [(pl.col(m) >= threshold).fill_null(False).sum().alias(m) for m in MOTIVATIONS]
        + [pl.col(m).is_not_null().any().alias(f"{m}_assessed") for m in MOTIVATIONS]
    ).row(0, named=True)
    return [(m, int(counts[m]), bool(counts[f"{m}_assessed"])) for m in MOTIVATIONS]


def action_list(partners: pl.DataFrame, decisions: pl.DataFrame | None = None) -> pl.DataFrame:
    """partner, from, to, action, fte, budget, resources, reason: every partner whose
    tier or standing must change, by impact: exits and demotions first, the most FTE
    and budget freed first; then promotions, then fixes. A triage decision overrides
    the recommendation."""
    frame = partners
    decided = pl.lit(None, dtype=pl.String)
    note = pl.lit(None, dtype=pl.String)
    if decisions is not None and decisions.height:
        chosen = decisions.select(
            pl.col("row").cast(pl.Int64),
            pl.col("decision").cast(pl.String).alias("_decision"),
            pl.col("decision_note").cast(pl.String).alias("_note"),
        ).unique("row", keep="last")
        frame = frame.join(chosen, on="row", how="left")
        decided, note = pl.col("_decision"), pl.col("_note")
    before = pl.col("designated_tier")
    to = pl.coalesce(decided, pl.col("_after"))
    by_decision = (
        pl.when(decided == "exit")
        .then(pl.lit("exit"))
        .when(level(decided) > level(before))
        .then(pl.lit("promote"))
        .when(level(decided) < level(before))
        .then(pl.lit("demote"))
        .when(pl.col("flags").list.len() > 0)
        .then(pl.lit("fix"))
        .otherwise(pl.lit("keep"))
    )
    action = pl.when(decided.is_not_null()).then(by_decision).otherwise(pl.col("action"))
    fte, budget = pl.col("fte").fill_null(0.0), pl.col("budget").fill_null(0.0)
    resources = (
        pl.when((fte > 0) | (budget > 0))
        .then(
            pl.format(
                "{} FTE · ${}k",
                fte.round(2).cast(pl.String).str.replace(r"\.0$", ""),
                (budget / 1000).round(0).cast(pl.Int64),
            )
        )
        .otherwise(pl.lit(""))
    )
    return (
        frame.with_columns(
            before.alias("from"),
            to.alias("to"),
            action.alias("action"),
            fte.alias("_fte"),
            budget.alias("_budget"),
            resources.alias("resources"),
            pl.coalesce(
                pl.when(note.str.strip_chars() != "").then(pl.format("Decision: {}", note)),
                _main_reason(),
            ).alias("reason"),
        )
        .filter(pl.col("action") != "keep")
        .with_columns(_rank=pl.col("action").replace_strict(ACTION_RANK, default=9))
        .sort(
            ["_rank", "_fte", "_budget", "score", "row"],
            descending=[False, True, True, True, False],
        )
        .select(
            "partner",
            "from",
            "to",
            "action",
            pl.col("_fte").alias("fte"),
            pl.col("_budget").alias("budget"),
            "resources",
            "reason",
        )
    )


def _main_reason() -> pl.Expr:
    """The why-line behind the action: what to collect for a partner not judged yet,
    WHY_BOTHER for an exit, else the first flag's reason, else the tier recommendation."""
    why = pl.col("why")

    def first_line(pattern: str) -> pl.Expr:
        return why.list.eval(pl.element().filter(pl.element().str.contains(pattern))).list.first()

    line = pl.coalesce(
        # Why it is not judged yet (the action says to collect; the todo, what).
        pl.when(pl.col("action") == "collect").then(
            first_line("^Collect before judging: ")
            .str.strip_prefix("Collect before judging: ")
            .str.split(". ")
            .list.first()
        ),
        pl.when(pl.col("action") == "exit").then(first_line("^WHY_BOTHER: ")),
        first_line(r"^[A-Z_]+: "),
        first_line("^Recommended "),
        why.list.last(),
    )
    # "(best: share 0)" and the like add nothing on a one-line summary.
    return line.str.replace_all(r"\s*\([^)]*\)", "")


# -- helpers ----------------------------------------------------------------------------


def _header(spec: SheetSpec, row: int, texts: dict[int, str]) -> None:
    for col, text in texts.items():
        spec.set(row, col, text, "header")


def _tier_style(tier: str | None) -> str:
    return f"tier_{tier}" if tier in (*TIERS, "exit") else "text"


def _text(
    spec: SheetSpec, row: int, col: int, text: str, style: str = "wrap", *, span: bool = True
) -> None:
    """`text` whole, wrapped, in the merged span starting at `col` (or in its own cell
    when not `span`), its row as tall as the lines need (never cut with an ellipsis)."""
    first, last = _SPANS[col] if span else (col, col)
    text = " ".join(str(text).split())
    spec.set(row, col, text, style)
    if last > first:
        spec.merges.append(f"{column_letter(first)}{row}:{column_letter(last)}{row}")
    # A unit of column width is one "0" of Calibri 11; its average text character is
    # a fifth narrower: 1.25 characters a unit leaves the row a little to spare.
    per_line = int(sum(WIDTHS[c] for c in range(first, last + 1)) * 1.25)
    lines = len(textwrap.wrap(text, per_line)) or 1
    if lines > 1:
        spec.row_heights[row] = max(spec.row_heights.get(row, 0.0), lines * _LINE_PT)


def _decision_count(decisions: pl.DataFrame | None) -> int:
    if decisions is None:
        return 0
    return decisions.filter(pl.col("decision").is_not_null())["row"].n_unique()
