"""Editing an OOXML workbook package without losing anything Tierwise does not own.

A load-and-save through a spreadsheet library rewrites every part and drops what the
library does not model (shapes, threaded comments, x14 extensions, cached values). So
Tierwise edits the zip itself: every part it does not own is copied as it was; the
few shared parts that must change (content types, workbook, workbook relationships,
styles) are edited as small DOMs with lxml (which keeps namespace prefixes and
mc:Ignorable); the partner sheet is streamed row by row (`sheetstream.py` style code in
`edit_sheet_stream`), so a 100k-row sheet is never held as a DOM.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Final

from lxml import etree

from tierwise.errors import TierwiseError
from tierwise.io import xmlsafe
from tierwise.io.tracker import column_letter, column_number, columns_from

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

_CHUNK: Final = 1 << 20
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
        self.workbook_rels = self._rels(self.workbook_part)
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

    def _rels(self, part: str) -> etree._Element:
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
        rels = self._rels(part) if rels is None else rels
        base = posixpath.dirname(part.replace("\\", "/"))
        out: dict[str, str] = {}
        for rel in rels:
            if rel.get("TargetMode") == "External":
                continue
            target = resolve_target(base, rel.get("Target", ""))
            info = self._names.get(_key(target))
            out[rel.get("Id", "")] = _slashed(info.filename) if info else target
        return out

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

    def put(self, name: str, data: bytes | Callable[[], Iterable[bytes]]) -> None:
        """Replace or add a part (bytes, or a function returning chunks, for streaming)."""
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
                        ref = _ATTR_R.search(b'r="%s"' % c.get("r", "").encode())
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

    def _shared_strings(self, indices: set[int]) -> dict[int, str]:
        targets = self.rel_targets(self.workbook_part, self.workbook_rels)
        part = next(
            (
                targets[r.get("Id", "")]
                for r in self.workbook_rels
                if str(r.get("Type", "")).endswith("/sharedStrings")
                and self.has(targets.get(r.get("Id", ""), ""))
            ),
            None,
        )
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
        and the stylesheet."""
        self.styles()
        return [self._ct_name, self.workbook_part, self.workbook_rels_part, str(self._styles_part)]

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
                head = fh.read(_CHUNK)
            if not _TAB_SELECTED.search(head.split(b"sheetData", 1)[0]):
                return  # the usual case: the part is copied as it was

        def chunks() -> Iterator[bytes]:
            if isinstance(current, bytes):
                yield current
            elif current is not None:
                yield from current()
            else:
                with self.open(part) as fh:
                    yield from iter(lambda: fh.read(_CHUNK), b"")

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
        self.put(self._ct_name, serialize(self.content_types, self._orig(self._ct_name)))
        self.put(self.workbook_part, serialize(self.workbook, self._orig(self.workbook_part)))
        self.put(
            self.workbook_rels_part,
            serialize(self.workbook_rels, self._orig(self.workbook_rels_part)),
        )
        if self._styles is not None and self._styles_part is not None:
            self.put(self._styles_part, serialize(self._styles, self._orig(self._styles_part)))
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
            while chunk := src.read(_CHUNK):
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
        # Streamed parts are the big ones: a light compression level keeps them fast.
        # No public way before Python 3.13 (compress_level): typeshed knows only that name.
        info._compresslevel = 1  # type: ignore[attr-defined]
        with zout.open(info, "w", force_zip64=True) as dst:
            # Rows stream in as many small pieces: hand zlib fewer, bigger blocks.
            pending: list[bytes] = []
            size = 0
            for chunk in data():
                pending.append(chunk)
                size += len(chunk)
                if size >= _CHUNK:
                    dst.write(b"".join(pending))
                    pending, size = [], 0
            dst.write(b"".join(pending))


