"""Checks made before any spreadsheet library opens a file.

calamine (behind fastexcel) trusts what a file says about itself: a zip entry's size,
a cell reference at XFD1048576, an OLE sector chain that loops. Each of those can make
it allocate gigabytes or abort the process. So the file is first looked at here, from
its zip directory, its OLE header and the cell references of its sheets, without
inflating more than a bounded chunk at a time, and refused with one line when it is
not something Tierwise should open. Which format a file is follows from the table of
formats (`formats.FORMATS`): its container, what the container holds, its extension.
"""

from __future__ import annotations

import re
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from tierwise.errors import TierwiseError
from tierwise.io import formats
from tierwise.io.formats import Bounds, Container
from tierwise.io.prefilter import may_match
from tierwise.io.sheetstream import read_tail
from tierwise.io.tracker import SheetTail, SheetTails, column_number, columns_from, part_key

# Zip bomb caps, read from the zip directory before anything is inflated.
MAX_TOTAL_UNCOMPRESSED: Final = 1 << 30  # 1 GiB across all entries
MAX_ENTRIES: Final = 20_000
MAX_RATIO: Final = 200  # compression ratio of one entry ...
MAX_RATIO_MIN_SIZE: Final = 50_000_000  # ... that matters once it inflates past 50 MB
# Sheet extent caps: calamine allocates the whole rectangle a sheet's cells span.
MAX_ROWS: Final = 1_048_576
MAX_COLUMNS: Final = 16_384
MAX_CELLS: Final = 25_000_000

_CFB_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BIFF_OLD: Final = (b"\x09\x00", b"\x09\x02", b"\x09\x04", b"\x09\x08")  # BIFF2-4 BOF
_SCAN_CHUNK: Final = 2 << 20  # inflated bytes scanned at a time (reading them peaks ~10x)
_KEPT_CHUNKS: Final = 16  # a sheet part up to this many chunks is not inflated twice
# The start tag of a cell that holds something. Empty cells (<c r="..." s="1"/> or
# <c ...></c>) are formatting only: calamine skips them, and spreadsheet programs write
# them out as far as XFD1048576.
_CELL_REF: Final = re.compile(
    rb'<(?:\w+:)?c\s[^>]*?\br="([A-Za-z]{1,4})([0-9]{1,8})"[^>]*(?<!/)>(?!</(?:\w+:)?c>)'
)


@dataclass(frozen=True)
class FileCheck:
    """What a file turned out to be: its format ("xlsx", "xls", "csv", ...), whether its
    content differs from what its name says, and warnings for the user."""

    format: str
    renamed: bool = False
    warnings: list[str] = field(default_factory=list)
    sheet_tails: SheetTails | None = None  # from the extent check of an OOXML package


def _large(path: Path, what: str) -> TierwiseError:
    return TierwiseError(
        f"{path} {what}; it looks like a zip bomb or a damaged file; "
        "pass --allow-large if you trust it"
    )


def not_a_spreadsheet(path: Path) -> TierwiseError:
    return TierwiseError(f"{path} is not a spreadsheet Tierwise can read ({formats.READABLE})")


def password_protected(path: Path) -> TierwiseError:
    return TierwiseError(
        f"{path} is password-protected: open it in Excel, remove the password "
        "(File > Info > Protect Workbook), save a copy, and score that"
    )


def check_file(path: str | Path, *, allow_large: bool = False) -> FileCheck:
    """Decide how `path` can be read, or raise TierwiseError saying why it cannot."""
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8192)
    except OSError as err:
        raise TierwiseError(f"cannot open {path}: {err.strerror or err}") from None
    if size == 0:
        raise TierwiseError(f"{path} is empty: there is nothing to read")
    ext = path.suffix.lower().lstrip(".")
    if head.startswith(b"PK"):
        return _check_zip(path, ext, allow_large)
    if head.startswith(_CFB_MAGIC):
        return _check_cfb(path, ext)
    if ext == "xls" and head[:2] in _BIFF_OLD:
        raise TierwiseError(
            f"{path} is an Excel 2.x-4.x workbook, too old to read: "
            "open it in Excel or LibreOffice and save it as .xlsx"
        )
    if looks_like_text(head) and (found := formats.detect(Container.TEXT, ext)):
        return _file_check(path, found)
    raise not_a_spreadsheet(path)


