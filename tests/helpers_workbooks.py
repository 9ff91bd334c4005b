"""Builders shared by the robustness tests: small trackers, part rewrites, raw containers.

Everything here writes real files (openpyxl, zipfile, or bytes laid out by hand) so the
tests go through Tierwise exactly as a user's file would.
"""

from __future__ import annotations

import re
import struct
import subprocess
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

import openpyxl
from click.testing import CliRunner, Result

from tierwise.cli import main

HEADERS = ["Partner", "Tier", "Type", "Pipeline", "Closed Revenue", "Notes"]
ROWS = [
    ["Acme Analytics", "Strategic", "isv", 900_000, 700_000, "weekly sync"],
    ["Globex Consulting", "Strategic", "consultancy", 0, 0, "synergy"],
    ["Initech Systems", "Tactical", "integrator", 400_000, 250_000, ""],
]


def tracker(
    path: Path, rows: Sequence[Sequence[object]] = ROWS, headers: Sequence[str] = HEADERS
) -> Path:
    """A one-sheet tracker called "Partners" with a header row and `rows`."""
    return one_sheet(path, [headers, *rows])


def text_file(path: Path, text: str) -> Path:
    """`text` written to `path` as UTF-8 (a CSV export, say)."""
    path.write_text(text, encoding="utf-8")
    return path


def one_sheet(path: Path, rows: Sequence[Sequence[object]], title: str = "Partners") -> Path:
    """A workbook of one sheet called `title` holding `rows` from A1 down (an empty row
    is a blank row)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def rewrite_parts(src: Path, dst: Path, edits: dict[str, Callable[[bytes], bytes]]) -> Path:
    """Copy the zip `src` to `dst`, passing the named parts through their edit."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename in edits:
                data = edits[info.filename](data)
            zout.writestr(info, data)
    return dst


def part(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read(name)


def with_doctype(data: bytes, doctype: bytes) -> bytes:
    """Put a DOCTYPE right after the XML declaration (or at the start)."""
    return re.sub(rb"^(<\?xml[^>]*\?>)?", lambda m: (m.group(0) or b"") + doctype, data, count=1)


# Nine levels of ten: a billion "lol"s (3 GB) if a parser expanded it.
BILLION_LAUGHS = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b"<!ENTITY lol%d " % i + b'"' + (b"&lol%d;" % (i - 1) if i > 2 else b"&lol;") * 10 + b'">'
        for i in range(2, 10)
    )
    + b"]>"
)


def external_entity(target: Path) -> bytes:
    return b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file://' + str(target).encode() + b'">]>'


def cfb(streams: Sequence[str]) -> bytes:
    """A minimal OLE2/CFB container (version 3, 512-byte sectors) whose directory names
    `streams` (all empty): enough to look like an encrypted OOXML file or an .xls."""
    end, free, fatsect = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    # FAT sectors, first directory sector, transaction, mini cutoff, mini FAT, DIFAT.
    struct.pack_into("<IIIIIIII", header, 0x2C, 1, 1, 0, 4096, end, 0, end, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *([free] * 108))
    fat = struct.pack("<128I", fatsect, end, *([free] * 126))

    def entry(name: str, kind: int, child: int = free, right: int = free) -> bytes:
        raw = name.encode("utf-16-le") + b"\x00\x00"
        out = bytearray(128)
        out[: len(raw)] = raw
        struct.pack_into("<HBB", out, 64, len(raw), kind, 1)
        struct.pack_into("<III", out, 68, free, right, child)
        struct.pack_into("<IQ", out, 116, end, 0)
        return bytes(out)

    entries = [entry("Root Entry", 5, child=1 if streams else free)]
    for i, name in enumerate(streams):
        nxt = i + 2 if i + 1 < len(streams) else free
        entries.append(entry(name, 2, right=nxt))
    directory = b"".join(entries).ljust(512, b"\x00")
    assert len(directory) == 512, "this builder holds at most four directory entries"
    return bytes(header) + fat + directory


def run_cli(*args: str) -> Result:
    """`tierwise ARGS` through click's CliRunner (stderr kept apart from stdout)."""
    return CliRunner().invoke(main, list(args))


def assert_one_line_error(result: Result, *needles: str) -> str:
    """Exit 1, exactly one stderr line starting "tierwise:", no traceback; returns it."""
    err = result.stderr.strip()
    assert result.exit_code == 1, (result.exit_code, result.output, result.exception)
    assert "\n" not in err and err.startswith("tierwise: "), err
    assert "Traceback" not in result.output and "unexpected error" not in err, err
    for needle in needles:
        assert needle in err, err
    return err


def sheet_parts(path: Path) -> dict[str, str]:
    """{sheet name: its part name} of an xlsx, from workbook.xml and its relationships."""
    from tierwise.io import xmlsafe

    main_ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    with zipfile.ZipFile(path) as zf:
        book = xmlsafe.parse(zf.read("xl/workbook.xml"))
        rels = xmlsafe.parse(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    out = {}
    for sheet in book.iter(main_ns + "sheet"):
        target = targets[sheet.get(rel_ns + "id")]
        out[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    return out


def sheet_cells(path: Path, sheet: str) -> dict[str, object]:
    """{cell reference: its <c> element} of one sheet of an xlsx (a cell written
    without r= is the one after the cell before it, as readers take it)."""
    from tierwise.io import xmlsafe
    from tierwise.io.tracker import column_letter

    main_ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    root = xmlsafe.parse(part(path, sheet_parts(path)[sheet]))
    cells: dict[str, object] = {}
    number = 0
    for row in root.iter(main_ns + "row"):
        number = int(row.get("r") or number + 1)
        col = 0
        for c in row.iter(main_ns + "c"):
            ref = c.get("r") or f"{column_letter(col + 1)}{number}"
            col = column_of(ref)
            cells[ref] = c
    return cells


def column_of(ref: str) -> int:
    """1-based column number of a reference such as "AB12"."""
    n = 0
    for ch in ref:
        if not ch.isalpha():
            break
        n = n * 26 + ord(ch.upper()) - 64
    return n


def libreoffice_pdf(workbook: Path, outdir: Path) -> Path:
    """`workbook` printed to PDF by LibreOffice headless (a profile of its own under
    `outdir`, so runs never share one); asserts the conversion worked."""
    proc = libreoffice_convert(workbook, outdir, "pdf")
    pdf = outdir / f"{workbook.stem}.pdf"
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF"), proc.stdout
    return pdf


def libreoffice_convert(
    src: Path, outdir: Path, target: str, *options: str
) -> subprocess.CompletedProcess[str]:
    """`src` converted by LibreOffice headless to `target` ("pdf", "ods", "xls:MS Excel
    97") in `outdir` (a profile of its own there); `options` go before --convert-to
    ("--infilter=..."). Asserts the conversion worked."""
    proc = subprocess.run(
        [
            "soffice",
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{outdir / 'lo-profile'}",
            *options,
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            str(src),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr
    return proc


def bare_tracker(path: Path) -> Path:
    """Names and tiers only: no evidence, no initiatives, so most flags and several
    checks cannot be judged ("not assessed")."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Partner", "Tier"])
    for name, tier in (("Acme", "Gold"), ("Globex", "Registered")):
        ws.append([name, tier])
    wb.save(path)
    return path
