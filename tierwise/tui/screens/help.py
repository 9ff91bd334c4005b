"""The help screen: every key, generated from the keymap."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Static

from tierwise import catalogue
from tierwise.tui.keymap import TABLE_KEYS, all_keys, opens

if TYPE_CHECKING:
    from tierwise.tui.app import TriageApp

NOTES = """\
[b]Search and notes[/]: `/` searches partner names; Enter jumps to the first match and
returns to the table. F3 / shift+F3 go to the next / previous match; Escape ends the
search. `n` (or `e`) always edits the note, search or not.
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
    for key in all_keys():
        if key.group != group:
            group = key.group
            lines.append(f"\n[b $accent]{group}[/]")
        shown = key.display or key.keys.replace(",", " ")
        lines.append(f"  [b]{escape(shown):<16}[/] {escape(key.help or key.description)}")
    lines.append("\n[b $accent]Table[/]")
    lines.extend(f"  [b]{escape(k):<16}[/] {escape(v)}" for k, v in TABLE_KEYS)
    lines.append("\n[b $accent]Legend[/]")
    lines.extend(f"  [b]{escape(k):<16}[/] {escape(v)}" for k, v in legend())
    lines.append("")
    lines.append(NOTES)
    return "\n".join(lines).lstrip("\n")


def legend() -> list[tuple[str, str]]:
    """The table's abbreviations (flag badges, the SAPE bars) and the panel's marks."""
    rows = [(e.label, f"{e.name} ({e.code}): {e.meaning}") for e in catalogue.FLAGS.values()]
    bars = ", ".join(f"{e.name.lower()}" for e in catalogue.MOTIVATIONS.values())
    rows.append(("SAPE", f"one bar per motivation, 0-100: {bars}; – not assessed"))
    rows.append(("✓ ✗ n/a", "a check passes, fails, or is not assessed (columns missing)"))
    return rows


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


@opens(
    "question_mark",
    "Help",
    "App",
    before="quit_app",
    show=True,
    display="?",
    help="Show every key",
    rank=0,
)
def open_help(app: TriageApp) -> None:
    app.push_screen(HelpScreen())
