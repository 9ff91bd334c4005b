"""Sheets Tierwise adds, rendered from a SheetSpec into the user's workbook."""

from __future__ import annotations

import shutil
import zipfile
from datetime import date, datetime
from pathlib import Path

import fastexcel
import openpyxl
import polars as pl
import pytest

from tests.helpers_workbooks import libreoffice_pdf
from tests.io.richbook import write_rich_workbook
from tierwise.io import xmlsafe
from tierwise.io.annotate import annotate_package
from tierwise.io.sheetspec import STYLE_NAMES, ChartSpec, SheetSpec

CHART_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"


def _spec() -> SheetSpec:
    spec = SheetSpec("Tierwise Portfolio", freeze="A3", fit_to_height=1, tab_color="1F4E79")
    spec.set(1, 1, "Portfolio", "title")
    spec.merges.append("A1:D1")
    for i, style in enumerate(STYLE_NAMES, start=3):
        spec.set(i, 1, style, "text")
        value: object = {
            "int": 7,
            "number": 62.5,
            "money": 1_250_000,
            "percent": 0.45,
            "date": date(2026, 3, 31),
            "datetime": datetime(2026, 3, 31, 14, 30),
        }.get(style, f"={style}" if style == "text" else style)
        spec.set(i, 2, value, style)
    spec.set(30, 1, "Tier", "header")
    spec.set(30, 2, "Designated", "header")
    spec.set(30, 3, "Recommended", "header")
    for r, (tier, a, b) in enumerate(
        (("strategic", 5, 2), ("tactical", 8, 6), ("casual", 20, 25)), start=31
    ):
        spec.set(r, 1, tier, f"tier_{tier}")
        spec.set(r, 2, a, "int")
        spec.set(r, 3, b, "int")
    spec.charts.append(
        ChartSpec(
            "Partners per tier",
            "A31:A33",
            (("Designated", "B31:B33"), ("Recommended", "C31:C33")),
            anchor="F3",
        )
    )
    spec.charts.append(ChartSpec("Coverage", "A31:A33", (("n", "B31:B33"),), "F20", kind="bar"))
    spec.col_widths = {1: 22, 2: 16}
    return spec


def _annotate(src: Path, out: Path, spec: SheetSpec) -> None:
    values = pl.DataFrame({"row": [2], "score": [50.0]})
    annotate_package(
        src, out, sheet="Partners", header_row=1, values=values, first_column=5, sheets=[spec]
    )


