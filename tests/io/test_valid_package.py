"""Valid packages, always: calcChain, row order, stylesheet order and defaults, Strict
namespaces, Excel 4 macro sheets, and the self-check that validates what changed."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from tests.helpers_workbooks import run_cli, tracker
from tests.io.test_corpus_annotate import _first_text_column
from tierwise.errors import TierwiseError
from tierwise.io import xmlsafe
from tierwise.io.verify import schema_errors, verify_workbook
from tierwise.outputs import write_annotated
from tierwise.pipeline import evaluate

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CORPUS = Path(__file__).resolve().parents[2] / "../shared/corpus/xlsx-real"
CT_CALC = "application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"
RT_CALC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain"


def _rewrite(src: Path, out: Path, edits: dict[str, Callable[[bytes], bytes]]) -> Path:
    """A copy of a package with some parts rewritten (a part named but absent is added)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        names = set(zin.namelist())
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename in edits:
                data = edits[info.filename](data)
            zout.writestr(info, data)
        for name in edits.keys() - names:
            zout.writestr(name, edits[name](b""))
    return out


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _with_calc_chain(tmp_path: Path, chain: str) -> Path:
    """A tracker annotated once, then given formulas the way Excel saves them: in a
    Tierwise column (D, "Tierwise: score") and in the user's own column B."""
    src = tracker(tmp_path / "t.xlsx")
    first = tmp_path / "first.xlsx"
    write_annotated(evaluate(src), first)
    wb = openpyxl.load_workbook(first)
    wb["Partners"]["G2"] = "=1+1"  # "Tierwise: score" is G
    wb["Partners"]["B3"] = '="Strategic"'
    wb.save(first)

    def rels(data: bytes) -> bytes:
        rel = f'<Relationship Id="rId99" Type="{RT_CALC}" Target="calcChain.xml"/>'
        return data.replace(b"</Relationships>", rel.encode() + b"</Relationships>")

    def types(data: bytes) -> bytes:
        over = f'<Override PartName="/xl/calcChain.xml" ContentType="{CT_CALC}"/>'
        return data.replace(b"</Types>", over.encode() + b"</Types>")

    return _rewrite(
        first,
        tmp_path / "formulas.xlsx",
        {
            "xl/_rels/workbook.xml.rels": rels,
            "[Content_Types].xml": types,
            "xl/calcChain.xml": lambda _: f'<calcChain xmlns="{MAIN}">{chain}</calcChain>'.encode(),
        },
    )


def test_calc_chain_entries_of_replaced_formula_cells_are_dropped(tmp_path: Path) -> None:
    src = _with_calc_chain(tmp_path, '<c r="G2" i="1"/><c r="B3"/>')
    out = tmp_path / "out.xlsx"
    write_annotated(evaluate(src), out)
    parts = _parts(out)
    chain = xmlsafe.parse(parts["xl/calcChain.xml"])
    assert [(c.get("r"), c.get("i")) for c in chain] == [("B3", "1")]  # i made explicit
    assert b"<f>" not in re.search(
        rb'<c r="G2".*?</c>|<c r="G2"[^>]*/>', parts["xl/worksheets/sheet1.xml"]
    ).group(0)


def test_a_calc_chain_left_empty_goes_with_its_relationship(tmp_path: Path) -> None:
    src = _with_calc_chain(tmp_path, '<c r="G2" i="1"/>')
    out = tmp_path / "out.xlsx"
    write_annotated(evaluate(src), out)
    parts = _parts(out)
    assert "xl/calcChain.xml" not in parts
    assert b"calcChain" not in parts["xl/_rels/workbook.xml.rels"]
    assert b"calcChain" not in parts["[Content_Types].xml"]
    openpyxl.load_workbook(out)


def test_rows_out_of_order_in_the_xml_come_out_in_order_once_each(tmp_path: Path) -> None:
    src = tracker(tmp_path / "t.xlsx")

    def shuffle(data: bytes) -> bytes:
        rows = re.findall(rb"<row\b.*?</row>", data, re.S)
        body = b"".join([rows[0], rows[3], rows[1], rows[2]])
        return re.sub(
            rb"<sheetData>.*</sheetData>", b"<sheetData>" + body + b"</sheetData>", data, flags=re.S
        )

    shuffled = _rewrite(src, tmp_path / "shuffled.xlsx", {"xl/worksheets/sheet1.xml": shuffle})
    out = tmp_path / "out.xlsx"
    write_annotated(evaluate(shuffled), out)
    sheet = xmlsafe.parse(_parts(out)["xl/worksheets/sheet1.xml"])
    numbers = [int(r.get("r")) for r in sheet.iter(f"{{{MAIN}}}row")]
    assert numbers == [1, 2, 3, 4]
    ws = openpyxl.load_workbook(out)["Partners"]
    assert [ws.cell(r, 1).value for r in (2, 3, 4)] == [
        "Acme Analytics",
        "Globex Consulting",
        "Initech Systems",
    ]
    assert all(isinstance(ws.cell(r, 7).value, int | float) for r in (2, 3, 4))


