"""`tierwise score`: the ranked terminal report and the JSON result, through the CLI."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from tierwise.cli import main

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "partner_tracker.xlsx"
HEADER = [
    "Partner", "Tier", "Partner Type", "Initiative", "Target Market", "Objective",
    "Revenue Target", "Pipeline", "Closed Revenue", "New Logos", "Exec Sponsor", "FTE", "MDF",
]  # fmt: skip
ROWS = [
    ["Northwind Systems", "Platinum", "Integrator", "Retail Cloud", "UK mid-market retail",
     "Win 20 logos in UK retail", 2_000_000, 900_000, 800_000, 12, "CRO", 2, 100_000],
    ["Contoso", "Strategic", "Reseller", "Retail Cloud", "Global",
     "Strategic alliance to leverage synergies", 200_000_000, 0, 0, 0, None, 0.2, 50_000],
    ["Fabrikam", "Champion", "ISV", None, "Nordic insurers", "Open the Nordic market",
     0, 0, 0, 3, None, 0, 0],
]  # fmt: skip


def make_tracker(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Partners"
    ws.append(HEADER)
    for row in ROWS:
        ws.append(row)
    wb.save(path)
    return path


def run(*args: str):
    return CliRunner().invoke(main, ["score", *args, "--as-of", "2026-10-31"])


def test_the_report_ranks_partners_with_tiers_actions_flags_and_reasons(tmp_path: Path) -> None:
    result = run(str(make_tracker(tmp_path / "t.xlsx")), "-o", str(tmp_path / "out.xlsx"))
    assert result.exit_code == 0, result.output
    out = result.output
    text = " ".join(out.split())  # reasons wrap at 100 columns
    assert "\x1b[" not in out  # no colour when not a terminal
    lines = out.splitlines()
    ranked = [line for line in lines if re.match(r"\s+\d+\s{2}\S", line)]
    assert [line.split()[1] for line in ranked] == ["Northwind", "Fabrikam", "Contoso"]
    contoso = ranked[2]
    assert "strategic → casual" in contoso and "exit" in contoso
    assert "EL VA SN WB" in contoso and "PR" not in contoso.split()
    assert "Exec lunch: Pipeline and closed $0 against a $200M target (0%)" in text
    assert "Strategic in name only: Strategic label but no executive sponsor, 0.2 FTE" in text
    for code in ("STRATEGIC_PARTNERS", "EVERYONE_STRATEGIC", "CASUAL_OWNED_BY_FIELD"):
        assert code in out
    assert "Resources to reallocate" in out and "0.2 FTE and $50k budget" in text
    assert "No announcement column: PRESS_RELEASE not assessed." in text
    assert "Unknown tier label 'Champion'; treated as no tier" in text
    body = result.stdout.splitlines()[1:]  # the title names the file, however long
    assert max(len(line) for line in body) <= 100


def test_json_has_the_contract_schema(tmp_path: Path) -> None:
    result = run(str(make_tracker(tmp_path / "t.xlsx")), "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["as_of"] == "2026-10-31"
    first = doc["partners"][0]
    assert set(first) >= {
        "row", "partner", "partner_type", "designated_tier", "recommended_tier", "action",
        "score", "motivations", "flags", "why",
    }  # fmt: skip
    assert set(first["motivations"]) == {"share", "access", "speed", "ecosystem"}
    contoso = next(p for p in doc["partners"] if p["partner"] == "Contoso")
    assert contoso["flags"] == [
        "EXEC_LUNCH",
        "VAGUE_AGENDA",
        "STRATEGIC_IN_NAME_ONLY",
        "WHY_BOTHER",
    ]
    assert contoso["motivations"]["speed"] is None
    checks = doc["portfolio"]["designated"]["checks"]
    assert [c["code"] for c in checks][:2] == ["STRATEGIC_INITIATIVES", "STRATEGIC_PARTNERS"]
    assert doc["portfolio"]["reallocate"]["fte"] == 0.2
    assert any("Champion" in w["message"] for w in doc["warnings"])


@pytest.mark.parametrize("slice_size", [1, 2, 3, 100])
def test_json_written_in_slices_is_the_same_document(
    slice_size: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tierwise.report import document

    path = str(make_tracker(tmp_path / "t.xlsx"))
    whole = json.loads(run(path, "--json").stdout)
    monkeypatch.setattr(document, "SLICE", slice_size)
    sliced = run(path, "--json")
    assert sliced.exit_code == 0, sliced.output
    assert json.loads(sliced.stdout) == whole
    assert sorted(p["partner"] for p in whole["partners"]) == sorted(r[0] for r in ROWS)
    other = str(make_tracker(tmp_path / "u.xlsx"))
    both = json.loads(run(path, other, "--json").stdout)  # an array of two documents
    assert [d["source"]["file"] for d in both] == [path, other]
    assert [d["partners"] for d in both] == [whole["partners"]] * 2


def test_the_sample_report_reads_like_a_triage(tmp_path: Path) -> None:
    if not SAMPLE.exists():
        pytest.skip("samples/partner_tracker.xlsx has not been generated")
    copy = shutil.copy(SAMPLE, tmp_path / "partner_tracker.xlsx")
    result = run(str(copy))
    assert result.exit_code == 0, result.output
    out = result.output
    text = " ".join(out.split())
    assert "Meridian Global Technologies" in out
    assert "Exec lunch: Pipeline and closed $150k against a $200M target" in text
    assert "recommended ✓" in out and "designated  ✗" in out
    assert "What the tracker does not tell us" not in out  # it records every field


def test_the_report_lists_the_top_partners_and_says_how_many_more(tmp_path: Path) -> None:
    if not SAMPLE.exists():
        pytest.skip("samples/partner_tracker.xlsx has not been generated")
    copy = shutil.copy(SAMPLE, tmp_path / "partner_tracker.xlsx")

    def ranked(*options: str) -> tuple[list[str], str]:
        result = run(str(copy), "-o", str(tmp_path / "out.xlsx"), *options)
        assert result.exit_code == 0, result.output
        lines = result.stdout.splitlines()
        return [line for line in lines if re.match(r"\s+\d+\s{2}\S", line)], result.stdout

    five, out = ranked("--top", "5")
    assert [int(line.split()[0]) for line in five] == [1, 2, 3, 4, 5]
    assert "… and 35 more partners: --top 0 lists them all" in out
    everyone, out = ranked("--top", "0")
    assert len(everyone) == 40 and "more partners" not in out
    assert everyone[:5] == five  # the same ranking, cut
    assert run(str(copy), "--top", "-1").exit_code == 2


@pytest.mark.parametrize("target", ["missing/out.xlsx", "missing/out.json"])
def test_an_output_that_cannot_be_written_is_refused_before_reading(
    target: str, tmp_path: Path
) -> None:
    # The input is not a spreadsheet at all: the error names the output, so the output
    # was checked first (before seconds of reading and scoring a big tracker).
    bad = tmp_path / "t.xlsx"
    bad.write_text("not a workbook")
    result = run(str(bad), "-o", str(tmp_path / target))
    assert result.exit_code == 1
    assert f"cannot write {tmp_path / target}" in result.output
    assert not (tmp_path / "missing").exists()