def _fresh_info(name: str, like: zipfile.ZipInfo | None) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=like.date_time if like else (1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = like.external_attr if like else 0o600 << 16
    return info


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


# -- styles -------------------------------------------------------------------------


@dataclass(frozen=True)
class XfSpec:
    """A cell format to add: font/fill/border as XML in the main namespace (None = the
    workbook's default), a number format code (None = General), and alignment."""

    bold: bool = False
    italic: bool = False
    size: float | None = None
    color: str | None = None  # "FF595959"
    fill: str | None = None  # solid fill colour "FFDDEBF7"
    bottom_border: bool = False
    num_fmt: str | None = None
    wrap: bool = False
    vertical: str | None = None  # "top", "center"
    horizontal: str | None = None


_BUILTIN_FORMATS: Final = {
    "General": 0,
    "0": 1,
    "0.00": 2,
    "#,##0": 3,
    "#,##0.00": 4,
    "0%": 9,
    "0.00%": 10,
}


def _canon(el: etree._Element) -> tuple:
    """A comparable form of an element: local name, attributes, children (order kept)."""
    return (
        etree.QName(el).localname,
        tuple(sorted((etree.QName(k).localname, v) for k, v in el.attrib.items())),
        tuple(_canon(c) for c in el if isinstance(c.tag, str)),
    )


class StyleBook:
    """Adds cell formats to a stylesheet, reusing an identical one when it exists, so
    existing indices never change and re-annotating adds nothing new."""

    def __init__(self, styles: etree._Element) -> None:
        self.root = styles
        self.ns = etree.QName(styles).namespace or MAIN_NS
        self._cache: dict[XfSpec, int] = {}

    def _m(self, tag: str) -> str:
        return f"{{{self.ns}}}{tag}"

    def _section(self, tag: str, before: tuple[str, ...]) -> etree._Element:
        el = self.root.find(self._m(tag))
        if el is not None:
            return el
        el = etree.Element(self._m(tag))
        el.set("count", "0")
        for i, child in enumerate(self.root):
            if isinstance(child.tag, str) and etree.QName(child).localname in before:
                self.root.insert(i, el)
                return el
        self.root.append(el)
        return el

    def _add(self, section: etree._Element, item: etree._Element) -> int:
        key = _canon(item)
        children = [c for c in section if isinstance(c.tag, str)]
        for i, child in enumerate(children):
            if _canon(child) == key:
                return i
        section.append(item)
        section.set("count", str(len(children) + 1))
        return len(children)

    def _num_fmt(self, code: str | None) -> int:
        if code is None:
            return 0
        if code in _BUILTIN_FORMATS:
            return _BUILTIN_FORMATS[code]
        section = self._section("numFmts", ("fonts",))
        used = []
        for nf in section:
            if not isinstance(nf.tag, str):
                continue
            if nf.get("formatCode") == code:
                return int(nf.get("numFmtId", "0"))
            used.append(int(nf.get("numFmtId", "0") or 0))
        new_id = max([163, *used]) + 1
        el = etree.SubElement(section, self._m("numFmt"))
        el.set("numFmtId", str(new_id))
        el.set("formatCode", code)
        section.set("count", str(len(used) + 1))
        return new_id

    def _font(self, spec: XfSpec) -> int:
        if not (spec.bold or spec.italic or spec.size or spec.color):
            return 0
        fonts = self._section("fonts", ("fills",))
        base = next((c for c in fonts if isinstance(c.tag, str)), None)
        font = etree.Element(self._m("font"))
        # Keep the workbook's own default face and size so added cells look native.
        name = base.find(self._m("name")) if base is not None else None
        sz = base.find(self._m("sz")) if base is not None else None
        family = base.find(self._m("family")) if base is not None else None
        if spec.bold:
            etree.SubElement(font, self._m("b")).set("val", "1")
        if spec.italic:
            etree.SubElement(font, self._m("i")).set("val", "1")
        size = spec.size or (float(sz.get("val", "11")) if sz is not None else 11.0)
        etree.SubElement(font, self._m("sz")).set("val", f"{size:g}")
        if spec.color:
            etree.SubElement(font, self._m("color")).set("rgb", spec.color)
        etree.SubElement(font, self._m("name")).set(
            "val", name.get("val", "Calibri") if name is not None else "Calibri"
        )
        if family is not None:
            etree.SubElement(font, self._m("family")).set("val", family.get("val", "2"))
        return self._add(fonts, font)

    def _fill(self, spec: XfSpec) -> int:
        if not spec.fill:
            return 0
        fill = etree.Element(self._m("fill"))
        pattern = etree.SubElement(fill, self._m("patternFill"))
        pattern.set("patternType", "solid")
        etree.SubElement(pattern, self._m("fgColor")).set("rgb", spec.fill)
        etree.SubElement(pattern, self._m("bgColor")).set("indexed", "64")
        return self._add(self._section("fills", ("borders",)), fill)

    def _border(self, spec: XfSpec) -> int:
        if not spec.bottom_border:
            return 0
        border = etree.Element(self._m("border"))
        for side in ("left", "right", "top", "bottom", "diagonal"):
            el = etree.SubElement(border, self._m(side))
            if side == "bottom":
                el.set("style", "thin")
                etree.SubElement(el, self._m("color")).set("rgb", "FF7F7F7F")
        return self._add(self._section("borders", ("cellStyleXfs", "cellXfs")), border)

    def xf(self, spec: XfSpec) -> int:
        """The cellXfs index of a format like `spec` (appended if none matches)."""
        if spec in self._cache:
            return self._cache[spec]
        num_fmt, font, fill, border = (
            self._num_fmt(spec.num_fmt),
            self._font(spec),
            self._fill(spec),
            self._border(spec),
        )
        xf = etree.Element(self._m("xf"))
        xf.set("numFmtId", str(num_fmt))
        xf.set("fontId", str(font))
        xf.set("fillId", str(fill))
        xf.set("borderId", str(border))
        xf.set("xfId", "0")
        for attr, on in (
            ("applyNumberFormat", num_fmt),
            ("applyFont", font),
            ("applyFill", fill),
            ("applyBorder", border),
        ):
            if on:
                xf.set(attr, "1")
        if spec.wrap or spec.vertical or spec.horizontal:
            xf.set("applyAlignment", "1")
            align = etree.SubElement(xf, self._m("alignment"))
            if spec.horizontal:
                align.set("horizontal", spec.horizontal)
            if spec.vertical:
                align.set("vertical", spec.vertical)
            if spec.wrap:
                align.set("wrapText", "1")
        index = self._add(self._section("cellXfs", ("cellStyles", "dxfs")), xf)
        self._cache[spec] = index
        return index


# -- streaming the partner sheet ------------------------------------------------------

_ROOT: Final = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?worksheet[\s>]")
_ROW_START: Final = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\b([^>]*?)(/?)>", re.S)
_CELL: Final = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?c\b([^>]*?)(?:/>|>.*?</(?:[A-Za-z_][\w.-]*:)?c\s*>)", re.S
)
_ATTR_R: Final = re.compile(rb"""\br\s*=\s*["']([A-Za-z]{0,3})(\d*)["']""")
_CELL_OPEN: Final = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_CELL_REF_LETTERS: Final = re.compile(
    rb"""<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\br\s*=\s*["']([A-Z]{1,3})\d+["']"""
)
_ATTR_SPANS: Final = re.compile(rb"""\bspans\s*=\s*["'](\d+):(\d+)["']""")
_DIMENSION: Final = re.compile(
    rb"""(<(?:[\w.-]+:)?dimension\b[^>]*?\bref\s*=\s*["'])([^"']*)(["'])"""
)
_COLS: Final = re.compile(
    rb"<((?:[\w.-]+:)?)cols\b[^>]*>(.*?)</(?:[\w.-]+:)?cols\s*>|<(?:[\w.-]+:)?cols\b[^>]*/>", re.S
)
_COL: Final = re.compile(rb"<(?:[\w.-]+:)?col\b([^>]*?)/?>(?:\s*</(?:[\w.-]+:)?col>)?", re.S)