def test_every_named_style_renders(tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    _annotate(write_rich_workbook(tmp_path / "in.xlsx"), out, _spec())
    ws = openpyxl.load_workbook(out)["Tierwise Portfolio"]
    rows = {ws.cell(r, 1).value: ws.cell(r, 2) for r in range(3, 3 + len(STYLE_NAMES))}
    assert rows["text"].value == "=text" and rows["text"].data_type == "s"
    assert rows["title"].value == "title"
    assert ws["A1"].font.b and ws["A1"].font.sz == 16
    assert rows["header"].font.b and rows["header"].border.bottom.style == "thin"
    assert rows["wrap"].alignment.wrap_text and rows["wrap"].alignment.vertical == "top"
    assert rows["muted"].font.color.rgb == "FF595959"
    assert (rows["int"].value, rows["int"].number_format) == (7, "0")
    assert rows["number"].number_format == "0.0"
    assert rows["money"].number_format == '"$"#,##0'  # with its currency (issue 17)
    assert (rows["percent"].value, rows["percent"].number_format) == (0.45, "0%")
    assert rows["date"].value == datetime(2026, 3, 31)
    assert rows["date"].number_format == "yyyy-mm-dd"
    assert rows["datetime"].value == datetime(2026, 3, 31, 14, 30)
    assert rows["pass"].fill.fgColor.rgb == "FFC6EFCE"
    assert rows["fail"].fill.fgColor.rgb == "FFFFC7CE"
    assert rows["flag"].fill.fgColor.rgb == "FFFFEB9C"
    fills = {
        rows[f"tier_{t}"].fill.fgColor.rgb for t in ("strategic", "tactical", "casual", "exit")
    }
    assert len(fills) == 4
    assert ws.freeze_panes == "A3"
    assert "A1:D1" in {str(m) for m in ws.merged_cells.ranges}
    assert ws.column_dimensions["A"].width == 22
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.sheet_properties.tabColor.rgb == "FF1F4E79"


def test_charts_are_native_and_point_at_the_sheet(tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    _annotate(write_rich_workbook(tmp_path / "in.xlsx"), out, _spec())
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        charts = sorted(n for n in names if n.startswith("xl/charts/"))
        assert charts == ["xl/charts/chart1.xml", "xl/charts/chart2.xml"]
        root = xmlsafe.parse(z.read(charts[0]))
        refs = [f.text for f in root.iter(f"{{{CHART_NS}}}f")]
        assert "'Tierwise Portfolio'!$B$31:$B$33" in refs
        assert "'Tierwise Portfolio'!$A$31:$A$33" in refs
        assert root.find(f".//{{{CHART_NS}}}barDir").get("val") == "col"
        types = z.read("[Content_Types].xml")
        assert b"/xl/charts/chart2.xml" in types and b"/xl/drawings/drawing2.xml" in types
        # The user's own drawing (shape + image) is still drawing1, untouched.
        assert b"Callout 1" in z.read("xl/drawings/drawing1.xml")
    ws = openpyxl.load_workbook(out)["Tierwise Portfolio"]
    assert len(ws._charts) == 2
    assert fastexcel.read_excel(str(out)).sheet_names[-1] == "Tierwise Portfolio"


def test_a_sheet_is_replaced_not_duplicated(tmp_path: Path) -> None:
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    _annotate(write_rich_workbook(tmp_path / "in.xlsx"), first, _spec())
    smaller = _spec()
    smaller.charts = smaller.charts[:1]
    smaller.set(1, 1, "Portfolio, again", "title")
    _annotate(first, second, smaller)
    wb = openpyxl.load_workbook(second)
    assert wb.sheetnames.count("Tierwise Portfolio") == 1
    assert wb["Tierwise Portfolio"]["A1"].value == "Portfolio, again"
    with zipfile.ZipFile(second) as z:
        names = z.namelist()
        assert [n for n in names if n.startswith("xl/charts/")] == ["xl/charts/chart1.xml"]
        assert b"chart2" not in z.read("[Content_Types].xml")
    # Rendering the same spec twice gives the same bytes.
    third = tmp_path / "c.xlsx"
    _annotate(second, third, smaller)
    with zipfile.ZipFile(second) as a, zipfile.ZipFile(third) as b:
        for name in a.namelist():
            if name != "xl/worksheets/sheet1.xml":  # the partner sheet, annotated again
                assert a.read(name) == b.read(name), name


SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "partner_tracker.xlsx"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_prints_the_annotated_sample(tmp_path: Path) -> None:
    from tierwise.outputs import write_annotated
    from tierwise.pipeline import evaluate

    src = SAMPLE if SAMPLE.is_file() else write_rich_workbook(tmp_path / "in.xlsx")
    out = tmp_path / "annotated.xlsx"
    write_annotated(evaluate(src, as_of=date(2026, 6, 30)), out)
    pdf = libreoffice_pdf(out, tmp_path / "pdf")
    assert pdf.stat().st_size > 10_000  # pages with content, not an empty shell


def _openpyxl_chart(chart: ChartSpec, sheet_name: str) -> bytes:
    """The same chart built with openpyxl's classes: the reference chart_xml matches."""
    from openpyxl.chart import BarChart, Reference, Series
    from openpyxl.chart.data_source import AxDataSource, StrRef
    from openpyxl.drawing.text import CharacterProperties, ParagraphProperties
    from openpyxl.xml.functions import tostring

    from tierwise.io.render import _absolute

    bar = BarChart()
    bar.type, bar.title, bar.style = chart.kind, chart.title, 10
    # 12 pt bold: LibreOffice's default title size wraps titles on the printed page.
    bar.title.tx.rich.p[0].pPr = ParagraphProperties(defRPr=CharacterProperties(sz=1200, b=True))
    for title, values in chart.series:
        series = Series(Reference(range_string=_absolute(sheet_name, values)), title=title)
        series.cat = AxDataSource(strRef=StrRef(f=_absolute(sheet_name, chart.categories)))
        bar.series.append(series)
    bar.x_axis.delete = bar.y_axis.delete = False
    bar.y_axis.majorGridlines = bar.y_axis.majorGridlines
    bar.legend.position = "b"
    if len(chart.series) == 1:
        bar.legend = None
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + tostring(bar._write())


@pytest.mark.parametrize(
    "chart",
    [
        ChartSpec("Tiers & <labels>", "A5:A7", (("Designated", "B5:B7"), ("Now", "c5:c7")), "E3"),
        ChartSpec("Flags", "$A$12:$A$16", (("Partners", "B12:B16"),), "F20", kind="bar"),
    ],
)
def test_chart_markup_is_what_openpyxl_writes(chart: ChartSpec) -> None:
    from tierwise.io.render import chart_xml

    assert chart_xml(chart, "Tierwise Portfolio") == _openpyxl_chart(chart, "Tierwise Portfolio")


def test_chart_ranges_quote_a_sheet_name_once() -> None:
    from tierwise.io.render import chart_xml

    chart = ChartSpec("T", "A1:A2", (("n", "B1:B2"),), "D1")
    formulas = xmlsafe.parse(chart_xml(chart, "O'Brien")).iterfind(f".//{{{CHART_NS}}}f")
    # (openpyxl's Reference quotes the quote again: 'O''''Brien'!$B$1:$B$2)
    assert [f.text for f in formulas] == ["'O''Brien'!$A$1:$A$2", "'O''Brien'!$B$1:$B$2"]
