"""What a book gives the tracker reader: its sheets' names, and each sheet's cells as a grid.

`reader._ExcelBook` (fastexcel, so calamine) is the book of every format calamine reads;
a format it does not read names a book class of its own in `formats.FORMATS` (as
`delimited.DelimitedBook` for CSV and TSV), constructed with the file's path and its
`safety.FileCheck`. Everything after the cells (header, mapping, values) is shared.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import polars as pl

    from tierwise.io.headers import Header
    from tierwise.io.tracker import TrackerWarning


@dataclass
class Sheet:
    name: str
    index: int
    visible: bool
    grid: pl.DataFrame  # String columns named "1", "2", ... by worksheet column
    header: Header | None = None  # found while choosing the sheet, if it was


class Book(Protocol):
    path: Path
    names: list[str]  # the sheets' names, in the book's order

    def load(self, index: int) -> Sheet:
        """The sheet at 0-based `index`, its cells read as text (TierwiseError if it
        cannot be read)."""
        ...

    def setup(self, warnings: list[TrackerWarning]) -> dict:
        """Tierwise's stored set-up ({} when the book holds none)."""
        ...

    def strategy(self) -> dict:
        """The declared strategy of a "Strategy" sheet ({} when there is none)."""
        ...

    def with_errors(self, sheet: Sheet, body: pl.DataFrame, offset: int) -> pl.DataFrame:
        """`body` (the grid from row `offset`) with any error values the cells hold that
        loading left blank."""
        ...
