"""Hostile files: entity bombs, external entities, zip bombs, absurd sizes, encrypted,
disguised, empty and truncated files. Each is refused with one clear line (or read
safely) and never expanded, leaked, inflated or crashed on.

Every hostile file is built here, in the test, so the attack is visible in the code.
"""

from __future__ import annotations

import io
import os
import re
import resource
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.helpers_workbooks import (
    BILLION_LAUGHS,
    assert_one_line_error,
    cfb,
    external_entity,
    part,
    rewrite_parts,
    run_cli,
    tracker,
    with_doctype,
)
from tierwise.errors import TierwiseError
from tierwise.io import safety, xmlsafe
from tierwise.io.reader import read_tracker

SHEET = "xl/worksheets/sheet1.xml"
SECRET = "TOPSECRET-7f3a"
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def base(tmp_path: Path) -> Path:
    return tracker(tmp_path / "base.xlsx")


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return path


def score_to(path: Path, out: Path):
    return run_cli("score", str(path), "-o", str(out), "-q", "--as-of", "2026-10-31")


def output_text(result) -> str:
    return result.output + (str(result.exception) if result.exception else "")


def assert_written_safely(out: Path) -> None:
    """An output Tierwise did write holds no expansion and no leaked file content."""
    with zipfile.ZipFile(out) as zf:
        for name in zf.namelist():
            data = zf.read(name)
            assert b"lollollol" not in data, name
            assert SECRET.encode() not in data, name


# --- XML parsed by Tierwise itself (xmlsafe) -------------------------------------------


def test_xmlsafe_refuses_a_billion_laughs() -> None:
    doc = BILLION_LAUGHS + b"<root><a>&lol9;</a></root>"
    with pytest.raises(TierwiseError) as caught:
        xmlsafe.parse(doc, "xl/workbook.xml")
    assert "xl/workbook.xml" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_xmlsafe_refuses_an_external_entity_without_reading_the_file(secret: Path) -> None:
    doc = external_entity(secret) + b"<root><a>&xxe;</a></root>"
    with pytest.raises(TierwiseError, match="DTD") as caught:
        xmlsafe.parse(doc, "xl/styles.xml")
    assert SECRET not in str(caught.value)


def test_xmlsafe_streaming_refuses_a_dtd_before_any_entity_is_seen(secret: Path) -> None:
    small = b'<!DOCTYPE r [<!ENTITY a "EXPANDED">]><root><a>&a;</a></root>'
    leak = external_entity(secret) + b"<root><a>&xxe;</a></root>"
    bomb = BILLION_LAUGHS + b"<root>&lol9;</root>"
    for doc in (small, leak, bomb):
        texts: list[str] = []
        with pytest.raises(TierwiseError, match="declares a DTD"):
            for _, el in xmlsafe.iterparse(io.BytesIO(doc), ("end",)):
                texts.append("".join(el.itertext()))
        assert not any("EXPANDED" in t or SECRET in t for t in texts), texts


def test_xmlsafe_parser_is_configured_to_refuse_entities_and_the_network() -> None:
    p = xmlsafe.parser()
    # lxml has no public getters; the options show in how a DTD-bearing doc parses.
    from lxml import etree

    root = etree.fromstring(b'<!DOCTYPE r [<!ENTITY a "X">]><r>&a;</r>', p)
    assert root.text is None  # the entity was kept as a reference, not substituted


# --- the same attacks inside a workbook, through read and annotate -----------------------


@pytest.mark.parametrize(
    "where", [SHEET, "xl/workbook.xml", "xl/styles.xml", "[Content_Types].xml"]
)
def test_entity_bomb_in_any_part_is_never_expanded(base: Path, tmp_path: Path, where: str) -> None:
    def bomb(data: bytes) -> bytes:
        data = with_doctype(data, BILLION_LAUGHS)
        return data.replace(b"<t>Acme Analytics</t>", b"<t>&lol9;</t>")

    hostile = rewrite_parts(base, tmp_path / "bomb.xlsx", {where: bomb})
    try:
        tracker_read = read_tracker(hostile)
    except TierwiseError as err:
        assert "\n" not in str(err)
    else:
        names = tracker_read.frame["partner"].to_list()
        assert all("lollol" not in str(n) for n in names), names
    out = tmp_path / "out.xlsx"
    result = score_to(hostile, out)
    assert "lollollol" not in output_text(result)
    if result.exit_code == 0:
        assert_written_safely(out)
    else:
        assert_one_line_error(result)
        assert not out.exists()


