"""The help screen: every key, generated from the keymap."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Static

from tierwise.tui.keymap import KEYS, TABLE_KEYS

NOTES = """\
[b]Search and notes[/]: `/` searches partner names; Enter jumps to the first match and
returns to the table. While a search is active, `n` / `N` go to the next / previous
match; Escape ends the search, and `n` edits the note again (`e` always edits it).
[b]Drill-down[/]: `p` (or tab) goes to the portfolio panel; Enter on a failing check or
a flag shows only the partners behind it. Escape clears the drill-down, then filters.
[b]What-if rubric[/] (`R`): edit weights and thresholds and watch the tiers move;
ctrl+r applies the adjusted rubric to the open session (decisions and notes are kept,
ctrl+s then saves the workbook with that rubric), ctrl+s there saves it as TOML.
[b]Safety[/]: every change is journalled beside the output as you make it and offered
back if the app stops before saving; ctrl+s refuses when the input file has changed
on disk since it was opened."""


def help_markup() -> str:
    lines: list[str] = []
    group = ""
    for key in KEYS:
        if key.group != group:
            group = key.group
            lines.append(f"\n[b $accent]{group}[/]")
        shown = key.display or key.keys.replace(",", " ")
        lines.append(f"  [b]{escape(shown):<16}[/] {escape(key.help or key.description)}")
    lines.append("\n[b $accent]Table[/]")
    lines.extend(f"  [b]{escape(k):<16}[/] {escape(v)}" for k, v in TABLE_KEYS)
    lines.append("")
    lines.append(NOTES)
    return "\n".join(lines).lstrip("\n")


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss_help", "Close"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide") as box:
            box.border_title = "Tierwise triage · keys"
            box.border_subtitle = "Escape closes"
            yield Static(Content.from_markup(help_markup()))

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
