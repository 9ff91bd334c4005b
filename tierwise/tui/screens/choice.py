"""A small modal question with buttons: quit without saving, restore a journal, ..."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tierwise.tui.text import literal


class ChoiceScreen(ModalScreen[str]):
    """Asks `question`; dismisses with the id of the chosen button (escape: `cancel`)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "choose('cancel')", "Cancel")]

    def __init__(self, title: str, question: str, choices: list[tuple[str, str, str]]) -> None:
        """`choices`: (id, label, variant) for each button, the first one focused."""
        super().__init__(classes="modal")
        self._title = title
        self._question = question
        self._choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = literal(self._title)
            yield Static(literal(self._question, newlines=True), classes="question")
            with Horizontal(classes="buttons"):
                for ident, label, variant in self._choices:
                    yield Button(label, id=ident, variant=variant)  # type: ignore[arg-type]

    def on_mount(self) -> None:
        self.query(Button).first().focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id or "cancel")

    def action_choose(self, ident: str) -> None:
        self.dismiss(ident)
