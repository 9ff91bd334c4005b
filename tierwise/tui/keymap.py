"""Every key of the triage app: the bindings, the footer, the help screen and the command
palette are all generated from `all_keys()`, so they cannot drift apart.

`all_keys()` is the app's own keys (APP_KEYS) with, among them, the key of each screen: a
module of tui/screens/ declares its screen and, with `@opens(...)`, the key that opens
it and the function that does (it takes the app's state to the screen and the screen's
result back). The app binds such a key to `open('NAME')`, which runs that function.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, TypedDict, Unpack

from textual.binding import Binding

if TYPE_CHECKING:
    from tierwise.tui.app import TriageApp

Opener = Callable[["TriageApp"], None]


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

    @property
    def id(self) -> str:
        """The binding's id: "decide('exit')" -> "decide_exit", "open('sort')" -> "open_sort"."""
        return re.sub(r"\W+", "_", self.action).strip("_")


# The app's own keys (tui/app.py has their action_ methods); a screen's key is declared
# in its module and placed among these by `after` or `before` (see `opens`).
APP_KEYS: tuple[Key, ...] = (
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
    Key("m", "toggle_mismatches", "Mismatches", "Find", help="Only designated ≠ recommended"),
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


class KeyOptions(TypedDict, total=False):
    """The optional fields of a screen's Key (as Key's)."""

    show: bool
    display: str | None
    help: str
    palette: bool
    rank: int


@dataclass(frozen=True)
class Placement:
    """A screen's key, the function it runs, and where the key is listed."""

    key: Key
    opener: Opener
    anchor: str  # the id of the key it is listed next to
    after: bool  # after the anchor, else before it


_SCREENS: dict[str, Placement] = {}


def opens(
    keys: str,
    description: str,
    group: str,
    *,
    after: str = "",
    before: str = "",
    **options: Unpack[KeyOptions],
) -> Callable[[Opener], Opener]:
    """Register the decorated `open_NAME(app)` as what key `keys` opens: the key
    `open('NAME')`, listed right `after` (or `before`) the key of that id (an app key's
    action, "open_NAME" for a screen's), in `group`, with the `options` of `Key`."""

    def register(function: Opener) -> Opener:
        name = function.__name__.removeprefix("open_")
        if name in _SCREENS or (after and before) or not (after or before):
            raise ValueError(f"{function.__name__}: one key per screen, placed after or before one")
        key = Key(keys, f"open({name!r})", description, group, **options)
        _SCREENS[name] = Placement(key, function, after or before, bool(after))
        return function

    return register


def _discover() -> None:
    """Import every module of tui/screens/: each registers its screen's key as it loads."""
    from tierwise.tui import screens

    for module in pkgutil.iter_modules(screens.__path__, f"{screens.__name__}."):
        importlib.import_module(module.name)


def opener(name: str) -> Opener:
    """What key `open('NAME')` runs."""
    all_keys()  # the screens discovered
    return _SCREENS[name].opener


@cache
def all_keys() -> tuple[Key, ...]:
    """The app's keys and the screens', in the order of the help screen and the footer."""
    _discover()
    return placed(APP_KEYS, _SCREENS)


def placed(own: tuple[Key, ...], screens: dict[str, Placement]) -> tuple[Key, ...]:
    """`own` keys with each screen's key next to its anchor (a screen's key may be the
    anchor of another); two keys on the same side of one anchor are refused, so the
    order never depends on the order the modules were found in."""
    ordered = list(own)
    sides = [(p.anchor, p.after) for p in screens.values()]
    if len(set(sides)) < len(sides):
        raise ValueError("two screen keys placed on the same side of one key: chain them")
    pending = sorted(screens.values(), key=lambda p: p.key.id)
    while pending:
        ids = [k.id for k in ordered]
        ready = [p for p in pending if p.anchor in ids]
        if not ready:
            raise ValueError(f"no key of id {pending[0].anchor!r} to place {pending[0].key.id}")
        for p in ready:
            at = [k.id for k in ordered].index(p.anchor)
            ordered.insert(at + 1 if p.after else at, p.key)
            pending.remove(p)
    return tuple(ordered)


def bindings() -> list[Binding]:
    return [
        Binding(
            k.keys,
            k.action,
            k.description,
            show=k.show,
            key_display=k.display,
            tooltip=k.help,
            id=k.id,
        )
        for k in all_keys()
    ]
