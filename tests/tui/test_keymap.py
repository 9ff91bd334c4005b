"""Every key of keymap.KEYS opens something, and everything the app opens has a key."""

from __future__ import annotations

import re

from textual.app import App

from tierwise.tui.app import TriageApp
from tierwise.tui.keymap import KEYS


def _name(action: str) -> str:
    """The action's name: "decide('exit')" -> "decide"."""
    return re.sub(r"\(.*", "", action)


def _own_actions() -> set[str]:
    """The triage app's own actions (action_NAME methods it defines, Textual's aside)."""
    return {
        name.removeprefix("action_")
        for name in vars(TriageApp)
        if name.startswith("action_") and not hasattr(App, name)
    }


def test_every_key_names_an_action_of_the_app() -> None:
    for key in KEYS:
        assert hasattr(TriageApp, f"action_{_name(key.action)}"), key.action


def test_every_action_of_the_app_has_a_key() -> None:
    """A screen is opened by its action_ method; without a KEYS row no key, footer,
    help line or palette entry reaches it."""
    assert _own_actions() - {_name(key.action) for key in KEYS} == set()
