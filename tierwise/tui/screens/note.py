"""The decision-note editor: one line, Enter keeps it, Escape leaves it as it was."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tierwise.tui.keymap import opens
from tierwise.tui.text import markup, printable
from tierwise.tui.widgets.plain_input import PlainInput

if TYPE_CHECKING:
    from tierwise.tui.app import TriageApp


class NoteScreen(ModalScreen[str | None]):
    """Edits the note of one partner; dismisses with the new text, or None if cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, partner: str, note: str) -> None:
        super().__init__(classes="modal")
        self._partner = partner
        self._note = note
        # The note as it can be shown: a note read from a workbook may hold control
        # characters, which the editor shows as U+FFFD.
        self._shown = printable(note)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = markup("Decision note · $partner", partner=self._partner)
            yield PlainInput(self._shown, placeholder="Why this decision? (empty removes the note)")
            yield Static("Enter keeps · Escape cancels", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        # Kept as it was (control characters and all) unless the user changed it.
        self.dismiss(self._note if event.value == self._shown else event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


# n is always the note, never "next match": a search must not turn a note into a move.
@opens(
    "n,e",
    "Note",
    "Decide",
    after="redo",
    show=True,
    display="n e",
    help="Add or edit the decision note",
    rank=3,
)
def open_note(app: TriageApp) -> None:
    """Edit the selected partner's note; the note kept is a change like a decision."""
    selected = app.selected_row()
    if selected is None or app.session is None:
        return
    pos, row = selected
    session = app.session

    def done(note: str | None) -> None:
        if note is not None:
            app._changed(session.set_note(row, note), pos)

    partner = session.partner(pos)["partner"] or "?"
    app.push_screen(NoteScreen(partner, session.state(row)[1]), done)
