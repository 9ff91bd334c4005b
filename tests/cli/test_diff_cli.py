"""`tierwise diff OLD NEW`: two quarters of one portfolio through the CLI (the samples'
quarter_q3 / quarter_q4, and trackers typed with CRM export headers)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from tierwise.cli import main

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
Q3, Q4, Q4_CSV = (SAMPLES / n for n in ("quarter_q3.xlsx", "quarter_q4.xlsx", "quarter_q4.csv"))
DATES = ["--as-of", "2027-01-31", "--old-as-of", "2026-10-31"]


def _diff(*args: object) -> dict:
    result = CliRunner().invoke(main, ["diff", *map(str, args), *DATES, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def quarters() -> dict:
    if not Q3.exists():
        pytest.skip("samples/quarter_q3.xlsx has not been generated")
    return _diff(Q3, Q4)


def _by_partner(items: list[dict]) -> dict[str, dict]:
    return {i["partner"]: i for i in items}


def test_the_contract_members_are_all_there(quarters: dict) -> None:
    for member in (
        "added",
        "removed",
        "tier_changes",
        "score_changes",
        "flags_raised",
        "flags_cleared",
        "decisions",
    ):
        assert isinstance(quarters[member], list), member
    for d in quarters["decisions"]:
        assert set(d) >= {"partner", "decision", "carried_out", "detail"}
        assert d["carried_out"] in (True, False, None)


def test_renamed_partners_are_matched_and_dropped_ones_removed(quarters: dict) -> None:
    assert [p["partner"] for p in quarters["added"]] == ["Wexford Cloud Analytics"]
    assert {p["partner"] for p in quarters["removed"]} == {
        "Foxglove IT Solutions",
        "Tessellate Digital",
    }
    (split,) = quarters["ambiguous"]
    assert [p["partner"] for p in split["old"]] == ["Marlowe Digital Services"]
    assert len(split["new"]) == 2


def test_each_decision_outcome_in_the_sample_quarters(quarters: dict) -> None:
    d = _by_partner(quarters["decisions"])
    assert d["Crownpoint Resellers"]["carried_out"] is True
    assert d["Tessellate Digital"]["carried_out"] is True  # exit: gone
    assert d["Redfern Solutions"]["carried_out"] is True  # exit: labelled Exited
    assert d["Ironbridge Consulting"]["carried_out"] is False
    assert d["Vantage Point Integration"]["carried_out"] is False
    assert d["Stratalink Platforms"]["carried_out"] is None
    assert "blank" in d["Stratalink Platforms"]["detail"]
    assert d["Marlowe Digital Services"]["carried_out"] is None
    # Decided only in the Log (its decision column was cleared): still checked.
    assert d["Brambleway IT"]["carried_out"] is True
    assert d["Brambleway IT"]["source"].startswith("Tierwise Log")


def test_each_change_kind_in_the_sample_quarters(quarters: dict) -> None:
    tiers = _by_partner(quarters["tier_changes"])
    assert (tiers["Fernhill Cloud Services"]["from"], tiers["Fernhill Cloud Services"]["to"]) == (
        "tactical",
        "strategic",
    )
    scores = _by_partner(quarters["score_changes"])
    # Its pipeline grew in Q4 (EXEC_LUNCH cleared; the flag itself costs no points)
    assert scores["Meridian Global Technologies"]["change"] > 5
    assert scores["Silverline Analytics"]["change"] < -5
    assert "EXEC_LUNCH" in _by_partner(quarters["flags_raised"])["Silverline Analytics"]["flags"]
    cleared = _by_partner(quarters["flags_cleared"])
    assert "EXEC_LUNCH" in cleared["Meridian Global Technologies"]["flags"]
    moves = _by_partner(quarters["resources"]["moves"])
    assert moves["Ironbridge Consulting"]["fte"] == {"from": 0.5, "to": 2.5}


def test_header_wording_changed_between_quarters(quarters: dict) -> None:
    # Q4 says "Partner Name", "Partner Level", "Resources (FTE)": each side maps its own.
    assert quarters["new"]["file"].endswith("quarter_q4.xlsx")
    assert "BRIGHTWATER CLINICAL SOFTWARE, INC." not in {p["partner"] for p in quarters["added"]}
    assert quarters["tiers"]["strategic"]["new"] > 0


def test_csv_and_xlsx_of_the_same_quarter_give_the_same_changes(quarters: dict) -> None:
    from_csv = _diff(Q3, Q4_CSV)
    for member in ("added", "removed", "tier_changes", "flags_raised", "flags_cleared"):
        assert [i["partner"] for i in from_csv[member]] == [i["partner"] for i in quarters[member]]
    assert [(d["partner"], d["carried_out"]) for d in from_csv["decisions"]] == [
        (d["partner"], d["carried_out"]) for d in quarters["decisions"]
    ]


def test_the_text_report_leads_with_the_decisions(quarters: dict) -> None:
    result = CliRunner().invoke(main, ["diff", str(Q3), str(Q4), *DATES])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("quarter_q3.xlsx (as of 2026-10-31) → quarter_q4.xlsx")
    assert "4 carried out, 2 not carried out, 2 cannot tell" in result.output
    assert "✗ Ironbridge Consulting: exit" in result.output


def _crm_export(path: Path, headers: list[str], rows: list[list]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_crm_exports_with_different_headers_each_quarter(tmp_path: Path) -> None:
    # Salesforce's partner-account report one quarter, HubSpot's company export the next.
    old = _crm_export(
        tmp_path / "sfdc.xlsx",
        ["Account Name", "Partner Level", "Account Owner", "Closed Won Amount"],
        [
            ["Acme Inc.", "Gold", "Dana", 120000],
            ["Globex Corporation", "Platinum", "Ravi", 0],
            ["Initech, LLC", "Silver", "Dana", 5000],
        ],
    )
    new = _crm_export(
        tmp_path / "hubspot.xlsx",
        ["Company name", "Partner Tier", "Company owner", "Closed Revenue"],
        [
            ["ACME, Inc", "Platinum", "Dana", 480000],
            ["Globex Corp", "Platinum", "Ravi", 0],
            ["Umbrella GmbH", "Bronze", "Lee", 0],
        ],
    )
    doc = _diff(old, new)
    assert [p["partner"] for p in doc["added"]] == ["Umbrella GmbH"]
    assert [p["partner"] for p in doc["removed"]] == ["Initech, LLC"]
    (change,) = doc["tier_changes"]
    assert (change["partner"], change["from"], change["to"]) == (
        "ACME, Inc",
        "tactical",
        "strategic",
    )
    assert doc["decisions"] == []


def test_out_writes_new_annotated_with_one_changes_sheet(tmp_path: Path, quarters: dict) -> None:
    out = tmp_path / "q4.tierwise.xlsx"
    result = CliRunner().invoke(main, ["diff", str(Q3), str(Q4), *DATES, "-o", str(out)])
    assert result.exit_code == 0, result.output
    again = tmp_path / "q4-again.xlsx"
    result = CliRunner().invoke(main, ["diff", str(Q3), str(out), *DATES, "-o", str(again)])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(again)
    assert wb.sheetnames.count("Tierwise Changes") == 1
    ws = wb["Tierwise Changes"]
    rows = list(ws.iter_rows(min_row=6, values_only=True))
    assert ("Decision: not carried out", "Ironbridge Consulting") in {r[:2] for r in rows}
    assert ("Added", "Wexford Cloud Analytics") in {r[:2] for r in rows}
    # Partner names are text, whatever they hold.
    assert all(isinstance(r[1], str) for r in rows)


def test_out_over_old_is_refused(tmp_path: Path) -> None:
    if not Q3.exists():
        pytest.skip("samples not generated")
    old = tmp_path / "old.xlsx"
    old.write_bytes(Q3.read_bytes())
    before = old.read_bytes()
    result = CliRunner().invoke(main, ["diff", str(old), str(Q4), *DATES, "-o", str(old)])
    assert result.exit_code == 1
    assert result.stderr.startswith("tierwise: ") and len(result.stderr.splitlines()) == 1
    assert old.read_bytes() == before


def test_a_missing_file_exits_1_like_every_command(tmp_path: Path) -> None:
    missing = tmp_path / "nope.xlsx"
    result = CliRunner().invoke(main, ["diff", str(missing), str(Q4)])
    assert result.exit_code == 1  # issue 17: 1 for a missing file everywhere, 2 for usage
    assert result.stderr == f"tierwise: {missing} does not exist or is not a file\n"


def test_score_since_adds_the_changes_sheet_and_rescoring_replaces_it(
    tmp_path: Path, quarters: dict
) -> None:
    first = tmp_path / "q4.tierwise.xlsx"
    args = ["--since", str(Q3), "--as-of", "2027-01-31", "-q"]
    result = CliRunner().invoke(main, ["score", str(Q4), "-o", str(first), *args])
    assert result.exit_code == 0, result.output
    assert "since quarter_q3.xlsx: 1 added, 2 removed, 4 of 8 decisions carried out" in (
        result.output
    )
    second = tmp_path / "again.xlsx"
    result = CliRunner().invoke(main, ["score", str(first), "-o", str(second), *args])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(second)
    assert wb.sheetnames.count("Tierwise Changes") == 1
    changes = {r[:2] for r in wb["Tierwise Changes"].iter_rows(min_row=6, values_only=True)}
    assert ("Decision: carried out", "Crownpoint Resellers") in changes
    assert ("Removed", "Tessellate Digital") in changes
    # The portfolio sheet says how each check stood in Q3, beside how it stands now.
    rows = list(wb["Tierwise Portfolio"].iter_rows(values_only=True))
    header = next(r for r in rows if r[0] == "Check")
    assert str(header[4]).startswith("Since 20")
    marks = [r[4] for r in rows[rows.index(header) + 1 : rows.index(header) + 8]]
    assert set(marks) <= {"PASS", "FAIL", "-"} and "FAIL" in marks


def test_score_since_takes_one_tracker_and_writes_a_workbook(quarters: dict) -> None:
    result = CliRunner().invoke(main, ["score", str(Q3), str(Q4), "--since", str(Q3)])
    assert result.exit_code == 1
    assert "--since takes exactly one tracker" in result.stderr
    for extra in (["--json"], ["--format", "csv"]):
        result = CliRunner().invoke(main, ["score", str(Q4), "--since", str(Q3), *extra])
        assert result.exit_code == 1 and "'Tierwise Changes' sheet" in result.stderr


def test_score_since_dates_old_with_old_as_of(tmp_path: Path, quarters: dict) -> None:
    out = tmp_path / "q4.tierwise.xlsx"
    args = ["--since", str(Q3), "--as-of", "2027-01-31", "--old-as-of", "2026-09-30", "-q"]
    result = CliRunner().invoke(main, ["score", str(Q4), "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    title = openpyxl.load_workbook(out)["Tierwise Changes"].cell(1, 1).value
    assert title == "Changes since quarter_q3.xlsx (as of 2026-09-30)"
    alone = CliRunner().invoke(main, ["score", str(Q4), "--old-as-of", "2026-09-30"])
    assert alone.exit_code == 2 and "give --since OLD too" in alone.stderr
