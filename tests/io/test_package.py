"""The package layer: hardened XML parsing, stylesheet appends, the streamed sheet edit."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from tests.io.richbook import parts, write_rich_workbook
from tierwise.errors import TierwiseError
from tierwise.io import sheetstream, xmlsafe
from tierwise.io.atomic import write_atomically
from tierwise.io.cellxml import cell_xml
from tierwise.io.package import Package
from tierwise.io.sheetstream import SheetEdit, edit_sheet_stream
from tierwise.io.styles import StyleBook, XfSpec

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol4;</t></si></sst>"""


def test_an_entity_bomb_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TierwiseError, match="DTD"):
        xmlsafe.parse(BOMB, "xl/sharedStrings.xml")


def test_an_external_entity_is_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret}">]>'
        f'<sst xmlns="{MAIN}"><si><t>&e;</t></si></sst>'
    ).encode()
    with pytest.raises(TierwiseError, match="DTD"):
        xmlsafe.parse(xxe, "xl/sharedStrings.xml")
    # Streaming parses refuse it too, before any element reaches the caller.
    seen: list[str] = []
    with pytest.raises(TierwiseError, match="DTD"):
        for _, el in xmlsafe.iterparse(io.BytesIO(xxe)):
            seen.append(el.text or "")
    assert not any("TOP-SECRET" in t for t in seen)


def test_malformed_xml_is_one_clear_error() -> None:
    with pytest.raises(TierwiseError, match="not well-formed"):
        xmlsafe.parse(b"<a><b></a>", "xl/workbook.xml")


def test_package_lists_sheets_and_parts(tmp_path: Path) -> None:
    path = write_rich_workbook(tmp_path / "rich.xlsx")
    with Package(path) as pkg:
        sheets = pkg.sheets()
        assert [(s.name, s.part) for s in sheets] == [
            ("Partners", "xl/worksheets/sheet1.xml"),
            ("Lists", "xl/worksheets/sheet2.xml"),
        ]
        assert pkg.has("XL/Styles.xml")  # names compare case-insensitively
        assert not pkg.date1904()


def test_styles_are_appended_never_renumbered_and_reused() -> None:
    styles = xmlsafe.parse(parts()["xl/styles.xml"])
    before = [etree.tostring(x) for x in styles.find(f"{{{MAIN}}}cellXfs")]
    book = StyleBook(styles)
    spec = XfSpec(bold=True, fill="FFDDEBF7", num_fmt="0.0", wrap=True)
    first = book.xf(spec)
    xfs = styles.find(f"{{{MAIN}}}cellXfs")
    assert [etree.tostring(x) for x in xfs][: len(before)] == before
    assert first == len(before)
    assert xfs.get("count") == str(len(before) + 1)
    # A fresh book over the same stylesheet finds the format instead of adding it again.
    assert StyleBook(styles).xf(spec) == first
    assert len(xfs) == len(before) + 1
    codes = [nf.get("formatCode") for nf in styles.find(f"{{{MAIN}}}numFmts")]
    assert codes == ['"$"#,##0', "0.0"]
    assert styles.find(f"{{{MAIN}}}numFmts")[1].get("numFmtId") == "165"


def _sheet(prefix: str, rows: str) -> bytes:
    p = f"{prefix}:" if prefix else ""
    ns = f"xmlns:{prefix}" if prefix else "xmlns"
    return (
        f'<?xml version="1.0"?><{p}worksheet {ns}="{MAIN}"><{p}dimension ref="A1:B3"/>'
        f'<{p}cols><{p}col min="1" max="16384" width="9" style="3"/></{p}cols>'
        f'<{p}sheetData>{rows}</{p}sheetData><{p}autoFilter ref="A1:B3"/></{p}worksheet>'
    ).encode()


def _edit(rows: dict[int, list[tuple[int, object]]]) -> SheetEdit:
    cells = {
        r: [(c, cell_xml(f"{chr(64 + c)}{r}", v, 0)) for c, v in sorted(vals)]
        for r, vals in rows.items()
    }
    return SheetEdit(cells=cells, columns=frozenset({3, 4}), widths={3: 10.0, 4: 20.0})


