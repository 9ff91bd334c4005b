"""Files refused (or read another way) before any spreadsheet library opens them."""

from __future__ import annotations

import shutil
import struct
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tierwise.errors import TierwiseError
from tierwise.io import safety
from tierwise.io.reader import read_tracker

FREE, END, FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def cfb(streams: list[str], *, loop: bool = False) -> bytes:
    """A minimal OLE2 container: sector 0 the FAT, sector 1 the directory."""
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 0x2C, 1, 1, 0, 4096, END, 0, END, 0, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *([FREE] * 108))
    fat = [FATSECT, 1 if loop else END] + [FREE] * 126
    directory = bytearray(512)
    for i, name in enumerate(["Root Entry", *streams][:4]):
        entry = bytearray(128)
        encoded = (name + "\0").encode("utf-16-le")
        entry[: len(encoded)] = encoded
        struct.pack_into("<HB", entry, 64, len(encoded), 5 if i == 0 else 2)
        struct.pack_into("<IQ", entry, 116, END, 0)
        directory[i * 128 : (i + 1) * 128] = entry
    return bytes(header) + struct.pack("<128I", *fat) + bytes(directory)


def small_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Partners"
    ws.append(["Partner", "Tier"])
    ws.append(["Acme", "Gold"])
    wb.save(path)
    return path


def refused(path: Path, **kw) -> str:
    with pytest.raises(TierwiseError) as err:
        read_tracker(path, **kw)
    message = str(err.value)
    assert "\n" not in message
    return message


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    assert "empty" in refused(path)


def test_a_corrupt_zip_is_refused_as_damaged(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 50)
    assert "damaged" in refused(path)


def test_a_truncated_workbook_is_refused(tmp_path: Path) -> None:
    whole = small_workbook(tmp_path / "whole.xlsx").read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    assert str(path) in refused(path)


def test_an_encrypted_workbook_says_how_to_remove_the_password(tmp_path: Path) -> None:
    path = tmp_path / "secret.xlsx"
    path.write_bytes(cfb(["EncryptionInfo", "EncryptedPackage"]))
    message = refused(path)
    assert "password-protected" in message and "remove the password" in message


def test_a_looping_ole_container_is_refused_without_hanging(tmp_path: Path) -> None:
    path = tmp_path / "loop.xls"
    path.write_bytes(cfb(["Workbook"], loop=True))
    assert "damaged" in refused(path)


def test_an_ole_container_with_a_workbook_stream_named_xlsx_is_read_as_xls(tmp_path: Path) -> None:
    path = tmp_path / "old.xlsx"
    path.write_bytes(cfb(["Workbook"]))
    check = safety.check_file(path)
    assert check.format == "xls" and check.renamed
    assert "legacy .xls" in check.warnings[0]


def test_a_real_xls_named_xlsx_is_read_with_a_warning(tmp_path: Path, corpus_dir: Path) -> None:
    path = tmp_path / "renamed.xlsx"
    shutil.copyfile(corpus_dir / "roo" / "type_excel.xlsx", path)
    tracker = read_tracker(path, mapping={"Comment": "partner"})
    assert tracker.source.format == "xls"
    assert any("legacy .xls" in w.message for w in tracker.warnings)
    assert tracker.source.header_row == 3
    assert tracker.frame.get_column("partner").head(1).to_list() == ["Task 1"]


def test_an_ole_container_that_is_no_workbook_is_not_a_spreadsheet(tmp_path: Path) -> None:
    path = tmp_path / "doc.xls"
    path.write_bytes(cfb(["WordDocument"]))
    assert "is not a spreadsheet Tierwise can read" in refused(path)


def test_a_csv_named_xlsx_is_read_as_csv_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    path.write_text("Partner,Tier\nAcme,Gold\n", encoding="utf-8")
    tracker = read_tracker(path)
    assert tracker.source.format == "csv"
    assert tracker.frame.get_column("partner").to_list() == ["Acme"]
    assert any("read as CSV" in w.message for w in tracker.warnings)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4),
        ("page.xls", b"<html><body><table><tr><td>x</td></tr></table></body></html>"),
        ("data.bin", b"Partner,Tier\nAcme,Gold\n"),
    ],
)
def test_other_files_are_not_spreadsheets(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert "is not a spreadsheet Tierwise can read (xlsx, xlsm, xls, xlsb, ods, csv)" in refused(
        path
    )


def test_a_zip_that_is_no_workbook_is_not_a_spreadsheet(tmp_path: Path) -> None:
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    assert "not a spreadsheet" in refused(path)


def test_a_workbook_calamine_cannot_open_is_one_line_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "hollow.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
    message = refused(path)
    assert str(path) in message


def bomb(tmp_path: Path) -> Path:
    """A real workbook carrying one extra entry that inflates 60 MB from a few KB."""
    path = small_workbook(tmp_path / "bomb.xlsx")
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/padding.bin", b"\0" * 60_000_000)
    return path


def test_a_zip_bomb_is_refused_before_inflating(tmp_path: Path) -> None:
    message = refused(bomb(tmp_path))
    assert "looks like a zip bomb" in message and "--allow-large" in message


def test_allow_large_lifts_the_caps(tmp_path: Path) -> None:
    tracker = read_tracker(bomb(tmp_path), allow_large=True)
    assert tracker.frame.get_column("partner").to_list() == ["Acme"]


def test_too_many_entries_are_refused(tmp_path: Path) -> None:
    path = small_workbook(tmp_path / "many.xlsx")
    with zipfile.ZipFile(path, "a") as zf:
        for i in range(safety.MAX_ENTRIES):
            zf.writestr(f"x/{i}", b"")
    assert "zip entries" in refused(path)


def test_a_directory_claiming_gigabytes_is_refused(tmp_path: Path) -> None:
    path = small_workbook(tmp_path / "claims.xlsx")
    data = bytearray(path.read_bytes())
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 0xFFFFFFF0)  # uncompressed size
    path.write_bytes(bytes(data))
    assert "GiB" in refused(path)