@pytest.mark.parametrize("where", [SHEET, "xl/workbook.xml", "xl/styles.xml"])
def test_external_entity_in_any_part_leaks_nothing(
    base: Path, tmp_path: Path, secret: Path, where: str
) -> None:
    def xxe(data: bytes) -> bytes:
        data = with_doctype(data, external_entity(secret))
        return data.replace(b"<t>Acme Analytics</t>", b"<t>&xxe;</t>")

    hostile = rewrite_parts(base, tmp_path / "xxe.xlsx", {where: xxe})
    try:
        read = read_tracker(hostile)
    except TierwiseError as err:
        assert SECRET not in str(err)
    else:
        assert SECRET not in str(read.frame.to_dicts())
    for args in (["inspect", str(hostile), "--json"], ["score", str(hostile), "--json"]):
        result = run_cli(*args)
        assert SECRET not in output_text(result), args
    out = tmp_path / "out.xlsx"
    result = score_to(hostile, out)
    assert SECRET not in output_text(result)
    if result.exit_code == 0:
        assert_written_safely(out)
    else:
        assert_one_line_error(result)


def test_dtd_in_a_part_only_the_writer_parses_is_refused_by_the_writer(
    base: Path, tmp_path: Path
) -> None:
    # The reader never looks at styles.xml's DTD; the annotation writer parses that part
    # itself, so it must refuse it rather than copy it into a new package.
    hostile = rewrite_parts(
        base, tmp_path / "styled.xlsx", {"xl/styles.xml": lambda d: with_doctype(d, BILLION_LAUGHS)}
    )
    assert read_tracker(hostile).frame.height == 3
    out = tmp_path / "out.xlsx"
    assert_one_line_error(score_to(hostile, out), "DTD")
    assert not out.exists()


# --- zip bombs -------------------------------------------------------------------------


def _padded_sheet(base: Path, dst: Path, pad: int) -> Path:
    """The tracker with `pad` bytes of whitespace inside its sheet: a legal part that
    deflates about 1000 to 1, as a zip bomb does."""
    return rewrite_parts(
        base, dst, {SHEET: lambda d: d.replace(b"<sheetData>", b"<sheetData>" + b" " * pad, 1)}
    )