def _file_check(
    path: Path, found: formats.Detected, sheet_tails: SheetTails | None = None
) -> FileCheck:
    warnings = found.warnings(path.name)
    return FileCheck(found.format.name, found.renamed, warnings, sheet_tails=sheet_tails)


def looks_like_text(head: bytes) -> bool:
    """Delimited text in a common encoding (UTF-8/16 with or without BOM, cp1252)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in head:
        # UTF-16 without a BOM: every other byte is NUL for Latin text.
        return len(head) >= 4 and (
            head[1::2].count(0) > len(head) // 3 or head[0::2].count(0) > len(head) // 3
        )
    lowered = head[:512].lstrip().lower()
    if lowered.startswith((b"<html", b"<!doctype", b"<?xml", b"%pdf", b"{\\rtf")):
        return False
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls == 0


def _check_zip(path: Path, ext: str, allow_large: bool) -> FileCheck:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            _check_zip_sizes(path, infos, allow_large)
            names = frozenset(i.filename.replace("\\", "/").lower() for i in infos)
            found = formats.detect(Container.ZIP, ext, names, _declared_type(zf, names))
            if found is None:
                raise not_a_spreadsheet(path)
            bounds = found.format.content.bounds
            tails = None if allow_large else _check_bounds(path, zf, infos, bounds)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as err:
        raise TierwiseError(
            f"{path} is damaged (not a readable zip package: {err}); "
            "open it in Excel and save a copy"
        ) from None
    except NotImplementedError as err:  # e.g. an unsupported compression method
        raise TierwiseError(f"{path} cannot be read: {err}") from None
    return _file_check(path, found, tails)


def _check_zip_sizes(path: Path, infos: list[zipfile.ZipInfo], allow_large: bool) -> None:
    if not infos:
        raise TierwiseError(f"{path} is an empty zip archive, not a workbook")
    if allow_large:
        return
    if len(infos) > MAX_ENTRIES:
        raise _large(path, f"holds {len(infos):,} zip entries")
    total = sum(i.file_size for i in infos)
    if total > MAX_TOTAL_UNCOMPRESSED:
        raise _large(path, f"would inflate to {total / (1 << 30):.1f} GiB")
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > MAX_RATIO and info.file_size > MAX_RATIO_MIN_SIZE:
            raise _large(
                path,
                f"holds {info.filename!r}, compressed {ratio:,.0f} to 1 "
                f"({info.file_size / 1e6:,.0f} MB inflated)",
            )


def _declared_type(zf: zipfile.ZipFile, names: frozenset[str]) -> str:
    """What a package's "mimetype" entry declares (an ODF package's type), if it is short."""
    if "mimetype" not in names:
        return ""
    info = next(i for i in zf.infolist() if i.filename.lower() == "mimetype")
    return zf.read(info).decode("ascii", "replace") if info.file_size < 200 else ""


def _check_bounds(
    path: Path, zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], bounds: Bounds | None
) -> SheetTails | None:
    """Refuse a package whose cells would make calamine allocate past the caps; the
    sheets' tails when the check read them."""
    if bounds is Bounds.SHEET_EXTENTS:
        stamp = SheetTails.stamp_of(path)
        return SheetTails(stamp, _check_sheet_extents(path, zf, infos))
    if bounds is Bounds.ODS_TABLES:
        _check_ods_extents(path, zf)
    return None


def _is_worksheet(name: str) -> bool:
    name = name.replace("\\", "/").lower()
    return name.endswith(".xml") and (
        "worksheets/" in name or name.rsplit("/", 1)[-1].startswith("sheet")
    )


# Patterns start with the literal r=" so the regex engine can skip ahead fast. Any
# attribute ending in "r" may match too: that only loosens the bound or sends the sheet
# to the full scan, never lets a far cell through.
_ROW_NUMBER: Final = re.compile(rb'r="([0-9]{1,8})"')
_REF: Final = re.compile(rb'r="([A-Za-z]+)([0-9]*)')  # a reference's letters and digits
_OVERLAP: Final = 1024  # bytes a chunk carries over, so no reference or tag is cut


