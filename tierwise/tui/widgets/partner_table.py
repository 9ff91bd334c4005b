"""The partner table: a virtual table that renders only the rows on screen.

Textual's DataTable copies every row into the widget and measures every cell, which is
seconds of work at 50,000 partners (see benchmarks/RESULTS-tui.md). This widget keeps
a `view` (positions into the session's polars frame) and draws each visible line from
the frame on demand through the Line API, so opening, sorting and filtering cost what
polars costs, and scrolling costs one screen of rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tierwise import catalogue
from tierwise.fields import MOTIVATIONS
from tierwise.tui.session import Sort, TriageSession
from tierwise.tui.text import printable

_SEVERE = {"WHY_BOTHER", "STRATEGIC_IN_NAME_ONLY"}
_BARS = "▁▂▃▄▅▆▇█"
DASH = "–"
_MUTED = "partner-table--muted"
PENDING = "…"  # a cell scoring has not filled yet
# The columns scoring fills: shown as PENDING while the session is only listed.
_SCORED = {"recommended_tier", "action", "score", "motivations", "flags", *MOTIVATIONS}


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: int
    priority: int  # lower shows first when the terminal is narrow
    right: bool = False


# The partner column takes what is left (see layout_columns); the others have fixed widths.
COLUMNS: tuple[Column, ...] = (
    Column("partner", "Partner", 12, 0),
    Column("designated_tier", "Tier", 9, 1),
    Column("recommended_tier", "Recommend", 9, 1),
    Column("decision", "Decision", 10, 0),
    Column("action", "Action", 7, 2),
    Column("score", "Score", 6, 0, right=True),
    Column("motivations", "SAPE", 4, 3),
    Column("flags", "Flags", 11, 3),
    Column("partner_type", "Type", 11, 5),
    Column("share", "Share", 6, 6, right=True),
    Column("access", "Access", 6, 6, right=True),
    Column("speed", "Speed", 6, 6, right=True),
    Column("ecosystem", "Ecosys", 6, 6, right=True),
    Column("row", "Row", 5, 7, right=True),
)
# Display order (left to right) differs from the priority order above.
_DISPLAY = (
    "row",
    "partner",
    "partner_type",
    "designated_tier",
    "recommended_tier",
    "decision",
    "action",
    "score",
    "motivations",
    "share",
    "access",
    "speed",
    "ecosystem",
    "flags",
)
SORT_KEY = {"motivations": "score"}  # clicking the bars header sorts by score


NAMES_FIRST = 3  # columns of a higher priority number give way to whole partner names


def layout_columns(width: int, want: int = 0) -> list[Column]:
    """The columns that fit `width`, in display order, the partner column stretched.

    `want` is the longest partner name: columns less important than the flags (type,
    row) give way until names of that length show whole, then the partner column takes
    every column that is left."""
    chosen: list[Column] = []
    used = 0
    for col in sorted(COLUMNS, key=lambda c: c.priority):
        need = col.width + 1
        if col.key in ("share", "access", "speed", "ecosystem") and width < 150:
            continue  # numbers only where there is room; the bars say enough when narrow
        if used + need <= width:
            chosen.append(col)
            used += need
    keys = {c.key for c in chosen}
    if {"share", "access", "speed", "ecosystem"} <= keys:
        chosen = [c for c in chosen if c.key != "motivations"]
        used -= 5
    base = COLUMNS[0].width
    while chosen and width - used < want - base and chosen[-1].priority > NAMES_FIRST:
        used -= chosen.pop().width + 1
    spare = max(0, width - used)
    out = []
    for key in _DISPLAY:
        for col in chosen:
            if col.key == key:
                if key == "partner":
                    col = Column(col.key, col.title, col.width + spare, col.priority)
                out.append(col)
    return out


def bar(value: float | None) -> str:
    if value is None:
        return DASH
    return _BARS[min(len(_BARS) - 1, max(0, int(value / 100 * len(_BARS))))]


def _fmt_num(value: float | None) -> str:
    return DASH if value is None else f"{value:.0f}"


class PartnerTable(ScrollView, can_focus=True):
    """Partners of the session's current view; the cursor picks the selected partner."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "partner-table--header",
        "partner-table--sorted",
        "partner-table--cursor",
        "partner-table--strategic",
        "partner-table--tactical",
        "partner-table--casual",
        "partner-table--exit",
        "partner-table--flag",
        "partner-table--flag-severe",
        "partner-table--muted",
        "partner-table--changed",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown,space", "page(1)", "Page down", show=False),
        Binding("home,g", "jump(0)", "First", show=False),
        Binding("end,G", "jump(-1)", "Last", show=False),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Highlighted(Message):
        """The cursor moved to another partner (`pos` into the session table, or None)."""

        def __init__(self, pos: int | None) -> None:
            self.pos = pos
            super().__init__()

    class HeaderClicked(Message):
        def __init__(self, column: str) -> None:
            self.column = column
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.session: TriageSession | None = None
        self.view: list[int] = []
        self.sort = Sort()
        self._columns: list[Column] = layout_columns(80)
        self._longest = 0  # the longest partner name of the session
        self._cells: dict[int, list[tuple[str, str]]] = {}

    # -- data --------------------------------------------------------------------------
    def set_view(self, session: TriageSession, view: list[int], *, keep: int | None) -> None:
        """Show `view`; keep the cursor on position `keep` if it is still there."""
        if session is not self.session:
            names = session.table["partner"].str.len_chars()
            self._longest = int(names.max() or 0) if len(names) else 0  # type: ignore[arg-type]
            self.session = session
            self._relayout()
        self.view = view
        self._cells.clear()
        target = 0
        if keep is not None:
            try:
                target = view.index(keep)
            except ValueError:
                target = min(self.cursor, max(0, len(view) - 1))
        self._resize_virtual()
        self.cursor = target
        self.refresh()

    def refresh_position(self, pos: int) -> None:
        """Redraw one partner after its decision or note changed."""
        self._cells.pop(pos, None)
        self.refresh()

    @property
    def selected(self) -> int | None:
        """Position (into the session table) under the cursor."""
        if not self.view:
            return None
        return self.view[min(self.cursor, len(self.view) - 1)]

    def _resize_virtual(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.view) + 1)

    def on_resize(self) -> None:
        self._relayout()
        self._resize_virtual()
        self._scroll_to_cursor()

    def _relayout(self) -> None:
        columns = layout_columns(self.scrollable_content_region.width, self._longest)
        if columns != self._columns:
            self._columns = columns
            self._cells.clear()  # cached cells follow the columns

    # -- cursor ------------------------------------------------------------------------
    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.view) - 1)) if self.view else 0

    def watch_cursor(self, old: int, new: int) -> None:
        top = int(self.scroll_y)
        self._scroll_to_cursor()
        if int(self.scroll_y) == top:
            # Only the two rows whose highlight changed need drawing again.
            for index in {old, new}:
                self.refresh_line(index + 1)  # virtual line: the header is line 0
        else:
            self.refresh()
        self.post_message(self.Highlighted(self.selected))

    def _scroll_to_cursor(self) -> None:
        rows = max(1, self.scrollable_content_region.height - 1)
        top = int(self.scroll_y)
        if self.cursor < top:
            top = self.cursor
        elif self.cursor >= top + rows:
            top = self.cursor - rows + 1
        if top != int(self.scroll_y):
            self.scroll_to(y=top, animate=False, immediate=True)

    def action_cursor(self, step: int) -> None:
        self.cursor += step

    def action_page(self, direction: int) -> None:
        self.cursor += direction * max(1, self.scrollable_content_region.height - 2)

    def action_jump(self, where: int) -> None:
        self.cursor = len(self.view) - 1 if where < 0 else 0

    def on_click(self, event: Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            x = 0
            for col in self._columns:
                if x <= offset.x < x + col.width + 1:
                    self.post_message(self.HeaderClicked(SORT_KEY.get(col.key, col.key)))
                    return
                x += col.width + 1
            return
        self.cursor = int(self.scroll_y) + offset.y - 1

    # -- drawing -----------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:
            return self._header(width)
        index = int(self.scroll_y) + y - 1
        if index >= len(self.view) or self.session is None:
            return Strip.blank(width, self.rich_style)
        pos = self.view[index]
        cells = self._cells.get(pos)
        if cells is None:
            cells = self._cells[pos] = self._row_cells(self.session.partner(pos))
        base = self.rich_style
        if index == self.cursor:
            base = base + self.get_component_rich_style("partner-table--cursor")
        segments: list[Segment] = []
        for col, (text, klass) in zip(self._columns, cells, strict=True):
            style = base
            if klass:
                style = base + self.get_component_rich_style(klass, partial=True)
            if col.key == "flags" and klass != _MUTED:
                segments.extend(self._badges(text, col.width, base))
            else:
                segments.append(Segment(_fit(text, col.width, col.right), style))
            segments.append(Segment(" ", base))
        return Strip(segments).crop_extend(0, width, base)

    def _header(self, width: int) -> Strip:
        style = self.rich_style + self.get_component_rich_style("partner-table--header")
        sorted_style = style + self.get_component_rich_style("partner-table--sorted", partial=True)
        scored = self.session is None or self.session.scored
        segments: list[Segment] = []
        for col in self._columns:
            title = col.title
            is_sorted = (
                SORT_KEY.get(col.key, col.key) == self.sort.column
                and col.key != "motivations"
                and (scored or col.key not in _SCORED)  # no score yet: in sheet order
            )
            if is_sorted:
                title = title + ("▼" if self.sort.descending else "▲")
            segments.append(
                Segment(_fit(title, col.width, col.right), sorted_style if is_sorted else style)
            )
            segments.append(Segment(" ", style))
        return Strip(segments).crop_extend(0, width, style)

    def _row_cells(self, p: dict[str, Any]) -> list[tuple[str, str]]:
        cells: list[tuple[str, str]] = []
        scored = self.session is None or self.session.scored
        for col in self._columns:
            key = col.key
            if not scored and key in _SCORED:
                cells.append((PENDING, _MUTED))
            elif key == "motivations":
                text = "".join(bar(p.get(m)) for m in ("share", "access", "speed", "ecosystem"))
                cells.append((text, ""))
            elif key == "flags":
                cells.append((",".join(p.get("flags") or []), ""))
            elif key in ("share", "access", "speed", "ecosystem", "score"):
                value = p.get(key)
                cells.append((_fmt_num(value) if key != "score" else f"{value or 0:.1f}", ""))
            elif key in ("designated_tier", "recommended_tier", "decision"):
                value = p.get(key)
                klass = f"partner-table--{value}" if value else _MUTED
                if key == "decision" and p.get("decision_note"):
                    value = f"{value or DASH}✎"
                cells.append((value or DASH, klass))
            elif key == "action":
                value = p.get(key) or ""
                cells.append((value, "partner-table--changed" if value != "keep" else ""))
            elif key == "row":
                cells.append((str(p.get("row", "")), _MUTED))
            else:
                value = p.get(key)
                cells.append((DASH if value in (None, "") else str(value), ""))
        return cells

    def _badges(self, text: str, width: int, base: Style) -> list[Segment]:
        segments: list[Segment] = []
        used = 0
        for flag in filter(None, text.split(",")):
            badge = catalogue.FLAGS[flag].label
            if used + len(badge) > width:
                if used < width:
                    segments.append(Segment("+", base))
                    used += 1
                break
            klass = "partner-table--flag-severe" if flag in _SEVERE else "partner-table--flag"
            segments.append(Segment(badge, base + self.get_component_rich_style(klass)))
            used += len(badge)
            if used < width:
                segments.append(Segment(" ", base))
                used += 1
        if used < width:
            segments.append(Segment(" " * (width - used), base))
        return segments


def _fit(text: str, width: int, right: bool = False) -> str:
    # Segments reach the terminal as they are: control characters must not (see text.py).
    text = printable(text)
    if len(text) > width:
        return text[: max(0, width - 1)] + "…"
    return text.rjust(width) if right else text.ljust(width)