class _OpenSpy:
    """Records every zip member Python opens, to prove nothing was inflated."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.opened: list[str] = []
        real = zipfile.ZipFile.open

        def spy(zf, name, *args, **kwargs):
            self.opened.append(getattr(name, "filename", name))
            return real(zf, name, *args, **kwargs)

        monkeypatch.setattr(zipfile.ZipFile, "open", spy)


def test_highly_compressed_entry_is_refused_before_inflating(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    size = safety.MAX_RATIO_MIN_SIZE + 10_000_000
    bomb = _padded_sheet(base, tmp_path / "bomb.xlsx", size)
    with zipfile.ZipFile(bomb) as zf:
        info = zf.getinfo(SHEET)
        assert info.file_size / info.compress_size > safety.MAX_RATIO
    spy = _OpenSpy(monkeypatch)
    with pytest.raises(TierwiseError, match="zip bomb") as caught:
        read_tracker(bomb)
    assert "--allow-large" in str(caught.value) and SHEET in str(caught.value)
    assert SHEET not in spy.opened
    # ... and the override reads it, since it is a real (if bloated) workbook.
    monkeypatch.undo()
    assert read_tracker(bomb, allow_large=True).frame["partner"].to_list()[0] == "Acme Analytics"


def test_highly_compressed_entry_through_the_cli(base: Path, tmp_path: Path) -> None:
    bomb = _padded_sheet(base, tmp_path / "bomb.xlsx", safety.MAX_RATIO_MIN_SIZE + 10_000_000)
    assert_one_line_error(run_cli("inspect", str(bomb)), "zip bomb", "--allow-large")
    assert run_cli("inspect", str(bomb), "--allow-large").exit_code == 0


def test_entry_count_bomb_is_refused_with_an_override(base: Path, tmp_path: Path) -> None:
    many = tmp_path / "many.xlsx"
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(many, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
        for i in range(safety.MAX_ENTRIES + 1):
            zout.writestr(f"customXml/junk{i}.bin", b"")
    with pytest.raises(TierwiseError, match="zip entries") as caught:
        read_tracker(many)
    assert "--allow-large" in str(caught.value)
    assert read_tracker(many, allow_large=True).frame.height == 3


def _claim_size(path: Path, name: str, claimed: int) -> None:
    """Make the zip directory claim `claimed` inflated bytes for `name` (zip64 aside,
    the 32-bit field in both the local header and the central directory)."""
    data = bytearray(path.read_bytes())
    encoded = name.encode()
    for sig, size_at, name_at in ((b"PK\x01\x02", 24, 46), (b"PK\x03\x04", 22, 30)):
        start = 0
        while (at := data.find(sig, start)) >= 0:
            if data[at + name_at : at + name_at + len(encoded)] == encoded:
                struct.pack_into("<I", data, at + size_at, claimed)
            start = at + 4
    path.write_bytes(bytes(data))


def test_claimed_total_size_past_the_cap_is_refused_from_the_directory(
    base: Path, tmp_path: Path
) -> None:
    liar = tmp_path / "liar.xlsx"
    liar.write_bytes(base.read_bytes())
    _claim_size(liar, "xl/theme/theme1.xml", 0xFFFF0000)  # ~4 GiB
    with pytest.raises(TierwiseError, match=r"zip bomb|GiB"):
        read_tracker(liar)


# --- absurd dimensions and repeat counts ------------------------------------------------


def test_dimension_claiming_the_whole_grid_is_not_believed(base: Path, tmp_path: Path) -> None:
    claim = rewrite_parts(
        base,
        tmp_path / "dim.xlsx",
        {
            SHEET: lambda d: d.replace(
                b'<dimension ref="A1:F4"/>', b'<dimension ref="A1:XFD1048576"/>'
            )
        },
    )
    assert b"XFD1048576" in part(claim, SHEET)
    assert read_tracker(claim).frame.height == 3
    assert score_to(claim, tmp_path / "out.xlsx").exit_code == 0


def test_a_cell_at_the_far_corner_is_refused_not_allocated(base: Path, tmp_path: Path) -> None:
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    corner = rewrite_parts(
        base,
        tmp_path / "corner.xlsx",
        {SHEET: lambda d: d.replace(b"</sheetData>", far + b"</sheetData>")},
    )
    with pytest.raises(TierwiseError, match="zip bomb") as caught:
        read_tracker(corner)
    assert "--allow-large" in str(caught.value)


MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def _ods(path: Path, rows_repeated: int, columns_repeated: int) -> Path:
    """An .ods whose third row repeats a filled cell columns x rows times."""
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )

    def cell(text: str, repeat: int = 1) -> str:
        rep = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
        return (
            f'<table:table-cell office:value-type="string"{rep}>'
            f"<text:p>{text}</text:p></table:table-cell>"
        )

    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Partners">'
        f"<table:table-row>{cell('Partner')}{cell('Tier')}</table:table-row>"
        f"<table:table-row>{cell('Acme')}{cell('Strategic')}</table:table-row>"
        f'<table:table-row table:number-rows-repeated="{rows_repeated}">'
        f"{cell('x', columns_repeated)}</table:table-row>"
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        zf.writestr("META-INF/manifest.xml", MANIFEST, zipfile.ZIP_DEFLATED)
    return path


def _limited(args: list[str], limit: int = 2 << 30) -> subprocess.CompletedProcess:
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    env = {k: v for k, v in os.environ.items() if k != "TIERWISE_DEBUG"}
    return subprocess.run(
        [sys.executable, "-m", "tierwise.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=cap,
        cwd=REPO,
        env=env,
    )


@pytest.mark.parametrize("rows, columns", [(1_048_000, 16_000), (1_000_000, 99)])
def test_ods_repeat_counts_are_bounded(tmp_path: Path, rows: int, columns: int) -> None:
    # A few hundred bytes asking for 10^8..10^10 filled cells: refused in one line,
    # never an abort from a failed allocation (run in a child under a 2 GiB cap).
    hostile = _ods(tmp_path / "repeat.ods", rows, columns)
    assert hostile.stat().st_size < 2000
    proc = _limited(["inspect", str(hostile)])
    err = proc.stderr.strip()
    assert proc.returncode == 1, (proc.returncode, err[-400:])
    assert err.startswith("tierwise: ") and "\n" not in err, err


def test_small_ods_repeats_are_read(tmp_path: Path) -> None:
    ods = _ods(tmp_path / "ok.ods", 2, 2)
    assert read_tracker(ods).frame["partner"].to_list() == ["Acme", "x", "x"]


# --- encrypted, legacy and disguised files ----------------------------------------------


def test_encrypted_ooxml_container_is_explained(tmp_path: Path) -> None:
    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(cfb(["EncryptionInfo", "EncryptedPackage"]))
    assert_one_line_error(run_cli("inspect", str(locked)), "password-protected", "save a copy")
    assert_one_line_error(run_cli("score", str(locked), "-o", str(tmp_path / "o.xlsx")))
    assert not (tmp_path / "o.xlsx").exists()


def test_legacy_xls_named_xlsx_is_recognised(tmp_path: Path) -> None:
    legacy = tmp_path / "old.xlsx"
    legacy.write_bytes(cfb(["Workbook"]))
    check = safety.check_file(legacy)
    assert (check.format, check.renamed) == ("xls", True)
    assert any("legacy .xls" in w for w in check.warnings)


@pytest.mark.parametrize(
    "name",
    [
        "apache-poi/protected_passtika.xlsx",
        "calamine/pass_protected.xlsx",
        "excelize/encryptAES.xlsx",
        "exceldatareader/standard_AES128_SHA1_ECB_pwd_password.xlsx",
    ],
)
def test_corpus_encrypted_files_are_explained(corpus_dir: Path, name: str) -> None:
    path = corpus_dir / name
    if not path.is_file():
        pytest.skip(f"{name} is not in the corpus")
    assert_one_line_error(run_cli("inspect", str(path)), "password-protected")


def test_corpus_xls_named_xlsx_is_read_or_explained(corpus_dir: Path) -> None:
    path = corpus_dir / "roo/type_excel.xlsx"
    if not path.is_file():
        pytest.skip("roo/type_excel.xlsx is not in the corpus")
    assert safety.check_file(path).format == "xls"
    result = run_cli("inspect", str(path))
    if result.exit_code != 0:
        assert_one_line_error(result)


def test_csv_in_disguise_is_read_with_a_warning(tmp_path: Path) -> None:
    disguised = tmp_path / "tracker.xlsx"
    disguised.write_text("Partner,Tier,Pipeline\nAcme,Strategic,100\nBeta,Casual,5\n")
    read = read_tracker(disguised)
    assert read.frame["partner"].to_list() == ["Acme", "Beta"]
    assert any("CSV" in w.message for w in read.warnings)
    result = run_cli("score", str(disguised), "-o", str(tmp_path / "out.xlsx"), "-q")
    if result.exit_code == 0:
        assert (tmp_path / "out.xlsx").is_file()
    else:
        assert_one_line_error(result)
    assert disguised.read_text().startswith("Partner,Tier")


# --- empty and truncated ---------------------------------------------------------------


@pytest.mark.parametrize("command", ["inspect", "score"])
def test_empty_file_is_one_line(tmp_path: Path, command: str) -> None:
    empty = tmp_path / "empty.xlsx"
    empty.touch()
    assert_one_line_error(run_cli(command, str(empty)), "is empty")


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
@pytest.mark.parametrize("command", ["inspect", "score"])
def test_truncated_workbook_is_one_line(
    base: Path, tmp_path: Path, keep: float, command: str
) -> None:
    data = base.read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(data[: int(len(data) * keep)])
    out = tmp_path / "out.xlsx"
    assert_one_line_error(
        run_cli(command, str(cut), *(["-o", str(out)] if command == "score" else []))
    )
    assert not out.exists()


def test_empty_zip_and_random_bytes_are_one_line(tmp_path: Path) -> None:
    empty_zip = tmp_path / "nothing.xlsx"
    with zipfile.ZipFile(empty_zip, "w"):
        pass
    noise = tmp_path / "noise.xlsx"
    noise.write_bytes(bytes(range(256)) * 40)
    assert_one_line_error(run_cli("inspect", str(empty_zip)))
    assert_one_line_error(run_cli("inspect", str(noise)), "not a spreadsheet")


# --- files Excel opens but calamine refuses: read from a repaired in-memory copy ------------


def _utf16(data: bytes) -> bytes:
    text = data.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    return "\ufeff".encode("utf-16-be") + text.encode("utf-16-be")


def test_utf16_workbook_part_is_read_and_annotated(base: Path, tmp_path: Path) -> None:
    odd = rewrite_parts(base, tmp_path / "utf16.xlsx", {"xl/workbook.xml": _utf16})
    before = odd.read_bytes()
    assert read_tracker(odd).frame["partner"].to_list()[0] == "Acme Analytics"
    out = tmp_path / "out.xlsx"
    result = score_to(odd, out)
    if result.exit_code != 0:
        assert_one_line_error(result)
    else:
        assert read_tracker(out).frame.height == 3
    assert odd.read_bytes() == before  # the repair is in memory only


def test_utf16_sheet_part_is_one_clear_line(base: Path, tmp_path: Path) -> None:
    # Not repaired (calamine fails on the sheet, not on opening): refused, never a crash.
    odd = rewrite_parts(base, tmp_path / "utf16.xlsx", {SHEET: _utf16})
    result = run_cli("inspect", str(odd))
    if result.exit_code != 0:
        assert_one_line_error(result)


def test_an_excel4_macro_sheet_does_not_hide_the_partner_sheet(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Macro1"
    wb.active["A1"] = "macro text"
    partners = wb.create_sheet("Partners")
    for row in [["Partner", "Tier"], ["Acme", "Strategic"], ["Beta", "Casual"]]:
        partners.append(row)
    plain = wb.save(tmp_path / "plain.xlsx") or tmp_path / "plain.xlsx"
    macro = "http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet"

    def as_macrosheet(rels: bytes) -> bytes:
        return re.sub(
            rb'Type="[^"]*/worksheet"( Id="rId1"|[^>]*Target="[^"]*sheet1\.xml")',
            lambda m: b'Type="' + macro.encode() + b'"' + m.group(1),
            rels,
            count=1,
        )

    odd = rewrite_parts(plain, tmp_path / "xlm.xlsm", {"xl/_rels/workbook.xml.rels": as_macrosheet})
    assert macro.encode() in part(odd, "xl/_rels/workbook.xml.rels")
    read = read_tracker(odd)
    assert read.source.sheet == "Partners"
    assert read.frame["partner"].to_list() == ["Acme", "Beta"]


def test_ods_without_its_mimetype_entry_is_read(tmp_path: Path) -> None:
    full = _ods(tmp_path / "full.ods", 1, 1)
    bare = tmp_path / "bare.ods"
    with zipfile.ZipFile(full) as zin, zipfile.ZipFile(bare, "w") as zout:
        for info in zin.infolist():
            if info.filename != "mimetype":
                zout.writestr(info, zin.read(info))
    assert read_tracker(bare).frame["partner"].to_list() == ["Acme", "x"]
    assert "mimetype" not in zipfile.ZipFile(bare).namelist()


@pytest.mark.parametrize("kind", ["bomb", "xxe"])
def test_entities_in_an_ods_are_never_expanded(tmp_path: Path, secret: Path, kind: str) -> None:
    doctype, ref = (
        (BILLION_LAUGHS, b"&lol9;") if kind == "bomb" else (external_entity(secret), b"&xxe;")
    )

    def attack(data: bytes) -> bytes:
        return with_doctype(data, doctype).replace(
            b"<text:p>Acme</text:p>", b"<text:p>" + ref + b"</text:p>"
        )

    hostile = rewrite_parts(
        _ods(tmp_path / "plain.ods", 1, 1), tmp_path / "x.ods", {"content.xml": attack}
    )
    result = run_cli("inspect", str(hostile), "--json")
    assert SECRET not in output_text(result) and "lollol" not in output_text(result)
    if result.exit_code != 0:
        assert_one_line_error(result)
