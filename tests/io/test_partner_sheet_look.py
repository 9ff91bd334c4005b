"""The annotated partner sheet reads and prints finished (issue 17): "Tierwise: why"
wraps in rows tall enough for it (up to four lines, a row's own height kept), and
"Tierwise: decision" offers the decisions as a drop-down, once, beside the user's own."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from click.testing import CliRunner
from openpyxl.worksheet.datavalidation import DataValidation

from tests.cli.test_score_cli import make_tracker
from tierwise.cli import main
from tierwise.io.columns import DECISION_HEADER


def score(src: Path, out: Path) -> openpyxl.Workbook:
    result = CliRunner().invoke(main, ["score", str(src), "-o", str(out), "--as-of", "2026-10-31"])
    assert result.exit_code == 0, result.output
    return openpyxl.load_workbook(out)


def column_of(ws, header: str) -> str:
    cell = next(c for c in ws[1] if c.value == header)
    return cell.column_letter


def decision_lists(ws) -> list[DataValidation]:
    return [dv for dv in ws.data_validations.dataValidation if "strategic,tactical" in dv.formula1]


def test_the_decision_column_has_a_drop_down_once(tmp_path: Path) -> None:
    src = make_tracker(tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(src)
    ours = DataValidation(type="list", formula1='"Yes,No"', allow_blank=True)
    ours.add("L2:L100")
    wb.active.add_data_validation(ours)
    wb.save(src)
    ws = score(src, tmp_path / "a.xlsx").active
    ws = score(tmp_path / "a.xlsx", tmp_path / "b.xlsx")["Partners"]  # re-scored: still one
    letter = column_of(ws, DECISION_HEADER)
    (dv,) = decision_lists(ws)
    assert str(dv.sqref) == f"{letter}2:{letter}1048576"
    assert dv.formula1 == '"strategic,tactical,casual,exit"'
    assert dv.errorStyle == "warning"  # anything else typed there is warned about, not lost
    assert any(dv.formula1 == '"Yes,No"' for dv in ws.data_validations.dataValidation)


def test_rows_grow_for_the_why_up_to_four_lines_keeping_their_own_heights(
    tmp_path: Path,
) -> None:
    src = make_tracker(tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(src)
    wb.active.row_dimensions[3].height = 22  # the user's own height on Contoso's row
    wb.save(src)
    ws = score(src, tmp_path / "a.xlsx")["Partners"]
    why = column_of(ws, "Tierwise: why")
    assert ws[f"{why}2"].alignment.wrap_text
    for row in (2, 4):
        lines = len(str(ws[f"{why}{row}"].value).splitlines())
        assert lines > 4
        assert ws.row_dimensions[row].height == 60  # four lines of 15 pt
    assert ws.row_dimensions[3].height == 22
    assert ws.row_dimensions[1].height is None  # the header row is left as it was
