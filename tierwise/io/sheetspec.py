"""A sheet Tierwise adds to a workbook, described as data.

Builders (the portfolio sheet, the log sheet) describe *what* goes where with named
styles; the sheet writer (io/render.py) renders a SheetSpec into worksheet XML,
appends the named styles to the workbook's stylesheet, and adds chart parts. So the
content of a sheet can be written and tested without knowing OOXML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

CellValue = str | int | float | bool | date | datetime | None

# Named styles every renderer must support. Text is always written as text (never a
# formula), whatever it starts with.
STYLE_NAMES = (
    "text",  # plain text
    "wrap",  # text, wrapped, top-aligned
    "muted",  # grey text (explanations)
    "title",  # large bold title
    "subtitle",  # bold section heading
    "header",  # table header: bold on a tinted fill, bottom border
    "int",  # 0
    "number",  # 0.0
    "money",  # #,##0
    "percent",  # 0% (value is a fraction)
    "date",  # yyyy-mm-dd
    "datetime",  # yyyy-mm-dd hh:mm
    "pass",  # a check that passed: green fill
    "fail",  # a check that failed: red fill
    "tier_strategic",
    "tier_tactical",
    "tier_casual",
    "tier_exit",
    "flag",  # amber fill, for flag codes
)


@dataclass(frozen=True)
class Cell:
    value: CellValue
    style: str = "text"


@dataclass(frozen=True)
class ChartSpec:
    """A native Excel chart over ranges of the same sheet.

    categories / each series' values are ranges in A1 form on this sheet ("A5:A7");
    anchor is the top-left cell the chart is drawn from; size in cm.
    """

    title: str
    categories: str
    series: tuple[tuple[str, str], ...]  # (series title, values range)
    anchor: str
    kind: Literal["col", "bar"] = "col"
    width_cm: float = 15.0
    height_cm: float = 7.5


@dataclass
class SheetSpec:
    name: str
    # 1-based row -> 1-based column -> Cell
    cells: dict[int, dict[int, Cell]] = field(default_factory=dict)
    col_widths: dict[int, float] = field(default_factory=dict)  # 1-based column -> width (chars)
    merges: list[str] = field(default_factory=list)  # "A1:F1"
    charts: list[ChartSpec] = field(default_factory=list)
    freeze: str | None = None  # top-left cell of the scrolling pane, e.g. "A2"
    landscape: bool = True
    fit_to_width: bool = True  # print on one page wide
    fit_to_height: int = 0  # 0: as many pages tall as needed; 1: one page
    tab_color: str | None = None  # "1F4E79"
    row_heights: dict[int, float] = field(default_factory=dict)  # 1-based row -> points
    active: bool = False  # the tab the workbook opens on

    def set(self, row: int, col: int, value: CellValue, style: str = "text") -> None:
        self.cells.setdefault(row, {})[col] = Cell(value, style)