@dataclass
class SheetEdit:
    """What to change on the partner sheet.

    cells: worksheet row -> [(column, cell XML without its prefix, made by `cell_xml`)],
        sorted by column (one entry may hold the XML of several adjacent cells, starting
        at `column`); every cell of `columns` in those rows is replaced or cleared.
    columns: the 1-based columns Tierwise owns on this sheet.
    widths: column -> width in characters, for <cols>.
    heights: row -> height in points for rows whose wrapped text needs more than one
        line; a row that sets its own height keeps it.
    validation: a <dataValidation> element (unprefixed) added to the sheet's
        <dataValidations>, unless one with the same sqref is there already.
    """

    cells: Mapping[int, list[tuple[int, bytes]]]
    columns: frozenset[int]
    widths: dict[int, float]
    heights: Mapping[int, float] = field(default_factory=dict)
    validation: bytes = b""


def _find_tag(buf: bytes, local: bytes, start: int = 0) -> re.Match | None:
    return re.compile(rb"<(?:[\w.-]+:)?" + local + rb"\b[^>]*?(/?)>", re.S).search(buf, start)


def edit_sheet_stream(source: IO[bytes], edit: SheetEdit) -> Iterator[bytes]:
    """Yield the partner sheet part with `edit` applied, copying every other byte."""
    buf = b""
    while True:
        chunk = source.read(_CHUNK)
        buf += chunk
        start = _find_tag(buf, b"sheetData")
        if start is not None or not chunk:
            break
    if start is None:
        raise TierwiseError("the partner sheet has no sheetData element; the file is damaged")
    root = _ROOT.search(buf)
    prefix = (root.group(1) + b":") if root and root.group(1) else b""
    head = _edit_head(buf[: start.start()], edit, prefix)
    yield head
    rows_wanted = sorted(edit.cells)
    if start.group(1) == b"/":  # <sheetData/>: no rows at all
        yield b"<" + prefix + b"sheetData>"
        yield from (_new_row(r, edit.cells[r], prefix, edit.heights) for r in rows_wanted)
        yield b"</" + prefix + b"sheetData>"
        yield from _tail(buf[start.end() :], source, edit, prefix)
        return
    yield buf[start.start() : start.end()]
    buf = buf[start.end() :]
    end_re = re.compile(rb"</(?:[\w.-]+:)?sheetData\s*>")
    row_end = re.compile(rb"</(?:[\w.-]+:)?row\s*>")
    pending = 0  # index into rows_wanted
    last_row = 0
    eof = False
    pos = 0
    while True:
        m = _ROW_START.search(buf, pos)
        # Look for the end of sheetData only up to the next row, or scanning would be
        # quadratic in the number of rows.
        end = end_re.search(buf, pos, m.start() if m is not None else len(buf))
        if end is not None:
            while pending < len(rows_wanted):
                r = rows_wanted[pending]
                yield _new_row(r, edit.cells[r], prefix, edit.heights)
                pending += 1
            yield from _tail(buf[pos:], source, edit, prefix)
            return
        closing = None
        if m is not None and m.group(2) != b"/":
            closing = row_end.search(buf, m.end())
        if m is None or (m.group(2) != b"/" and closing is None):
            if eof:
                raise TierwiseError("the partner sheet ends inside a row; the file is damaged")
            chunk = source.read(_CHUNK)
            eof = not chunk
            buf = buf[pos:] + chunk
            pos = 0
            continue
        row_end_at = m.end() if closing is None else closing.end()
        attrs = m.group(1)
        r_match = re.search(rb"""\br\s*=\s*["'](\d+)["']""", attrs)
        number = int(r_match.group(1)) if r_match else last_row + 1
        last_row = number
        while pending < len(rows_wanted) and rows_wanted[pending] < number:
            yield buf[pos : m.start()]
            pos = m.start()
            r = rows_wanted[pending]
            yield _new_row(r, edit.cells[r], prefix, edit.heights)
            pending += 1
        if pending < len(rows_wanted) and rows_wanted[pending] == number:
            yield buf[pos : m.start()]
            inner = b"" if closing is None else buf[m.end() : closing.start()]
            attrs = _with_height(attrs, edit.heights.get(number))
            yield _edit_row(
                number, attrs, inner, edit.cells[number], edit.columns, prefix, max(edit.columns)
            )
            pending += 1
        else:
            yield buf[pos:row_end_at]
        pos = row_end_at
        if pos > _CHUNK:
            buf = buf[pos:]
            pos = 0
    yield from iter(lambda: source.read(_CHUNK), b"")


