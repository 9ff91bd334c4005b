"""`tierwise template`: a blank tracker with drop-downs, header notes and rules of engagement."""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from tierwise.cli import main
from tierwise.errors import TierwiseError
from tierwise.fields import FIELDS, PARTNER_TYPES
from tierwise.io.reader import read_tracker
from tierwise.io.strategy import STRATEGY_SHEET, read_strategy
from tierwise.io.template import EXAMPLE_MARK, RULES_SHEET, TRACKER_SHEET
from tierwise.outputs import write_template
from tierwise.scoring.rubric import load_rubric


@pytest.fixture
def template(tmp_path: Path) -> Path:
    path = tmp_path / "tracker.xlsx"
    write_template(path, load_rubric())
    return path


def _validations(ws) -> dict[str, list[str]]:
    """Header of the validated column -> the choices of its drop-down."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        assert dv.type == "list"
        first = str(dv.sqref).split(":")[0]
        header = ws[first.rstrip("0123456789") + "1"].value
        out[header] = dv.formula1.strip('"').split(",")
    return out


def test_reading_the_template_maps_every_column(template: Path) -> None:
    tracker = read_tracker(template)
    assert tracker.source.sheet == TRACKER_SHEET and tracker.source.header_row == 1
    assert set(tracker.source.mapping.values()) == set(FIELDS)
    assert tracker.source.unmapped == []
    assert tracker.warnings == []


def test_the_example_row_reads_as_typed_values(template: Path) -> None:
    row = read_tracker(template).frame.row(0, named=True)
    assert "EXAMPLE" in row["partner"] and row["notes"] == EXAMPLE_MARK
    assert row["partner_type"] == "integrator"
    assert row["sourced_share"] == pytest.approx(45.0)
    assert row["marketplace"] is True
    assert row["budget"] == 60000


def test_tier_type_and_marketplace_have_drop_downs(template: Path) -> None:
    ws = openpyxl.load_workbook(template)[TRACKER_SHEET]
    drops = _validations(ws)
    assert drops["Tier"] == ["Strategic", "Tactical", "Casual"]
    assert drops["Marketplace"] == ["Yes", "No"]
    assert len(drops["Partner Type"]) == len(PARTNER_TYPES)


def test_every_partner_type_choice_reads_as_its_category(tmp_path: Path, template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    ws = wb[TRACKER_SHEET]
    choices = _validations(ws)["Partner Type"]
    type_col = [c.value for c in ws[1]].index("Partner Type") + 1
    for i, choice in enumerate(choices, start=2):
        ws.cell(row=i, column=1, value=f"Partner {i}")
        ws.cell(row=i, column=type_col, value=choice)
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)
    assert read_tracker(filled).frame["partner_type"].to_list() == list(PARTNER_TYPES)


def test_every_header_carries_a_note_and_the_sheet_is_set_up(template: Path) -> None:
    ws = openpyxl.load_workbook(template)[TRACKER_SHEET]
    headers = list(ws[1])
    assert len(headers) == len(FIELDS)
    for cell in headers:
        assert cell.comment is not None and len(cell.comment.text) > 20, cell.value
    assert ws.freeze_panes == "B2"
    assert ws.auto_filter.ref.startswith("A1:")
    assert all(ws.column_dimensions[c.column_letter].width > 8 for c in headers)


def test_rules_of_engagement_cover_the_three_tiers(template: Path) -> None:
    ws = openpyxl.load_workbook(template)[RULES_SHEET]
    texts = list(ws.iter_rows(values_only=True))
    assert texts[3][1:4] == ("Strategic", "Tactical", "Casual")
    topics = {row[0] for row in texts}
    for topic in ("Limits", "Who owns it", "What it gets from us", "What it owes us"):
        assert topic in topics
    assert {"Moves up when", "Moves down or out when"} <= topics
    limits = next(row for row in texts if row[0] == "Limits")
    assert "1-2 strategic partners" in limits[1] and "3-10 tactical partners" in limits[2]
    assert "field" in next(row for row in texts if row[0] == "Who owns it")[3].lower()
    assert {"EXEC_LUNCH", "PRESS_RELEASE", "VAGUE_AGENDA", "WHY_BOTHER"} <= topics


def test_rules_follow_the_rubric(tmp_path: Path) -> None:
    rubric = load_rubric().with_values({"tiers.tactical_partners_max": 8})
    path = tmp_path / "t.xlsx"
    write_template(path, rubric)
    ws = openpyxl.load_workbook(path)[RULES_SHEET]
    limits = next(r for r in ws.iter_rows(values_only=True) if r[0] == "Limits")
    assert "3-8 tactical partners" in limits[2]


def test_header_notes_follow_the_rubric(tmp_path: Path) -> None:
    """`template --rubric` states the given rubric's numbers everywhere, notes included."""
    rubric = tmp_path / "r.toml"
    rubric.write_text(
        "[tiers]\nstrategic_partners_max = 4\n"
        "[flags.strategic_in_name_only]\nmax_days_inactive = 45\n"
    )
    path = tmp_path / "t.xlsx"
    assert CliRunner().invoke(main, ["template", str(path), "--rubric", str(rubric)]).exit_code == 0
    book = openpyxl.load_workbook(path)
    notes = " ".join(c.comment.text for c in book[TRACKER_SHEET][1] if c.comment)
    assert "At most 4 strategic partners" in notes and "idle for 45 days" in notes
    assert "At most 2 strategic" not in notes and "90 days are flagged" not in notes
    rules = " ".join(str(v) for row in book[RULES_SHEET].iter_rows(values_only=True) for v in row)
    assert "idle for 45 days" in rules


