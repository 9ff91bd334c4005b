"""Writing the user's own workbook back annotated, losing nothing."""

from __future__ import annotations

import hashlib
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import fastexcel
import openpyxl
import polars as pl
import pytest
from lxml import etree

from tests.io.richbook import write_rich_workbook
from tierwise.errors import TierwiseError
from tierwise.io import columns, xmlsafe
from tierwise.io.annotate import annotate_package
from tierwise.io.log import LogEntry
from tierwise.io.sheetspec import SheetSpec
from tierwise.io.tracker import column_letter
from tierwise.outputs import default_output, write_annotated
from tierwise.pipeline import evaluate

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
AS_OF = date(2026, 6, 30)
# Parts the annotation may change; every other part must come back byte for byte.
SHARED_EDITS = {
    "[Content_Types].xml",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/styles.xml",
    "xl/worksheets/sheet1.xml",
    "xl/sharedStrings.xml",  # appended to: see _old_strings_kept
}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _cells(xml: bytes) -> dict[str, bytes]:
    """Every cell of a sheet part: reference -> its canonical XML."""
    root = xmlsafe.parse(xml)
    return {c.get("r"): etree.tostring(c, method="c14n") for c in root.iter(f"{{{MAIN}}}c")}


def _tierwise_cols(xml: bytes) -> set[str]:
    root = xmlsafe.parse(xml)
    out = set()
    for c in root.iter(f"{{{MAIN}}}c"):
        text = "".join(c.itertext())
        if text.startswith(columns.PREFIX):
            out.add(re.match(r"[A-Z]+", c.get("r")).group(0))
    return out


def _old_strings_kept(old: bytes, new: bytes) -> None:
    """The shared strings were only appended to: every old string keeps its index, as
    written (rich text and phonetic runs included), and the counts add up."""
    before, after = xmlsafe.parse(old), xmlsafe.parse(new)
    kept = [etree.tostring(x, method="c14n") for x in after][: len(before)]
    assert kept == [etree.tostring(x, method="c14n") for x in before]
    assert int(after.get("uniqueCount")) == len(after) > len(before)


@pytest.fixture
def rich(tmp_path: Path) -> Path:
    return write_rich_workbook(tmp_path / "tracker.xlsx")


def test_everything_the_user_had_is_still_there(rich: Path, tmp_path: Path) -> None:
    before = _digest(rich)
    out = tmp_path / "tracker.tierwise.xlsx"
    summary = SheetSpec(columns.PORTFOLIO_SHEET)
    summary.set(1, 1, "Portfolio", "title")
    result = write_annotated(evaluate(rich, as_of=AS_OF), out, portfolio=summary)
    assert result.path == out and result.rows == 3 and result.notes == []
    assert _digest(rich) == before  # the input is never modified
    old, new = _parts(rich), _parts(out)
    for name, data in old.items():
        if name not in SHARED_EDITS:
            assert new[name] == data, f"{name} changed"
    # The shape, image, threaded comment, persons and rich text are untouched parts.
    for name in (
        "xl/drawings/drawing1.xml",
        "xl/media/image1.png",
        "xl/threadedComments/threadedComment1.xml",
        "xl/persons/person.xml",
    ):
        assert new[name] == old[name]
    _old_strings_kept(old["xl/sharedStrings.xml"], new["xl/sharedStrings.xml"])
    sheet = new["xl/worksheets/sheet1.xml"]
    # The cross-sheet drop-down, the drawing and comment links, the filter, prefixes.
    assert b"<xm:f>Lists!$A$1:$A$3</xm:f>" in sheet
    assert b'<drawing r:id="rId1"/><legacyDrawing r:id="rId3"/>' in sheet
    # widened over Tierwise's columns, from E
    last = column_letter(4 + len(columns.ANNOTATION_COLUMNS))
    assert f'<autoFilter ref="A1:{last}4"/>'.encode() in sheet
    assert b'mc:Ignorable="x14ac xr xr2 xr3"' in sheet
    assert b'mc:Ignorable="x15 xr xr6 xr10 xr2"' in new["xl/workbook.xml"]
    # Every original cell is unchanged: value, formula, cached value, type, style.
    old_cells, new_cells = _cells(old["xl/worksheets/sheet1.xml"]), _cells(sheet)
    assert {r: new_cells[r] for r in old_cells} == old_cells
    assert b"<f>C2*2</f><v>200</v>" in sheet
    # Existing style indices never change: the old cellXfs come first, as they were.
    old_xfs = xmlsafe.parse(old["xl/styles.xml"]).find(f"{{{MAIN}}}cellXfs")
    new_xfs = xmlsafe.parse(new["xl/styles.xml"]).find(f"{{{MAIN}}}cellXfs")
    assert [etree.tostring(x) for x in new_xfs][: len(old_xfs)] == [
        etree.tostring(x) for x in old_xfs
    ]
    wb = openpyxl.load_workbook(out)
    own = [columns.PORTFOLIO_SHEET, columns.SETUP_SHEET, columns.HISTORY_SHEET]
    assert wb.sheetnames == ["Partners", "Lists", *own]
    assert wb[columns.SETUP_SHEET].sheet_state == "veryHidden"
    assert wb[columns.HISTORY_SHEET].sheet_state == "veryHidden"
    ws = wb["Partners"]
    headers = [ws.cell(1, c).value for c in range(1, 5 + len(columns.ANNOTATION_COLUMNS))]
    assert headers == ["Partner", "Tier", "Revenue", "Double"] + [
        h for h, _ in columns.ANNOTATION_COLUMNS
    ]
    assert ws["E1"].font.b and ws["E1"].fill.fgColor.rgb == "FFDDEBF7"
    assert ws.column_dimensions["I"].width == 60 and ws["I2"].alignment.wrap_text
    assert ws["A6"].value == "Total" and ws["E6"].value is None  # not a partner row
    assert fastexcel.read_excel(str(out)).sheet_names[:2] == ["Partners", "Lists"]


