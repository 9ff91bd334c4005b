"""The key bar at the bottom: the main keys of the triage screen, from the keymap.

Textual's Footer re-composes its keys on every focus change, which doubled the cost of
opening and closing the search; these keys never change, so one line of text does.
"""

from __future__ import annotations

from textual.content import Content
from textual.markup import escape
from textual.widgets import Static

from tierwise.tui.keymap import KEYS


def key_label(keys: str, display: str | None) -> str:
    if display:
        return display.split()[0]
    first = keys.split(",")[0]
    return "^" + first.removeprefix("ctrl+") if first.startswith("ctrl+") else first


def keybar_markup() -> str:
    parts = [
        f"[b $footer-key-foreground] {escape(key_label(k.keys, k.display))} [/]"
        f"{escape(k.description)}"
        for k in KEYS
        if k.show
    ]
    parts.append("[b $footer-key-foreground] ^p [/]palette")
    return " ".join(parts)


class KeyBar(Static):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Content.from_markup(keybar_markup()), id=id)
