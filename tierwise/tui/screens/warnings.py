"""What the reader and scorer could not use as written, with cell references."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from tierwise.io.tracker import TrackerWarning
from tierwise.tui.keymap import opens
from tierwise.tui.text import literal, literal_text

if TYPE_CHECKING:
    from tierwise.tui.app import TriageApp

# A DataTable measures every cell; warnings are few, but a hostile file can hold many.
_SHOWN = 2000


class WarningsScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,w", "close", "Close")]

    def __init__(self, warnings: list[TrackerWarning], notes: list[str]) -> None:
        super().__init__(classes="modal")
        self._warnings = warnings
        self._notes = notes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide") as box:
            box.border_title = f"Warnings · {len(self._warnings)}"
            box.border_subtitle = "Escape closes"
            if self._notes:
                yield Static(literal("\n".join(self._notes), newlines=True), classes="hint")
            if not self._warnings:
                yield Static("The reader used every cell as written.", classes="hint")
            else:
                yield DataTable(cursor_type="row", zebra_stripes=True)
            if len(self._warnings) > _SHOWN:
                yield Static(
                    f"First {_SHOWN} of {len(self._warnings)} shown; "
                    "`tierwise inspect FILE` lists them all.",
                    classes="hint",
                )

    def on_mount(self) -> None:
        for table in self.query(DataTable):
            table.add_columns("Where", "Message")
            # Text objects: a str cell would be read as markup, and warnings quote cells.
            table.add_rows(
                (literal_text(w.where), literal_text(w.message)) for w in self._warnings[:_SHOWN]
            )
            table.focus()

    def action_close(self) -> None:
        self.dismiss(None)


@opens("w", "Warnings", "File", after="open_strategy", help="What the reader could not use")
def open_warnings(app: TriageApp) -> None:
    """The reader's warnings, with the portfolio's notes on what it could not judge."""
    if (ev := app.scored("the warnings show")) is None:
        return
    notes = list(getattr(app.portfolio, "notes", []) or [])
    app.push_screen(WarningsScreen(ev.warnings, notes))