@pytest.mark.parametrize(
    "stylesheet",
    [
        f'<styleSheet xmlns="{MAIN}"/>',
        f'<styleSheet xmlns="{MAIN}"><cellXfs count="1"><xf numFmtId="0" fontId="0" '
        'fillId="0" borderId="0"/></cellXfs></styleSheet>',
        f'<styleSheet xmlns="{MAIN}"><fonts count="1"><font><sz val="10"/></font></fonts>'
        '<dxfs count="0"/></styleSheet>',
    ],
)
def test_an_empty_or_partial_stylesheet_is_extended_in_schema_order(
    stylesheet: str, tmp_path: Path
) -> None:
    src = _rewrite(
        tracker(tmp_path / "t.xlsx"),
        tmp_path / "partial.xlsx",
        {"xl/styles.xml": lambda _: stylesheet.encode()},
    )
    out = tmp_path / "out.xlsx"
    write_annotated(evaluate(src), out)
    styles = xmlsafe.parse(_parts(out)["xl/styles.xml"])
    order = [etree.QName(c).localname for c in styles]
    # ECMA-376 Part 1, CT_Stylesheet (written out here, not taken from the code under test).
    want = ["numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs"]
    assert order == [s for s in want if s in order]
    fills = styles.find(f"{{{MAIN}}}fills")
    kinds = [f.find(f"{{{MAIN}}}patternFill").get("patternType") for f in fills]
    assert kinds[:2] == ["none", "gray125"] and "solid" in kinds
    first_xf = styles.find(f"{{{MAIN}}}cellXfs")[0]
    assert first_xf.get("fillId") == "0" and first_xf.get("fontId") == "0"  # the default
    for section in styles:
        if section.get("count") is not None:
            assert int(section.get("count")) == len(section)
    assert schema_errors(out, set()) == []


def test_the_self_check_finds_a_stylesheet_out_of_schema_order(tmp_path: Path) -> None:
    good = tmp_path / "good.xlsx"
    write_annotated(evaluate(tracker(tmp_path / "t.xlsx")), good)

    def disorder(data: bytes) -> bytes:
        fills = re.search(rb"<fills\b.*?</fills>", data, re.S).group(0)
        return data.replace(fills, b"").replace(b"</styleSheet>", fills + b"</styleSheet>")

    bad = _rewrite(good, tmp_path / "bad.xlsx", {"xl/styles.xml": disorder})
    assert any("styles.xml" in e for e in schema_errors(bad, set()))
    with pytest.raises(TierwiseError, match=r"failed its check.*styles\.xml"):
        verify_workbook(bad, ["Partners"], original=good)
    # An error the input already had is not Tierwise's.
    assert schema_errors(bad, set(), original=bad) == []


def test_the_self_check_refuses_a_cell_past_xfd(tmp_path: Path) -> None:
    good = tmp_path / "good.xlsx"
    write_annotated(evaluate(tracker(tmp_path / "t.xlsx")), good)

    def far(data: bytes) -> bytes:
        return data.replace(b"</row>", b'<c r="XFE1"><v>1</v></c></row>', 1)

    bad = _rewrite(good, tmp_path / "bad.xlsx", {"xl/worksheets/sheet1.xml": far})
    with pytest.raises(TierwiseError, match="past XFD1048576"):
        verify_workbook(bad, ["Partners"], original=tracker(tmp_path / "t.xlsx"))


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the real-world corpus is not here")
@pytest.mark.parametrize("name", ["apache-poi/SimpleStrict.xlsx", "exceldatareader/Test10x10.xlsx"])
def test_a_strict_package_gets_strict_parts(name: str, tmp_path: Path) -> None:
    src = CORPUS / name
    sheet, header = _first_text_column(src)  # openpyxl does not read Strict packages
    out = tmp_path / "out.xlsx"
    write_annotated(evaluate(src, sheet=sheet, mapping={header: "partner"}), out)
    before, after = _parts(src), _parts(out)
    for part in after.keys() - before.keys():
        if part.endswith((".xml", ".rels")):
            assert b"schemas.openxmlformats.org/spreadsheetml" not in after[part], part
            assert b"schemas.openxmlformats.org/drawingml" not in after[part], part
            assert b"schemas.openxmlformats.org/officeDocument" not in after[part], part
    assert b"purl.oclc.org/ooxml/spreadsheetml/main" in after["xl/workbook.xml"]
    assert evaluate(out, sheet=sheet).tracker.source.tierwise_columns  # read back


def test_a_workbook_with_an_excel_4_macro_sheet_is_annotated(tmp_path: Path) -> None:
    src = tracker(tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(src)
    wb.create_sheet("Macro1")["A1"] = "=HALT()"
    wb.save(src)
    worksheet = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
    macro = b"http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet"
    ct = b"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

    def rels(data: bytes) -> bytes:
        return re.sub(
            rb'Type="' + re.escape(worksheet) + rb'"( Target="/?xl/worksheets/sheet2.xml")',
            b'Type="' + macro + rb'"\1',
            data,
        )

    def types(data: bytes) -> bytes:
        return data.replace(
            b'PartName="/xl/worksheets/sheet2.xml" ContentType="' + ct + b'"',
            b'PartName="/xl/worksheets/sheet2.xml" '
            b'ContentType="application/vnd.ms-excel.macrosheet+xml"',
        )

    xlsm = _rewrite(
        src,
        tmp_path / "macro.xlsm",
        {"xl/_rels/workbook.xml.rels": rels, "[Content_Types].xml": types},
    )
    assert macro in _parts(xlsm)["xl/_rels/workbook.xml.rels"]
    out = tmp_path / "out.xlsm"
    result = run_cli("score", str(xlsm), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert macro in _parts(out)["xl/_rels/workbook.xml.rels"]  # still a macro sheet
    assert evaluate(out).tracker.source.tierwise_columns


SAMPLES = sorted((Path(__file__).resolve().parents[2] / "samples").glob("*.xls[xm]"))


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_every_part_an_annotation_changes_is_schema_valid(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / f"out{sample.suffix}"
    write_annotated(evaluate(sample), out)
    before = _parts(sample)
    unchanged = {n for n, d in _parts(out).items() if before.get(n) == d}
    assert "xl/styles.xml" not in unchanged  # the check below covers the edited parts
    assert schema_errors(out, unchanged, original=sample, limit=64 << 20) == []