def test_a_formula_looking_partner_stays_text(rich: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    write_annotated(evaluate(rich, as_of=AS_OF), out)
    ws = openpyxl.load_workbook(out)["Partners"]
    assert ws["A3"].value == '=HYPERLINK("http://x","y")' and ws["A3"].data_type == "s"
    assert ws["A4"].value == "+Beta"
    # Tierwise's own text starting with "=" (a typed note) is stored as text too.
    decisions = pl.DataFrame({"row": [3], "decision": ["exit"], "decision_note": ["=1+1"]})
    write_annotated(evaluate(rich, as_of=AS_OF), out, decisions=decisions)
    ws = openpyxl.load_workbook(out)["Partners"]
    assert ws["O3"].value == "=1+1" and ws["O3"].data_type == "s"
    assert ws["N3"].value == "exit"


def test_re_annotation_updates_in_place_and_is_idempotent(rich: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a.tierwise.xlsx", tmp_path / "b.tierwise.xlsx"
    decisions = pl.DataFrame(
        {"row": [2], "decision": ["tactical"], "decision_note": ["agreed with Dana"]}
    )
    write_annotated(evaluate(rich, as_of=AS_OF), first, decisions=decisions)
    ev = evaluate(first, as_of=AS_OF)
    write_annotated(ev, second)  # no decisions given: those typed before are kept
    a, b = _parts(first), _parts(second)
    assert sorted(a) == sorted(b)  # no second set of sheets or parts
    assert _cells(a["xl/worksheets/sheet1.xml"]) == _cells(b["xl/worksheets/sheet1.xml"])
    assert a["xl/worksheets/sheet1.xml"] == b["xl/worksheets/sheet1.xml"]
    assert a["xl/styles.xml"] == b["xl/styles.xml"]
    assert a["xl/sharedStrings.xml"] == b["xl/sharedStrings.xml"]  # no text added twice
    assert _tierwise_cols(b["xl/worksheets/sheet1.xml"]) == set("EFGHIJKLMNOPQR")
    wb = openpyxl.load_workbook(second)
    assert wb.sheetnames.count(columns.SETUP_SHEET) == 1
    assert wb["Partners"]["N2"].value == "tactical"
    assert wb["Partners"]["O2"].value == "agreed with Dana"
    # Re-scoring the annotated file gives the same judgments as scoring the original.
    cols = ["row", "score", "recommended_tier", "action"]
    assert ev.scored.partners.select(cols).equals(
        evaluate(rich, as_of=AS_OF).scored.partners.select(cols)
    )
    assert ev.tracker.setup["sheet"] == "Partners" and ev.tracker.setup["header_row"] == 1


def test_the_log_appends_across_two_saves(rich: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one.xlsx", tmp_path / "two.xlsx"
    first = LogEntry(
        datetime(2026, 6, 1, 9, 30), "dana", "Acme Corp", 2, "strategic", "tactical", ""
    )
    second = LogEntry(datetime(2026, 6, 2, 10, 0), "lee", "+Beta", 4, "casual", "exit", "=no")
    write_annotated(evaluate(rich, as_of=AS_OF), one, log=[first])
    write_annotated(evaluate(one, as_of=AS_OF), two, log=[second])
    ws = openpyxl.load_workbook(two)[columns.LOG_SHEET]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == columns.LOG_COLUMNS
    assert rows[1] == (
        datetime(2026, 6, 1, 9, 30),
        "dana",
        "Acme Corp",
        2,
        "strategic",
        "tactical",
        None,
    )
    assert rows[2] == (datetime(2026, 6, 2, 10, 0), "lee", "+Beta", 4, "casual", "exit", "=no")
    # The old rows are kept byte for byte.
    log_part = next(
        n for n, d in _parts(one).items() if n.startswith("xl/worksheets/") and b"dana" in d
    )
    old_rows = re.findall(rb"<row .*?</row>", _parts(one)[log_part])
    assert all(row in _parts(two)[log_part] for row in old_rows)


def test_annotate_package_on_plain_data(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Deals"
    ws.append(["Partner", "Tier"])
    ws.append(["Acme", "Gold"])
    ws.append(["Beta", "Silver"])
    ws["F3"] = "stray note"  # a filled cell with no header: never written over
    src = tmp_path / "plain.xlsx"
    wb.save(src)
    values = pl.DataFrame(
        {"row": [2, 3], "score": [80.0, 20.0], "recommended_tier": ["strategic", "exit"]}
    )
    placed = annotate_package(
        src, tmp_path / "out.xlsx", sheet="Deals", header_row=1, values=values, first_column=3
    )
    assert placed["Tierwise: score"] == 7
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["Deals"]
    assert ws["F3"].value == "stray note"
    assert (ws["G2"].value, ws["H2"].value, ws["H3"].value) == (80.0, "strategic", "exit")
    with pytest.raises(TierwiseError, match="no sheet named"):
        annotate_package(
            src, tmp_path / "x.xlsx", sheet="Nope", header_row=1, values=values, first_column=3
        )


@pytest.mark.parametrize("ref", ["F3", "f3", "AB3"])
def test_a_cell_the_reader_did_not_see_is_never_written_over(tmp_path: Path, ref: str) -> None:
    # A formula without a cached value (as openpyxl writes one) is no value to calamine,
    # so the reader's last column stops before it; the streamed write must notice it
    # and place Tierwise's columns right of it.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Partners"
    ws.append(["Partner", "Tier", "Closed revenue"])
    ws.append(["Acme", "Strategic", 100000])
    ws.append(["Beta", "Casual", 5])
    ws[ref.upper()] = "=1+1"
    src = tmp_path / "formula.xlsx"
    wb.save(src)
    if ref != ref.upper():  # a reference in lower case, as some writers spell it
        parts = _parts(src)
        sheet = parts["xl/worksheets/sheet1.xml"].replace(b'r="F3"', b'r="f3"')
        with zipfile.ZipFile(src, "w") as zf:
            for name, data in parts.items():
                zf.writestr(name, sheet if name == "xl/worksheets/sheet1.xml" else data)
    ev = evaluate(src, as_of=AS_OF)
    assert ev.tracker.source.last_column == 3  # the reader did not see it
    write_annotated(ev, tmp_path / "out.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["Partners"]
    assert ws[ref.upper()].value == "=1+1"
    first = next(c.column for c in ws[1] if c.value == "Tierwise: score")
    assert first == openpyxl.utils.column_index_from_string(ref.upper().rstrip("0123456789")) + 1


def test_csv_input_becomes_a_new_workbook(tmp_path: Path) -> None:
    src = tmp_path / "partners.csv"
    src.write_text("Notes line\nPartner,Tier,Closed Revenue\nAcme,Strategic,100\n=cmd,Casual,5\n")
    ev = evaluate(src, as_of=AS_OF)
    out = default_output(src)
    assert out == tmp_path / "partners.csv.tierwise.xlsx"  # never partners.xlsx's output
    result = write_annotated(ev, out)
    assert any("CSV" in n for n in result.notes)
    wb = openpyxl.load_workbook(out)
    ws = wb[wb.sheetnames[0]]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "Notes line"  # every line of the CSV in its place
    assert rows[1][:3] == ("Partner", "Tier", "Closed Revenue")
    assert rows[1][3] == "Tierwise: score"
    by_name = {r[0]: r for r in rows[2:]}
    assert by_name["Acme"][2] == 100 and by_name["=cmd"][1] == "Casual"
    scored = {p["partner"]: p for p in ev.scored.partners.iter_rows(named=True)}
    assert by_name["Acme"][4] == scored["Acme"]["recommended_tier"]
    assert by_name["=cmd"][4] == scored["=cmd"]["recommended_tier"]
    assert ws["A4"].data_type == "s"


def test_the_input_is_never_the_output(rich: Path, tmp_path: Path) -> None:
    ev = evaluate(rich, as_of=AS_OF)
    before = _digest(rich)
    with pytest.raises(TierwiseError, match="never overwrites"):
        write_annotated(ev, rich)
    link = tmp_path / "link.xlsx"
    link.symlink_to(rich)
    with pytest.raises(TierwiseError, match="never overwrites"):
        write_annotated(ev, link)
    assert _digest(rich) == before
    assert default_output(rich) == tmp_path / "tracker.tierwise.xlsx"
    annotated = tmp_path / "tracker.tierwise.xlsx"
    assert default_output(annotated) == tmp_path / "tracker.tierwise-2.xlsx"
    assert default_output(tmp_path / "m.xlsm") == tmp_path / "m.tierwise.xlsm"


def test_a_failed_write_keeps_the_old_output(
    rich: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"previous")
    from tierwise.io import annotate

    def broken(path: Path, must_have: object = (), **_: object) -> None:
        raise TierwiseError("the annotated workbook failed its check")

    monkeypatch.setattr(annotate, "verify_workbook", broken)
    with pytest.raises(TierwiseError, match="failed its check"):
        write_annotated(evaluate(rich, as_of=AS_OF), out)
    assert out.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xlsx", "tracker.xlsx"]


def test_macros_survive(tmp_path: Path) -> None:
    src = write_rich_workbook(tmp_path / "macro.xlsm", macro=True)
    out = default_output(src)
    write_annotated(evaluate(src, as_of=AS_OF), out)
    old, new = _parts(src), _parts(out)
    assert new["xl/vbaProject.bin"] == old["xl/vbaProject.bin"]
    assert b"application/vnd.ms-excel.sheet.macroEnabled.main+xml" in new["[Content_Types].xml"]
    assert openpyxl.load_workbook(out, keep_vba=True).vba_archive is not None


def test_awkward_text_round_trips(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "P"
    ws.append(["Partner"])
    for name in ("a", "b", "c", "d"):
        ws.append([name])
    src = tmp_path / "p.xlsx"
    wb.save(src)
    texts = [" padded ", "_x0041_ & <b> \"q\" 'a'", "line1\nline2\x01", "@SUM(A1)"]
    values = pl.DataFrame(
        {
            "row": [2, 3, 4, 5],
            "why": texts,
            "score": [float("nan"), float("inf"), 1e-7, None],
            "decision": ["exit", None, "", "strategic"],
        }
    )
    annotate_package(
        src, tmp_path / "o.xlsx", sheet="P", header_row=1, values=values, first_column=2
    )
    # calamine decodes Excel's _xHHHH_ escapes as Excel does (openpyxl does not, for
    # inline strings), so a literal "_x0041_" comes back as typed.
    sheet = fastexcel.read_excel(str(tmp_path / "o.xlsx")).load_sheet(0, dtypes="string")
    assert sheet.to_polars()["Tierwise: why"].to_list() == [
        " padded ",
        "_x0041_ & <b> \"q\" 'a'",
        "line1\nline2",
        "@SUM(A1)",
    ]
    ws = openpyxl.load_workbook(tmp_path / "o.xlsx")["P"]
    assert ws.cell(5, 6).data_type == "s"
    assert [ws.cell(r, 2).value for r in range(2, 6)] == [None, None, 1e-7, None]
    assert [ws.cell(r, 11).value for r in range(2, 6)] == ["exit", None, None, "strategic"]
    assert ws.cell(2, 11).fill.fgColor.rgb != ws.cell(5, 11).fill.fgColor.rgb


SAMPLES = sorted((Path(__file__).resolve().parents[2] / "samples").glob("*.xlsx"))


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.name for p in SAMPLES])
def test_samples_annotate_losslessly_and_idempotently(sample: Path, tmp_path: Path) -> None:
    before = _digest(sample)
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    ev = evaluate(sample, as_of=AS_OF)
    write_annotated(ev, first)
    assert _digest(sample) == before
    from tierwise.io.package import Package

    with Package(sample) as pkg:
        partner_part = pkg.sheet(ev.tracker.source.sheet).part
        edited = {*pkg.shared_parts(), partner_part}
    old, new = _parts(sample), _parts(first)
    for name, data in old.items():
        if name not in edited:
            assert new[name] == data, f"{name} changed"
    old_cells, new_cells = _cells(old[partner_part]), _cells(new[partner_part])
    # Every cell of the user's is kept; Tierwise's own columns (a sample may already hold
    # the decision columns of a past review) are Tierwise's to rewrite.
    own = {column_letter(c) for c in ev.tracker.source.tierwise_columns.values()}
    users = {r: c for r, c in old_cells.items() if r.rstrip("0123456789") not in own}
    assert {r: new_cells[r] for r in users} == users
    write_annotated(evaluate(first, as_of=AS_OF), second)
    a, b = _parts(first), _parts(second)
    assert sorted(a) == sorted(b)
    assert a[partner_part] == b[partner_part]
    assert (
        fastexcel.read_excel(str(second)).sheet_names
        == openpyxl.load_workbook(second, read_only=True).sheetnames
    )


def test_columns_found_on_the_header_row_are_reused_and_typed_decisions_kept(
    tmp_path: Path,
) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "P"
    ws.append(["Partner"])
    ws.append(["Acme"])
    src, once, twice = tmp_path / "p.xlsx", tmp_path / "once.xlsx", tmp_path / "twice.xlsx"
    wb.save(src)
    values = pl.DataFrame({"row": [2], "score": [10.0]})
    annotate_package(src, once, sheet="P", header_row=1, values=values, first_column=2)
    # Someone types a decision in Excel, which stores text as shared strings.
    wb = openpyxl.load_workbook(once)
    wb["P"]["K2"] = "exit"
    wb.save(tmp_path / "typed.xlsx")
    # The caller (a reader that missed the columns) passes no existing columns.
    annotate_package(
        tmp_path / "typed.xlsx",
        twice,
        sheet="P",
        header_row=1,
        values=pl.DataFrame({"row": [2], "score": [20.0]}),
        first_column=2,
    )
    ws = openpyxl.load_workbook(twice)["P"]
    assert ws.max_column == 1 + len(columns.ANNOTATION_COLUMNS)  # one set, not two
    assert (ws["B2"].value, ws["K1"].value, ws["K2"].value) == (20.0, "Tierwise: decision", "exit")


def test_the_set_up_is_remembered(rich: Path, tmp_path: Path) -> None:
    rubric = tmp_path / "r.toml"
    rubric.write_text("[flags.exec_lunch]\nmin_target = 12345\n")
    out = tmp_path / "out.xlsx"
    write_annotated(evaluate(rich, rubric_path=rubric, mapping={"Double": "pipeline"}), out)
    again = evaluate(out)  # no flags: sheet, header row, mapping and rubric come back
    assert again.tracker.setup["mapping"]["Double"] == "pipeline"
    assert again.tracker.source.mapping["Double"] == "pipeline"
    assert again.rubric.get("flags.exec_lunch.min_target") == 12345
    assert again.tracker.setup["header_row"] == 1 and again.tracker.setup["sheet"] == "Partners"


@pytest.mark.parametrize("where", ["F3", "E1", "D4"])
def test_new_columns_go_right_of_a_cell_the_reader_sees_no_value_in(
    where: str, tmp_path: Path
) -> None:
    # openpyxl writes a formula without a cached value: no value to the reader (its last
    # column stays C), yet the user's cell; Tierwise's columns go right of it.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Partners"
    ws.append(["Partner", "Partner type", "Region"])
    for name in ("Acme", "Globex", "Initech"):
        ws.append([name, "Reseller", "EMEA"])
    ws[where] = "=A2&B2"
    src = tmp_path / "t.xlsx"
    wb.save(src)
    out = tmp_path / "out.xlsx"
    write_annotated(evaluate(src, as_of=AS_OF), out)
    sheet = _parts(out)["xl/worksheets/sheet1.xml"]
    first = chr(ord(where[0]) + 1)
    assert _tierwise_cols(sheet) and min(_tierwise_cols(sheet)) == first
    assert _cells(sheet)[where] == _cells(_parts(src)["xl/worksheets/sheet1.xml"])[where]