class _SheetScan:
    """One pass over a sheet part, chunk by chunk (a 100 MB sheet is never held whole):
    the far corner its cell references reach, and its last <row r=...> number.

    The corner is found by searching only for references past the farthest seen so far:
    an honest sheet costs about one regex search per chunk, not a match per cell, which
    keeps the check a fraction of calamine's own read on a large tracker."""

    def __init__(self) -> None:
        self.digits = (0, 0)  # (count, leading digit) of the largest row number seen
        self.column = 0  # the widest one- or two-letter column seen
        self.three_letters = False  # a column of three letters or more (past ZZ)
        self.last_row: int | None = 0  # of the last row tag (None: not a number)
        self._pattern = self._beyond()

    def _beyond(self) -> re.Pattern[bytes]:
        """References past the corner seen so far, or of three letters."""
        count, lead = self.digits
        rows = [rb"[0-9]{%d,}" % (count + 1)]
        if count > 0 and lead < 9:
            rows.append(rb'[%d-9][0-9]{%d}"' % (lead + 1, count - 1))
        return re.compile(
            rb'r="(?:[A-Za-z]{3}|[A-Za-z]{1,2}(?:'
            + b"|".join(rows)
            + rb")|"
            + columns_from(self.column + 1)
            + rb"[0-9])"
        )

    def feed(self, data: bytes, *, last: bool) -> None:
        """Scan the next chunk (after the last bytes of the one before); `last`: nothing
        follows."""
        at = 0 if may_match(self._pattern.pattern, data) else len(data)
        while not self.three_letters and (found := self._pattern.search(data, at)):
            letters, number = _REF.match(data, found.start()).groups()  # type: ignore[union-attr]
            self.three_letters = len(letters) > 2
            self.column = max(self.column, column_number(letters))
            if number:
                self.digits = max(self.digits, (len(number), number[0] - ord("0")))
            self._pattern = self._beyond()
            at = found.end()
        # A tag in the last bytes may be cut: the next chunk starts with them again.
        row_at = data.rfind(b'row r="', 0, len(data) if last else len(data) - 32)
        if row_at >= 0:
            number = _ROW_NUMBER.match(data, row_at + len(b"row "))
            self.last_row = int(number.group(1)) if number else None

    def bound(self) -> int | None:
        """An upper bound, within MAX_CELLS, on the cells the references can span, from
        the last row number; None when some reference reaches past what the rows
        suggest (three-letter columns, a row number above the last row's range, or, on
        a tall sheet, a column past what the cap leaves): only a full scan can tell."""
        if self.three_letters or not self.last_row:
            return None
        digits = str(self.last_row)
        rows = (int(digits[0]) + 1) * 10 ** (len(digits) - 1) - 1
        # Columns stop at ZZ (702) here; on a tall sheet only so many fit under the cap.
        width = min(MAX_CELLS // rows, 702)
        if self.digits > (len(digits), int(digits[0])) or self.column > width:
            return None
        return rows * width


def _check_sheet_extents(
    path: Path, zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]
) -> dict[str, SheetTail]:
    """Refuse a sheet whose cell references span an absurd rectangle (calamine allocates
    all of it). No XML is parsed here: cell references are found by pattern, a chunk at
    a time. Returns the tails (merged cells, autofilter) of the sheets, by part name
    (of those whose tail fits in their last two chunks: the writer reads the others)."""
    tails: dict[str, SheetTail] = {}
    for info in infos:
        if not _is_worksheet(info.filename):
            continue
        scan = _SheetScan()
        kept: list[bytes] | None = []  # a small part's chunks, for the full scan
        with zf.open(info) as fh:
            chunk, before = fh.read(_SCAN_CHUNK), b""
            while chunk:
                more = fh.read(_SCAN_CHUNK)
                scan.feed(before[-_OVERLAP:] + chunk, last=not more)
                if kept is not None:
                    kept = [*kept, chunk] if len(kept) < _KEPT_CHUNKS else None
                if not more:
                    break
                before, chunk = chunk, more
        # What follows the rows is short: the last two chunks hold it (None: they do not).
        tail = read_tail(before + chunk)
        if tail is not None:
            tails[part_key(info.filename)] = tail
        bound = scan.bound()
        if bound is not None and bound <= MAX_CELLS:
            continue
        refs = _CELL_REF.findall(b"".join(kept)) if kept is not None else _streamed_refs(zf, info)
        _check_refs(path, info.filename, refs)
    return tails


