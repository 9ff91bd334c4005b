"""The user's ranges that Tierwise's columns join, so they travel with the rows.

A sort in a spreadsheet app moves the cells of a table or an autofilter range and
nothing else: columns outside it stay where they were, and the next re-score would
read one partner's decision as another's. So when Tierwise's columns sit right of the
user's Excel table (ListObject), the sheet's autofilter, or the print area, the range
is widened over them. Merged ranges and pivot tables are kept clear: new columns go
right of them rather than under them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Final

from lxml import etree

from tierwise.errors import TierwiseError
from tierwise.io import xmlsafe
from tierwise.io.package import Package, SheetEntry, serialize
from tierwise.io.safety import MAX_COLUMNS, MAX_ROWS
from tierwise.io.tracker import column_letter, column_number, quote_sheet

_REF: Final = re.compile(r"\$?([A-Za-z]{1,3})?\$?(\d+)?(?::\$?([A-Za-z]{1,3})?\$?(\d+)?)?")
# One area of a defined name: an optional (quoted) sheet name, then a reference.
_AREA: Final = re.compile(
    r"((?:'(?:[^']|'')+'|[^'!,()\s]+)!)?(\$?[A-Za-z]{0,3}\$?\d*(?::\$?[A-Za-z]{0,3}\$?\d*)?)"
)


@dataclass(frozen=True)
class Area:
    """A rectangle of cells, 1-based and inclusive."""

    left: int
    top: int
    right: int
    bottom: int

    def __str__(self) -> str:
        return f"{column_letter(self.left)}{self.top}:{column_letter(self.right)}{self.bottom}"

    def absolute(self) -> str:
        return f"${column_letter(self.left)}${self.top}:${column_letter(self.right)}${self.bottom}"


def parse_area(ref: str) -> Area | None:
    """ "B2:D9", "$A$1:$F$20", "C5", "A:F" (whole columns), "2:9" (whole rows)."""
    m = _REF.fullmatch(ref.strip())
    if m is None or not (m.group(1) or m.group(2)):
        return None
    c1, r1, c2, r2 = m.groups()
    if m.group(0).count(":") and not (c2 or r2):
        return None
    c2, r2 = (c2, r2) if (c2 or r2) else (c1, r1)
    left = column_number(c1) if c1 else 1
    right = column_number(c2) if c2 else MAX_COLUMNS
    top = int(r1) if r1 else 1
    bottom = int(r2) if r2 else MAX_ROWS
    return Area(min(left, right), min(top, bottom), max(left, right), max(top, bottom))


def clear_start(first: int, header_row: int, blocked: Iterable[Area]) -> int:
    """The first column at or right of `first` from which no `blocked` area reaching
    the header row or below lies to the right (Tierwise writes from the header down)."""
    start = first
    for area in sorted(blocked, key=lambda a: a.left):
        if area.bottom >= header_row and area.right >= start:
            start = area.right + 1
    return start


def widened(area: Area, header_row: int, columns: Iterable[int]) -> Area | None:
    """`area` stretched right over Tierwise's `columns`, when the area holds the header
    row and those columns carry on from its right edge without a gap; else None."""
    cols = set(columns)
    if not cols or not area.top <= header_row <= area.bottom:
        return None
    right = max(cols)
    if right <= area.right or any(c not in cols for c in range(area.right + 1, right + 1)):
        return None
    return replace(area, right=right)


def check_limits(columns: Iterable[int], rows: Iterable[int], where: str) -> None:
    """Refuse, in one line, to write past Excel's last column (XFD) or row (1,048,576)."""
    right = max(columns, default=0)
    if right > MAX_COLUMNS:
        raise TierwiseError(
            f"{where}: Tierwise's columns would end at column {right:,}, past XFD "
            f"(column {MAX_COLUMNS:,}), the last a sheet can have; nothing was written"
        )
    bottom = max(rows, default=0)
    if bottom > MAX_ROWS:
        raise TierwiseError(
            f"{where}: row {bottom:,} is past row {MAX_ROWS:,}, the last a sheet can have; "
            "nothing was written"
        )