@pytest.mark.parametrize("chunk", [7, 64, 1 << 20])
@pytest.mark.parametrize("prefix", ["", "x"])
def test_the_streamed_edit_changes_only_its_cells(
    prefix: str, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sheetstream, "CHUNK", chunk)
    p = f"{prefix}:" if prefix else ""
    rows = (
        f'<{p}row r="1" spans="1:2"><{p}c r="A1" t="s"><{p}v>0</{p}v></{p}c>'
        f'<{p}c r="B1"><{p}v>1</{p}v></{p}c></{p}row>'
        f'<{p}row r="2"><{p}c r="A2" t="inlineStr"><{p}is><{p}t>Acme</{p}t></{p}is></{p}c>'
        f'<{p}c r="C2"><{p}v>99</{p}v></{p}c><{p}c r="E2"><{p}f>A2</{p}f><{p}v>7</{p}v></{p}c>'
        f"</{p}row>"
        f'<{p}row r="5"><{p}c><{p}v>5</{p}v></{p}c><{p}c><{p}v>6</{p}v></{p}c></{p}row>'
        f'<{p}row r="9" customHeight="1" ht="30"/>'
    )
    edit = _edit({1: [(3, "Score"), (4, "=Why")], 2: [(3, 62.5), (4, None)], 7: [(3, 1)]})
    out = b"".join(edit_sheet_stream(io.BytesIO(_sheet(prefix, rows)), edit))
    root = xmlsafe.parse(out)
    ns = {"m": MAIN}
    cells = {c.get("r"): c for c in root.iterfind(".//m:c", ns) if c.get("r")}
    assert cells["C1"].get("t") == "inlineStr"
    assert cells["D1"].findtext("m:is/m:t", namespaces=ns) == "=Why"
    assert cells["D1"].find("m:f", ns) is None
    assert cells["C2"].findtext("m:v", namespaces=ns) == "62.5"  # replaced, not duplicated
    assert "D2" in cells and cells["D2"].find("m:v", ns) is None  # cleared
    assert cells["E2"].findtext("m:f", namespaces=ns) == "A2"
    assert [c.get("r") for c in root.find(".//m:row[@r='2']", ns)] == ["A2", "C2", "D2", "E2"]
    assert root.find(".//m:row[@r='1']", ns).get("spans") == "1:4"
    # Rows Tierwise does not touch keep their bytes; a missing row is added in order.
    assert f'<{p}row r="5"><{p}c><{p}v>5</{p}v></{p}c>'.encode() in out
    assert [r.get("r") for r in root.iterfind(".//m:row", ns)] == ["1", "2", "5", "7", "9"]
    assert root.find("m:dimension", ns).get("ref") == "A1:D7"
    cols = [(c.get("min"), c.get("max"), c.get("width")) for c in root.iterfind(".//m:col", ns)]
    assert cols == [("1", "2", "9"), ("3", "3", "10"), ("4", "4", "20"), ("5", "16384", "9")]
    assert root.find("m:autoFilter", ns).get("ref") == "A1:B3"
    if prefix:
        # Every element Tierwise writes uses the sheet's own prefix.
        assert not any(tag in out for tag in (b"<c ", b"<row", b"<is>", b"<t>", b"<v>", b"<col "))


