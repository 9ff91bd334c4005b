"""Editing an OOXML workbook package without losing anything Tierwise does not own.

A load-and-save through a spreadsheet library rewrites every part and drops what the
library does not model (shapes, threaded comments, x14 extensions, cached values). So
Tierwise edits the zip itself: every part it does not own is copied as it was; the
few shared parts that must change (content types, workbook, workbook relationships,
styles) are edited as small DOMs with lxml (which keeps namespace prefixes and
mc:Ignorable); the partner sheet is streamed row by row (`sheetstream.edit_sheet_stream`),
so a 100k-row sheet is never held as a DOM. Cell formats: `styles.py`; cell XML: `cellxml.py`.
"""

from __future__ import annotations

import posixpath
import queue
import re
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Final

from lxml import etree
from zlib_ng import zlib_ng

from tierwise.errors import TierwiseError
from tierwise.io import xmlsafe
from tierwise.io.sheetstream import CELL_REF, CHUNK
from tierwise.io.tracker import column_number

MAIN_NS: Final = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS: Final = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_REL_NS: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT_NS: Final = "http://schemas.openxmlformats.org/package/2006/content-types"
STRICT_MAIN_NS: Final = "http://purl.oclc.org/ooxml/spreadsheetml/main"
STRICT_REL_NS: Final = "http://purl.oclc.org/ooxml/officeDocument/relationships"
RT_OFFICE_DOC: Final = DOC_REL_NS + "/officeDocument"
RT_WORKSHEET: Final = DOC_REL_NS + "/worksheet"
RT_STYLES: Final = DOC_REL_NS + "/styles"
RT_CHART: Final = DOC_REL_NS + "/chart"
CT_WORKSHEET: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_RELS: Final = "application/vnd.openxmlformats-package.relationships+xml"
CT_STYLES: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
CT_DRAWING: Final = "application/vnd.openxmlformats-officedocument.drawing+xml"
CT_CHART: Final = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
# Strict OOXML (ISO 29500) names: parts Tierwise writes into a Strict package use them.
_STRICT_NAMES: Final = (
    (MAIN_NS, STRICT_MAIN_NS),
    (DOC_REL_NS, STRICT_REL_NS),
    (
        "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
        "http://purl.oclc.org/ooxml/drawingml/spreadsheetDrawing",
    ),
    (
        "http://schemas.openxmlformats.org/drawingml/2006/chart",
        "http://purl.oclc.org/ooxml/drawingml/chart",
    ),
    (
        "http://schemas.openxmlformats.org/drawingml/2006/main",
        "http://purl.oclc.org/ooxml/drawingml/main",
    ),
)

# zlib-ng's level for streamed parts: 5 is within 2% of zlib's default level in size.
STREAM_LEVEL: Final = 5

# A sheet view's "this tab is selected" flag (Package.activate clears it).
_TAB_SELECTED: Final = re.compile(
    rb"""(<(?:[\w.-]+:)?sheetView\b[^>]*?)\s+tabSelected\s*=\s*["'](?:1|true)["']"""
)


def _slashed(name: str) -> str:
    """A zip entry name with forward slashes: some writers use "\\" (xl\\workbook.xml),
    and part names are resolved against each other as paths. Lookups go through `_key`,
    so the entry is still found, and an entry written back keeps its own name."""
    return name.replace("\\", "/")


def _key(name: str) -> str:
    """Zip entry names compared the way Excel does: case-insensitive, either slash."""
    return name.replace("\\", "/").lstrip("/").lower()


def _declaration(data: bytes) -> bytes:
    match = re.match(rb"\s*(<\?xml[^>]*\?>)", data)
    return match.group(1) if match else b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'


def serialize(root: etree._Element, original: bytes | None = None) -> bytes:
    """Serialise an edited part, keeping the original's XML declaration as written."""
    decl = _declaration(original or b"")
    sep = b"\r\n" if original and decl + b"\r\n" in original[: len(decl) + 4] else b"\n"
    return decl + sep + etree.tostring(root, encoding="UTF-8", xml_declaration=False)


@dataclass
class SheetEntry:
    name: str
    sheet_id: int
    rel_id: str
    part: str  # zip entry name of the worksheet part ("xl/worksheets/sheet1.xml")
    state: str  # "visible", "hidden", "veryHidden"


