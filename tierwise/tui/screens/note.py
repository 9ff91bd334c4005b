"""The decision-note editor: one line, Enter keeps it, Escape leaves it as it was."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class NoteScreen(ModalScreen[str | None]):
    """Edits the note of one partner; dismisses with the new text, or None if cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, partner: str, note: str) -> None:
        super().__init__(classes="modal")
        self._partner = partner
        self._note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = f"Decision note · {self._partner}"
            yield Input(self._note, placeholder="Why this decision? (empty removes the note)")
            yield Static("Enter keeps · Escape cancels", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
