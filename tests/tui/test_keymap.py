"""Every key opens something, everything the app opens has a key, and a screen's module
alone gives the screen its key, footer entry, help line and palette entry."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from textual.actions import parse
from textual.app import App

from tests.conftest import REPO
from tests.tui.conftest import write_tracker
from tierwise.tui.app import TriageApp
from tierwise.tui.keymap import Key, Placement, all_keys, opener, placed


def _name(action: str) -> str:
    """The action's name: "decide('exit')" -> "decide"."""
    return parse(action)[1]


def _own_actions() -> set[str]:
    """The triage app's own actions (action_NAME methods it defines, Textual's aside)."""
    return {
        name.removeprefix("action_")
        for name in vars(TriageApp)
        if name.startswith("action_") and not hasattr(App, name)
    }


def test_every_key_names_an_action_of_the_app() -> None:
    for key in all_keys():
        assert hasattr(TriageApp, f"action_{_name(key.action)}"), key.action
        if _name(key.action) == "open":
            (screen,) = parse(key.action)[2]
            assert callable(opener(screen)), key.action


def test_every_action_of_the_app_has_a_key() -> None:
    """Without a key no footer, help line or palette entry reaches an action."""
    assert _own_actions() - {_name(key.action) for key in all_keys()} == set()


def _key(action: str) -> Key:
    return Key(action[0], action, action.title(), "Group")


def _screen(action: str, anchor: str, after: bool = True) -> Placement:
    return Placement(_key(action), lambda app: None, anchor, after)


def test_screen_keys_go_next_to_their_anchor_whatever_order_they_are_found_in() -> None:
    own = (_key("a"), _key("b"), _key("c"))
    screens = {
        "y": _screen("y", "x"),  # after x, itself a screen's
        "x": _screen("x", "a"),
        "z": _screen("z", "c", after=False),
    }
    ids = [k.id for k in placed(own, screens)]
    assert ids == ["a", "x", "y", "b", "z", "c"]
    assert [k.id for k in placed(own, dict(reversed(screens.items())))] == ids


@pytest.mark.parametrize(
    "screens",
    [
        {"x": _screen("x", "a"), "y": _screen("y", "a")},  # which one first?
        {"x": _screen("x", "gone")},  # no such key
        {"x": _screen("x", "y"), "y": _screen("y", "x")},  # placed by each other only
    ],
)
def test_a_screen_key_that_cannot_be_placed_is_refused(screens: dict[str, Placement]) -> None:
    with pytest.raises(ValueError):
        placed((_key("a"), _key("b")), screens)


EXTRA = '''
"""A screen declared by this module alone."""

from textual.app import ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Static

from tierwise.tui.keymap import opens


class ExtraScreen(ModalScreen[None]):
    BINDINGS = [("escape", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        yield Static("extra")


@opens("z", "Extra", "File", after="open_mapping", show=True, help="See the extra", rank=1)
def open_extra(app) -> None:
    app.push_screen(ExtraScreen())
'''

# Run in a process of its own: the screens are found once, when the app class is made.
DRIVER = """
import asyncio, json, sys
from tierwise.tui import screens
screens.__path__.append(sys.argv[1])
from tests.tui.conftest import make_app, settle
from tierwise.tui.keymap import all_keys

async def main():
    app = make_app(sys.argv[2], output=sys.argv[3])
    seen = {"ids": [k.id for k in all_keys()]}
    async with app.run_test(size=(200, 40)) as pilot:
        await settle(pilot)
        seen["footer"] = str(app.query_one("#keybar").content)
        await pilot.press("z")
        seen["by key"] = type(app.screen).__name__
        await pilot.press("escape", "question_mark")
        seen["help"] = " ".join(str(s.content) for s in app.screen.query("Static"))
        await pilot.press("escape", "ctrl+p", *"see the extra")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        seen["by palette"] = type(app.screen).__name__
    print(json.dumps(seen))

asyncio.run(main())
"""


def test_a_screen_module_alone_gives_its_key_footer_help_and_palette(tmp_path: Path) -> None:
    (tmp_path / "extra.py").write_text(textwrap.dedent(EXTRA))
    tracker = write_tracker(tmp_path / "tracker.xlsx")
    run = subprocess.run(
        [sys.executable, "-c", DRIVER, str(tmp_path), str(tracker), str(tmp_path / "out.xlsx")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout.splitlines()[-1])
    ids = [k.id for k in all_keys()]
    at = ids.index("open_mapping") + 1
    assert seen["ids"] == [*ids[:at], "open_extra", *ids[at:]]
    assert " z Extra " in seen["footer"]
    assert "See the extra" in seen["help"]
    assert seen["by key"] == seen["by palette"] == "ExtraScreen"
