"""The history an annotated workbook keeps of itself: a snapshot per saved scoring in a
very hidden sheet, kept across re-scoring, and compared without last quarter's file."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from click.testing import CliRunner

from tierwise.cli import main
from tierwise.io.history import KEEP, history_sheet, read_history, snapshot
from tierwise.io.log import LogEntry
from tierwise.outputs import write_annotated
from tierwise.pipeline import evaluate
from tierwise.review import compare_with_history, recorded_decisions

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
Q3 = SAMPLES / "quarter_q3.xlsx"


def _score(src: Path, out: Path, as_of: str) -> Path:
    result = CliRunner().invoke(main, ["score", str(src), "-o", str(out), "--as-of", as_of, "-q"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def q3() -> Path:
    if not Q3.exists():
        pytest.skip("samples/quarter_q3.xlsx has not been generated")
    return Q3


def test_each_save_adds_a_snapshot_and_a_same_day_save_replaces_it(
    tmp_path: Path, q3: Path
) -> None:
    first = _score(q3, tmp_path / "a.xlsx", "2026-10-31")
    second = _score(first, tmp_path / "b.xlsx", "2027-01-31")
    third = _score(second, tmp_path / "c.xlsx", "2027-01-31")
    kept = read_history(third)
    assert kept.group_by("date").len().sort("date").rows() == [
        (date(2026, 10, 31), 40),
        (date(2027, 1, 31), 40),
    ]
    crown = kept.filter(
        pl.col("partner") == "Crownpoint Resellers", pl.col("date") == date(2026, 10, 31)
    )
    assert crown["designated_tier"].to_list() == ["strategic"]
    assert crown["flags"].to_list() == [["STRATEGIC_IN_NAME_ONLY"]]
    wb = openpyxl.load_workbook(third)
    assert wb["Tierwise History"].sheet_state == "veryHidden"
    assert wb.sheetnames.count("Tierwise History") == 1


def test_a_tracker_never_annotated_has_no_history(q3: Path) -> None:
    assert read_history(q3).height == 0
    assert compare_with_history(evaluate(q3)) is None


def test_a_rescored_workbook_shows_what_changed_since_its_last_snapshot(
    tmp_path: Path, q3: Path
) -> None:
    saved = _score(q3, tmp_path / "q3.tierwise.xlsx", "2026-10-31")
    # A quarter later, the team relabels two partners in the annotated workbook itself.
    wb = openpyxl.load_workbook(saved)
    ws = wb["Partners"]
    tier_col = next(c.column for c in ws[3] if c.value == "Tier")
    for row in ws.iter_rows(min_row=4):
        if row[0].value == "Crownpoint Resellers":
            row[tier_col - 1].value = "Bronze"
        if row[0].value == "Fernhill Cloud Services":
            row[tier_col - 1].value = "Platinum"
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    review = compare_with_history(evaluate(edited, as_of=date(2027, 1, 31)))
    assert review is not None and review.old_label == "the snapshot of 2026-10-31"
    changes = {r["partner"]: (r["from"], r["to"]) for r in review.diff.tier_changes.to_dicts()}
    assert changes == {
        "Crownpoint Resellers": ("strategic", "casual"),
        "Fernhill Cloud Services": ("tactical", "strategic"),
    }
    verdicts = {r["partner"]: r["carried_out"] for r in review.diff.decisions.to_dicts()}
    assert verdicts["Crownpoint Resellers"] is True  # decided in Q3's Log: casual
    assert review.diff.resources.height == 0  # a snapshot holds no FTE: nothing is invented


def test_only_the_newest_snapshots_are_kept() -> None:
    partners = pl.DataFrame({"row": [2], "partner": ["Acme"], "score": [50.0]})
    days = [date(2024, 1, 1) + timedelta(days=30 * i) for i in range(KEEP + 3)]
    history = pl.concat([snapshot(partners, d) for d in days[:-1]])
    spec = history_sheet(history, snapshot(partners, days[-1]))
    dates = [spec.cells[r][1].value for r in sorted(spec.cells) if r > 1]
    assert dates == [d.isoformat() for d in days[-KEEP:]]


def test_decisions_tierwise_itself_saved_are_read_back_from_column_and_log(
    tmp_path: Path,
) -> None:
    """An annotated OLD as the triage app leaves it: decisions in the decision column
    and in the Log, both written by Tierwise's own writer."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Partner", "Tier"])
    for name, tier in (("Acme Inc.", "Platinum"), ("Globex", "Gold"), ("Initech", "Gold")):
        ws.append([name, tier])
    src = tmp_path / "q3.xlsx"
    wb.save(src)
    decided = pl.DataFrame(
        {"row": [2], "decision": ["tactical"], "decision_note": ["not our one bet"]}
    )
    log = [
        LogEntry(datetime(2026, 9, 30, 9, 0), "dana", "Globex", 3, "tactical", "exit", ""),
        LogEntry(datetime(2026, 9, 30, 9, 5), "dana", "Acme Inc.", 2, "strategic", "tactical", ""),
    ]
    old = tmp_path / "q3.tierwise.xlsx"
    write_annotated(evaluate(src, as_of=date(2026, 9, 30)), old, decisions=decided, log=log)
    found = recorded_decisions(evaluate(old, as_of=date(2026, 9, 30)))
    assert found.select("partner", "decision").rows() == [
        ("Globex", "exit"),
        ("Acme Inc.", "tactical"),
        ("Acme Inc.", "tactical"),
    ]
    assert found["source"].to_list()[0].startswith("Tierwise Log, 2026-09-30")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Partner", "Tier"])
    ws.append(["ACME, Inc", "Gold"])
    ws.append(["Initech", "Gold"])
    new = tmp_path / "q4.xlsx"
    wb.save(new)
    result = CliRunner().invoke(
        main, ["diff", str(old), str(new), "--json", "--as-of", "2026-12-31"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    verdicts = {d["partner"]: d["carried_out"] for d in doc["decisions"]}
    assert verdicts == {"Globex": True, "Acme Inc.": True}
    assert doc["old"]["as_of"] == "2026-09-30"  # from OLD's own snapshot