def test_a_sheet_spanning_an_absurd_rectangle_is_refused(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "Partner"
    ws["XFD1048576"] = 1  # calamine would allocate all 17 billion cells between
    path = tmp_path / "far.xlsx"
    wb.save(path)
    assert "columns" in refused(path)


def test_formatting_only_cells_far_away_do_not_count(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Partner"])
    ws.append(["Acme"])
    ws["XFD1048576"].number_format = "0.00"  # styled, empty: written as <c r=... s=.../>
    path = tmp_path / "styled.xlsx"
    wb.save(path)
    assert safety.check_file(path).format == "xlsx"


def test_hostile_corpus_files_end_in_one_line(corpus_dir: Path) -> None:
    for name in [
        "apache-poi/poc-xmlbomb.xlsx",
        "apache-poi/protect.xlsx",
        "phpspreadsheet/oleloop.xls",
        "calamine/issue_594_dos.ods",
        "apache-poi/clusterfuzz-testcase-minimized-XLSX2CSVFuzzer-5636439151607808.xlsx",
    ]:
        message = refused(corpus_dir / name)
        assert name.rsplit("/", 1)[1] in message


def _padded(src: Path, dst: Path, pad: int, filler: bytes = b" ") -> Path:
    """`src` with `pad` bytes of `filler` after its sheet's <sheetData>: a large sheet part
    (the check reads parts a chunk at a time)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + filler * pad, 1)
            zout.writestr(info.filename, data)
    return dst


def _far_cell_workbook(path: Path) -> tuple[Path, int]:
    """A small table and one cell at ZZ900000; returns where its reference starts in
    the sheet part."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Partner", "Tier"])
    ws.append(["Acme", "Gold"])
    ws["ZZ900000"] = 1  # 702 columns x 900,000 rows: far past the cap
    wb.save(path)
    with zipfile.ZipFile(path) as zf:
        part = zf.read("xl/worksheets/sheet1.xml")
    return path, part.index(b'r="ZZ900000"')


@pytest.mark.parametrize(
    "where",
    [
        pytest.param(8 << 20, id="cut-by-a-chunk-boundary"),
        pytest.param(40 << 20, id="after-many-chunks"),
    ],
)
def test_a_far_cell_anywhere_in_a_large_sheet_is_refused(tmp_path: Path, where: int) -> None:
    base, offset = _far_cell_workbook(tmp_path / "far.xlsx")
    # The padding moves the reference to 5 bytes before `where`: r="ZZ | 900000".
    pad = where - offset - 5
    path = _padded(base, tmp_path / "padded.xlsx", pad)
    assert "spanning" in refused(path)


def test_a_far_cell_behind_bytes_that_are_not_utf8_is_refused(tmp_path: Path) -> None:
    # The check looks for far references in text decoded from the part's bytes: bytes that
    # are not UTF-8 (a Latin-1 é) right before the reference must not hide it.
    base, offset = _far_cell_workbook(tmp_path / "far.xlsx")
    path = _padded(base, tmp_path / "latin1.xlsx", (3 << 20) - offset, filler=b"\xe9")
    assert "spanning" in refused(path)


def test_the_merged_cells_of_a_large_sheet_are_read_from_its_last_chunks(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Partner", "Tier"])
    ws.append(["Acme", "Gold"])
    ws.merge_cells("C1:D1")
    ws.auto_filter.ref = "A1:B2"
    path = _padded(wb_saved(wb, tmp_path / "merged.xlsx"), tmp_path / "large.xlsx", 20 << 20)
    check = safety.check_file(path)
    assert check.sheet_tails is not None
    tail = check.sheet_tails.get(path, "xl/worksheets/sheet1.xml")
    assert tail is not None and tail.merged == ["C1:D1"] and tail.autofilter == "A1:B2"
    assert read_tracker(path).frame["partner"].to_list() == ["Acme"]


def wb_saved(wb: openpyxl.Workbook, path: Path) -> Path:
    wb.save(path)
    return path
