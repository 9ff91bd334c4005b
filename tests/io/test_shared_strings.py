"""Tierwise's texts written as shared strings: appended to the workbook's table, the
strings already there kept at their indices, read back as written by every reader."""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import fastexcel
import openpyxl
import polars as pl
import pytest
from lxml import etree

from tests.io.richbook import write_rich_workbook
from tierwise.io import xmlsafe
from tierwise.io.annotate import annotate_package, build_data_package

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
WHY = "Score 80: strongest motivation share 90\n  R&D <joint> plan, literally _x0041_ "


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _with_table(path: Path, table: bytes) -> Path:
    """`path` rewritten in place with `table` as its shared strings part."""
    parts = _parts(path)
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, table if name == "xl/sharedStrings.xml" else data)
    return path


def _values() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "row": [2, 3],
            "score": [80.0, 20.0],
            "recommended_tier": ["strategic", "exit"],
            "action": ["keep", "keep"],
            "flags": ["Revenue", None],  # a text the table holds already
            "why": [WHY, "Score 20"],
        }
    )


def _changed() -> pl.DataFrame:
    """`_values` as a second run might give them: one why reworded."""
    return _values().with_columns(why=pl.Series(["Score 81: new words", "Score 19"]))


def _read_back(path: Path, sheet: str, first: int) -> list[tuple]:
    ws = openpyxl.load_workbook(path)[sheet]
    rows = ws.iter_rows(min_row=2, max_row=3, min_col=first, max_col=first + 4)
    return [tuple(c.value for c in row) for row in rows]


EXPECTED = [(80, "strategic", "keep", "Revenue", WHY), (20, "exit", "keep", None, "Score 20")]


def test_texts_are_appended_to_the_table_and_read_back_as_written(tmp_path: Path) -> None:
    src, out = write_rich_workbook(tmp_path / "in.xlsx"), tmp_path / "out.xlsx"
    annotate_package(src, out, sheet="Partners", header_row=1, values=_values(), first_column=5)
    old, new = _parts(src), _parts(out)
    before = xmlsafe.parse(old["xl/sharedStrings.xml"])
    after = xmlsafe.parse(new["xl/sharedStrings.xml"])
    # Old strings keep their places, as written; a text already there is reused.
    assert [etree.tostring(si) for si in after][: len(before)] == [
        etree.tostring(si) for si in before
    ]
    texts = ["".join(si.itertext()) for si in after]
    assert texts.count("Revenue") == 1 and texts.count("keep") == 1
    # Five texts added, after the mark that counts them (no cell refers to it).
    assert int(after.get("uniqueCount")) == len(after) == len(before) + 1 + 5
    assert texts[len(before)].startswith("tierwise texts n=5 ")
    sheet = new["xl/worksheets/sheet1.xml"]
    assert b"inlineStr" not in sheet.split(b'r="E2"')[1].split(b"</row>")[0]
    # Only the first of Tierwise's run of cells needs its reference.
    assert re.search(rb'<c r="E2"[^>]*><v>80(\.0)?</v></c><c s="\d+" t="s"><v>\d+</v>', sheet)
    assert _read_back(out, "Partners", 5) == EXPECTED
    frame = fastexcel.read_excel(out).load_sheet("Partners").to_polars()
    assert frame.row(0)[4:9] == (80.0, "strategic", "keep", "Revenue", WHY)


def test_a_workbook_without_a_table_gets_one(tmp_path: Path) -> None:
    rows = pl.DataFrame({"row": [1, 2, 3], "1": ["Partner", "Acme", "Beta"]})
    src, out = tmp_path / "data.xlsx", tmp_path / "out.xlsx"
    build_data_package([rows], "Deals", src)
    assert not any("sharedStrings" in n for n in _parts(src))
    annotate_package(src, out, sheet="Deals", header_row=1, values=_values(), first_column=2)
    parts = _parts(out)
    assert b'PartName="/xl/sharedStrings.xml"' in parts["[Content_Types].xml"]
    assert b'Target="sharedStrings.xml"' in parts["xl/_rels/workbook.xml.rels"]
    assert _read_back(out, "Deals", 2) == EXPECTED


