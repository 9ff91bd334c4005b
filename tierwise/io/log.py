"""The "Tierwise Log" sheet: every triage decision saved into the workbook, append-only.

Rows already in the log are kept byte for byte; new entries are added below them, so
an executive can audit how the portfolio was decided. `read_log` reads the rows back,
so that a new output of the same tracker carries an earlier output's rows forward: the
Log is append-only across saves, sessions and re-scores, not only within one file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final

from tierwise.io.columns import LOG_COLUMNS, LOG_SHEET
from tierwise.io.package import Package, column_number
from tierwise.io.render import put_sheet, sheet_rows_xml
from tierwise.io.sheetspec import CellValue, SheetSpec
from tierwise.io.tracker import column_letter

_WIDTHS: Final = (18, 16, 28, 7, 12, 12, 50)
_ROW_NUMBER: Final = re.compile(rb"""<(?:[\w.-]+:)?row\b[^>]*?\br\s*=\s*["'](\d+)["']""")
_ROW_ANY: Final = re.compile(rb"<(?:[\w.-]+:)?row\b")
_SHEETDATA_END: Final = re.compile(rb"</((?:[\w.-]+:)?)sheetData\s*>")
_SHEETDATA_EMPTY: Final = re.compile(rb"<((?:[\w.-]+:)?)sheetData\s*/>")
_DIMENSION: Final = re.compile(
    rb"""(<(?:[\w.-]+:)?dimension\b[^>]*?\bref\s*=\s*["'])([^"']*)(["'])"""
)


@dataclass(frozen=True)
class LogEntry:
    """One saved triage decision: who moved which partner (worksheet `row`) from which
    tier to which, when, and why."""

    when: datetime | str  # text only when read back from a cell that was not a date
    who: str
    partner: str
    row: int
    from_tier: str | None
    to_tier: str | None
    note: str


def read_log(path: Path) -> list[LogEntry]:
    """The rows of a workbook's "Tierwise Log" sheet, in order ([] when it has none).

    A row whose When is not a date-time or whose Row is not a number (typed in by hand)
    is kept with what can be read of it: the Log is never thinned on the way through."""
    import fastexcel

    try:
        reader = fastexcel.read_excel(str(path))
        if LOG_SHEET not in reader.sheet_names:
            return []
        grid = reader.load_sheet(LOG_SHEET, header_row=None, dtypes="string").to_polars()
    except Exception:  # an unreadable workbook has no Log we could keep
        return []
    entries = []
    for cells in grid.iter_rows():
        cells = (*cells, *([None] * len(LOG_COLUMNS)))[: len(LOG_COLUMNS)]
        when, who, partner, row, before, after, note = (c or "" for c in cells)
        if when == LOG_COLUMNS[0] and who == LOG_COLUMNS[1]:
            continue  # the header row
        if not any((when, who, partner, row, before, after, note)):
            continue
        entries.append(
            LogEntry(
                when=_when(when),
                who=who,
                partner=partner,
                row=int(row) if row.isdigit() else 0,
                from_tier=before or None,
                to_tier=after or None,
                note=note,
            )
        )
    return entries


def _when(text: str) -> datetime | str:
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        return text


def new_rows(kept: Sequence[LogEntry], earlier: Sequence[LogEntry]) -> list[LogEntry]:
    """The rows of `earlier` (another output's Log) not already in `kept` (the Log the
    new output starts from), in their order."""
    if list(earlier[: len(kept)]) == list(kept):
        return list(earlier[len(kept) :])
    have = set(kept)
    return [e for e in earlier if e not in have]


def _entry_spec(spec: SheetSpec, row: int, entry: LogEntry) -> None:
    values: tuple[tuple[CellValue, str], ...] = (
        (
            (entry.when.replace(microsecond=0, tzinfo=None), "datetime")
            if isinstance(entry.when, datetime)
            else (entry.when, "text")
        ),
        (entry.who, "text"),
        (entry.partner, "text"),
        (entry.row, "int"),
        (entry.from_tier or "", _tier_style(entry.from_tier)),
        (entry.to_tier or "", _tier_style(entry.to_tier)),
        (entry.note, "wrap"),
    )
    for col, (value, style) in enumerate(values, start=1):
        spec.set(row, col, value, style)


def _tier_style(tier: str | None) -> str:
    return f"tier_{tier}" if tier in ("strategic", "tactical", "casual", "exit") else "text"


def log_sheet(entries: Sequence[LogEntry]) -> SheetSpec:
    """A new log sheet: the header row, then `entries` in order."""
    spec = SheetSpec(LOG_SHEET, freeze="A2", fit_to_height=0, tab_color="7F7F7F")
    for col, title in enumerate(LOG_COLUMNS, start=1):
        spec.set(1, col, title, "header")
        spec.col_widths[col] = _WIDTHS[col - 1]
    for i, entry in enumerate(entries, start=2):
        _entry_spec(spec, i, entry)
    return spec


def write_log(pkg: Package, entries: Sequence[LogEntry], styles: dict[str, int]) -> None:
    """Append `entries` to the workbook's log sheet, creating it when there is none.

    Nothing is written when there is no log yet and nothing to log.
    """
    entry = pkg.sheet(LOG_SHEET)
    if entry is None or not entry.part or not pkg.has(entry.part):
        if entries:
            put_sheet(pkg, log_sheet(entries), styles)
        return
    if not entries:
        return
    data = pkg.read(entry.part)
    numbers = [int(n) for n in _ROW_NUMBER.findall(data)]
    last = max(numbers, default=len(_ROW_ANY.findall(data)))
    spec = SheetSpec(LOG_SHEET)
    for i, item in enumerate(entries, start=last + 1):
        _entry_spec(spec, i, item)
    end = _SHEETDATA_END.search(data)
    empty = _SHEETDATA_EMPTY.search(data)
    found = end or empty
    prefix = found.group(1) if found else b""
    rows = sheet_rows_xml(spec, styles, pkg.date1904())
    if prefix:
        rows = re.sub(rb"<(/?)(row|c|is|t|v)\b", rb"<\1" + prefix + rb"\2", rows)
    if end is not None:
        data = data[: end.start()] + rows + data[end.start() :]
    elif empty is not None:
        data = (
            data[: empty.start()]
            + b"<%ssheetData>%s</%ssheetData>" % (prefix, rows, prefix)
            + data[empty.end() :]
        )
    else:
        return
    dim = _DIMENSION.search(data)
    if dim is not None:
        new_last = last + len(entries)
        ref = dim.group(2).decode("ascii", "replace").split(":")
        right = ref[-1].lstrip("$")
        letters = "".join(ch for ch in right if ch.isalpha()) or "A"
        width = max(column_number(letters), len(LOG_COLUMNS))
        new_ref = f"A1:{column_letter(width)}{new_last}".encode()
        data = data[: dim.start(2)] + new_ref + data[dim.end(2) :]
    pkg.put(entry.part, data)
