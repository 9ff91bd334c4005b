"""Streaming the partner sheet: Tierwise's cells written into a worksheet part row by
row, every other byte copied, so a 100k-row sheet is never held as a DOM."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Final

from tierwise.errors import TierwiseError
from tierwise.io.prefilter import may_match
from tierwise.io.tracker import SheetTail, column_letter, column_number, columns_from

CHUNK: Final = 1 << 20
_ROOT: Final = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?worksheet[\s>]")
_ROW_START: Final = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\b([^>]*?)(/?)>", re.S)
_CELL: Final = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?c\b([^>]*?)(?:/>|>.*?</(?:[A-Za-z_][\w.-]*:)?c\s*>)", re.S
)
CELL_REF: Final = re.compile(rb"""\br\s*=\s*["']([A-Za-z]{0,3})(\d*)["']""")
_ATTR_SPANS: Final = re.compile(rb"""\bspans\s*=\s*["'](\d+):(\d+)["']""")
_DIMENSION: Final = re.compile(
    rb"""(<(?:[\w.-]+:)?dimension\b[^>]*?\bref\s*=\s*["'])([^"']*)(["'])"""
)
_COLS: Final = re.compile(
    rb"<((?:[\w.-]+:)?)cols\b[^>]*>(.*?)</(?:[\w.-]+:)?cols\s*>|<(?:[\w.-]+:)?cols\b[^>]*/>", re.S
)
_COL: Final = re.compile(rb"<(?:[\w.-]+:)?col\b([^>]*?)/?>(?:\s*</(?:[\w.-]+:)?col>)?", re.S)
_ROW_NUMBER: Final = re.compile(rb"""<(?:[\w.-]+:)?row\b(?:[^>]*?\br\s*=\s*["'](\d+)["'])?""")
_MERGE_REF: Final = re.compile(rb"""<(?:[\w.-]+:)?mergeCell\b[^>]*?\bref\s*=\s*["']([^"']*)["']""")
_ROW_END: Final = re.compile(rb"</(?:[\w.-]+:)?row\s*>")
_HEIGHT: Final = re.compile(rb"\bht\s*=")
_ROW_R: Final = re.compile(rb"""\br\s*=\s*["'](\d+)["']""")
_SHEETDATA_END: Final = re.compile(rb"</(?:[\w.-]+:)?sheetData\s*>")
_AUTOFILTER: Final = re.compile(
    rb"""(<(?:[\w.-]+:)?autoFilter\b[^>]*?\bref\s*=\s*["'])([^"']*)["']"""
)


@dataclass
class SheetEdit:
    """What to change on the partner sheet.

    cells: worksheet row -> [(column, cell XML without its prefix, made by `cell_xml`)],
        sorted by column (one entry may hold the XML of several adjacent cells, starting
        at `column`); every cell of `columns` in those rows is replaced or cleared.
    columns: the 1-based columns Tierwise owns on this sheet.
    widths: column -> width in characters, for <cols>.
    autofilter: the new range of the sheet's autofilter (None: left as it is).
    heights: row -> height in points for rows whose wrapped text needs more than one
        line; a row that sets its own height keeps it.
    validation: a <dataValidation> element (unprefixed) added to the sheet's
        <dataValidations>, unless one with the same sqref is there already.
    free_from: when set, columns from this one on were taken to hold no user content
        but in `ignore` (Tierwise's own; placed without a scan): the edit checks it as it
        streams, and raises NeedsScan when they do.
    """

    cells: Mapping[int, list[tuple[int, bytes]]]
    columns: frozenset[int]
    widths: dict[int, float]
    autofilter: str | None = None
    heights: Mapping[int, float] = field(default_factory=dict)
    validation: bytes = b""
    free_from: int = 0
    ignore: frozenset[int] = frozenset()


def _find_tag(buf: bytes, local: bytes, start: int = 0) -> re.Match | None:
    return re.compile(rb"<(?:[\w.-]+:)?" + local + rb"\b[^>]*?(/?)>", re.S).search(buf, start)


def edit_sheet_stream(source: IO[bytes], edit: SheetEdit) -> Iterator[bytes]:
    """Yield the partner sheet part with `edit` applied, copying every other byte.

    The rows are read in chunks of whole rows; each chunk is spliced in one pass over
    its row boundaries (`_Splicer`). With `edit.free_from` set, a chunk holding user
    content in a column from it on (other than `edit.columns`), or rows out of order,
    raises `NeedsScan`: the placement was made without a scan of the sheet."""
    buf = b""
    while True:
        chunk = source.read(CHUNK)
        buf += chunk
        start = _find_tag(buf, b"sheetData")
        if start is not None or not chunk:
            break
    if start is None:
        raise TierwiseError("the partner sheet has no sheetData element; the file is damaged")
    root = _ROOT.search(buf)
    prefix = (root.group(1) + b":") if root and root.group(1) else b""
    yield _edit_head(buf[: start.start()], edit, prefix)
    splicer = _Splicer(edit, prefix)
    if start.group(1) == b"/":  # <sheetData/>: no rows at all
        yield b"<" + prefix + b"sheetData>"
        yield splicer.rest()
        yield b"</" + prefix + b"sheetData>"
        yield _edit_tail(buf[start.end() :] + source.read(), edit, prefix)
        return
    yield buf[start.start() : start.end()]
    buf = buf[start.end() :]
    row_close = b"</" + prefix + b"row>"
    eof = False
    while True:
        at = buf.find(b"sheetData")
        end = _SHEETDATA_END.search(buf, max(at - 64, 0)) if at >= 0 else None
        if end is not None:
            yield splicer.splice(buf[: end.start()])
            yield splicer.rest()
            # What follows the rows (merged cells, autofilter, page set-up...) is small.
            yield _edit_tail(buf[end.start() :] + source.read(), edit, prefix)
            return
        cut = buf.rfind(row_close) + len(row_close) if len(buf) > CHUNK or eof else 0
        if cut >= len(row_close):
            yield splicer.splice(buf[:cut])
            buf = buf[cut:]
        elif eof:
            raise TierwiseError("the partner sheet ends inside a row; the file is damaged")
        chunk = source.read(CHUNK)
        eof = not chunk
        buf += chunk


class NeedsScan(Exception):
    """The streamed edit met a sheet its placement did not expect (user content in
    Tierwise's new columns, or rows out of order): place the columns after a scan."""


class _Splicer:
    """Tierwise's cells spliced into chunks of whole rows, in one pass over each chunk's
    row boundaries: the usual row (its cells in order, all left of Tierwise's) takes the
    new cells just before its end tag; any other row goes through `_edit_row`."""

    def __init__(self, edit: SheetEdit, prefix: bytes) -> None:
        self.edit = edit
        self.prefix = prefix
        self.wanted = sorted(edit.cells)
        self.pending = 0  # index into wanted
        self.last_row = 0
        self.span_end = max(edit.columns, default=0)
        self.row_tag = b"<" + prefix + b"row"
        self.row_close = b"</" + prefix + b"row>"
        self.cell_r = b"<" + prefix + b'c r="'
        self.fast_row = re.compile(b"<" + re.escape(prefix) + rb'row r="(\d+)"[^>]*?(/?)>', re.S)
        self.guard = columns_from(edit.free_from) if edit.free_from else None
        # Any reference to a guarded column, as `_filled_letters` finds them or more.
        self.guard_hint = rb"""\br\s*=\s*["']%s\d""" % self.guard if self.guard else b""
        self.columns: dict[bytes, int] = {}
        # Tierwise's columns as one block (lo, hi), and the start of its first cell's tag.
        owned = sorted(edit.columns)
        whole = bool(owned) and owned == list(range(owned[0], owned[-1] + 1))
        self.block = (owned[0], owned[-1]) if whole else None
        self.block_ref = self.cell_r + column_letter(owned[0]).encode() if whole else b""

    def rest(self) -> bytes:
        """New rows for the wanted rows not met yet."""
        out = [self._new_row(r) for r in self.wanted[self.pending :]]
        self.pending = len(self.wanted)
        return b"".join(out)

    def splice(self, region: bytes) -> bytes:
        if self.guard is not None and may_match(self.guard_hint, region):
            taken = {self._column(x) for x in _filled_letters(region, self.prefix, self.guard)}
            if taken - self.edit.ignore:
                raise NeedsScan
        rows = list(self.fast_row.finditer(region))
        tag = self.row_tag
        if (
            len(rows) != region.count(tag)
            or region.count(self.row_close) != sum(1 for m in rows if not m.group(2))
            or b"extLst" in region
            or b"<" + self.prefix + b"c>" in region
        ):
            return self._general(region)
        out: list[bytes] = []
        pos = 0
        cells = self.edit.cells
        row_close, cell_r, any_cell = self.row_close, self.cell_r, b"<" + self.prefix + b"c"
        for m in rows:
            number = int(m.group(1))
            pos, wanted = self._reach(number, region, pos, m.start(), out)
            if not wanted:
                continue
            ours = cells[number]
            start, end = m.span()
            attrs = _with_height(
                region[start + len(tag) : end - 1 - len(m.group(2))], self.edit.heights.get(number)
            )
            # A row's end tag is the first after its start (rows do not nest).
            inner_end = end if m.group(2) else region.find(row_close, end)
            close = inner_end + len(row_close) if not m.group(2) else end
            out.append(region[pos:start])
            pos = close
            # The column of the row's last cell (cells come in column order); 0 when
            # it has none, -1 when some cell is written another way (no r= first).
            # Cells without r= after the last with one (Tierwise's own run of cells
            # is written so) follow it: counting every "<c" there is never too few.
            last_at = region.rfind(cell_r, end, inner_end)
            if last_at < 0:
                last = 0 if region.find(any_cell, end, inner_end) < 0 else -1
            else:
                at = last_at + len(cell_r)
                letters = region[at : region.find(b'"', at, inner_end)].rstrip(b"0123456789")
                last = self._column(letters) if letters else -1
                if last > 0:
                    last += region.count(any_cell, last_at + 1, inner_end)
            # The usual row: all its cells left of ours, which follow them. A row
            # annotated before: Tierwise's block of columns ends it, and is replaced.
            keep_to = inner_end if 0 <= last < ours[0][0] else -1
            if keep_to < 0 and self.block is not None and 0 < last <= self.block[1]:
                keep_to = region.find(b'%s%d"' % (self.block_ref, number), end, inner_end)
            if keep_to >= 0:
                if len(ours) == 1 and not self.prefix:
                    body = ours[0][1]  # the usual case: one run of cells, no prefix
                else:
                    body = b"".join(_prefixed(x, self.prefix) for _, x in ours)
                if b"spans" in attrs:
                    attrs = _widen_spans(attrs, ours, self.span_end)
                row = b"%s%s>%s%s%s" % (tag, attrs, region[end:keep_to], body, row_close)
            else:
                row = _edit_row(
                    number,
                    attrs,
                    region[end:inner_end],
                    ours,
                    self.edit.columns,
                    self.prefix,
                    self.span_end,
                )
            out.append(row)
        out.append(region[pos:])
        return b"".join(out)

    def _reach(
        self, number: int, region: bytes, pos: int, at: int, out: list[bytes]
    ) -> tuple[int, bool]:
        """Meet row `number`, whose tag starts at `at`: the wanted rows before it go
        out first, as new rows. Returns where copying resumes, and whether the row is
        wanted (it is then taken)."""
        if number <= self.last_row and self.guard is not None:
            raise NeedsScan
        self.last_row = number
        wanted = self.wanted
        while self.pending < len(wanted) and wanted[self.pending] < number:
            out += [region[pos:at], self._new_row(wanted[self.pending])]
            pos = at
            self.pending += 1
        if self.pending < len(wanted) and wanted[self.pending] == number:
            self.pending += 1
            return pos, True
        return pos, False

    def _column(self, letters: bytes) -> int:
        found = self.columns.get(letters)
        if found is None:
            found = self.columns[letters] = column_number(letters)
        return found

    def _new_row(self, number: int) -> bytes:
        return _new_row(number, self.edit.cells[number], self.prefix, self.edit.heights)

    def _general(self, region: bytes) -> bytes:
        """Any layout: each row found by pattern, its cells merged with Tierwise's."""
        out: list[bytes] = []
        cells = self.edit.cells
        pos = 0
        while (m := _ROW_START.search(region, pos)) is not None:
            closing = None if m.group(2) == b"/" else _ROW_END.search(region, m.end())
            if closing is None and m.group(2) != b"/":
                raise TierwiseError("the partner sheet ends inside a row; the file is damaged")
            row_end = m.end() if closing is None else closing.end()
            attrs = m.group(1)
            r_match = _ROW_R.search(attrs)
            number = int(r_match.group(1)) if r_match else self.last_row + 1
            pos, wanted = self._reach(number, region, pos, m.start(), out)
            if wanted:
                attrs = _with_height(attrs, self.edit.heights.get(number))
                inner = b"" if closing is None else region[m.end() : closing.start()]
                out.append(region[pos : m.start()])
                out.append(
                    _edit_row(
                        number,
                        attrs,
                        inner,
                        cells[number],
                        self.edit.columns,
                        self.prefix,
                        self.span_end,
                    )
                )
            else:
                out.append(region[pos:row_end])
            pos = row_end
        out.append(region[pos:])
        return b"".join(out)


def _edit_tail(tail: bytes, edit: SheetEdit, prefix: bytes) -> bytes:
    """The rest of the sheet after its rows (settings, merges, validations, page set-up)
    with the autofilter widened and `edit.validation` added."""
    if edit.validation:
        tail = _add_validation(tail, edit.validation, prefix)
    if edit.autofilter is None:
        return tail
    found = _AUTOFILTER.search(tail)
    if found is None:
        return tail
    return tail[: found.start(2)] + edit.autofilter.encode() + tail[found.end(2) :]


# Worksheet children that come after <dataValidations> (ECMA-376 CT_Worksheet order).
_AFTER_VALIDATIONS: Final = frozenset(
    b"hyperlinks printOptions pageMargins pageSetup headerFooter rowBreaks colBreaks "
    b"customProperties cellWatches ignoredErrors smartTags drawing legacyDrawing "
    b"legacyDrawingHF drawingHF picture oleObjects controls webPublishItems tableParts "
    b"extLst".split()
)
_TAG: Final = re.compile(rb"<(/?)((?:[A-Za-z_][\w.-]*:)?)([A-Za-z_][\w.-]*)\b[^>]*?(/?)>", re.S)
_SQREF: Final = re.compile(rb"""\bsqref\s*=\s*["']([^"']*)["']""")


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


@dataclass
class SheetScan:
    """What placing Tierwise's columns needs to know about a sheet, from one pass.

    last_column: the rightmost column holding content (see `scan_sheet`).
    merged: the ranges of its merged cells ("B2:D2").
    autofilter: the range of its autofilter, if it has one.
    rows_in_order: whether its <row> elements come in ascending row order.
    """

    last_column: int
    merged: list[str]
    autofilter: str | None
    rows_in_order: bool


def scan_sheet(
    source: IO[bytes], ignore: frozenset[int] = frozenset(), *, from_column: int = 1
) -> SheetScan:
    """One pass over a sheet part. `last_column` is the rightmost column holding a cell
    with content (cells that only carry formatting are self-closing and do not count),
    looking only at columns from `from_column` on (`from_column - 1` when none there
    holds anything); columns in `ignore` do not count.

    Only cells at or right of `from_column` are matched, so on a sheet whose cells all
    lie left of it (the usual case: the reader knows the last column) the scan finds
    nothing and builds nothing."""
    letters: set[bytes] = set()
    merged: list[str] = []
    autofilter: str | None = None
    carry = b""
    prefix: bytes | None = None
    wanted = columns_from(from_column)
    last_row = 0
    in_order = True
    while True:
        chunk = source.read(CHUNK)
        data = carry + chunk
        cut = data.rfind(b">") + 1 if chunk else len(data)
        data, carry = data[:cut], data[cut:]
        if prefix is None:
            root = _ROOT.search(data)
            prefix = (root.group(1) + b":") if root and root.group(1) else b""
        letters.update(_filled_letters(data, prefix, wanted))
        if in_order:
            numbers = _row_numbers(data, prefix, last_row)
            in_order = all(a < b for a, b in zip([last_row, *numbers], numbers, strict=False))
            last_row = numbers[-1] if numbers else last_row
        # Merged cells and the autofilter come after the rows: look only past the last.
        after = data[data.rfind(b"row>") + 1 :]
        if b"mergeCell" in after:
            merged += [m.decode("ascii", "replace") for m in _MERGE_REF.findall(after)]
        found = _AUTOFILTER.search(after) if autofilter is None and b"autoFilter" in after else None
        if found is not None:
            autofilter = found.group(2).decode("ascii", "replace")
        if not chunk:
            break
    columns = {column_number(x) for x in letters} - ignore
    return SheetScan(max(columns, default=from_column - 1), merged, autofilter, in_order)


def read_tail(part: bytes) -> SheetTail | None:
    """The merged cells and autofilter of a whole sheet part (they follow its rows);
    None when it has no end of sheetData."""
    at = part.rfind(b"sheetData")
    if at < 0:
        return None
    tail = part[at:]
    found = _AUTOFILTER.search(tail)
    return SheetTail(
        [m.decode("ascii", "replace") for m in _MERGE_REF.findall(tail)],
        found.group(2).decode("ascii", "replace") if found else None,
    )


def _row_numbers(data: bytes, prefix: bytes, last_row: int) -> list[int]:
    """The numbers of the rows starting in `data` (a row without r= follows the last)."""
    # Excel and most writers put r first; a plain pattern then finds every row fast.
    plain = re.findall(b"<" + re.escape(prefix) + rb'row(?: r="(\d+)")?[\s>/]', data)
    if all(plain):
        return [int(n) for n in plain]
    numbers = []
    for m in _ROW_NUMBER.finditer(data):
        last_row = int(m.group(1)) if m.group(1) else last_row + 1
        numbers.append(last_row)
    return numbers


def rows_in_order(part: bytes, where: str) -> bytes:
    """A sheet part whose <row> elements are out of order, with them sorted (stable), so
    the streamed edit meets each row where it expects it."""
    from lxml import etree  # only here: the safety check imports this module, lxml-free

    from tierwise.io import xmlsafe

    root = xmlsafe.parse(part, where)
    data = root.find(f"{{{etree.QName(root).namespace}}}sheetData")
    if data is None:
        return part
    rows: list[tuple[int, etree._Element]] = []
    for row in data:
        number = int(row.get("r") or 0) or (rows[-1][0] + 1 if rows else 1)
        row.set("r", str(number))
        rows.append((number, row))
    data[:] = [row for _, row in sorted(rows, key=lambda t: t[0])]
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


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
    if not points or (b"ht" in attrs and _HEIGHT.search(attrs)):
        return attrs
    return attrs.rstrip(b"/").rstrip() + _height_attrs(points)


@functools.cache
def _height_attrs(points: float) -> bytes:
    return b' ht="%s" customHeight="1"' % f"{points:g}".encode()


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
        ref = CELL_REF.search(inner, last_at, inner.find(b">", last_at)) if last_at >= 0 else None
        no_cells = last_at < 0 and b"<%sc" % prefix not in inner
        if no_cells or (ref and ref.group(1) and column_number(ref.group(1)) < ours[0][0]):
            attrs = _widen_spans(attrs, ours, span_end)
            body = inner.rstrip() + b"".join(_prefixed(x, prefix) for _, x in ours)
            return b"<%srow%s>%s</%srow>" % (prefix, attrs.rstrip(b"/").rstrip(), body, prefix)
    kept: list[tuple[int, bytes]] = []
    col = 0
    last = 0
    for m in _CELL.finditer(inner):
        ref = CELL_REF.search(m.group(1))
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
