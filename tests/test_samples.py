"""The committed sample trackers: reproducible, readable, and planting what README.md says."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from tierwise.fields import FIELDS
from tierwise.io.reader import read_tracker
from tierwise.io.tracker import Tracker
from tierwise.pipeline import evaluate

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
AS_OF = date(2026, 10, 31)
FILES = ("partner_tracker.xlsx", "messy_tracker.xlsx", "partner_tracker.csv")


def _cells(path: Path, *, data_only: bool = False) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path, data_only=data_only)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


def _planted() -> dict[str, tuple[tuple[str, ...], str, str]]:
    """README's table: partner -> (intended flags, recommended tier, action)."""
    rows = {}
    pattern = r"\| \d+ \| ([^|]+) \| [^|]+ \| [^|]+ \| ([^|]+) \| (\w+) \| (\w+) \|"
    for line in (SAMPLES / "README.md").read_text(encoding="utf-8").splitlines():
        m = re.match(pattern, line)
        if m:
            flags = tuple(sorted(re.findall(r"`(\w+)`", m.group(2))))
            rows[m.group(1).strip()] = (flags, m.group(3), m.group(4))
    return rows


@pytest.fixture(scope="module")
def trackers() -> dict[str, Tracker]:
    """Each sample read once for the module."""
    return {name: read_tracker(SAMPLES / name) for name in FILES}


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("samples")
    subprocess.run(
        [
            sys.executable,
            str(SAMPLES / "make_samples.py"),
            "--out",
            str(out),
            "--as-of",
            "2026-10-31",
        ],
        check=True,
        capture_output=True,
    )
    return out


@pytest.mark.parametrize(
    "name", ["partner_tracker.xlsx", "messy_tracker.xlsx", "quarter_q3.xlsx", "quarter_q4.xlsx"]
)
def test_regenerating_gives_the_committed_cell_values(regenerated: Path, name: str) -> None:
    assert _cells(regenerated / name) == _cells(SAMPLES / name)
    assert _cells(regenerated / name, data_only=True) == _cells(SAMPLES / name, data_only=True)


@pytest.mark.parametrize("name", ["partner_tracker.csv", "README.md", "quarter_q4.csv"])
def test_regenerating_gives_the_committed_text(regenerated: Path, name: str) -> None:
    assert (regenerated / name).read_text("utf-8") == (SAMPLES / name).read_text("utf-8")


def test_another_reference_date_moves_every_date(
    tmp_path: Path, trackers: dict[str, Tracker]
) -> None:
    subprocess.run(
        [
            sys.executable,
            str(SAMPLES / "make_samples.py"),
            "--out",
            str(tmp_path),
            "--as-of",
            "2026-11-30",
        ],
        check=True,
        capture_output=True,
    )
    before = trackers["partner_tracker.xlsx"].frame
    after = read_tracker(tmp_path / "partner_tracker.xlsx").frame
    assert (
        after["last_activity"] - before["last_activity"]
    ).dt.total_days().unique().to_list() == [30]


def test_tidy_tracker_is_styled_like_an_ops_tracker() -> None:
    wb = openpyxl.load_workbook(SAMPLES / "partner_tracker.xlsx")
    assert wb.sheetnames == ["Partners", "Lists"]
    ws = wb["Partners"]
    assert ws["A1"].value.startswith("Quillstone Software") and ws["A3"].value == "Partner"
    assert ws["A3"].font.b and ws["A3"].fill.fgColor.rgb.endswith("1F4E79")
    assert ws.freeze_panes == "B4"
    assert ws.auto_filter.ref == "A3:AG43"
    formulas = sorted(dv.formula1 for dv in ws.data_validations.dataValidation)
    assert formulas == ["=Lists!$A$2:$A$8", "=Lists!$B$2:$B$10"]
    lists = [c.value for c in wb["Lists"]["A"][1:]]
    assert "Platinum" in lists and "Registered" in lists
    headers = [c.value for c in ws[3]]
    start = ws.cell(row=4, column=headers.index("Start Date") + 1)
    budget = ws.cell(row=4, column=headers.index("MDF ($)") + 1)
    assert isinstance(start.value, datetime)
    assert isinstance(budget.value, int | float) and "$" in budget.number_format
    comments = [c.comment.text for row in ws.iter_rows() for c in row if c.comment]
    assert any("Davos" in text for text in comments)


