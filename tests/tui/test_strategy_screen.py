"""Declaring the strategy in the triage app (S): the slots follow it, and it is saved
with the workbook."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.tui.conftest import make_app, row_of, settle
from tierwise.tui.screens.strategy import StrategyScreen

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "partner_tracker.xlsx"


async def test_declaring_the_strategy_rescores_and_is_saved(tmp_path: Path) -> None:
    tracker = tmp_path / "partners.xlsx"
    shutil.copy(SAMPLE, tracker)
    out = tmp_path / "out.xlsx"
    app = make_app(tracker, output=out)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        before = app.ev.scored.portfolio.strategy
        assert not before.declared and "declare it" in before.detail
        await pilot.press("S")
        screen = app.screen
        assert isinstance(screen, StrategyScreen)
        # the tracker's initiatives are offered as hints
        assert "Retail Analytics Co-sell" in str(screen.query(".hint").first().render())
        screen.query_one("#strategy-strategic_initiative").value = "Retail Analytics Co-sell"
        screen.query_one(
            "#strategy-tactical_initiatives"
        ).value = "Mid-market Cloud Migration; EMEA Channel Expansion, Manufacturing IoT"
        screen.query_one("#strategy-strategic_initiative").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, StrategyScreen)
        strategy = app.ev.scored.portfolio.strategy
        assert strategy.declared and strategy.strategic_initiative == "Retail Analytics Co-sell"
        assert strategy.tactical_initiatives == (
            "Mid-market Cloud Migration",
            "EMEA Channel Expansion",
            "Manufacturing IoT",
        )
        table = app.session.table
        strategic = table.filter(table["recommended_tier"] == "strategic")
        assert set(strategic["initiative"]) <= {"Retail Analytics Co-sell"}
        brightwater = app.session.partner(
            app.session.position(row_of(app, "Brightwater Clinical Software"))
        )
        assert brightwater["recommended_tier"] != "strategic"
        await pilot.press("ctrl+s")
        await settle(pilot)

    reopened = make_app(out, output=tmp_path / "out-2.xlsx")
    async with reopened.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        assert reopened.ev.scored.portfolio.strategy.declared


async def test_escape_leaves_the_strategy_as_it_was(tmp_path: Path) -> None:
    tracker = tmp_path / "partners.xlsx"
    shutil.copy(SAMPLE, tracker)
    app = make_app(tracker)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        await pilot.press("S")
        app.screen.query_one("#strategy-strategic_initiative").value = "Something"
        await pilot.press("escape")
        await settle(pilot)
        assert not app.ev.scored.portfolio.strategy.declared
        assert not app.unsaved
