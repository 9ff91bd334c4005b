"""Keeping the calculation chain true after Tierwise's cells replace formula cells.

xl/calcChain.xml lists every formula cell of the workbook. Tierwise's cells are never
formulas, so an entry for a cell Tierwise has just written is stale, and Excel answers
a stale entry with its "We found a problem with some content" repair prompt.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tierwise.io import xmlsafe
from tierwise.io.package import Package, SheetEntry, serialize
from tierwise.io.tracker import column_number

_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")


def drop_stale_entries(
    pkg: Package, entry: SheetEntry, columns: Iterable[int], rows: Iterable[int]
) -> None:
    """Drop the chain's entries for the cells of `columns` x `rows` on `entry`'s sheet;
    a chain left empty is removed with its relationship and content type."""
    rels = [r for r in pkg.workbook_rels if str(r.get("Type", "")).endswith("/calcChain")]
    targets = pkg.rel_targets(pkg.workbook_part, pkg.workbook_rels)
    parts = [(r, targets.get(r.get("Id", ""), "")) for r in rels]
    parts = [(r, p) for r, p in parts if pkg.has(p)]
    if not parts:
        return
    cols, wanted_rows = set(columns), set(rows)
    sheet_id = str(entry.sheet_id)  # the chain names a sheet by its sheetId
    for rel, part in parts:
        original = pkg.read(part)
        root = xmlsafe.parse(original, part)
        sheet = ""
        kept = []
        for c in root:
            if not isinstance(c.tag, str):
                continue
            sheet = c.get("i", sheet)
            if sheet:
                c.set("i", sheet)  # explicit, as the entry it inherited from may go
            m = _REF.fullmatch(c.get("r", ""))
            stale = (
                sheet == sheet_id
                and m is not None
                and column_number(m.group(1)) in cols
                and int(m.group(2)) in wanted_rows
            )
            if not stale:
                kept.append(c)
        if len(kept) == len([c for c in root if isinstance(c.tag, str)]):
            continue
        if kept:
            root[:] = kept
            pkg.put(part, serialize(root, original))
        else:
            pkg.remove(part)
            pkg.workbook_rels.remove(rel)
