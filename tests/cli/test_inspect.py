"""`tierwise inspect`, through click's CliRunner."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from tierwise.cli import main


def tracker(tmp_path: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.active.title = "Read me"
    wb.active.append(["Nothing to see"])
    ws = wb.create_sheet("Partners")
    ws.append(["Partner tracker"])
    ws.append(["Partner", "Tier", "Pipeline ($)", "Region"])
    ws.append(["Acme", "Gold", "lots", "EMEA"])
    ws.append(["Beta", "Bronze", "1,000", "APAC"])
    path = tmp_path / "tracker.xlsx"
    wb.save(path)
    return path


def test_inspect_reports_sheet_header_mapping_and_warnings(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["inspect", str(tracker(tmp_path))])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Partners (sheet 2); other sheets: Read me" in out
    assert "Header row: 2" in out
    assert "Pipeline ($)" in out and "-> pipeline" in out
    assert "Unmapped columns (1)" in out and "Region" in out
    assert "Fields this tracker does not record" in out and "exec_sponsor" in out
    assert "Partners!C3: Pipeline ($): 'lots' is not an amount; left blank" in out


def test_inspect_json_is_source_and_warnings(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["inspect", str(tracker(tmp_path)), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert set(doc) == {"source", "warnings"}
    assert doc["source"]["sheet"] == "Partners"
    assert doc["source"]["header_row"] == 2
    assert doc["source"]["mapping"] == {
        "Partner": "partner",
        "Tier": "designated_tier",
        "Pipeline ($)": "pipeline",
    }
    assert doc["source"]["unmapped"] == ["Region"]
    assert doc["warnings"] == [
        {"where": "Partners!C3", "message": "Pipeline ($): 'lots' is not an amount; left blank"}
    ]


def test_inspect_sheet_and_map_options(tmp_path: Path) -> None:
    path = tracker(tmp_path)
    args = ["inspect", str(path), "--sheet", "2", "--map", "Region=target_market", "--json"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["source"]["mapping"]["Region"] == "target_market"


def test_many_bad_cells_are_one_warning_per_column_and_kind(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "P"
    ws.append(["Partner", "Pipeline", "Start Date"])
    for i in range(2000):
        bad = i % 4 == 0
        ws.append([f"Partner {i}", "lots" if bad else 1000 + i, "someday" if bad else "2025-01-01"])
    path = tmp_path / "noisy.xlsx"
    wb.save(path)
    result = CliRunner().invoke(main, ["inspect", str(path)])
    assert result.exit_code == 0, result.output
    assert "Warnings (2)" in result.output
    assert (
        "P!B2: Pipeline: 500 values are not an amount ('lots' (B2), 'lots' (B6), 'lots' (B10), "
        "...); left blank"
    ) in result.output
    assert "P!C2: Start Date: 500 values are not a date" in result.output


def test_a_bad_file_is_one_line_on_stderr_and_exit_1(tmp_path: Path) -> None:
    path = tmp_path / "secret.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    result = CliRunner().invoke(main, ["inspect", str(path)])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and result.output.startswith("tierwise: ")
    assert "Traceback" not in result.output


def test_allow_large_passes_through(tmp_path: Path) -> None:
    path = tracker(tmp_path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/padding.bin", b"\0" * 60_000_000)
    refused = CliRunner().invoke(main, ["inspect", str(path)])
    assert refused.exit_code == 1 and "--allow-large" in refused.output
    allowed = CliRunner().invoke(main, ["inspect", str(path), "--allow-large", "--json"])
    assert allowed.exit_code == 0, allowed.output
    assert json.loads(allowed.output)["source"]["sheet"] == "Partners"


def test_inspect_the_messy_sample(samples_dir: Path) -> None:
    path = samples_dir / "messy_tracker.xlsx"
    if not path.exists():
        pytest.skip("samples/messy_tracker.xlsx has not been generated")
    result = CliRunner().invoke(main, ["inspect", str(path), "--json"])
    assert result.exit_code == 0, result.output
    source = json.loads(result.output)["source"]
    assert (source["sheet"], source["header_row"]) == ("FY26 Partners", 5)
    mapped, unmapped = len(source["mapping"]), len(source["unmapped"])
    assert mapped / (mapped + unmapped) >= 0.9


def test_a_tracker_typed_by_an_ops_team_maps_as_a_person_would(tmp_path: Path) -> None:
    """Abbreviations, units, run-on headers and an alias plus a stray word, on a sheet
    with a title row: every column a partnerships lead would map is mapped."""
    headers = {
        "Partner": "partner",
        "Prog.": "initiative",
        "Tier (Gold/Silver)": "designated_tier",
        "Mkt": "target_market",
        "Pipe $": "pipeline",
        "Won Rev FY26": "closed_revenue",
        "Exec Sponsor?": "exec_sponsor",
        "Last touch": "last_activity",
        "Notes/next steps": "notes",
        "FTE allocated": "fte",
        "MDF ($k)": "budget",
        "# joint customers": "new_logos",
        "Certified ppl": "certifications",
        "Marketplace listed (Y/N)": "marketplace",
        "Target ($k)": "revenue_target",
        "Started": "start_date",
        "Owner": "owner",
    }
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Alliance tracker, kept by partner ops"])
    ws.append([])
    ws.append(list(headers))
    for i in range(6):
        ws.append(
            [
                f"Partner {i} Ltd",
                "Cloud migration",
                "Gold",
                "DACH manufacturing",
                "$250k",
                120_000 * i,
                "Jane Doe",
                "2026-09-14",
                "call back",
                0.5,
                25,
                i,
                3,
                "Y",
                1500,
                "2024-03-01",
                "Bob",
            ]
        )
    path = tmp_path / "ops.xlsx"
    wb.save(path)
    result = CliRunner().invoke(main, ["inspect", str(path), "--json"])
    assert result.exit_code == 0, result.output
    source = json.loads(result.output)["source"]
    assert source["header_row"] == 3
    assert source["mapping"] == headers