def test_a_prefixed_table_is_appended_to_with_its_prefix(tmp_path: Path) -> None:
    src, out = write_rich_workbook(tmp_path / "in.xlsx"), tmp_path / "out.xlsx"
    parts = _parts(src)
    sst = parts["xl/sharedStrings.xml"]
    sst = re.sub(rb"<(/?)(sst|si|t)\b", rb"<\1x:\2", sst).replace(b"xmlns=", b"xmlns:x=")
    _with_table(src, sst)
    annotate_package(src, out, sheet="Partners", header_row=1, values=_values(), first_column=5)
    table = xmlsafe.parse(_parts(out)["xl/sharedStrings.xml"])
    assert all(el.tag == f"{{{MAIN}}}si" for el in table)
    assert int(table.get("uniqueCount")) == len(table)
    assert _read_back(out, "Partners", 5) == EXPECTED


def test_a_text_the_table_holds_twice_is_written_once(tmp_path: Path) -> None:
    src, out = write_rich_workbook(tmp_path / "in.xlsx"), tmp_path / "out.xlsx"
    parts = _parts(src)
    _with_table(
        src, parts["xl/sharedStrings.xml"].replace(b"</sst>", b"<si><t>Revenue</t></si></sst>")
    )
    annotate_package(src, out, sheet="Partners", header_row=1, values=_values(), first_column=5)
    assert _read_back(out, "Partners", 5) == EXPECTED


def test_scoring_again_replaces_last_runs_texts_instead_of_piling_them_up(
    tmp_path: Path,
) -> None:
    src = write_rich_workbook(tmp_path / "in.xlsx")
    first, second, third = (tmp_path / f"{n}.xlsx" for n in ("first", "second", "third"))
    annotate_package(src, first, sheet="Partners", header_row=1, values=_values(), first_column=5)
    for out, values in ((second, _changed()), (third, _values())):
        given = first if out is second else second
        annotate_package(given, out, sheet="Partners", header_row=1, values=values, first_column=5)
    tables = [xmlsafe.parse(_parts(p)["xl/sharedStrings.xml"]) for p in (src, first, third)]
    texts = ["".join(si.itertext()) for si in xmlsafe.parse(_parts(second)["xl/sharedStrings.xml"])]
    assert WHY not in texts and "Score 81: new words" in texts  # last run's why dropped
    # Back to the first run's values: the same table as the first run wrote, byte for byte.
    assert _parts(third)["xl/sharedStrings.xml"] == _parts(first)["xl/sharedStrings.xml"]
    assert len(tables[2]) == len(tables[1])
    assert _read_back(third, "Partners", 5) == EXPECTED


def test_a_table_rebuilt_by_a_spreadsheet_app_keeps_every_text(tmp_path: Path) -> None:
    """A mark whose count or CRC no longer matches (an app rewrote the table) drops
    nothing: every string stays where it is."""
    src, first = write_rich_workbook(tmp_path / "in.xlsx"), tmp_path / "first.xlsx"
    annotate_package(src, first, sheet="Partners", header_row=1, values=_values(), first_column=5)
    parts = _parts(first)
    table = parts["xl/sharedStrings.xml"]
    edited = table.replace(b"</sst>", b"<si><t>typed later by the user</t></si></sst>")
    tampered = _with_table(shutil.copy(first, tmp_path / "tampered.xlsx"), edited)
    out = tmp_path / "again.xlsx"
    annotate_package(
        tampered, out, sheet="Partners", header_row=1, values=_values(), first_column=5
    )
    before = ["".join(si.itertext()) for si in xmlsafe.parse(edited)]
    after = ["".join(si.itertext()) for si in xmlsafe.parse(_parts(out)["xl/sharedStrings.xml"])]
    assert after[: len(before)] == before


def test_rows_given_out_of_order_twice_or_on_the_header_are_written_once_each(
    tmp_path: Path,
) -> None:
    src, out = write_rich_workbook(tmp_path / "in.xlsx"), tmp_path / "out.xlsx"
    given = pl.concat(
        [
            _values().reverse(),  # row 3 first
            _values().head(1).with_columns(pl.lit("Replaced").alias("why")),  # row 2 again
            _values().head(1).with_columns(pl.lit(1, pl.Int64).alias("row")),  # the header row
        ]
    )
    annotate_package(src, out, sheet="Partners", header_row=1, values=given, first_column=5)
    expected = [(80, "strategic", "keep", "Revenue", "Replaced"), EXPECTED[1]]
    assert _read_back(out, "Partners", 5) == expected
    header = openpyxl.load_workbook(out)["Partners"]["E1"].value
    assert header.startswith("Tierwise")