def last_filled_column(
    source: IO[bytes], ignore: frozenset[int] = frozenset(), *, from_column: int = 1
) -> int:
    """The rightmost column holding a cell with content anywhere on a sheet (cells that
    only carry formatting are self-closing and do not count), looking only at columns
    from `from_column` on; `from_column - 1` when none there holds anything.

    Only cells at or right of `from_column` are matched, so on a sheet whose cells all
    lie left of it (the usual case: the reader knows the last column) the scan finds
    nothing and builds nothing."""
    letters: set[bytes] = set()
    carry = b""
    prefix: bytes | None = None
    wanted = columns_from(from_column)
    while True:
        chunk = source.read(_CHUNK)
        data = carry + chunk
        cut = data.rfind(b">") + 1 if chunk else len(data)
        data, carry = data[:cut], data[cut:]
        if prefix is None:
            root = _ROOT.search(data)
            prefix = (root.group(1) + b":") if root and root.group(1) else b""
        letters.update(_filled_letters(data, prefix, wanted))
        if not chunk:
            break
    columns = {column_number(x) for x in letters} - ignore
    return max(columns, default=from_column - 1)


def _filled_letters(data: bytes, prefix: bytes, letters: bytes = b"[A-Za-z]{1,3}") -> set[bytes]:
    # Excel and most writers put r first; a plain pattern then finds every cell fast.
    # Anything else (r elsewhere, other spacing) takes the general, slower pattern.
    total = data.count(b"<" + prefix + b"c ") + data.count(b"<" + prefix + b"c>")
    if prefix and (b"<c " in data or b"<c>" in data):
        total = -1
    if total == data.count(b"<" + prefix + b'c r="'):
        fast = b"<" + re.escape(prefix) + b'c r="(' + letters + rb')\d+"[^>]*(?<!/)>'
        return set(re.findall(fast, data))
    general = (
        rb"<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\br\s*=\s*[\"'](" + letters + rb")\d+[\"'][^>]*(?<!/)>"
    )
    return set(re.findall(general, data))


