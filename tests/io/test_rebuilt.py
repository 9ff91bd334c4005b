"""A tracker that is not OOXML (CSV, .ods, .xls) is written back as a new workbook
holding every one of its rows in its place: the title above the header, blank
separators, totals and notes under the table, left unscored (the CLI run on files
written here, the output re-opened)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from tests.helpers_workbooks import libreoffice_convert
from tierwise.cli import main

AS_OF = "2026-11-30"
# A HubSpot companies export as ops teams pass it on: a title line, blank separators,
# the TOTAL row HubSpot's sums give, a note under it.
EXPORT = (
    "Partner Companies - exported 2026-11-30,,,,\n"
    ",,,,\n"
    "Record ID,Company name,Partner tier,Partner Sourced Pipeline,Notes\n"
    '901,Brightwave Agency,Gold Partner,"$120,000",\n'
    "902,Northpeak Solutions,Platinum Partner,$900K,weekly sync\n"
    ",,,,\n"
    "911,Harbor Analytics,Diamond Partner,$1.6M,\n"
    ',TOTAL,,"$2,620,000",\n'
    "Confidential - do not distribute,,,,\n"
)
PARTNER_ROWS = {"Brightwave Agency": 4, "Northpeak Solutions": 5, "Harbor Analytics": 7}


def score(src: Path, out: Path) -> None:
    result = CliRunner().invoke(main, ["score", str(src), "-o", str(out), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert "wrote a new .xlsx holding its data" in result.output


def scored(src: Path) -> dict[str, tuple[int, float, str]]:
    result = CliRunner().invoke(main, ["score", str(src), "--json", "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    partners = json.loads(result.stdout)["partners"]
    return {p["partner"]: (p["row"], p["score"], p["recommended_tier"]) for p in partners}


def sheet_rows(out: Path) -> tuple[list[tuple], dict[str, int]]:
    """The rebuilt sheet's rows (the user's columns only) and where Tierwise's start."""
    ws = openpyxl.load_workbook(out).worksheets[0]
    header = [c.value for c in ws[3]]
    first = header.index("Tierwise: score")
    rows = list(ws.iter_rows(values_only=True))
    return rows, {"first": first, "width": ws.max_column}


def test_every_row_of_a_csv_is_kept_in_its_place(tmp_path: Path) -> None:
    src = tmp_path / "hubspot.csv"
    src.write_text(EXPORT, encoding="utf-8")
    out = tmp_path / "out.xlsx"
    score(src, out)
    rows, at = sheet_rows(out)
    lines = list(csv.reader(io.StringIO(EXPORT)))
    assert len(rows) == len(lines)
    for number, (line, row) in enumerate(zip(lines, rows, strict=True), start=1):
        mine = [("" if v is None else str(v)) for v in row[: at["first"]]]
        assert mine == line, number  # plain numbers come back as numbers: 901 -> "901"
    # Partners are annotated on their own rows; nothing is written on the others.
    for number, row in enumerate(rows, start=1):
        annotated = any(v is not None for v in row[at["first"] :])
        assert annotated == (number in (3, *PARTNER_ROWS.values())), number
    # The rebuilt workbook scores as the CSV did, the same rows for the same partners.
    assert scored(out) == scored(src)
    assert {name: row for name, (row, _, _) in scored(src).items()} == PARTNER_ROWS


def test_tierwise_columns_of_a_csv_are_written_anew_not_twice(tmp_path: Path) -> None:
    src = tmp_path / "hubspot.csv"
    src.write_text(EXPORT, encoding="utf-8")
    first, second = tmp_path / "first.xlsx", tmp_path / "again.csv"
    score(src, first)
    # The annotated workbook saved as CSV again (as a user would, to mail it on).
    ws = openpyxl.load_workbook(first).worksheets[0]
    with second.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(ws.iter_rows(values_only=True))
    out = tmp_path / "out.xlsx"
    score(second, out)
    header = [c.value for c in openpyxl.load_workbook(out).worksheets[0][3]]
    assert header.count("Tierwise: score") == 1
    assert header[4:6] == ["Notes", "Tierwise: score"]
    rows, _ = sheet_rows(out)
    assert rows[7][1] == "TOTAL" and rows[8][0] == "Confidential - do not distribute"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_every_row_of_an_ods_or_xls_is_kept_in_its_place(tmp_path: Path, fmt: str) -> None:
    text = tmp_path / "hubspot.csv"
    text.write_text(EXPORT, encoding="utf-8")
    filters = {"ods": "ods", "xls": "xls:MS Excel 97"}
    libreoffice_convert(text, tmp_path, filters[fmt], "--infilter=CSV:44,34,76,1")
    src = tmp_path / f"hubspot.{fmt}"
    out = tmp_path / "out.xlsx"
    score(src, out)
    rows, at = sheet_rows(out)
    assert len(rows) == 9
    assert rows[0][0] == "Partner Companies - exported 2026-11-30"
    assert all(v is None for v in rows[1]) and all(v is None for v in rows[5])
    assert rows[2][:5] == (
        "Record ID",
        "Company name",
        "Partner tier",
        "Partner Sourced Pipeline",
        "Notes",
    )
    assert rows[7][1] == "TOTAL" and rows[7][3] is not None
    assert rows[8][0] == "Confidential - do not distribute"
    for name, number in PARTNER_ROWS.items():
        assert rows[number - 1][1] == name
    assert all(v is None for v in rows[7][at["first"] :] + rows[8][at["first"] :])
    assert scored(out) == scored(src)
