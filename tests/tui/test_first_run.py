"""Issue 17 in the app: small terminals, whole partner names, `p` then Enter, the line
`tierwise triage` prints after "Save and quit", settings in words on the what-if screen,
and "not assessed" never shown as a tick or a zero."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.app import App
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import Label

from tests.helpers_workbooks import bare_tracker
from tests.tui.conftest import ROWS, make_app, open_whatif, settle, write_tracker
from tierwise.cli import main
from tierwise.tui.app import TriageApp
from tierwise.tui.screens.choice import ChoiceScreen
from tierwise.tui.screens.whatif import input_id

LONG_NAME = "Northwind Cloud Infrastructure Partners"  # 39 characters, then one more
LONG_NAME += "X"


def footer_text(app: TriageApp) -> str:
    return str(app.main_screen.query_one("#keybar").render())


def table_lines(app: TriageApp) -> list[str]:
    table = app.table
    return [table.render_line(y).text for y in range(table.size.height)]


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_the_footer_always_shows_quit_help_and_save(tracker: Path, size) -> None:
    app = make_app(tracker)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        text = footer_text(app)
        assert len(text) <= size[0]
        for words in ("q Quit", "? Help", "^s Save", "s Strategic", "x Exit"):
            assert words in text


@pytest.mark.parametrize("size", [(160, 45), (200, 50)])
async def test_a_40_character_partner_name_shows_whole(tmp_path: Path, size) -> None:
    assert len(LONG_NAME) == 40
    rows = [list(r) for r in ROWS]
    rows[0][0] = LONG_NAME
    app = make_app(write_tracker(tmp_path / "long.xlsx", rows))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        lines = table_lines(app)
        assert any(LONG_NAME in line for line in lines), lines[:3]
        header = lines[0]
        for title in ("Tier", "Recommend", "Decision", "Action", "Score", "Flags"):
            assert title in header


async def test_p_then_enter_shows_the_first_checks_partners_at_once(tracker: Path) -> None:
    app = make_app(tracker)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("p", "enter")
        await pilot.pause()
        assert app.filters.rows is not None  # the drill-down happened without a Down first
        assert app.focused is app.table


def test_save_and_quit_says_what_was_saved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_tracker(tmp_path / "tracker.xlsx")
    out = tmp_path / "out.xlsx"

    async def decide_then_save_and_quit(pilot: Pilot) -> None:
        app = pilot.app
        assert isinstance(app, TriageApp)
        while app.session is None:
            await pilot.pause(0.05)
        await pilot.press("x", "q")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.click("#save")

    def run(self: TriageApp) -> None:
        return App.run(self, headless=True, size=(100, 30), auto_pilot=decide_then_save_and_quit)

    monkeypatch.setattr(TriageApp, "run", run)
    result = CliRunner().invoke(
        main, ["triage", str(path), "-o", str(out), "--as-of", "2026-10-31"]
    )
    assert result.exit_code == 0, result.output
    assert out.exists()
    assert result.stdout.strip() == f"Saved 1 decision to {out}"


async def test_the_whatif_screen_shows_settings_in_words_with_the_key_as_hint(
    tracker: Path,
) -> None:
    app = make_app(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_whatif(pilot)
        labels = [str(label.render()) for label in screen.query(Label)]
        assert "Penalty for Press-release partnering" in labels
        assert not any("." in text and "_" in text for text in labels)  # no raw keys
        key = "score.penalty_press_release"
        screen.query_one(f"#{input_id(key)}").focus()
        await pilot.pause()
        hint = str(screen.query_one("#whatif-hint").render())
        in_use = app.ev.rubric.get(key)
        assert hint.startswith(f"{key} (rubric in use: {in_use:g}")


async def test_what_the_tracker_cannot_judge_is_never_a_tick_or_a_zero(tmp_path: Path) -> None:
    path = bare_tracker(tmp_path / "bare.xlsx")
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        panel = app.main_screen.query_one("#portfolio")
        options = [panel.get_option_at_index(i) for i in range(panel.option_count)]
        texts = {o.id: Content.from_markup(str(o.prompt)).plain for o in options}
        # no initiative column: the initiative checks are not assessed, on both sides
        assert "n/a → " in texts["check:STRATEGIC_INITIATIVES"]
        assert "✓" not in texts["check:STRATEGIC_INITIATIVES"]
        assert "not assessed" in texts["flag:EXEC_LUNCH"]
        assert "not assessed" not in texts["flag:STRATEGIC_IN_NAME_ONLY"]  # tiers are there


async def test_the_share_labelled_strategic_shows_both_of_its_limits(tracker: Path) -> None:
    """It fails on the share (25%) or on the count (the strategic partners' cap, 2):
    showing only "max 25" made a 17.5% share read as a failure for no reason."""
    app = make_app(tracker)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        panel = app.main_screen.query_one("#portfolio")
        option = panel.get_option("check:EVERYONE_STRATEGIC")
        text = Content.from_markup(str(option.prompt)).plain
        assert text.endswith("≤25% ≤2")
        # The share itself reads as one too, designated and after decisions.
        assert re.search(r"[✓✗] ?\d+% → [✓✗] ?\d+% ", text), text
