"""Every key of the triage app in one place: the footer, the help screen and the command
palette are all generated from this list, so they cannot drift apart."""

from __future__ import annotations

import re
from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class Key:
    keys: str  # Textual key names, comma separated
    action: str
    description: str
    group: str
    show: bool = False  # in the footer
    display: str | None = None  # how the help screen writes the keys
    help: str = ""  # longer text for the help screen and command palette
    palette: bool = True  # offered in the command palette
    rank: int = 9  # footer keys: the lower, the surer to stay in a narrow footer


KEYS: tuple[Key, ...] = (
    Key(
        "s",
        "decide('strategic')",
        "Strategic",
        "Decide",
        True,
        help="Decide: strategic tier",
        rank=2,
    ),
    Key(
        "t", "decide('tactical')", "Tactical", "Decide", True, help="Decide: tactical tier", rank=2
    ),
    Key("c", "decide('casual')", "Casual", "Decide", True, help="Decide: casual tier", rank=2),
    Key("x", "decide('exit')", "Exit", "Decide", True, help="Decide: exit the partnership", rank=2),
    Key("backspace,delete", "decide('')", "Clear", "Decide", help="Clear the decision"),
    Key("u", "undo", "Undo", "Decide", True, help="Undo the last change", rank=4),
    Key("U,ctrl+y", "redo", "Redo", "Decide", display="U ctrl+y", help="Redo what was undone"),
    # n is always the note, never "next match": a search must not turn a note into a move.
    Key(
        "n,e",
        "note",
        "Note",
        "Decide",
        True,
        display="n e",
        help="Add or edit the decision note",
        rank=3,
    ),
    Key(
        "slash",
        "search",
        "Search",
        "Find",
        True,
        display="/",
        help="Search partners by name; Enter jumps to the first match",
        rank=3,
    ),
    Key("f3", "next_match", "Next match", "Find", display="F3", help="Next search match"),
    Key("shift+f3", "prev_match", "Prev match", "Find", display="shift+F3", help="Previous match"),
    Key(
        "f",
        "filters",
        "Filter",
        "Find",
        True,
        help="Filter by tier, decision, action, flag",
        rank=4,
    ),
    Key("m", "toggle_mismatches", "Mismatches", "Find", help="Only designated ≠ recommended"),
    Key("o", "sort_menu", "Sort", "Find", help="Sort by a column"),
    Key("O", "reverse_sort", "Reverse sort", "Find", help="Reverse the sort order"),
    Key(
        "escape",
        "clear_narrowing",
        "Clear",
        "Find",
        help="End the search, then the drill-down, then the filters",
    ),
    Key(
        "p",
        "focus_portfolio",
        "Portfolio",
        "Find",
        help="Go to the portfolio checks; Enter on a check or flag shows its partners",
    ),
    Key("ctrl+s", "save", "Save", "File", True, help="Save the annotated workbook", rank=1),
    Key(
        "R",
        "whatif",
        "What-if rubric",
        "File",
        help="Adjust weights and thresholds live, then apply them",
    ),
    Key(
        "S",
        "strategy",
        "Strategy",
        "File",
        help="Declare the strategic and tactical initiatives, then re-score",
    ),
    Key("w", "warnings", "Warnings", "File", help="What the reader could not use"),
    Key(
        "M",
        "mapping",
        "Column mapping",
        "File",
        help="Which field each column is read as, and how sure; change one and re-score",
    ),
    Key("question_mark", "help", "Help", "App", True, display="?", help="Show every key", rank=0),
    Key("q", "quit_app", "Quit", "App", True, help="Quit (asks first when unsaved)", rank=0),
)

TABLE_KEYS: tuple[tuple[str, str], ...] = (
    ("↑ ↓ j k", "move"),
    ("PgUp PgDn space", "page"),
    ("Home End g G", "first / last"),
    ("click a header", "sort by it"),
    ("tab", "next pane"),
    ("ctrl+p", "command palette"),
)


def bindings() -> list[Binding]:
    return [
        Binding(
            k.keys,
            k.action,
            k.description,
            show=k.show,
            key_display=k.display,
            tooltip=k.help,
            id=re.sub(r"\W+", "_", k.action).strip("_"),
        )
        for k in KEYS
    ]