def test_tidy_tracker_and_csv_map_every_canonical_field(trackers: dict[str, Tracker]) -> None:
    for name in ("partner_tracker.xlsx", "partner_tracker.csv"):
        tracker = trackers[name]
        assert set(tracker.source.mapping.values()) == set(FIELDS)
        assert tracker.source.unmapped == []
        assert tracker.frame.height == 40
        assert tracker.warnings == []


def test_messy_tracker_is_found_and_mapped(trackers: dict[str, Tracker]) -> None:
    tracker = trackers["messy_tracker.xlsx"]
    source = tracker.source
    assert (source.sheet, source.header_row) == ("FY26 Partners", 5)
    assert len(source.mapping) / (len(source.mapping) + len(source.unmapped)) >= 0.9
    assert set(source.mapping.values()) == set(FIELDS)
    assert tracker.frame.height == 40  # the TOTAL row is not a partner


def test_messy_tracker_is_kept_the_messy_way() -> None:
    wb = openpyxl.load_workbook(SAMPLES / "messy_tracker.xlsx")
    assert wb.sheetnames[0] == "Read me"
    ws = wb["FY26 Partners"]
    assert ws.column_dimensions["A"].hidden
    assert "K4:L4" in {str(r) for r in ws.merged_cells.ranges}
    texts = {v for row in ws.iter_rows(min_row=6, values_only=True) for v in row}
    for typed in ("$5.2M", "650k", "55%", "70 days", "n/a", "TBD"):
        assert typed in texts
    assert any(isinstance(v, str) and re.fullmatch(r"\d\d/\d\d/\d{4}", v) for v in texts)
    assert any(isinstance(v, str) and re.fullmatch(r"[A-Z][a-z]{2} \d+, \d{4}", v) for v in texts)


def test_messy_totals_carry_their_cached_values() -> None:
    formulas = _cells(SAMPLES / "messy_tracker.xlsx")["FY26 Partners"]
    cached = _cells(SAMPLES / "messy_tracker.xlsx", data_only=True)["FY26 Partners"]
    total = next(i for i, row in enumerate(formulas) if row[1] == "TOTAL")
    checked = 0
    for col, formula in enumerate(formulas[total]):
        if isinstance(formula, str) and formula.startswith("=SUM("):
            numbers = [r[col] for r in formulas[5:total] if isinstance(r[col], int | float)]
            assert cached[total][col] == pytest.approx(sum(numbers))
            checked += 1
    assert checked == 5


def test_the_three_files_hold_the_same_partners(trackers: dict[str, Tracker]) -> None:
    tidy = trackers["partner_tracker.xlsx"].frame.drop("row")
    for name in ("partner_tracker.csv", "messy_tracker.xlsx"):
        other = trackers[name].frame.drop("row").select(tidy.columns)
        for column in tidy.columns:
            a, b = tidy[column], other[column]
            if column == "designated_tier":  # the messy one shouts some labels
                a, b = (
                    a.str.to_lowercase().str.strip_chars(),
                    b.str.to_lowercase().str.strip_chars(),
                )
            if a.dtype == pl.Float64:
                same = ((a - b).abs() < 1e-6) | (a.is_null() & b.is_null())
                assert same.fill_null(False).all(), (name, column)
            else:
                assert a.eq_missing(b).all(), (name, column)


@pytest.mark.parametrize("name", FILES)
def test_every_planted_case_is_judged_as_readme_says(name: str) -> None:
    planted = _planted()
    assert len(planted) == 40
    partners = evaluate(SAMPLES / name, as_of=AS_OF).scored.partners
    got = {
        p["partner"]: (tuple(sorted(p["flags"])), p["recommended_tier"], p["action"])
        for p in partners.iter_rows(named=True)
    }
    assert got == planted


def test_designated_tiers_fail_every_check_and_recommended_pass() -> None:
    portfolio = evaluate(SAMPLES / "partner_tracker.xlsx", as_of=AS_OF).scored.portfolio
    assert [c.code for c in portfolio.designated if c.ok] == []
    assert [c.code for c in portfolio.recommended if not c.ok] == []
