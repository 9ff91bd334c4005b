"""Snapshots of the main screens at pinned sizes (pytest-textual-snapshot).

Regenerate after an intended change with `pytest tests/tui/test_snapshots.py
--snapshot-update`, and look at the SVGs before committing them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.tui.conftest import make_app, settle, write_tracker


@pytest.fixture
def fixed_tracker(tmp_path: Path) -> Path:
    # Same file name every run: the title bar shows it.
    folder = tmp_path / "snap"
    folder.mkdir()
    return write_tracker(folder / "tracker.xlsx")


def test_main_screen_80x24(snap_compare, fixed_tracker: Path) -> None:
    assert snap_compare(make_app(fixed_tracker), terminal_size=(80, 24), run_before=settle)


def test_main_screen_wide(snap_compare, fixed_tracker: Path) -> None:
    assert snap_compare(make_app(fixed_tracker), terminal_size=(160, 45), run_before=settle)


def test_after_decisions_and_a_note(snap_compare, fixed_tracker: Path) -> None:
    async def decide(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("x", "j", "s", "e", *"ok", "enter")
        await settle(pilot)

    assert snap_compare(make_app(fixed_tracker), terminal_size=(100, 30), run_before=decide)


def test_help_screen(snap_compare, fixed_tracker: Path) -> None:
    async def open_help(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(make_app(fixed_tracker), terminal_size=(100, 30), run_before=open_help)


def test_filter_dialog(snap_compare, fixed_tracker: Path) -> None:
    async def open_filters(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("f")
        await pilot.pause()

    assert snap_compare(make_app(fixed_tracker), terminal_size=(100, 30), run_before=open_filters)


def test_main_screen_light_theme(snap_compare, fixed_tracker: Path) -> None:
    """Colours come from theme variables: the light theme must read as well as the dark."""

    async def light(pilot: Pilot) -> None:
        pilot.app.theme = "textual-light"
        await settle(pilot)

    assert snap_compare(make_app(fixed_tracker), terminal_size=(100, 30), run_before=light)