def _new_row(
    number: int,
    cells: list[tuple[int, bytes]],
    prefix: bytes,
    heights: Mapping[int, float] | None = None,
) -> bytes:
    body = b"".join(_prefixed(c, prefix) for _, c in cells)
    attrs = _with_height(b' r="%d"' % number, (heights or {}).get(number))
    return b"<%srow%s>%s</%srow>" % (prefix, attrs, body, prefix)


def _with_height(attrs: bytes, points: float | None) -> bytes:
    """A row's attributes with a height, unless none is wanted or the row sets its own."""
    if not points or re.search(rb"\bht\s*=", attrs):
        return attrs
    return attrs.rstrip(b"/").rstrip() + b' ht="%s" customHeight="1"' % f"{points:g}".encode()


# Worksheet children that come after <dataValidations> (ECMA-376 CT_Worksheet order).
_AFTER_VALIDATIONS: Final = frozenset(
    b"hyperlinks printOptions pageMargins pageSetup headerFooter rowBreaks colBreaks "
    b"customProperties cellWatches ignoredErrors smartTags drawing legacyDrawing "
    b"legacyDrawingHF drawingHF picture oleObjects controls webPublishItems tableParts "
    b"extLst".split()
)
_TAG: Final = re.compile(rb"<(/?)((?:[A-Za-z_][\w.-]*:)?)([A-Za-z_][\w.-]*)\b[^>]*?(/?)>", re.S)
_SQREF: Final = re.compile(rb"""\bsqref\s*=\s*["']([^"']*)["']""")


def _tail(head: bytes, source: IO[bytes], edit: SheetEdit, prefix: bytes) -> Iterator[bytes]:
    """The rest of the sheet after its rows, with `edit.validation` added (the part
    after <sheetData> is small: settings, merges, validations, page set-up)."""
    if not edit.validation:
        yield head
        yield from iter(lambda: source.read(_CHUNK), b"")
        return
    yield _add_validation(head + source.read(), edit.validation, prefix)


def _add_validation(tail: bytes, validation: bytes, prefix: bytes) -> bytes:
    element = re.sub(rb"<(/?)(dataValidation|formula1)\b", rb"<\1" + prefix + rb"\2", validation)
    sqref = _SQREF.search(validation)
    rows_end = re.search(rb"</(?:[\w.-]+:)?sheetData\s*>", tail)
    depth = 0
    for m in _TAG.finditer(tail, rows_end.end() if rows_end else 0):
        closing, name, self_closing = m.group(1), m.group(3), m.group(4)
        if closing:
            depth -= 1
            continue
        if depth == 0 and name == b"dataValidations":
            if self_closing:
                wrapped = b"<%sdataValidations>%s</%sdataValidations>" % (prefix, element, prefix)
                return tail[: m.start()] + wrapped + tail[m.end() :]
            end = tail.find(b"dataValidations>", m.end())
            end = tail.rfind(b"<", m.end(), end)
            if sqref and any(
                s.group(1) == sqref.group(1) for s in _SQREF.finditer(tail, m.end(), end)
            ):
                return tail  # added by an earlier annotation
            opening = re.sub(rb"""\s+count\s*=\s*["']\d*["']""", b"", m.group(0))
            return tail[: m.start()] + opening + tail[m.end() : end] + element + tail[end:]
        if depth == 0 and (name in _AFTER_VALIDATIONS or name == b"worksheet"):
            break
        if not self_closing:
            depth += 1
    else:
        m = None
    at = m.start() if m is not None else tail.rfind(b"</")
    wrapped = b"<%sdataValidations>%s</%sdataValidations>" % (prefix, element, prefix)
    return tail[:at] + wrapped + tail[at:]