@pytest.mark.parametrize(
    "rewrite",
    [
        pytest.param(lambda t: t.replace(b"</si>", b"</si>\n  "), id="items-on-lines"),
        pytest.param(lambda t: t.replace(b"<si>", b"<si >", 1), id="open-tag-spaced"),
        pytest.param(lambda t: t.replace(b"</sst>", b"<si/></sst>"), id="empty-item"),
        pytest.param(lambda t: t.replace(b"</si>", b"</si\n>", 1), id="close-tag-spaced"),
        pytest.param(
            lambda t: t.replace(b"UTF-8", b"ISO-8859-1").replace(
                b"</sst>", "<si><t>Caf\u00e9</t></si></sst>".encode("latin-1")
            ),
            id="latin-1",
        ),
    ],
)
def test_a_table_written_another_way_keeps_its_strings_and_sheds_last_runs_texts(
    tmp_path: Path, rewrite: Callable[[bytes], bytes]
) -> None:
    """Tables whose items are not bare `<si>...</si>` in UTF-8 one after another are
    split by a slower path: the same strings kept, reused and dropped."""
    src, first = write_rich_workbook(tmp_path / "in.xlsx"), tmp_path / "first.xlsx"
    table = rewrite(_parts(src)["xl/sharedStrings.xml"])
    _with_table(src, table)
    second, third = tmp_path / "second.xlsx", tmp_path / "third.xlsx"
    for given, out, values in ((src, first, _values()), (first, second, _changed())):
        annotate_package(given, out, sheet="Partners", header_row=1, values=values, first_column=5)
    annotate_package(
        second, third, sheet="Partners", header_row=1, values=_values(), first_column=5
    )
    before = xmlsafe.parse(table)
    after = xmlsafe.parse(_parts(first)["xl/sharedStrings.xml"])
    assert [etree.tostring(si) for si in after][: len(before)] == [
        etree.tostring(si) for si in before
    ]
    assert ["".join(si.itertext()) for si in after].count("Revenue") == 1
    assert int(after.get("uniqueCount")) == len(after) == len(before) + 1 + 5
    # Scoring again drops the texts the run before added: back to the first run's values,
    # the same table as the first run wrote, byte for byte.
    texts = ["".join(si.itertext()) for si in xmlsafe.parse(_parts(second)["xl/sharedStrings.xml"])]
    assert WHY not in texts and "Score 81: new words" in texts and len(texts) == len(after)
    assert _parts(third)["xl/sharedStrings.xml"] == _parts(first)["xl/sharedStrings.xml"]
    assert _read_back(third, "Partners", 5) == EXPECTED


def test_last_runs_texts_are_shed_from_a_table_laid_out_on_lines(tmp_path: Path) -> None:
    """A tool that puts every string of an annotated table on its own line keeps the
    mark's count and CRC (they cover the elements, not what lies between them)."""
    src, first = write_rich_workbook(tmp_path / "in.xlsx"), tmp_path / "first.xlsx"
    annotate_package(src, first, sheet="Partners", header_row=1, values=_values(), first_column=5)
    table = _parts(first)["xl/sharedStrings.xml"].replace(b"</si>", b"</si>\n")
    again = tmp_path / "again.xlsx"
    annotate_package(
        _with_table(shutil.copy(first, tmp_path / "lines.xlsx"), table),
        again,
        sheet="Partners",
        header_row=1,
        values=_changed(),
        first_column=5,
    )
    before = ["".join(si.itertext()) for si in xmlsafe.parse(_parts(first)["xl/sharedStrings.xml"])]
    after = ["".join(si.itertext()) for si in xmlsafe.parse(_parts(again)["xl/sharedStrings.xml"])]
    assert WHY not in after and "Score 81: new words" in after and len(after) == len(before)
    whys = ["Score 81: new words", "Score 19"]
    assert _read_back(again, "Partners", 5) == [
        (*r[:4], w) for r, w in zip(EXPECTED, whys, strict=True)
    ]