@pytest.mark.parametrize("chunk", [7, 1 << 20])
def test_cells_written_before_are_replaced_where_they_stand(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A sheet annotated before: Tierwise's columns C:D end most rows; one row has a
    # cell of the user's right of them, one lacks Tierwise's first cell.
    monkeypatch.setattr(sheetstream, "CHUNK", chunk)
    rows = "".join(
        f'<row r="{r}" spans="1:4"><c r="A{r}"><v>{r}</v></c>{cells}</row>'
        for r, cells in (
            (2, '<c r="C2"><v>1</v></c><c r="D2" t="inlineStr"><is><t>old</t></is></c>'),
            (3, '<c r="C3"><v>1</v></c><c r="D3"/><c r="F3"><v>6</v></c>'),
            (4, '<c r="D4" t="inlineStr"><is><t>old</t></is></c>'),
            (5, '<c r="B5"><v>2</v></c><c r="C5"/>'),
        )
    )
    edit = _edit({r: [(3, r * 10), (4, "new")] for r in (2, 3, 4, 5)})
    out = b"".join(edit_sheet_stream(io.BytesIO(_sheet("", rows)), edit))
    root = xmlsafe.parse(out)
    ns = {"m": MAIN}
    for row in root.iterfind(".//m:row", ns):
        r = row.get("r")
        refs = [c.get("r") for c in row]
        values = {c.get("r"): "".join(c.itertext()) for c in row}
        assert values[f"C{r}"] == str(int(r) * 10) and values[f"D{r}"] == "new"
        assert (
            refs
            == {
                "2": ["A2", "C2", "D2"],
                "3": ["A3", "C3", "D3", "F3"],
                "4": ["A4", "C4", "D4"],
                "5": ["A5", "B5", "C5", "D5"],
            }[r]
        )
    assert b"old" not in out and b'<c r="F3"><v>6</v></c>' in out


def test_an_empty_sheet_data_gets_rows() -> None:
    data = f'<worksheet xmlns="{MAIN}"><sheetData/></worksheet>'.encode()
    out = b"".join(edit_sheet_stream(io.BytesIO(data), _edit({1: [(3, "x")]})))
    root = xmlsafe.parse(out)
    assert root.find(f".//{{{MAIN}}}c").get("r") == "C1"


def test_text_is_escaped_and_never_a_formula() -> None:
    xml = cell_xml("A1", "=1+1 & <b> _x0041_\x01", 3)
    root = xmlsafe.parse(b'<w xmlns="%s">%s</w>' % (MAIN.encode(), xml))
    c = root[0]
    assert c.get("t") == "inlineStr" and c.get("s") == "3"
    assert c.findtext(f"{{{MAIN}}}is/{{{MAIN}}}t") == "=1+1 & <b> _x005F_x0041_"


def test_a_failed_write_leaves_the_target_and_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"old")

    def write(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        raise TierwiseError("boom")

    with pytest.raises(TierwiseError, match="boom"):
        write_atomically(target, write)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xlsx"]


def test_an_os_error_becomes_one_clear_line(tmp_path: Path) -> None:
    def write(tmp: Path) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(TierwiseError, match="No space left on device"):
        write_atomically(tmp_path / "out.xlsx", write)
    with pytest.raises(TierwiseError, match="does not exist"):
        write_atomically(tmp_path / "missing" / "out.xlsx", lambda tmp: None)
    assert list(tmp_path.iterdir()) == []


def test_saving_copies_every_untouched_part(tmp_path: Path) -> None:
    path = write_rich_workbook(tmp_path / "rich.xlsx")
    out = tmp_path / "copy.xlsx"
    with Package(path) as pkg:
        pkg.save(out)
    with zipfile.ZipFile(path) as a, zipfile.ZipFile(out) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            if name not in ("[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
                assert a.read(name) == b.read(name), name
            else:  # re-serialised by lxml: same tree, prefixes and mc:Ignorable kept
                assert b'mc:Ignorable="x15 xr xr6 xr10 xr2"' in b.read(name) or (
                    name != "xl/workbook.xml"
                )
                assert etree.tostring(xmlsafe.parse(a.read(name)), method="c14n") == (
                    etree.tostring(xmlsafe.parse(b.read(name)), method="c14n")
                )


def test_cells_written_with_odd_spacing_are_still_replaced() -> None:
    rows = '<row r="2"><c\n r="A2"><v>1</v></c><c\tr="C2"><v>9</v></c></row>'
    out = b"".join(edit_sheet_stream(io.BytesIO(_sheet("", rows)), _edit({2: [(3, 5)]})))
    root = xmlsafe.parse(out)
    refs = [c.get("r") for c in root.iter(f"{{{MAIN}}}c")]
    assert refs == ["A2", "C2"]
    assert root.findtext(f".//{{{MAIN}}}c[@r='C2']/{{{MAIN}}}v") == "5"


@pytest.mark.parametrize("prefix", ["", "x:"])
@pytest.mark.parametrize("from_column", [1, 3, 27, 28, 30, 703])
def test_last_filled_column_sees_content_right_of_a_column(prefix: str, from_column: int) -> None:
    from tierwise.io.sheetstream import scan_sheet

    ns = f'xmlns{":x" if prefix else ""}="{MAIN}"'
    cells = [
        f'<{prefix}c r="B1" t="str"><{prefix}v>a</{prefix}v></{prefix}c>',
        f'<{prefix}c r="ab2"><{prefix}v>1</{prefix}v></{prefix}c>',  # AB = 28, lower case
        f'<{prefix}c r="AD2" s="3"/>',  # formatting only: not content
        f'<{prefix}c s="1" r="AC3"><{prefix}f>A1</{prefix}f></{prefix}c>',  # r not first: 29
    ]
    xml = (
        f"<{prefix}worksheet {ns}><{prefix}sheetData>"
        f'<{prefix}row r="1">{"".join(cells)}</{prefix}row>'
        f"</{prefix}sheetData></{prefix}worksheet>"
    ).encode()
    expected = 29 if from_column <= 29 else from_column - 1
    assert scan_sheet(io.BytesIO(xml), from_column=from_column).last_column == expected
    assert scan_sheet(io.BytesIO(xml), frozenset({29}), from_column=from_column).last_column == (
        28 if from_column <= 28 else from_column - 1
    )
