"""Do a column's values fit the field its header proposes? And one warning per column
and kind for the cells that do not.

A header is a guess; the values settle it. A "Type" column of Gold/Silver is a tier, not
a partner type; a "Status" column of New/Qualified/Churned is no tier at all. Every check
is a whole-column polars expression over the distinct cells of a sample.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import polars as pl

from tierwise.fields import FIELD_KINDS, PARTNER_TYPES
from tierwise.io import values
from tierwise.io.currencies import OtherCurrencies
from tierwise.io.tracker import TrackerWarning
from tierwise.tier_labels import LabelMap, unknown_labels

# Rows of a column looked at to judge whether its values fit a field.
SAMPLE_ROWS: Final = 1_000
# A column needs this many values, and more than half of them not fitting, to lose its
# field: two odd cells in a four-row tracker are warnings, not a verdict.
MIN_VALUES: Final = 3
# A partner-type column is refused only past this share of values naming no known type.
CATEGORY_LIMIT: Final = 0.8
# Cells quoted in a warning.
EXAMPLES: Final = 3
# Fields whose negative values are worth a warning.
NEVER_NEGATIVE: Final = ("pipeline", "closed_revenue", "revenue_target", "budget", "fte")


# Kinds of partner the contract folds into "other": still partner types, so a "Type"
# column of them is the partner type (unlike Private / Public Company, or Gold / Silver).
OTHER_PARTNER_KINDS: Final = (
    r"(?i)referr|affiliat|allian|influenc|ambassador|implement|solution|marketplace|cloud|"
    r"hosting|training|educat|developer|builder|agenc|advis|strategic|platform|telco|carrier"
)


def misfit(field: str, cell: pl.Expr, labels: LabelMap) -> pl.Expr:
    """True where a cell holds a value (not blank) that does not fit `field`."""
    written = values.cleaned(cell)
    kind = FIELD_KINDS[field]
    if kind == "label":
        # "Gold Partner", "Level: Gold": labels are matched as the scorer matches them.
        known = written.map_batches(labels.known, return_dtype=pl.Boolean)
        return written.is_not_null() & ~known
    if kind == "text":
        return pl.lit(False)
    unread = values.unread(field, cell, values.parse(field, cell))
    if kind == "category":
        return unread & ~written.str.contains(OTHER_PARTNER_KINDS).fill_null(False)
    return unread


@dataclass(frozen=True)
class Fit:
    """How a column's values fit a field: values looked at, how many did not fit, and
    the share of misfits past which the field is refused."""

    values: int
    misfits: int
    limit: float = 0.5

    @property
    def fits(self) -> bool:
        return self.values < MIN_VALUES or self.misfits <= self.limit * self.values


def _label_misfits(column: pl.Series, labels: LabelMap) -> pl.Series:
    """The distinct cells of a column that are not known tier labels (nor blank)."""
    distinct = column.unique().drop_nulls().to_frame("cell")
    return distinct.filter(misfit("designated_tier", pl.col("cell"), labels)).get_column("cell")


def fit(column: pl.Series, field: str, labels: LabelMap) -> Fit:
    """How the first SAMPLE_ROWS cells of `column` fit `field`."""
    cells = column.head(SAMPLE_ROWS).to_frame("cell")
    counts = cells.select(
        values.cleaned(pl.col("cell")).is_not_null().sum().alias("n"),
        misfit(field, pl.col("cell"), labels).sum().alias("bad"),
    ).row(0)
    # An odd partner type is read as "other", not lost: only a column of almost nothing
    # but other things (Private, Public Company) is refused.
    limit = CATEGORY_LIMIT if FIELD_KINDS[field] == "category" else 0.5
    return Fit(int(counts[0]), int(counts[1] or 0), limit)


def all_tier_labels(column: pl.Series, labels: LabelMap) -> bool:
    """Every value of the column a known tier label, two or more of them, one at least
    a word (a column of 1, 2, 3 is a rank or a count as often as a tier)."""
    found = fit(column, "designated_tier", labels)
    distinct = column.head(SAMPLE_ROWS).drop_nulls().str.strip_chars().unique()
    worded = distinct.str.contains(r"[A-Za-z]{3}").any()
    return found.values >= MIN_VALUES and found.misfits == 0 and distinct.len() >= 2 and worded


def rejection(
    header: str, field: str, column: pl.Series, labels: LabelMap, cell_of: Callable[[int], str]
) -> TrackerWarning:
    """The one warning for a column whose values do not fit the field its header
    proposed: counted over the whole column, quoting the commonest misfits, at the first
    of them (`cell_of` gives the reference of the column's i-th cell)."""
    cells = column.to_frame("cell").select(
        pl.col("cell").str.strip_chars(),
        misfit(field, pl.col("cell"), labels).fill_null(False).alias("bad"),
        values.cleaned(pl.col("cell")).is_not_null().alias("n"),
    )
    bad = cells.filter("bad")
    common = bad.get_column("cell").value_counts(sort=True).head(5).get_column("cell")
    first = cells.get_column("bad").arg_true().head(EXAMPLES).to_list()
    message = (
        f"{header}: {_count(bad.height)} of {_count(int(cells.get_column('n').sum()))} values "
        f"are not {_what(field)} ({', '.join(common.to_list())}, ...; first at "
        f"{', '.join(cell_of(i).rpartition('!')[2] for i in first)}); not read as {field}"
    )
    return TrackerWarning(cell_of(first[0]) if first else "", message)


# What a column of each kind should hold, in the plural ("7 of 8 values are not dates").
_KINDS_PLURAL: Final[dict[str, str]] = {
    "label": "tier labels",
    "category": "partner types",
    "money": "amounts",
    "count": "numbers",
    "number": "numbers",
    "percent": "percentages",
    "days": "numbers of days",
    "date": "dates",
    "bool": "yes or no",
    "announcement": "dates or yes/no",
    "markets": "numbers or lists of markets",
}


def _what(field: str) -> str:
    return _KINDS_PLURAL.get(FIELD_KINDS[field], "text")


def _count(n: int) -> str:
    return f"{n:,}"


def _examples(rows: Iterable[tuple[int, str]], letter: str) -> str:
    return ", ".join(f"{cell!r} ({letter}{row})" for row, cell in rows)


@dataclass(frozen=True)
class ColumnCells:
    """One mapped column of the table, to warn about: its header, field, worksheet
    letter, and the name of its column of cells as written in the table (the typed
    values are the frame's column named by the field)."""

    header: str
    field: str
    letter: str
    written: str


def column_warnings(
    table: pl.DataFrame,
    frame: pl.DataFrame,
    columns: Sequence[ColumnCells],
    labels: LabelMap,
    ref_sheet: str,
    foreign: Mapping[str, OtherCurrencies] | None = None,
) -> list[TrackerWarning]:
    """One warning per column and kind (Excel errors, unreadable cells, unknown tier
    labels, negative amounts, amounts in another currency than the column's, by header
    in `foreign`), each with the count and the first few cells."""
    foreign = foreign or {}
    if table.height == 0:
        return []
    # Error values start with "#": only columns holding such a cell are checked for them.
    hashed = table.select(
        pl.col(c.written).str.starts_with("#").any().alias(c.header) for c in columns
    ).row(0, named=True)
    checks: dict[str, pl.Expr] = {}
    for col in columns:
        cell = pl.col(col.written)
        if hashed[col.header]:
            checks[f"error|{col.header}"] = values.excel_error(cell).is_not_null()
        kind = FIELD_KINDS[col.field]
        if kind == "label":
            bad = _label_misfits(table.get_column(col.written), labels)
            checks[f"label|{col.header}"] = cell.is_in(bad.implode())
        elif kind != "text":
            typed = pl.lit(frame.get_column(col.field))
            unread = values.unread(col.field, cell, typed)
            if col.header in foreign:
                other = pl.lit(foreign[col.header].cells)
                checks[f"currency|{col.header}"] = other
                unread = unread & ~other
            checks[f"unread|{col.header}"] = unread
            if col.field in NEVER_NEGATIVE:
                checks[f"negative|{col.header}"] = typed < 0
    out = _fraction_warnings(table, columns, ref_sheet)
    if not checks:
        return out
    masks = table.select(e.fill_null(False).alias(k) for k, e in checks.items())
    counts = masks.select(pl.all().sum()).row(0, named=True)
    by_header = {c.header: c for c in columns}
    rows = table.get_column("row")
    for key, n in counts.items():
        if not n:
            continue
        kind, header = key.split("|", 1)
        col = by_header[header]
        first = masks.get_column(key).arg_true().head(EXAMPLES)
        cells = table.get_column(col.written).gather(first).str.strip_chars()
        shown = list(zip(rows.gather(first).to_list(), cells.to_list(), strict=True))
        where = f"{ref_sheet}!{col.letter}{shown[0][0]}"
        if kind == "currency":
            message = _currency_message(col, foreign[header], int(n), shown)
        elif kind == "label" and n > 1:
            message = _labels_message(table.filter(masks.get_column(key)), col, int(n))
        else:
            message = _message(kind, col, int(n), shown)
        out.append(TrackerWarning(where, message))
    return out


def _labels_message(bad: pl.DataFrame, col: ColumnCells, n: int) -> str:
    """Every unknown tier label of a column, each with the cells that hold it."""
    by_label = (
        bad.select("row", pl.col(col.written).str.strip_chars().alias("label"))
        .group_by("label", maintain_order=True)
        .agg(pl.col("row"))
    )
    found = [(label, [f"{col.letter}{r}" for r in rows]) for label, rows in by_label.iter_rows()]
    return (
        f"{col.header}: {_count(n)} cells hold {len(found)} tier label(s) the label map does "
        f"not know: {unknown_labels(found)}; treated as no tier (add them under [labels] in "
        "your rubric)"
    )


def _fraction_warnings(
    table: pl.DataFrame, columns: Sequence[ColumnCells], ref_sheet: str
) -> list[TrackerWarning]:
    """One warning per points column read as typed that clearly holds fractions."""
    out = []
    for col in columns:
        if col.field not in values.AS_TYPED:
            continue
        cells = table.get_column(col.written)
        if not values.clearly_fractions(cells):
            continue
        filled = table.filter(values.cleaned(pl.col(col.written)).is_not_null())
        row, cell = filled.select("row", col.written).row(0)
        out.append(
            TrackerWarning(
                f"{ref_sheet}!{col.letter}{row}",
                f"{col.header}: every value lies between -1 and 1 ({cell.strip()!r} in "
                f"{col.letter}{row}): read as typed, in points; if they are fractions "
                "(0.05 meaning 5 points), type them in points",
            )
        )
    return out


def _currency_message(
    col: ColumnCells, other: OtherCurrencies, n: int, shown: list[tuple[int, str]]
) -> str:
    cells = _examples(shown, col.letter) + (", ..." if n > len(shown) else "")
    value, was, them = ("value", "was", "it") if n == 1 else ("values", "were", "them")
    return (
        f"{col.header}: {_count(n)} {value} in {other.named()} in a {other.main} column "
        f"{was} left out ({cells}); convert {them} to {other.main} to count {them}"
    )


def _message(kind: str, col: ColumnCells, n: int, shown: list[tuple[int, str]]) -> str:
    if kind == "negative":
        cells = _examples(shown, col.letter)
        return f"{col.header}: {_count(n)} negative value(s) ({cells}); kept as written"
    if kind == "error":
        errors = ", ".join(f"{cell} ({col.letter}{row})" for row, cell in shown)
        return f"{col.header}: {_count(n)} cell(s) hold Excel errors ({errors}); left blank"
    if n == 1:
        cell = shown[0][1]
        if kind == "label":
            return f"{col.header}: Unknown tier label {cell!r}; treated as no tier"
        if col.field == "partner_type":
            return (
                f"{col.header}: {cell!r} is not a known partner type "
                f"({', '.join(PARTNER_TYPES[:-1])}); read as other"
            )
        return f"{col.header}: {cell!r} is not {values.expected(col.field)}; left blank"
    cells = _examples(shown, col.letter) + (", ..." if n > len(shown) else "")
    if col.field == "partner_type":
        return (
            f"{col.header}: {_count(n)} values are not known partner types ({cells}); read as other"
        )
    what = values.expected(col.field)
    return f"{col.header}: {_count(n)} values are not {what} ({cells}); left blank"
