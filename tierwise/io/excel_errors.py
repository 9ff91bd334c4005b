"""Excel's error values (#N/A, #REF!, #DIV/0!, ...) in a workbook's partner sheet.

calamine (through fastexcel) reads an error cell as a blank, so a `#N/A` in a revenue
column would vanish silently. The sheet's XML says which cells hold errors
(`<c r="F12" t="e"><v>#N/A</v></c>`); this finds them so the reader can put the error
back into the grid and warn about it, quoting it.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from pathlib import Path
from typing import Final

import polars as pl

from tierwise.io.tracker import column_number

# Sheets past this size (uncompressed XML) are not scanned: inflating 100 MB of XML
# again would cost as much as reading the sheet. Partner trackers are far smaller.
MAX_SCAN_BYTES: Final = 40_000_000
_ERROR_CELL: Final = re.compile(rb'<(?:\w+:)?c\b([^>]*\bt="e"[^>]*)>(.*?)</(?:\w+:)?c>', re.S)
_REF: Final = re.compile(rb'\br="([A-Za-z]{1,3})(\d+)"')
_VALUE: Final = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")


def error_cells(path: Path, sheet: str) -> list[tuple[int, str, str]]:
    """(1-based row, grid column name "1", "2", ..., error text) of every error cell of
    `sheet`; [] when there is none, the sheet cannot be found, or it is too large."""
    try:
        with zipfile.ZipFile(path) as book:
            part = _sheet_part(book, sheet)
            if part is None or book.getinfo(part).file_size > MAX_SCAN_BYTES:
                return []
            data = book.read(part)
    except (zipfile.BadZipFile, OSError, KeyError):
        return []
    if b't="e"' not in data:
        return []
    found = []
    for match in _ERROR_CELL.finditer(data):
        ref, value = _REF.search(match.group(1)), _VALUE.search(match.group(2))
        if ref is None or value is None:
            continue
        text = value.group(1).decode("utf-8", "replace").strip()
        found.append((int(ref.group(2)), str(column_number(ref.group(1))), text))
    return found


_SHEET: Final = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)/?>")
_ATTR: Final = re.compile(rb'([\w:]+)="([^"]*)"')
_REL: Final = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)/?>")


def _sheet_part(book: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip entry of a sheet, by name, from workbook.xml and its relationships (read
    with patterns: only two attributes are needed, and no XML parser is loaded)."""
    names = {n.casefold(): n for n in book.namelist()}
    workbook = names.get("xl/workbook.xml")
    rels = names.get("xl/_rels/workbook.xml.rels")
    if workbook is None or rels is None:
        return None
    rid = None
    for match in _SHEET.finditer(book.read(workbook)):
        attrs = {k.split(b":")[-1]: v for k, v in _ATTR.findall(match.group(1))}
        if html.unescape(attrs.get(b"name", b"").decode("utf-8", "replace")) == sheet:
            rid = attrs.get(b"id")
            break
    for match in _REL.finditer(book.read(rels)):
        attrs = dict(_ATTR.findall(match.group(1)))
        if rid is not None and attrs.get(b"Id") == rid:
            target = attrs.get(b"Target", b"").decode("utf-8", "replace")
            target = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            return names.get(posixpath.normpath(target).casefold())
    return None


def patched(grid: pl.DataFrame, cells: list[tuple[int, str, str]]) -> pl.DataFrame:
    """`grid` with each (0-based grid row, column, text) cell set to its text where the
    grid holds a blank there."""
    by_column: dict[str, dict[int, str]] = {}
    for row, col, text in cells:
        if col in grid.columns and 0 <= row < grid.height:
            by_column.setdefault(col, {})[row] = text
    if not by_column:
        return grid
    index = pl.int_range(pl.len(), dtype=pl.Int64)
    return grid.with_columns(
        pl.col(col).fill_null(
            index.replace_strict(
                list(rows), list(rows.values()), default=None, return_dtype=pl.String
            )
        )
        for col, rows in by_column.items()
    )
