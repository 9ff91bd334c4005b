"""The key bar at the bottom: the main keys of the triage screen, from the keymap.

Textual's Footer re-composes its keys on every focus change, which doubled the cost of
opening and closing the search; these keys change only with the width, so one line of
text does. A narrow terminal keeps the keys of lowest `rank` (Quit and Help always, then
Save, the decisions, ...); every other key is on the help screen (?).
"""

from __future__ import annotations

from textual.content import Content
from textual.markup import escape
from textual.widgets import Static

from tierwise.tui.keymap import Key, all_keys

PALETTE = Key("ctrl+p", "command_palette", "palette", "App", True, rank=5)


def key_label(keys: str, display: str | None) -> str:
    if display:
        return display.split()[0]
    first = keys.split(",")[0]
    return "^" + first.removeprefix("ctrl+") if first.startswith("ctrl+") else first


def _width(k: Key) -> int:
    return len(key_label(k.keys, k.display)) + 2 + len(k.description)


def footer_keys(width: int) -> list[Key]:
    """The footer's keys that fit `width` columns, chosen by rank, in keymap order."""
    shown = [*(k for k in all_keys() if k.show), PALETTE]
    kept: set[int] = set()
    used = -1  # n keys take n - 1 separating spaces
    for i in sorted(range(len(shown)), key=lambda i: shown[i].rank):
        need = _width(shown[i]) + 1
        if used + need <= width or shown[i].rank == 0:
            kept.add(i)
            used += need
    return [k for i, k in enumerate(shown) if i in kept]


def keybar_markup(width: int = 200) -> str:
    return " ".join(
        f"[b $footer-key-foreground] {escape(key_label(k.keys, k.display))} [/]"
        f"{escape(k.description)}"
        for k in footer_keys(width)
    )


class KeyBar(Static):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Content.from_markup(keybar_markup()), id=id)

    def on_resize(self) -> None:
        self.update(Content.from_markup(keybar_markup(self.size.width)))