def test_refuses_to_overwrite_unless_forced(template: Path) -> None:
    template.write_bytes(b"keep me")
    with pytest.raises(TierwiseError, match="already exists"):
        write_template(template, load_rubric())
    assert template.read_bytes() == b"keep me"
    write_template(template, load_rubric(), force=True)
    assert openpyxl.load_workbook(template).sheetnames == [
        TRACKER_SHEET,
        STRATEGY_SHEET,
        RULES_SHEET,
    ]


def test_leaves_no_temporary_file_behind(template: Path) -> None:
    assert os.listdir(template.parent) == [template.name]


@pytest.mark.parametrize("name", ["tracker.csv", "missing/tracker.xlsx"])
def test_bad_destinations_are_one_clear_error(tmp_path: Path, name: str) -> None:
    with pytest.raises(TierwiseError):
        write_template(tmp_path / name, load_rubric())


def test_cli_writes_then_refuses_then_forces(tmp_path: Path) -> None:
    out = tmp_path / "new.xlsx"
    runner = CliRunner()
    first = runner.invoke(main, ["template", str(out)])
    assert first.exit_code == 0 and out.exists()
    again = runner.invoke(main, ["template", str(out)])
    assert again.exit_code == 1 and "--force" in again.output
    forced = runner.invoke(main, ["template", str(out), "--force"])
    assert forced.exit_code == 0


def test_the_strategy_sheet_reads_back_what_it_declares(tmp_path: Path) -> None:
    rubric = load_rubric().with_values(
        {
            "strategy.strategic_initiative": "US Hospital Cloud",
            "strategy.tactical_initiatives": ["Retail Co-sell", "EMEA Channel", "IoT"],
        }
    )
    path = tmp_path / "declared.xlsx"
    write_template(path, rubric)
    assert read_strategy(path) == {
        "strategic_initiative": "US Hospital Cloud",
        "tactical_initiatives": ["Retail Co-sell", "EMEA Channel", "IoT"],
    }
    # the blank template declares nothing: Tierwise will propose
    blank = tmp_path / "blank.xlsx"
    write_template(blank, load_rubric())
    assert read_strategy(blank) == {}
