"""Tierwise's columns travel with the rows: the user's table, autofilter and print area
widen over them, merged ranges are kept clear, and sheets' limits are never passed.

The sorts are done by LibreOffice (headless), the way a user would sort in a spreadsheet
app; those tests skip when LibreOffice or its Python bridge is not installed."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from openpyxl.worksheet.table import Table

from tests.helpers_workbooks import run_cli
from tierwise.errors import TierwiseError
from tierwise.io import columns
from tierwise.io.annotate import annotate_package, annotation_frame
from tierwise.io.tracker import column_letter
from tierwise.outputs import write_annotated
from tierwise.pipeline import evaluate

PARTNERS = ["Acme", "Globex", "Initech", "Umbrella", "Hooli"]
TIERWISE = [h for h, _ in columns.ANNOTATION_COLUMNS]  # from column D
LO_SORT = Path(__file__).with_name("lo_sort.py")


def _tracker(path: Path, *, table: bool = False, autofilter: bool = False) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Partners"
    ws.append(["Partner", "Type", "Tier"])
    for i, name in enumerate(PARTNERS):
        ws.append([name, "isv" if i % 2 else "integrator", "Tactical"])
    if table:
        ws.add_table(Table(displayName="PartnerTable", ref="A1:C6"))
    if autofilter:
        ws.auto_filter.ref = "A1:C6"
    ws.print_area = "A1:C6"
    wb.save(path)
    return path


def _annotate_with_decisions(src: Path, out: Path) -> None:
    decisions = pl.DataFrame(
        {"row": [2, 4], "decision": ["exit", "strategic"], "decision_note": ["gone", "core"]}
    )
    write_annotated(evaluate(src), out, decisions=decisions)


def _decisions_by_partner(path: Path) -> dict[str, tuple[str, str]]:
    tracker = evaluate(path).tracker
    joined = tracker.decisions.join(tracker.frame.select("row", "partner"), on="row")
    return {
        p: (d, n) for p, d, n in joined.select("partner", "decision", "decision_note").iter_rows()
    }


# The tracker's three columns, then Tierwise's: the last column every range must reach.
LAST = column_letter(3 + len(TIERWISE))
WIDENED = f"A1:{LAST}6"


def test_a_table_widens_over_tierwise_columns(tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    _annotate_with_decisions(_tracker(tmp_path / "t.xlsx", table=True), out)
    ws = openpyxl.load_workbook(out)["Partners"]
    table = ws.tables["PartnerTable"]
    assert table.ref == WIDENED
    assert table.autoFilter.ref == WIDENED
    assert [c.name for c in table.tableColumns] == ["Partner", "Type", "Tier", *TIERWISE]
    assert len({c.id for c in table.tableColumns}) == 3 + len(TIERWISE)
    # The table's column names are its header cells, as Excel requires.
    names = [ws.cell(1, c).value for c in range(1, 4 + len(TIERWISE))]
    assert names == [c.name for c in table.tableColumns]
    assert ws.print_area == f"'Partners'!$A$1:${LAST}$6"


def test_the_sheet_autofilter_and_its_hidden_name_widen(tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    _annotate_with_decisions(_tracker(tmp_path / "t.xlsx", autofilter=True), out)
    wb = openpyxl.load_workbook(out)
    assert wb["Partners"].auto_filter.ref == WIDENED
    assert wb["Partners"].print_area == f"'Partners'!$A$1:${LAST}$6"
    again = tmp_path / "again.xlsx"
    _annotate_with_decisions(out, again)  # re-annotating changes nothing more
    assert openpyxl.load_workbook(again)["Partners"].auto_filter.ref == WIDENED


def test_columns_go_clear_of_a_merged_range(tmp_path: Path) -> None:
    src = _tracker(tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(src)
    ws = wb["Partners"]
    ws["D3"] = "see the contract"  # a note merged over D3:F4: E and F hold no cell
    ws.merge_cells("D3:F4")
    wb.save(src)
    out = tmp_path / "out.xlsx"
    write_annotated(evaluate(src, mapping={"Partner": "partner"}), out)
    ws = openpyxl.load_workbook(out)["Partners"]
    assert ws["G1"].value == TIERWISE[0]  # not under the merged E:F
    assert [ws.cell(1, c).value for c in (4, 5, 6)] == [None, None, None]
    assert "D3:F4" in {str(r) for r in ws.merged_cells.ranges}


def test_a_sheet_full_to_column_xfd_is_refused_in_one_line(tmp_path: Path) -> None:
    src = _tracker(tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(src)
    wb["Partners"]["XFA2"] = "a note far right"
    wb.save(src)
    out = tmp_path / "out.xlsx"
    result = run_cli("score", str(src), "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0 and "past XFD" in result.stderr
    assert not out.exists()


def test_a_csv_wider_than_a_sheet_is_refused_in_one_line(tmp_path: Path) -> None:
    src = tmp_path / "wide.csv"
    header = ["Partner", *(f"Extra {i}" for i in range(16_380))]
    src.write_text(",".join(header) + "\n" + "Acme" + "," * 16_380 + "\n")
    out = tmp_path / "out.xlsx"
    result = run_cli("score", str(src), "-o", str(out))
    assert result.exit_code == 1, result.stderr
    assert result.stderr.strip().count("\n") == 0 and "past XFD" in result.stderr
    assert not out.exists()


def _uno_python() -> str | None:
    if shutil.which("soffice") is None:
        return None
    for candidate in ("/usr/bin/python3", shutil.which("python3")):
        if candidate and Path(candidate).exists():
            probe = subprocess.run([candidate, "-c", "import uno"], capture_output=True)
            if probe.returncode == 0:
                return candidate
    return None


def _lo_sort(src: Path, out: Path, ref: str) -> None:
    python = _uno_python()
    if python is None:
        pytest.skip("LibreOffice (soffice) with its Python bridge is not installed")
    subprocess.run([python, str(LO_SORT), str(src), str(out), ref, "0"], check=True, timeout=180)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["table", "autofilter"])
def test_a_sort_in_libreoffice_moves_tierwise_columns_with_the_rows(
    kind: str, tmp_path: Path
) -> None:
    if _uno_python() is None:
        pytest.skip("LibreOffice (soffice) with its Python bridge is not installed")
    annotated = tmp_path / "annotated.xlsx"
    src = _tracker(tmp_path / "t.xlsx", table=kind == "table", autofilter=kind == "autofilter")
    _annotate_with_decisions(src, annotated)
    before = _decisions_by_partner(annotated)
    assert before == {"Acme": ("exit", "gone"), "Initech": ("strategic", "core")}
    ws = openpyxl.load_workbook(annotated)["Partners"]
    ref = ws.tables["PartnerTable"].ref if kind == "table" else ws.auto_filter.ref

    sorted_path = tmp_path / "sorted.xlsx"
    _lo_sort(annotated, sorted_path, ref)  # what the user's app sorts: the range, no more
    names = [c.value for c in openpyxl.load_workbook(sorted_path)["Partners"]["A"][1:6]]
    assert names == sorted(PARTNERS, reverse=True)  # the sort happened

    # The next re-score reads each decision on the partner it was made for.
    assert _decisions_by_partner(sorted_path) == before
    rescored = tmp_path / "rescored.xlsx"
    assert run_cli("score", str(sorted_path), "-o", str(rescored)).exit_code == 0
    assert _decisions_by_partner(rescored) == before


def test_a_row_past_the_last_a_sheet_can_have_is_refused(tmp_path: Path) -> None:
    src = _tracker(tmp_path / "t.xlsx")
    values = annotation_frame(pl.DataFrame({"row": [2, 1_048_577], "score": [1.0, 2.0]}), None)
    out = tmp_path / "out.xlsx"
    with pytest.raises(TierwiseError, match="row 1,048,577 is past row 1,048,576"):
        annotate_package(src, out, sheet="Partners", header_row=1, values=values, first_column=4)
    assert not out.exists()


def test_columns_go_clear_of_a_pivot_table(tmp_path: Path) -> None:
    """A pivot table's area (E2:G8 here) is kept clear even where it holds no cells yet:
    it is filled when the pivot is refreshed."""
    src = _tracker(tmp_path / "t.xlsx")
    pivot = tmp_path / "pivot.xlsx"
    rel_type = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/pivotTable"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(pivot, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
        zout.writestr(
            "xl/worksheets/_rels/sheet1.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel_type}" Target="../pivotTables/pivotTable1.xml"/>'
            "</Relationships>",
        )
        zout.writestr(
            "xl/pivotTables/pivotTable1.xml",
            '<pivotTableDefinition xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
            'main" name="P" cacheId="1"><location ref="E2:G8" firstHeaderRow="1" '
            'firstDataRow="1" firstDataCol="1"/></pivotTableDefinition>',
        )
    out = tmp_path / "out.xlsx"
    write_annotated(evaluate(pivot), out)
    with zipfile.ZipFile(out) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert re.search(r'<c r="H1"[^>]*t="inlineStr"><is><t>Tierwise: score<', sheet)
    assert not re.search(r'<c r="[D-G]1"', sheet)
