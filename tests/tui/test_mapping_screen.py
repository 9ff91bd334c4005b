"""The mapping screen (M): every column with its values, field and how sure; a changed
field re-scores the partners at once and is stored in the workbook on save."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, OptionList

from tests.tui.conftest import make_app, row_of, select, settle
from tierwise.io.reader import read_tracker
from tierwise.tui.screens.mapping import FieldScreen, MappingScreen


async def test_a_column_remapped_rescores_keeps_decisions_and_is_saved(tracker: Path) -> None:
    out = tracker.with_name("out.xlsx")
    app = make_app(tracker, output=out)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await select(pilot, "Globex Consulting")
        await pilot.press("x")
        before = app.session.table.select("partner", "flags", "why").rows()

        await pilot.press("M")
        screen = app.screen
        assert isinstance(screen, MappingScreen)
        table = screen.query_one("#mapping-table", DataTable)
        rows = {str(k.value): table.get_row(k) for k in table.rows}
        assert rows["Exec Sponsor"][3:] == ["exec_sponsor", "sure: an alias"]
        assert "CRO" in str(rows["Exec Sponsor"][2])  # sample values, as written
        table.move_cursor(row=list(rows).index("Exec Sponsor"))
        await pilot.press("enter")
        assert isinstance(app.screen, FieldScreen)
        app.screen.query_one(OptionList).highlighted = 0  # (not mapped)
        await pilot.press("enter")
        await settle(pilot)

        src = app.ev.tracker.source
        assert "Exec Sponsor" in src.unmapped and src.declined == ["Exec Sponsor"]
        assert "exec_sponsor" not in app.ev.tracker.frame.columns
        assert app.session.table.select("partner", "flags", "why").rows() != before
        assert app.session.state(row_of(app, "Globex Consulting"))[0] == "exit"
        assert app.unsaved
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not app.unsaved
    again = read_tracker(out)
    assert "Exec Sponsor" in again.source.unmapped
    assert again.source.declined == ["Exec Sponsor"]


async def test_a_column_can_be_given_a_field_from_the_list(tracker: Path) -> None:
    app = make_app(tracker, output=tracker.with_name("out.xlsx"))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("M")
        table = app.screen.query_one("#mapping-table", DataTable)
        headers = [str(k.value) for k in table.rows]
        table.move_cursor(row=headers.index("Team"))
        await pilot.press("enter")
        fields = app.screen.query_one(OptionList)
        fields.highlighted = next(
            i for i in range(fields.option_count) if fields.get_option_at_index(i).id == "notes"
        )
        await pilot.press("enter")
        await settle(pilot)
        assert app.ev.tracker.source.mapping["Team"] == "notes"
        assert app.ev.tracker.source.confidence["Team"] == "user"
        assert "owner_team" not in app.ev.tracker.frame.columns
