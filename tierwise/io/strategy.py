"""The "Strategy" sheet of a tracker: the company's declared strategy, written by people.

Rows are read by the label in their first cell (case, spacing and punctuation ignored),
with the values in the cells to their right (one per cell, or several in one cell split
by ";" or a line break):

    Strategic initiative | US Hospital Cloud Analytics
    Tactical initiatives | Retail Co-sell | Mid-market Migration | ...
    Dominance markets    | US hospitals; UK retail

Plain data out, in the rubric's `[strategy]` keys; the caller decides how it meets the
rubric (see tierwise.pipeline). No scoring here.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Final

from tierwise.io.formats import FORMATS

STRATEGY_SHEET: Final = "Strategy"

# rubric key -> the labels a person may write for it (normalised)
LABELS: Final[dict[str, tuple[str, ...]]] = {
    "strategic_initiative": (
        "strategic initiative",
        "strategic market dominance initiative",
        "market dominance initiative",
        "dominance initiative",
    ),
    "tactical_initiatives": (
        "tactical initiatives",
        "tactical initiative",
        "tactical programs",
        "tactical programmes",
    ),
    "dominance_markets": ("dominance markets", "target markets", "markets to dominate"),
}
# The keys holding one value; the others hold lists.
SINGLE: Final = frozenset({"strategic_initiative"})


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.lower().replace("-", " ")).split())


def parse_strategy(rows: list[list[str | None]]) -> dict[str, str | list[str]]:
    """The declared strategy in a grid of cells (rows of text): only the keys given a
    value, e.g. {"strategic_initiative": "X", "tactical_initiatives": ["A", "B"]}."""
    found: dict[str, str | list[str]] = {}
    by_label = {label: k for k, labels in LABELS.items() for label in labels}
    for row in rows:
        cells = [str(c).strip() for c in row if c is not None and str(c).strip()]
        if not cells:
            continue
        k = by_label.get(_normal(cells[0]))
        if k is None or k in found:
            continue
        values = [v.strip() for c in cells[1:] for v in re.split(r"[;\n]", c) if v.strip()]
        if not values:
            continue
        found[k] = values[0] if k in SINGLE else values
    return found


def read_strategy(path: str | Path) -> dict[str, str | list[str]]:
    """The declared strategy on the workbook's "Strategy" sheet ({} when the file has no
    such sheet, is not a workbook, or cannot be read: the tracker reader reports that).
    `read_tracker` gives it as `Tracker.strategy` from the book it has open."""
    path = Path(path)
    ext = path.suffix.lower().lstrip(".")
    if any(ext in f.extensions for f in FORMATS if f.book is not None):
        return {}  # read by a book of ours (delimited text), not calamine: no Strategy sheet
    try:
        import fastexcel

        book = fastexcel.read_excel(str(path))
    except Exception:  # the tracker reader gives the one clear error for a bad file
        return {}
    return strategy_in(book)


def strategy_in(book: Any) -> dict[str, str | list[str]]:
    """The declared strategy on the "Strategy" sheet of an open fastexcel book ({} when
    it has none or the sheet cannot be read)."""
    try:
        names = {n.strip().lower(): n for n in book.sheet_names}
        name = names.get(STRATEGY_SHEET.lower())
        if name is None:
            return {}
        grid = book.load_sheet(name, header_row=None, dtypes="string").to_polars()
    except Exception:  # the tracker reader gives the one clear error for a bad file
        return {}
    return parse_strategy([list(r) for r in grid.iter_rows()])
