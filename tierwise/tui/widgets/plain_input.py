"""An Input that takes no control characters: pasted text could carry an escape
sequence, which Textual would draw to the terminal as it is (see tui/text.py)."""

from __future__ import annotations

from textual.widgets import Input

from tierwise.tui.text import printable


class PlainInput(Input):
    """Input whose typed or pasted control characters become U+FFFD."""

    def insert_text_at_cursor(self, text: str) -> None:
        super().insert_text_at_cursor(printable(text))

    def replace(self, text: str, start: int, end: int) -> None:
        super().replace(printable(text), start, end)
