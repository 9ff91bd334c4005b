"""Save as: where to write the annotated workbook when the usual output was refused."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tierwise.tui.text import literal, printable
from tierwise.tui.widgets.plain_input import PlainInput


class SaveAsScreen(ModalScreen[Path | None]):
    """Asks for a file name (why the save was refused above it); dismisses with the
    path, or None if cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, reason: str, suggestion: Path) -> None:
        super().__init__(classes="modal")
        self._reason = reason
        self._suggestion = suggestion

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = "Save as"
            yield Static(literal(self._reason, newlines=True), classes="question")
            yield PlainInput(printable(str(self._suggestion)), id="save-as-path")
            yield Static("Enter saves there · Escape cancels", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        self.dismiss(Path(text).expanduser() if text else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