def _streamed_refs(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> list[tuple[bytes, bytes]]:
    """The distinct (letters, digits) cell references of a sheet part, inflated in
    bounded chunks."""
    refs: set[tuple[bytes, bytes]] = set()
    tail = b""
    with zf.open(info) as fh:
        while chunk := fh.read(_SCAN_CHUNK):
            data = tail + chunk
            refs.update(_CELL_REF.findall(data))
            tail = data[-_OVERLAP:]
    return list(refs)


def _check_refs(path: Path, part: str, refs: list[tuple[bytes, bytes]]) -> None:
    if not refs:
        return
    row_numbers = [int(r) for r in {r for _, r in refs}]
    col_numbers = [column_number(c) for c in {c for c, _ in refs}]
    height = max(row_numbers) - min(row_numbers) + 1
    width = max(col_numbers) - min(col_numbers) + 1
    if max(row_numbers) > MAX_ROWS or max(col_numbers) > MAX_COLUMNS:
        raise _large(path, f"has a cell beyond Excel's limits in {part}")
    if height * width > MAX_CELLS:
        raise _large(
            path,
            f"has a sheet spanning {height:,} rows x {width:,} columns "
            f"({height * width:,} cells) in {part}",
        )


_ODS_TABLE: Final = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE: Final = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def _check_ods_extents(path: Path, zf: zipfile.ZipFile) -> None:
    """Refuse an .ods table whose repeat counts span an absurd rectangle of filled cells
    (`number-rows-repeated` x `number-columns-repeated`: a few bytes can ask calamine for
    10^8 cells). Streams content.xml; entities and DTDs stay off (xmlsafe)."""
    name = next((i.filename for i in zf.infolist() if i.filename.lower() == "content.xml"), None)
    if name is None:
        return
    try:
        height, width = _ods_extent(zf, name)
    except TierwiseError:
        return  # not XML we can stream (an encrypted .ods, say): calamine explains it better
    if width > MAX_COLUMNS or height > MAX_ROWS or height * width > MAX_CELLS:
        raise _large(
            path, f"has a table spanning {height:,} rows x {width:,} columns of filled cells"
        )


def _ods_extent(zf: zipfile.ZipFile, name: str) -> tuple[int, int]:
    """(rows, columns) of the first table found past the caps, else of the largest one."""
    from tierwise.io import xmlsafe

    row_tag, table_tag = _ODS_TABLE + "table-row", _ODS_TABLE + "table"
    cell_tags = (_ODS_TABLE + "table-cell", _ODS_TABLE + "covered-table-cell")
    worst = (0, 0)
    height = width = rows = 0
    with zf.open(name) as fh:
        for _, el in xmlsafe.iterparse(fh, ("end",), tag=(row_tag, table_tag), where=name):
            if el.tag == table_tag:
                height = width = rows = 0
                el.clear()
                continue
            column = last_filled = 0
            for cell in el:
                if cell.tag in cell_tags:
                    column += int(cell.get(_ODS_TABLE + "number-columns-repeated") or 1)
                    if cell.get(_ODS_OFFICE + "value-type") or len(cell):
                        last_filled = column
            rows += int(el.get(_ODS_TABLE + "number-rows-repeated") or 1)
            el.clear()
            if last_filled:
                height, width = rows, max(width, last_filled)
                if height * width > worst[0] * worst[1]:
                    worst = (height, width)
                if width > MAX_COLUMNS or height > MAX_ROWS or height * width > MAX_CELLS:
                    return worst
    return worst


# --- OLE2 / CFB containers: legacy .xls, and encrypted OOXML -----------------------

_FREE, _END = 0xFFFFFFFF, 0xFFFFFFFE
_SPECIAL = 0xFFFFFFFA  # ids at or above this are markers, not sectors


def _check_cfb(path: Path, ext: str) -> FileCheck:
    data = path.read_bytes()
    try:
        names = cfb_stream_names(data)
    except ValueError as err:
        raise TierwiseError(
            f"{path} is damaged ({err}); open it in Excel and save a copy as .xlsx"
        ) from None
    if "encryptioninfo" in names or "encryptedpackage" in names:
        raise password_protected(path)
    found = formats.detect(Container.OLE, ext, frozenset(names))
    if found is None:
        raise not_a_spreadsheet(path)
    return _file_check(path, found)


def cfb_stream_names(data: bytes) -> set[str]:
    """The lower-cased names of a CFB container's directory entries, after checking that
    every sector chain stays inside the file and never loops (raises ValueError)."""
    if len(data) < 512:
        raise ValueError("truncated OLE header")
    shift = struct.unpack_from("<H", data, 0x1E)[0]
    if shift not in (9, 12):
        raise ValueError("bad OLE sector size")
    sector = 1 << shift
    n_sectors = max((len(data) - sector) // sector + (1 if (len(data) - sector) % sector else 0), 0)
    _n_fat, first_dir = struct.unpack_from("<II", data, 0x2C)
    first_minifat, n_minifat, first_difat, _n_difat = struct.unpack_from("<IIII", data, 0x3C)

    def read_sector(sid: int) -> bytes:
        if sid >= n_sectors:
            raise ValueError(f"OLE sector {sid} is outside the file")
        start = (sid + 1) * sector
        return data[start : start + sector].ljust(sector, b"\x00")

    fat_ids = [s for s in struct.unpack_from("<109I", data, 0x4C) if s < _SPECIAL]
    seen: set[int] = set()
    sid = first_difat
    while sid < _SPECIAL and len(fat_ids) < n_sectors + 1:
        if sid in seen:
            raise ValueError("OLE DIFAT chain loops")
        seen.add(sid)
        entries = struct.unpack(f"<{sector // 4}I", read_sector(sid))
        fat_ids.extend(s for s in entries[:-1] if s < _SPECIAL)
        sid = entries[-1]
    if len(fat_ids) > n_sectors:
        raise ValueError("OLE allocation table is larger than the file")
    fat: list[int] = []
    for fid in fat_ids:
        fat.extend(struct.unpack(f"<{sector // 4}I", read_sector(fid)))

    def chain(start: int) -> list[int]:
        out: list[int] = []
        visited: set[int] = set()
        sid = start
        while sid not in (_END, _FREE):
            if sid >= n_sectors or sid >= len(fat):
                raise ValueError(f"OLE chain points at sector {sid}, outside the file")
            if sid in visited:
                raise ValueError("OLE sector chain loops")
            visited.add(sid)
            out.append(sid)
            sid = fat[sid]
        return out

    directory = b"".join(read_sector(s) for s in chain(first_dir))
    if n_minifat and first_minifat < _SPECIAL:
        chain(first_minifat)
    names: set[str] = set()
    for offset in range(0, len(directory) - 127, 128):
        entry = directory[offset : offset + 128]
        name_len, kind = struct.unpack_from("<HB", entry, 64)
        if kind not in (1, 2, 5) or name_len < 2 or name_len > 64:
            continue
        name = entry[: name_len - 2].decode("utf-16-le", "replace")
        start, size = struct.unpack_from("<IQ", entry, 116)
        if shift == 9:
            size &= 0xFFFFFFFF  # version 3 files keep only 32 bits
        if kind == 5 or (kind == 2 and size >= 4096):
            # Streams of 4096 bytes and more (and the mini stream) live in the FAT.
            if size > len(chain(start) if start < _SPECIAL else []) * sector:
                raise ValueError(f"OLE stream {name!r} claims more bytes than it holds")
        elif kind == 2 and size > len(data):
            raise ValueError(f"OLE stream {name!r} claims more bytes than the file holds")
        names.add(name.lower())
    return names
