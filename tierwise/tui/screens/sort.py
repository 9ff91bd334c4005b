"""Pick the column to sort by; picking the current one reverses the order."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tierwise import catalogue
from tierwise.fields import MOTIVATIONS
from tierwise.tui.keymap import opens
from tierwise.tui.session import SORTABLE, Sort

if TYPE_CHECKING:
    from tierwise.tui.app import TriageApp

TITLES = {
    "partner": "Partner name",
    "partner_type": "Partner type",
    "designated_tier": "Designated tier",
    "recommended_tier": "Recommended tier",
    "decision": "Decision",
    "action": "Action",
    "score": "Score",
    **{m: f"{catalogue.MOTIVATIONS[m].name} motivation" for m in MOTIVATIONS},
    "flags": "Number of flags",
    "row": "Worksheet row",
}


class SortScreen(ModalScreen[Sort | None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: Sort) -> None:
        super().__init__(classes="modal")
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = "Sort by"
            options = []
            for key in SORTABLE:
                mark = ""
                if key == self._current.column:
                    mark = " ▼" if self._current.descending else " ▲"
                options.append(Option(TITLES[key] + mark, id=key))
            yield OptionList(*options)

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        option_list.highlighted = SORTABLE.index(self._current.column)
        option_list.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        column = event.option.id or "score"
        if column == self._current.column:
            self.dismiss(Sort(column, not self._current.descending))
        else:
            # Numbers read best high-to-low, names and tiers top-down.
            self.dismiss(Sort(column, column in ("score", *_NUMERIC)))

    def action_cancel(self) -> None:
        self.dismiss(None)


_NUMERIC = ("share", "access", "speed", "ecosystem", "flags")


@opens("o", "Sort", "Find", after="toggle_mismatches", help="Sort by a column")
def open_sort(app: TriageApp) -> None:
    """Choose the column the table is sorted by."""

    def done(sort: Sort | None) -> None:
        if sort is not None:
            app.sort = sort
            app.refresh_view()

    app.push_screen(SortScreen(app.sort), done)