def _prefixed(cell: bytes, prefix: bytes) -> bytes:
    if not prefix:
        return cell
    return re.sub(rb"<(/?)(c|is|t|v|r|rPr)\b", rb"<\1" + prefix + rb"\2", cell)


def _edit_row(
    number: int,
    attrs: bytes,
    inner: bytes,
    ours: list[tuple[int, bytes]],
    owned: frozenset[int],
    prefix: bytes,
    span_end: int = 0,
) -> bytes:
    if ours and b"extLst" not in inner and b"<%sc>" % prefix not in inner:
        # The usual case: cells are in column order and the last one lies left of
        # Tierwise's columns, so ours simply follow it.
        last_at = inner.rfind(b"<%sc " % prefix)
        ref = _ATTR_R.search(inner, last_at, inner.find(b">", last_at)) if last_at >= 0 else None
        no_cells = last_at < 0 and b"<%sc" % prefix not in inner
        if no_cells or (ref and ref.group(1) and column_number(ref.group(1)) < ours[0][0]):
            attrs = _widen_spans(attrs, ours, span_end)
            body = inner.rstrip() + b"".join(_prefixed(x, prefix) for _, x in ours)
            return b"<%srow%s>%s</%srow>" % (prefix, attrs.rstrip(b"/").rstrip(), body, prefix)
    kept: list[tuple[int, bytes]] = []
    col = 0
    last = 0
    for m in _CELL.finditer(inner):
        ref = _ATTR_R.search(m.group(1))
        col = column_number(ref.group(1)) if ref and ref.group(1) else col + 1
        if col not in owned:
            kept.append((col, m.group(0)))
        last = m.end()
    # Anything after the cells (a row's extLst) stays after them.
    tail = inner[last:].strip()
    merged = sorted(kept + [(c, _prefixed(x, prefix)) for c, x in ours], key=lambda t: t[0])
    attrs = _widen_spans(attrs, ours, span_end)
    body = b"".join(x for _, x in merged) + tail
    return b"<%srow%s>%s</%srow>" % (prefix, attrs.rstrip(b"/").rstrip(), body, prefix)


def _widen_spans(attrs: bytes, ours: list[tuple[int, bytes]], span_end: int = 0) -> bytes:
    spans = _ATTR_SPANS.search(attrs)
    if not spans or not ours:
        return attrs
    lo = min(int(spans.group(1)), ours[0][0])
    hi = max(int(spans.group(2)), ours[-1][0], span_end)
    return attrs[: spans.start()] + b'spans="%d:%d"' % (lo, hi) + attrs[spans.end() :]


def _edit_head(head: bytes, edit: SheetEdit, prefix: bytes) -> bytes:
    """Widen <dimension> to the new cells and give the new columns widths in <cols>."""
    if edit.cells and edit.columns:
        dim = _DIMENSION.search(head)
        if dim is not None:
            ref = _union_ref(dim.group(2).decode("ascii", "replace"), edit)
            head = head[: dim.start(2)] + ref.encode() + head[dim.end(2) :]
    if not edit.widths:
        return head
    cols = _COLS.search(head)
    if cols is None:
        block = b"<%scols>%s</%scols>" % (prefix, _cols_body([], edit, prefix), prefix)
        return head + block
    existing = [m.group(1) for m in _COL.finditer(cols.group(2) or b"")]
    col_prefix = cols.group(1) if cols.group(1) is not None else prefix
    block = b"<%scols>%s</%scols>" % (
        col_prefix,
        _cols_body(existing, edit, col_prefix),
        col_prefix,
    )
    return head[: cols.start()] + block + head[cols.end() :]


