"""Showing text from a workbook on the terminal: shown, never obeyed.

Cell text can hold control characters (calamine decodes OOXML's "_x001B_" to ESC, and
C1 characters such as U+009B start terminal sequences too); Textual writes the text of
what it draws to the terminal as it is, so those are drawn as U+FFFD. Cell text can
also look like Textual markup ("[@click=app.quit]x[/]"), and `textual.markup.escape`
does not survive a trailing backslash, so workbook text never goes into a markup
string: it is passed as a `$variable` of `Content.from_markup`, which is never parsed.
Every widget that shows partner names, cell text, notes, warnings, file or sheet names
goes through these functions.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual.content import Content

# Bidi overrides, isolates and marks reorder the rest of the line: drawn as U+FFFD too.
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")
_CONTROL_BUT_NEWLINE = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f{_BIDI}]")
REPLACEMENT = "\ufffd"


def printable(value: object, *, newlines: bool = False) -> str:
    """`value` as text with every control character drawn as U+FFFD (newlines kept
    when `newlines`, for panes that wrap)."""
    text = "" if value is None else str(value)
    return (_CONTROL_BUT_NEWLINE if newlines else _CONTROL).sub(REPLACEMENT, text)


def literal(value: object, *, newlines: bool = False) -> Content:
    """`value` as Content that is shown as written: no markup, no control characters."""
    return Content(printable(value, newlines=newlines))


def literal_text(value: object) -> Text:
    """As `literal`, for Rich-based widgets (DataTable parses a plain str as markup)."""
    return Text(printable(value), end="")


def markup(template: str, **values: object) -> Content:
    """`template` (our own markup) with each `$name` filled by `values[name]`, shown
    literally: workbook text goes in the values, never into the template."""
    return Content.from_markup(
        template, **{name: printable(value, newlines=True) for name, value in values.items()}
    )