class Package:
    """An OOXML package opened for editing; nothing is written until `save`."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self._zip = zipfile.ZipFile(self.path)
            self._infos = self._zip.infolist()
        except (zipfile.BadZipFile, OSError) as err:
            raise TierwiseError(f"{path} is not a readable workbook package ({err})") from None
        self._names = {_key(i.filename): i for i in self._infos}
        self._new: dict[str, bytes | Callable[[], Iterable[bytes]]] = {}
        self._new_names: dict[str, str] = {}
        self._removed: set[str] = set()
        self._ct_name = self._find("[Content_Types].xml")
        self.content_types = xmlsafe.parse(self.read(self._ct_name), "[Content_Types].xml")
        self.workbook_part = self._workbook_part()
        self.workbook = xmlsafe.parse(self.read(self.workbook_part), self.workbook_part)
        # Strict OOXML (ISO 29500) uses other namespaces for the same elements.
        self.main_ns = etree.QName(self.workbook).namespace or MAIN_NS
        self.rel_ns = STRICT_REL_NS if self.main_ns == STRICT_MAIN_NS else DOC_REL_NS
        self.workbook_rels_part = rels_part_for(self.workbook_part)
        self.workbook_rels = self.rels_of(self.workbook_part)
        self._styles_part: str | None = None
        self._styles: etree._Element | None = None

    # -- reading ---------------------------------------------------------------------

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _find(self, name: str) -> str:
        info = self._names.get(_key(name))
        if info is None:
            raise TierwiseError(f"{self.path} has no {name} part; it is not a workbook package")
        return _slashed(info.filename)

    def entries(self) -> list[zipfile.ZipInfo]:
        """The zip entries of the package as it was opened."""
        return list(self._infos)

    def has(self, name: str) -> bool:
        k = _key(name)
        return (k in self._names and k not in self._removed) or k in self._new

    def read(self, name: str) -> bytes:
        k = _key(name)
        if k in self._new:
            value = self._new[k]
            return value if isinstance(value, bytes) else b"".join(value())
        return self._zip.read(self._names[k])

    def open(self, name: str) -> IO[bytes]:
        return self._zip.open(self._names[_key(name)])

    def rels_of(self, part: str) -> etree._Element:
        rp = rels_part_for(part)
        if self.has(rp):
            return xmlsafe.parse(self.read(rp), rp)
        return etree.Element(f"{{{REL_NS}}}Relationships", nsmap={None: REL_NS})

    def _workbook_part(self) -> str:
        rels = xmlsafe.parse(self.read(self._find("_rels/.rels")), "_rels/.rels")
        for rel in rels:
            if rel.get("Type") == RT_OFFICE_DOC or str(rel.get("Type", "")).endswith(
                "/officeDocument"
            ):
                return self._find(resolve_target("", rel.get("Target", "")))
        raise TierwiseError(f"{self.path} names no workbook part; it is not a workbook")

    def rel_targets(self, part: str, rels: etree._Element | None = None) -> dict[str, str]:
        """rId -> zip entry name of each internal relationship of `part`."""
        rels = self.rels_of(part) if rels is None else rels
        base = posixpath.dirname(part.replace("\\", "/"))
        out: dict[str, str] = {}
        for rel in rels:
            if rel.get("TargetMode") == "External":
                continue
            target = resolve_target(base, rel.get("Target", ""))
            info = self._names.get(_key(target))
            out[rel.get("Id", "")] = _slashed(info.filename) if info else target
        return out

    def related(self, part: str, kind: str) -> list[str]:
        """The parts `part` relates to with one relationship type (".../table")."""
        rels = self.rels_of(part)
        targets = self.rel_targets(part, rels)
        found = (targets.get(r.get("Id", ""), "") for r in rels)
        return [
            t
            for r, t in zip(rels, found, strict=True)
            if str(r.get("Type", "")).endswith("/" + kind) and self.has(t)
        ]

    def sheets(self) -> list[SheetEntry]:
        targets = self.rel_targets(self.workbook_part, self.workbook_rels)
        entries = []
        for el in self.workbook.iter(f"{{{self.main_ns}}}sheet"):
            rid = el.get(f"{{{self.rel_ns}}}id", "")
            entries.append(
                SheetEntry(
                    name=el.get("name", ""),
                    sheet_id=int(el.get("sheetId", "0") or 0),
                    rel_id=rid,
                    part=targets.get(rid, ""),
                    state=el.get("state", "visible"),
                )
            )
        return entries

    def sheet(self, name: str) -> SheetEntry | None:
        return next((s for s in self.sheets() if s.name == name), None)

    def date1904(self) -> bool:
        pr = self.workbook.find(f"{{{self.main_ns}}}workbookPr")
        return pr is not None and pr.get("date1904", "0").lower() in ("1", "true")

    # -- writing ---------------------------------------------------------------------

    def put(
        self, name: str, data: bytes | Callable[[], Iterable[bytes]], *, as_is: bool = False
    ) -> None:
        """Replace or add a part (bytes, or a function returning chunks, for streaming).
        In a Strict package, XML given as bytes is moved to the Strict namespaces
        unless `as_is`."""
        if self.main_ns == STRICT_MAIN_NS and isinstance(data, bytes) and not as_is:
            data = to_strict(data)
        k = _key(name)
        self._removed.discard(k)
        self._new[k] = data
        if k not in self._names:
            self._new_names[k] = name

    def remove(self, name: str) -> None:
        k = _key(name)
        self._new.pop(k, None)
        if k in self._names:
            self._removed.add(k)
        self.set_content_type(name, None)

    def free_name(self, pattern: str) -> str:
        """The first `pattern % n` (n = 1, 2, ...) not used by any part."""
        n = 1
        while self.has(pattern % n):
            n += 1
        return pattern % n

    def set_content_type(self, part: str, content_type: str | None) -> None:
        pn = "/" + part.replace("\\", "/").lstrip("/")
        for el in list(self.content_types):
            if etree.QName(el).localname == "Override" and el.get("PartName", "").lower() == (
                pn.lower()
            ):
                if content_type is None:
                    self.content_types.remove(el)
                    return
                el.set("ContentType", content_type)
                return
        if content_type is not None:
            el = etree.SubElement(self.content_types, f"{{{CT_NS}}}Override")
            el.set("PartName", pn)
            el.set("ContentType", content_type)

    def add_relationship(self, rels: etree._Element, rel_type: str, target: str) -> str:
        ids = {r.get("Id") for r in rels}
        n = 1
        while f"rId{n}" in ids:
            n += 1
        el = etree.SubElement(rels, f"{{{REL_NS}}}Relationship")
        el.set("Id", f"rId{n}")
        el.set("Type", rel_type)
        el.set("Target", target)
        return f"rId{n}"

    def styles(self) -> etree._Element:
        """The stylesheet DOM (created, with its relationship, if the package has none)."""
        if self._styles is None:
            for rid, target in self.rel_targets(self.workbook_part, self.workbook_rels).items():
                rel = next(r for r in self.workbook_rels if r.get("Id") == rid)
                if str(rel.get("Type", "")).endswith("/styles") and self.has(target):
                    self._styles_part = target
                    self._styles = xmlsafe.parse(self.read(target), target)
                    break
            else:
                self._styles_part = posixpath.join(
                    posixpath.dirname(self.workbook_part), "styles.xml"
                )
                self._styles = xmlsafe.parse(
                    MINIMAL_STYLES.replace(MAIN_NS.encode(), self.main_ns.encode()), "styles.xml"
                )
                self.add_relationship(self.workbook_rels, self.rel_ns + "/styles", "styles.xml")
                self.set_content_type(self._styles_part, CT_STYLES)
        return self._styles

    def row_texts(self, part: str, row: int) -> dict[int, str]:
        """column -> text of the string cells of one row of a sheet (shared strings
        resolved), streaming the sheet only up to that row."""
        wanted: dict[int, str | int] = {}
        with self.open(part) as fh:
            for _, el in xmlsafe.iterparse(fh, ("end",), tag=f"{{{self.main_ns}}}row", where=part):
                number = int(el.get("r", "0") or 0)
                if number == row:
                    for c in el.iterfind(f"{{{self.main_ns}}}c"):
                        ref = CELL_REF.search(b'r="%s"' % c.get("r", "").encode())
                        if not ref or not ref.group(1):
                            continue
                        col = column_number(ref.group(1))
                        kind = c.get("t")
                        if kind == "s":
                            v = c.findtext(f"{{{self.main_ns}}}v")
                            if v and v.strip().isdigit():
                                wanted[col] = int(v)
                        elif kind in ("inlineStr", "str"):
                            wanted[col] = "".join(c.itertext())
                if number >= row:
                    break
                el.clear()
        indices = {v for v in wanted.values() if isinstance(v, int)}
        strings = self._shared_strings(indices) if indices else {}
        return {col: (strings.get(v, "") if isinstance(v, int) else v) for col, v in wanted.items()}

    def shared_strings_part(self) -> str | None:
        """The workbook's shared strings part, if it has one."""
        targets = self.rel_targets(self.workbook_part, self.workbook_rels)
        return next(
            (
                targets[r.get("Id", "")]
                for r in self.workbook_rels
                if str(r.get("Type", "")).endswith("/sharedStrings")
                and self.has(targets.get(r.get("Id", ""), ""))
            ),
            None,
        )

    def _shared_strings(self, indices: set[int]) -> dict[int, str]:
        part = self.shared_strings_part()
        if part is None:
            return {}
        found: dict[int, str] = {}
        last = max(indices)
        with self.open(part) as fh:
            for i, (_, el) in enumerate(
                xmlsafe.iterparse(fh, ("end",), tag=f"{{{self.main_ns}}}si", where=part)
            ):
                if i in indices:
                    found[i] = "".join(
                        t.text or ""
                        for t in el.iter(f"{{{self.main_ns}}}t")
                        if etree.QName(t.getparent()).localname != "rPh"
                    )
                el.clear()
                if i >= last:
                    break
        return found

    def shared_parts(self) -> list[str]:
        """The parts every annotation edits: content types, workbook, its relationships,
        the stylesheet, and the shared strings (appended to) if there are any."""
        self.styles()
        strings = self.shared_strings_part()
        shared = [self._ct_name, self.workbook_part, self.workbook_rels_part]
        return [*shared, str(self._styles_part), *([strings] if strings else [])]

    def add_sheet(self, name: str, *, state: str = "visible") -> SheetEntry:
        """Append a new worksheet entry (workbook, relationships, content type); the
        caller `put`s its part."""
        part = self.free_name(
            posixpath.join(posixpath.dirname(self.workbook_part), "worksheets/sheet%d.xml")
        )
        target = posixpath.relpath(part, posixpath.dirname(self.workbook_part) or ".")
        rid = self.add_relationship(self.workbook_rels, self.rel_ns + "/worksheet", target)
        sheets_el = self.workbook.find(f"{{{self.main_ns}}}sheets")
        if sheets_el is None:
            raise TierwiseError(f"{self.path} has a workbook part without sheets; it is damaged")
        sheet_id = max((s.sheet_id for s in self.sheets()), default=0) + 1
        el = etree.SubElement(sheets_el, f"{{{self.main_ns}}}sheet")
        el.set("name", name)
        el.set("sheetId", str(sheet_id))
        if state != "visible":
            el.set("state", state)
        el.set(f"{{{self.rel_ns}}}id", rid)
        self.set_content_type(part, CT_WORKSHEET)
        return SheetEntry(name, sheet_id, rid, part, state)

    def set_sheet_state(self, entry: SheetEntry, state: str) -> None:
        for el in self.workbook.iter(f"{{{self.main_ns}}}sheet"):
            if el.get(f"{{{self.rel_ns}}}id") == entry.rel_id:
                if state == "visible":
                    el.attrib.pop("state", None)
                else:
                    el.set("state", state)

    def activate(self, entry: SheetEntry) -> None:
        """Open the workbook on `entry`'s tab: the workbook view's activeTab, and every
        other sheet's tabSelected flag cleared (their only change), so that no two
        sheets open grouped, where one edit would change both."""
        sheets = self.sheets()
        index = next(i for i, s in enumerate(sheets) if s.rel_id == entry.rel_id)
        ns = self.main_ns
        views = self.workbook.find(f"{{{ns}}}bookViews")
        if views is None:
            views = etree.Element(f"{{{ns}}}bookViews")
            self.workbook.find(f"{{{ns}}}sheets").addprevious(views)
        view = views.find(f"{{{ns}}}workbookView")
        if view is None:
            view = etree.SubElement(views, f"{{{ns}}}workbookView")
        view.set("activeTab", str(index))
        if int(view.get("firstSheet", "0") or 0) > index:
            view.set("firstSheet", str(index))
        for other in sheets:
            if other.rel_id != entry.rel_id and other.part and self.has(other.part):
                self._unselect_tab(other.part)

    def _unselect_tab(self, part: str) -> None:
        k = _key(part)
        current = self._new.get(k)
        if current is None:
            with self.open(part) as fh:
                head = fh.read(CHUNK)
            if not _TAB_SELECTED.search(head.split(b"sheetData", 1)[0]):
                return  # the usual case: the part is copied as it was

        def chunks() -> Iterator[bytes]:
            if isinstance(current, bytes):
                yield current
            elif current is not None:
                yield from current()
            else:
                with self.open(part) as fh:
                    yield from iter(lambda: fh.read(CHUNK), b"")

        def unselected() -> Iterator[bytes]:
            head = b""
            source = chunks()
            for chunk in source:
                head += chunk
                if b"sheetData" in head:
                    break
            before, sep, after = head.partition(b"sheetData")
            yield _TAB_SELECTED.sub(rb"\1", before) + sep + after
            yield from source

        self.put(part, unselected)

    def drop_sheet_children(self, entry: SheetEntry) -> None:
        """Remove an owned sheet's relationships part and the drawings/charts behind it."""
        rp = rels_part_for(entry.part)
        if not self.has(rp):
            return
        for target in self.rel_targets(entry.part).values():
            if not self.has(target):
                continue
            for child in self.rel_targets(target).values():
                if self.has(child):
                    self.remove(child)
            child_rels = rels_part_for(target)
            if self.has(child_rels):
                self.remove(child_rels)
            self.remove(target)
        self.remove(rp)

    def save(self, out: Path) -> None:
        """Write the package: untouched parts copied as they were, in their order."""
        # The shared parts keep the names they were written with (no Strict rewrite).
        for name, root in (
            (self._ct_name, self.content_types),
            (self.workbook_part, self.workbook),
            (self.workbook_rels_part, self.workbook_rels),
            (self._styles_part, self._styles),
        ):
            if name is not None and root is not None:
                self.put(name, serialize(root, self._orig(name)), as_is=True)
        written: set[str] = set()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zout:
            for info in self._infos:
                k = _key(info.filename)
                if k in self._removed or k in written:
                    continue
                written.add(k)
                if k in self._new:
                    self._write(zout, _fresh_info(info.filename, info), self._new[k])
                else:
                    self._copy(zout, info)
            for k, data in self._new.items():
                if k not in written:
                    name = self._new_names.get(k, k)
                    self._write(zout, _fresh_info(name, None), data)

    def _orig(self, name: str) -> bytes | None:
        info = self._names.get(_key(name))
        return self._zip.read(info) if info is not None else None

    def _copy(self, zout: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        copy = _fresh_info(info.filename, info)
        with self._zip.open(info) as src, zout.open(copy, "w", force_zip64=True) as dst:
            while chunk := src.read(CHUNK):
                dst.write(chunk)

    @staticmethod
    def _write(
        zout: zipfile.ZipFile,
        info: zipfile.ZipInfo,
        data: bytes | Callable[[], Iterable[bytes]],
    ) -> None:
        if isinstance(data, bytes):
            zout.writestr(info, data)
            return
        with zout.open(info, "w", force_zip64=True) as dst:
            # Streamed parts are the big ones (the partner sheet, the shared strings):
            # zlib-ng compresses them as small as zlib's default level in about half
            # its time (the same DEFLATE stream format, read by everything).
            dst._compressor = zlib_ng.compressobj(  # type: ignore[attr-defined]
                STREAM_LEVEL, zlib_ng.DEFLATED, -15
            )
            with _Background(dst) as out:
                # Rows stream in as many small pieces: hand zlib fewer, bigger blocks.
                pending: list[bytes] = []
                size = 0
                for chunk in data():
                    pending.append(chunk)
                    size += len(chunk)
                    if size >= CHUNK:
                        out.write(b"".join(pending))
                        pending, size = [], 0
                out.write(b"".join(pending))


class _Background:
    """Blocks written to a zip entry by a second thread: compression and the checksum
    release the GIL, so they run beside the making of the next block."""

    def __init__(self, dst: IO[bytes]) -> None:
        self._dst = dst
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> _Background:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        self._queue.put(None)
        self._thread.join()
        if kind is None and self._error is not None:
            raise self._error

    def _run(self) -> None:
        while (block := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._dst.write(block)
                except BaseException as err:  # raised in the writing thread
                    self._error = err

    def write(self, block: bytes) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(block)


def _fresh_info(name: str, like: zipfile.ZipInfo | None) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=like.date_time if like else (1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = like.external_attr if like else 0o600 << 16
    return info


def to_strict(xml: bytes) -> bytes:
    """An XML part written with transitional names, in the Strict namespaces."""
    for transitional, strict in _STRICT_NAMES:
        xml = xml.replace(transitional.encode(), strict.encode())
    return xml


def rels_part_for(part: str) -> str:
    head, tail = posixpath.split(part.replace("\\", "/"))
    return posixpath.join(head, "_rels", tail + ".rels")


def resolve_target(base: str, target: str) -> str:
    target = target.replace("\\", "/")
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(base, target)).lstrip("/")


MINIMAL_STYLES: Final = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    b'<fills count="2"><fill><patternFill patternType="none"/></fill>'
    b'<fill><patternFill patternType="gray125"/></fill></fills>'
    b'<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    b'<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    b'<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    b'<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    b"</styleSheet>"
)
