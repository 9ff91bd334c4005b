"""xmlsafe: whole-part and streamed parsing refuse a DTD alike, and stream normal parts as is.

The hostile documents are built here (an entity bomb, an external entity aimed at
/etc/passwd), plus the two security files of the real-world corpus run through the CLI.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from tests.helpers_workbooks import (
    BILLION_LAUGHS,
    assert_one_line_error,
    part,
    rewrite_parts,
    run_cli,
    tracker,
    with_doctype,
)
from tierwise.errors import TierwiseError
from tierwise.io import xmlsafe

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
ROW = f"{{{MAIN}}}row"
SHEET = "xl/worksheets/sheet1.xml"
SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "partner_tracker.xlsx"

PASSWD = b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def sheet_part(doctype: bytes = b"", text: bytes = b"Acme") -> bytes:
    """A small worksheet part, with `doctype` after the XML declaration."""
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        + doctype
        + f'<worksheet xmlns="{MAIN}"><sheetData>'.encode()
        + b'<row r="1"><c r="A1" t="inlineStr"><is><t>Partner</t></is></c></row>'
        + b'<row r="2"><c r="A2" t="inlineStr"><is><t>'
        + text
        + b"</t></is></c></row></sheetData></worksheet>"
    )


HOSTILE = {
    "billion-laughs": sheet_part(BILLION_LAUGHS, b"&lol9;"),
    "external-entity": sheet_part(PASSWD, b"&xxe;"),
    "entity-loop": sheet_part(b'<!DOCTYPE worksheet [<!ENTITY a "&b;"><!ENTITY b "&a;">]>', b"&a;"),
    # Declared but never referenced: still refused, a spreadsheet has no use for it.
    "unused-declaration": sheet_part(PASSWD),
}

EVENT_SETS = [
    (("end",), None),
    (("end",), ROW),
    (("start",), None),
    (("start", "end"), ROW),
    (("end",), "{urn:nothing}matches-nothing"),
    (("start-ns", "end"), None),
    (("comment", "pi"), None),
]


def _message(call) -> str:
    with pytest.raises(TierwiseError) as caught:
        call()
    return str(caught.value)


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_parse_and_every_kind_of_stream_refuse_a_dtd_with_one_line(kind: str) -> None:
    doc = HOSTILE[kind]
    where = "xl/worksheets/sheet1.xml"
    whole = _message(lambda: xmlsafe.parse(doc, where))
    assert whole.startswith(f"{where} declares a DTD") and "\n" not in whole
    for events, tag in EVENT_SETS:
        streamed = _message(
            lambda events=events, tag=tag: list(
                xmlsafe.iterparse(io.BytesIO(doc), events, tag=tag, where=where)
            )
        )
        assert streamed == whole, (events, tag)
    # The default label reads as a sentence too.
    assert _message(lambda: list(xmlsafe.iterparse(io.BytesIO(doc)))).startswith(
        "an XML part declares a DTD"
    )


@pytest.mark.parametrize("kind", ["billion-laughs", "external-entity"])
def test_a_stream_hands_the_caller_no_element_of_a_hostile_part(kind: str) -> None:
    seen: list[str] = []
    with pytest.raises(TierwiseError, match="declares a DTD"):
        for _, el in xmlsafe.iterparse(io.BytesIO(HOSTILE[kind]), ("start", "end")):
            seen.append("".join(el.itertext()))
    assert seen == []


class _CountingSource(io.RawIOBase):
    """A part of `rows` rows generated as it is read, counting the bytes handed out."""

    def __init__(self, head: bytes, rows: int) -> None:
        self.head, self.rows, self.row, self.given = head, rows, 0, 0
        self.pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        while len(self.pending) < len(buffer) and self.row <= self.rows:
            if self.head:
                self.pending, self.head = self.head, b""
            elif self.row < self.rows:
                self.row += 1
                self.pending += b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (self.row, self.row)
            else:
                self.row += 1
                self.pending += b"</sheetData></worksheet>"
        n = min(len(buffer), len(self.pending))
        buffer[:n], self.pending = self.pending[:n], self.pending[n:]
        self.given += n
        return n


def test_a_hostile_part_is_refused_without_reading_it_whole() -> None:
    head = BILLION_LAUGHS + f'<worksheet xmlns="{MAIN}"><sheetData>'.encode()
    source = _CountingSource(head, rows=2_000_000)  # about 80 MB if read to the end
    with pytest.raises(TierwiseError, match="declares a DTD"):
        for _ in xmlsafe.iterparse(source, ("end",), tag=ROW):
            pass
    assert source.given < 1_000_000, source.given


def _sample_parts() -> dict[str, bytes]:
    with zipfile.ZipFile(SAMPLE) as zf:
        return {
            name: zf.read(name)
            for name in zf.namelist()
            if name.startswith(("xl/worksheets/", "xl/sharedStrings")) and name.endswith(".xml")
        }


def _trace(stream) -> list[tuple]:
    return [
        (event, el.tag, el.text, dict(el.attrib), len(el))
        if isinstance(el, etree._Element)
        else (event, el)
        for event, el in stream
    ]


@pytest.mark.parametrize("events", [("end",), ("start", "end"), ("start-ns", "start", "end")])
def test_a_normal_part_streams_exactly_as_plain_lxml(events: tuple[str, ...]) -> None:
    parts = _sample_parts()
    assert parts, SAMPLE
    for name, data in parts.items():
        for tag in (None, ROW, f"{{{MAIN}}}si"):
            plain = _trace(etree.iterparse(io.BytesIO(data), events=events, tag=tag))
            safe = _trace(xmlsafe.iterparse(io.BytesIO(data), events, tag=tag))
            assert safe == plain, (name, tag)
    assert any(
        len(_trace(xmlsafe.iterparse(io.BytesIO(d), ("end",), tag=ROW))) > 10
        for d in parts.values()
    )


def test_a_caller_may_stop_streaming_early() -> None:
    data = sheet_part()
    rows = []
    for _, el in xmlsafe.iterparse(io.BytesIO(data), ("end",), tag=ROW):
        rows.append(el.get("r"))
        break
    assert rows == ["1"]


def test_a_damaged_part_is_still_one_line() -> None:
    message = _message(
        lambda: list(xmlsafe.iterparse(io.BytesIO(b"<a><b></a>"), where="xl/sharedStrings.xml"))
    )
    assert message.startswith("xl/sharedStrings.xml is not well-formed") and "\n" not in message


# --- the same through the command line ---------------------------------------------------


@pytest.mark.parametrize(
    ("doctype", "ref"), [(BILLION_LAUGHS, b"&lol9;"), (PASSWD, b"&xxe;"), (PASSWD, b"")]
)
def test_score_refuses_a_sheet_that_declares_a_dtd(
    tmp_path: Path, doctype: bytes, ref: bytes
) -> None:
    def attack(data: bytes) -> bytes:
        return with_doctype(data, doctype).replace(
            b"<t>Globex Consulting</t>", b"<t>" + ref + b"</t>"
        )

    hostile = rewrite_parts(
        tracker(tmp_path / "base.xlsx"), tmp_path / "hostile.xlsx", {SHEET: attack}
    )
    assert (ref or b"<!DOCTYPE") in part(hostile, SHEET)
    out = tmp_path / "out.xlsx"
    result = run_cli("score", str(hostile), "-o", str(out), "-q")
    assert_one_line_error(result)
    assert "lollol" not in result.output and "root:" not in result.output
    assert not out.exists()


@pytest.mark.parametrize(
    ("name", "leak"),
    [
        # Shared strings that expand to ~9 MB through five levels of entities.
        ("apache-poi/poc-xmlbomb.xlsx", "aaaaaaaaaaaaaaaaaa"),
        # An XML map whose schema points at http://localhost (no DOCTYPE: nothing to
        # refuse in the XML itself, and no partner column to score).
        ("apache-poi/xxe_in_schema.xlsx", "root:"),
    ],
)
def test_the_corpus_security_files_end_in_one_line(
    corpus_dir: Path, tmp_path: Path, name: str, leak: str
) -> None:
    out = tmp_path / "out.xlsx"
    result = run_cli("score", str(corpus_dir / name), "-o", str(out))
    err = assert_one_line_error(result)
    assert leak not in result.output, err
    assert not out.exists()


def test_the_corpus_bomb_part_is_refused_by_the_stream_itself(corpus_dir: Path) -> None:
    # Whole or streamed, the bomb part is refused as a DTD, never expanded.
    data = zipfile.ZipFile(corpus_dir / "apache-poi/poc-xmlbomb.xlsx").read("xl/sharedStrings.xml")
    where = "xl/sharedStrings.xml"
    streamed = _message(
        lambda: list(
            xmlsafe.iterparse(io.BytesIO(data), ("end",), tag=f"{{{MAIN}}}si", where=where)
        )
    )
    assert streamed == _message(lambda: xmlsafe.parse(data, where))
    assert streamed.startswith(f"{where} declares a DTD")