def _cols_body(existing: list[bytes], edit: SheetEdit, prefix: bytes) -> bytes:
    ours = set(edit.widths)
    ranges: list[tuple[int, bytes]] = []
    for attrs in existing:
        lo_m = re.search(rb"""\bmin\s*=\s*["'](\d+)["']""", attrs)
        hi_m = re.search(rb"""\bmax\s*=\s*["'](\d+)["']""", attrs)
        if not lo_m or not hi_m:
            continue
        lo, hi = int(lo_m.group(1)), int(hi_m.group(1))
        if not any(lo <= c <= hi for c in ours):
            ranges.append((lo, b"<%scol%s/>" % (prefix, attrs.rstrip(b"/").rstrip())))
            continue
        # Split the user's range around Tierwise's columns; its other columns keep it.
        c = lo
        while c <= hi:
            if c in ours:
                c += 1
                continue
            e = c
            while e + 1 <= hi and e + 1 not in ours:
                e += 1
            part = re.sub(rb"""\bmin\s*=\s*["']\d+["']""", b'min="%d"' % c, attrs)
            part = re.sub(rb"""\bmax\s*=\s*["']\d+["']""", b'max="%d"' % e, part)
            ranges.append((c, b"<%scol%s/>" % (prefix, part.rstrip(b"/").rstrip())))
            c = e + 1
    for col, width in edit.widths.items():
        ranges.append(
            (
                col,
                b'<%scol min="%d" max="%d" width="%s" customWidth="1"/>'
                % (prefix, col, col, f"{width:g}".encode()),
            )
        )
    return b"".join(x for _, x in sorted(ranges, key=lambda t: t[0]))


def _union_ref(ref: str, edit: SheetEdit) -> str:
    m = re.fullmatch(r"\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?", ref.strip().upper())
    rows = list(edit.cells)
    lo_c, hi_c = min(edit.columns), max(edit.columns)
    lo_r, hi_r = min(rows), max(rows)
    if m:
        c1, r1 = column_number(m.group(1)), int(m.group(2))
        c2, r2 = (column_number(m.group(3)), int(m.group(4))) if m.group(3) else (c1, r1)
        lo_c, hi_c = min(lo_c, c1), max(hi_c, c2)
        lo_r, hi_r = min(lo_r, r1), max(hi_r, r2)
    return f"{column_letter(lo_c)}{lo_r}:{column_letter(hi_c)}{hi_r}"


# -- cell XML ----------------------------------------------------------------------

_ILLEGAL: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPED: Final = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
MAX_TEXT: Final = 32767


def xml_text(text: str) -> str:
    """Text escaped for an XML element or a double-quoted attribute (xml.sax.saxutils
    would do, but importing it imports urllib.request: ~13 ms on every save)."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def escape_text(text: str) -> bytes:
    """Text as an Excel string node: XML-escaped, illegal characters dropped, and a
    literal `_x0041_` protected so Excel does not decode it."""
    text = _ILLEGAL.sub("", text)[:MAX_TEXT]
    text = _ESCAPED.sub(r"_x005F_\1", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode("utf-8")


def cell_xml(ref: str, value: object, style: int) -> bytes:
    """One <c> element. Strings are inline strings, so text is never a formula and the
    shared strings part stays as it was."""
    s = b' s="%d"' % style if style else b""
    r = ref.encode("ascii")
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return b'<c r="%s"%s/>' % (r, s)
    if isinstance(value, bool):
        return b'<c r="%s"%s t="b"><v>%d</v></c>' % (r, s, int(value))
    if isinstance(value, int | float):
        if value in (float("inf"), float("-inf")):
            return b'<c r="%s"%s/>' % (r, s)
        return b'<c r="%s"%s><v>%s</v></c>' % (
            r,
            s,
            repr(value).encode() if isinstance(value, float) else str(value).encode(),
        )
    text = str(value)
    space = b' xml:space="preserve"' if text != text.strip() or "\n" in text else b""
    return b'<c r="%s"%s t="inlineStr"><is><t%s>%s</t></is></c>' % (r, s, space, escape_text(text))