def pivot_areas(pkg: Package, entry: SheetEntry) -> list[Area]:
    """Where the sheet's pivot tables lie (they grow when refreshed: keep clear)."""
    areas = []
    for part in pkg.related(entry.part, "pivotTable"):
        root = xmlsafe.parse(pkg.read(part), part)
        for location in root.iter(f"{{{etree.QName(root).namespace}}}location"):
            area = parse_area(location.get("ref", ""))
            if area is not None:
                areas.append(area)
    return areas


def extend_tables(
    pkg: Package, entry: SheetEntry, header_row: int, placed: Mapping[str, int]
) -> None:
    """Widen the sheet's Excel tables (ref, column list, autofilter) over Tierwise's
    columns where they carry on from a table's right edge."""
    by_column = {col: header for header, col in placed.items()}
    for part in pkg.related(entry.part, "table"):
        original = pkg.read(part)
        root = xmlsafe.parse(original, part)
        ns = etree.QName(root).namespace
        area = parse_area(root.get("ref", ""))
        if area is None or root.get("headerRowCount", "1") == "0":
            continue
        wider = widened(area, header_row, by_column)
        columns = root.find(f"{{{ns}}}tableColumns")
        if wider is None or columns is None:
            continue
        root.set("ref", str(wider))
        fltr = root.find(f"{{{ns}}}autoFilter")
        if fltr is not None:
            inner = parse_area(fltr.get("ref", ""))
            rows = (inner.top, inner.bottom) if inner else (wider.top, wider.bottom)
            fltr.set("ref", str(Area(wider.left, rows[0], wider.right, rows[1])))
        ids = [int(c.get("id", "0") or 0) for c in columns if isinstance(c.tag, str)]
        for n, col in enumerate(range(area.right + 1, wider.right + 1), start=1):
            el = etree.SubElement(columns, f"{{{ns}}}tableColumn")
            el.set("id", str(max(ids, default=0) + n))
            el.set("name", by_column[col])
        columns.set("count", str(len([c for c in columns if isinstance(c.tag, str)])))
        pkg.put(part, serialize(root, original))


def extend_defined_names(
    pkg: Package, entry: SheetEntry, header_row: int, columns: Iterable[int], autofilter: str | None
) -> None:
    """Widen the sheet's print area over Tierwise's columns, and keep the hidden name
    Excel pairs with an autofilter (_xlnm._FilterDatabase) equal to its new range."""
    index = str(next(i for i, s in enumerate(pkg.sheets()) if s.rel_id == entry.rel_id))
    cols = list(columns)
    names = pkg.workbook.find(f"{{{pkg.main_ns}}}definedNames")
    for el in names if names is not None else ():
        if not isinstance(el.tag, str) or el.get("localSheetId") != index:
            continue
        if el.get("name") == "_xlnm.Print_Area" and el.text:
            el.text = _AREA.sub(lambda m: _widen_area(m, header_row, cols), el.text)
        elif el.get("name") == "_xlnm._FilterDatabase" and autofilter:
            area = parse_area(autofilter)
            if area is not None:
                el.text = f"{quote_sheet(entry.name)}!{area.absolute()}"


def _widen_area(m: re.Match, header_row: int, columns: list[int]) -> str:
    area = parse_area(m.group(2)) if m.group(2) else None
    wider = widened(area, header_row, columns) if area else None
    if wider is None or ":" not in m.group(2):
        return m.group(0)
    ref = wider.absolute() if "$" in m.group(2) else str(wider)
    if not any(ch.isdigit() for ch in m.group(2)):  # whole columns ("$A:$F") stay so
        dollar = "$" if "$" in m.group(2) else ""
        ref = f"{dollar}{column_letter(wider.left)}:{dollar}{column_letter(wider.right)}"
    return (m.group(1) or "") + ref
