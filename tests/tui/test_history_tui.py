"""The triage app on a workbook that keeps its history: each partner's score and tier over
the saved reviews (a sparkline in the detail pane), and the "changed since last review"
filter."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from tierwise.cli import main
from tierwise.tui.widgets.detail import sparkline

from .conftest import SIZE, make_app, select, settle


def _reviewed_then_edited(tracker: Path, tmp_path: Path) -> Path:
    """The tracker scored and saved at the last review, then relabelled by the team."""
    saved = tmp_path / "reviewed.xlsx"
    result = CliRunner().invoke(
        main, ["score", str(tracker), "-o", str(saved), "--as-of", "2026-07-31", "-q"]
    )
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(saved)
    ws = wb["Partners"]  # the annotated workbook opens on its portfolio sheet
    tier = [c.value for c in ws[1]].index("Tier")
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "Globex Consulting":
            row[tier].value = "Bronze"
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    return edited


async def test_history_in_the_detail_pane_and_the_changed_filter(
    tracker: Path, tmp_path: Path
) -> None:
    path = _reviewed_then_edited(tracker, tmp_path)
    app = make_app(path, as_of=date(2026, 10, 31))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, "Globex Consulting")
        await settle(pilot)
        detail = str(app.main_screen.query_one("#detail-body").render())
        assert "History" in detail and "since 2026-07-31" in detail
        assert "strategic → casual" in detail
        assert "changed since the last review" in detail
        await pilot.press("f")
        await pilot.click("#filter-changed")
        await pilot.click("#apply")
        await settle(pilot)
        shown = {app.session.partner(p)["partner"] for p in app.table.view}
        assert "Globex Consulting" in shown
        assert 0 < len(shown) < len(app.session)
        assert all(app.session.partner(p)["changed"] for p in app.table.view)


async def test_a_tracker_without_history_shows_none_and_filters_to_nothing(
    tracker: Path,
) -> None:
    app = make_app(tracker)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        detail = str(app.main_screen.query_one("#detail-body").render())
        assert "History" not in detail
        await pilot.press("f")
        await pilot.click("#filter-changed")
        await pilot.click("#apply")
        await settle(pilot)
        assert app.table.view == []


def test_sparkline_is_on_the_absolute_scale() -> None:
    assert sparkline([0, 50, 100, None]) == "▁▅█·"
