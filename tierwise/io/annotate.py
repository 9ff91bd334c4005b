"""Write the user's own workbook back with Tierwise's columns and sheets added.

`write_annotated` writes a tracker with its partners' results (tierwise.outputs calls it
with an evaluation); `annotate_package` does the work on plain data (a sheet name, a
header row, a frame of annotations), so it can be tested without the reader or the scorer.
"""

from __future__ import annotations

import functools
import heapq
import io
import json
import re
import tempfile
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final

import polars as pl

from tierwise import __version__
from tierwise.errors import TierwiseError
from tierwise.fields import DECISIONS, MOTIVATIONS
from tierwise.io import columns as names
from tierwise.io.atomic import same_file, write_atomically
from tierwise.io.calcchain import drop_stale_entries
from tierwise.io.cellxml import MAX_TEXT, cell_xml, xml_text
from tierwise.io.extents import (
    check_limits,
    clear_start,
    extend_defined_names,
    extend_tables,
    parse_area,
    pivot_areas,
    widened,
)
from tierwise.io.formats import OOXML_FORMATS
from tierwise.io.log import LogEntry, write_log
from tierwise.io.package import (
    CT_NS,
    CT_RELS,
    CT_STYLES,
    CT_WORKSHEET,
    DOC_REL_NS,
    MAIN_NS,
    MINIMAL_STYLES,
    REL_NS,
    RT_OFFICE_DOC,
    RT_STYLES,
    RT_WORKSHEET,
    Package,
)
from tierwise.io.render import NAMED_STYLES, put_sheet, style_indices
from tierwise.io.sharedstrings import SharedStrings, si_expr
from tierwise.io.sheetspec import SheetSpec
from tierwise.io.sheetstream import (
    NeedsScan,
    SheetEdit,
    SheetScan,
    edit_sheet_stream,
    rows_in_order,
    scan_sheet,
)
from tierwise.io.styles import StyleBook
from tierwise.io.tracker import SheetTails, Tracker, column_letter
from tierwise.io.verify import verify_workbook

__all__ = ["LogEntry", "WriteResult", "annotate_package", "write_annotated"]

ANNOTATION_HEADERS: Final = frozenset(h for h, _ in names.ANNOTATION_COLUMNS)
# Width (characters) of each Tierwise column, by result column.
WIDTHS: Final = {
    "score": 10,
    "recommended_tier": 14,
    "action": 12,
    "todo": 40,
    "flags": 30,
    "why": 60,
    "share": 10,
    "access": 10,
    "speed": 10,
    "ecosystem": 11,
    "evidence": 11,
    "borderline": 12,
    "decision": 12,
    "decision_note": 36,
}


@dataclass(frozen=True)
class WriteResult:
    """Where the annotated workbook went, how many partners it annotates, and anything
    the user should know (e.g. that a CSV input became a new .xlsx)."""

    path: Path
    rows: int
    notes: list[str] = field(default_factory=list)


# -- annotation values --------------------------------------------------------------


def annotation_frame(partners: pl.DataFrame, decisions: pl.DataFrame | None) -> pl.DataFrame:
    """`row` plus one column per Tierwise column, as written (flags joined; the why as
    its list of reasons, the partners' own, joined a line each as its cells are made)."""
    cols = []
    for _, name in names.ANNOTATION_COLUMNS:
        if name in ("decision", "decision_note"):
            continue
        if name not in partners.columns:
            cols.append(pl.lit(None).alias(name))
        elif name == "flags":
            cols.append(pl.col("flags").cast(pl.List(pl.String)).list.join(", ").alias(name))
        elif name == "why":
            cols.append(pl.col("why").cast(pl.List(pl.String)))
        elif name == "borderline":
            cols.append(pl.when(pl.col(name)).then(pl.lit(name)).alias(name))
        else:
            cols.append(pl.col(name))
    frame = partners.select(pl.col("row").cast(pl.Int64), *cols)
    if decisions is not None and decisions.height:
        frame = frame.join(
            decisions.select(
                pl.col("row").cast(pl.Int64),
                pl.col("decision").cast(pl.String),
                pl.col("decision_note").cast(pl.String),
            ).unique("row", keep="last"),
            on="row",
            how="left",
        )
    else:
        frame = frame.with_columns(
            pl.lit(None, pl.String).alias("decision"),
            pl.lit(None, pl.String).alias("decision_note"),
        )
    return frame.sort("row")


def merge_decisions(kept: pl.DataFrame | None, new: pl.DataFrame | None) -> pl.DataFrame | None:
    """Decisions already in the workbook, overridden row by row by `new`."""
    frames = [
        f.select(
            pl.col("row").cast(pl.Int64),
            pl.col("decision").cast(pl.String),
            pl.col("decision_note").cast(pl.String),
        )
        for f in (kept, new)
        if f is not None and f.height
    ]
    if not frames:
        return None
    return pl.concat(frames).unique("row", keep="last", maintain_order=True)


def _cell_style(name: str, value: object, styles: dict[str, int]) -> int:
    if name in ("recommended_tier", "decision"):
        return styles.get(f"tier_{value}", styles["text"]) if value else styles["text"]
    if name == "flags":
        return styles["flag"] if value else styles["text"]
    if name in ("why", "decision_note", "todo"):
        return styles["wrap"]
    if name in MOTIVATIONS:
        return styles["int"]
    if name in ("score", "evidence"):
        return styles["number"]
    return styles["text"]


# -- the package edit ---------------------------------------------------------------


def annotate_package(
    src: Path,
    out: Path,
    *,
    sheet: str,
    header_row: int,
    values: pl.DataFrame,
    first_column: int,
    existing: Mapping[str, int] | None = None,
    sheets: Sequence[SheetSpec] = (),
    hidden_sheets: Sequence[SheetSpec] = (),
    log: Sequence[LogEntry] = (),
    tails: SheetTails | None = None,
) -> dict[str, int]:
    """Copy the package `src` to `out` with Tierwise's columns on `sheet`.

    values: `row` (1-based worksheet row) and one column per result column of
        columns.ANNOTATION_COLUMNS (text already joined; nulls clear a cell).
    first_column: where columns not yet on the sheet start (the user's last column + 1).
    existing: "Tierwise: ..." header -> column already on the sheet (updated in place).
    sheets / hidden_sheets: sheets to add or replace (hidden ones are very hidden).
    log: entries appended to the "Tierwise Log" sheet.
    tails: the sheets' merged cells and autofilters, as the reader's safety check found
        them. The sheet is then not scanned before the write: the write checks, as it
        streams, that no column from `first_column` on holds the user's content (and
        that rows come in order), and is made again after a scan when one does.
    Returns header -> column used. Writes `out` directly (callers make it atomic).
    """
    once = functools.partial(
        _annotate_once,
        src,
        out,
        sheet=sheet,
        header_row=header_row,
        values=values,
        first_column=first_column,
        existing=existing,
        sheets=sheets,
        hidden_sheets=hidden_sheets,
        log=log,
    )
    if tails is not None:
        try:
            return once(tails)
        except NeedsScan:
            pass
    return once(None)


def _annotate_once(
    src: Path,
    out: Path,
    tails: SheetTails | None,
    *,
    sheet: str,
    header_row: int,
    values: pl.DataFrame,
    first_column: int,
    existing: Mapping[str, int] | None,
    sheets: Sequence[SheetSpec],
    hidden_sheets: Sequence[SheetSpec],
    log: Sequence[LogEntry],
) -> dict[str, int]:
    with Package(src) as pkg:
        entry = pkg.sheet(sheet)
        if entry is None or not entry.part or not pkg.has(entry.part):
            raise TierwiseError(f"{src} has no sheet named {sheet!r} to annotate")
        book = StyleBook(pkg.styles())
        styles = style_indices(book)
        # The user's header row keeps its height, so Tierwise's headers must not wrap.
        styles["column_header"] = book.xf(replace(NAMED_STYLES["header"], wrap=False))
        existing = dict(existing or {})
        # Tierwise's own headers already on the header row are updated in place, even
        # where the reader did not report them (e.g. under a group header it joined).
        unreported = set()
        for col, text in pkg.row_texts(entry.part, header_row).items():
            header = text.strip()
            if header in ANNOTATION_HEADERS and header not in existing:
                existing[header] = col
                unreported.add(header)
        # Decisions people typed in columns the reader did not see cannot have been
        # read back, so they are left exactly as they are rather than cleared.
        keep = {h for h in unreported if h in (names.DECISION_HEADER, names.DECISION_NOTE_HEADER)}
        if "decision" in values.columns and values["decision"].is_not_null().any():
            keep = set()
        # Never write over a user's cell: new columns go right of every filled cell,
        # even in a column the reader saw no header for, and clear of merged ranges
        # and pivot tables.
        tail = tails.get(src, entry.part) if tails is not None else None
        if tail is None:
            with pkg.open(entry.part) as fh:
                scan = scan_sheet(fh, frozenset(existing.values()), from_column=first_column)
        else:
            scan = SheetScan(first_column - 1, tail.merged, tail.autofilter, rows_in_order=True)
        blocked = [a for a in map(parse_area, scan.merged) if a] + pivot_areas(pkg, entry)
        start = clear_start(max(first_column, scan.last_column + 1), header_row, blocked)
        placed = _place_columns(start, existing)
        check_limits(placed.values(), values["row"].drop_nulls(), f"{src} ({sheet})")
        strings = SharedStrings(pkg)
        edit = _sheet_edit(
            values, header_row, placed, styles, keep=frozenset(keep), strings=strings
        )
        if tail is not None:
            edit.free_from, edit.ignore = first_column, frozenset(existing.values())
        # The user's table, autofilter and print area widen over Tierwise's columns, so
        # a sort moves them with the rows.
        autofilter = parse_area(scan.autofilter) if scan.autofilter else None
        wider = widened(autofilter, header_row, placed.values()) if autofilter else None
        edit.autofilter = str(wider) if wider else None
        extend_tables(pkg, entry, header_row, placed)
        drop_stale_entries(pkg, entry, edit.columns, edit.cells)
        extend_defined_names(pkg, entry, header_row, placed.values(), edit.autofilter)

        def stream() -> Iterator[bytes]:
            with pkg.open(entry.part) as fh:
                if scan.rows_in_order:
                    yield from edit_sheet_stream(fh, edit)
                else:
                    ordered = rows_in_order(fh.read(), entry.part)
                    yield from edit_sheet_stream(io.BytesIO(ordered), edit)

        pkg.put(entry.part, stream)
        strings.save()
        for spec in sheets:
            put_sheet(pkg, spec, styles)
        for spec in hidden_sheets:
            put_sheet(pkg, spec, styles, state="veryHidden")
        write_log(pkg, log, styles)
        pkg.save(out)
    return placed


def _place_columns(first: int, existing: Mapping[str, int]) -> dict[str, int]:
    placed: dict[str, int] = {}
    taken = set(existing.values())
    nxt = max([first - 1, *taken]) + 1
    for header, _ in names.ANNOTATION_COLUMNS:
        if header in existing:
            placed[header] = existing[header]
        else:
            while nxt in taken:
                nxt += 1
            placed[header] = nxt
            taken.add(nxt)
    return placed


def _sheet_edit(
    values: pl.DataFrame,
    header_row: int,
    placed: dict[str, int],
    styles: dict[str, int],
    keep: frozenset[str] = frozenset(),
    strings: SharedStrings | None = None,
) -> SheetEdit:
    """The cells to write; columns whose header is in `keep` are not touched at all.
    With `strings`, texts go to the shared strings (but the decisions people edit)."""
    placed = {h: c for h, c in placed.items() if h not in keep}
    ordered = sorted((placed[h], name) for h, name in names.ANNOTATION_COLUMNS if h in placed)
    header = {name: h for h, name in names.ANNOTATION_COLUMNS}
    header_cells = [
        (
            col,
            cell_xml(
                f"{column_letter(col)}{header_row}",
                header[name],
                styles.get("column_header", styles["header"]),
            ),
        )
        for col, name in ordered
    ]
    frame = _by_row(values, header_row)
    contiguous = [c for c, _ in ordered] == list(range(ordered[0][0], ordered[-1][0] + 1))
    if strings is not None:
        frame = _share_texts(frame, [n for _, n in ordered if n in SHARED], strings)
    # In a run of adjacent cells only the first needs its reference: the others follow.
    exprs = [
        _cell_expr(col, name, frame, styles, ref=not contiguous or i == 0)
        for i, (col, name) in enumerate(ordered)
    ]
    # Adjacent columns are written as one run of cells per row (one string, not eleven).
    groups = (
        [(ordered[0][0], pl.concat_str(exprs))]
        if contiguous
        else [(col, e) for (col, _), e in zip(ordered, exprs, strict=True)]
    )
    cells = RowCells(frame, groups, {header_row: header_cells})
    widths = {
        placed[h]: float(max(WIDTHS[name], len(h) + 2))
        for h, name in names.ANNOTATION_COLUMNS
        if h in placed
    }
    return SheetEdit(
        cells=cells,
        columns=frozenset(placed.values()),
        widths=widths,
        heights=_why_heights(frame) if "why" in frame.columns and "Tierwise: why" in placed else {},
        validation=_decision_list(placed, header_row),
    )


def _by_row(values: pl.DataFrame, header_row: int) -> pl.DataFrame:
    """`values` below or above the header row, one per row (the last), in row order: as
    given when it already is (the writer's own are), not a copy of every text."""
    rows = pl.col("row")
    kept = rows.is_not_null() & (rows != header_row)
    if values.select(kept.all() & (rows.diff() > 0).all()).item():
        return values
    return values.filter(kept).unique("row", keep="last").sort("row")


_LINE_PT: Final = 15.0  # one line of 11 pt text
# The tracker stays a table to scan: a row grows to at most four lines of the why (the
# score and its strongest reasons); the cell holds the rest, and nothing overprints.
_MAX_ROW_PT: Final = 4 * _LINE_PT


def _why_heights(frame: pl.DataFrame) -> dict[int, float]:
    """Rows tall enough for their wrapped "Tierwise: why", up to `_MAX_ROW_PT` (on
    screen and printed, no line runs into the next row)."""
    # A unit of column width is one "0" of Calibri 11; text averages a fifth narrower.
    per_line = int(WIDTHS["why"] * 1.25)
    lines = (
        _text("why", frame)
        .fill_null("")
        .str.split("\n")
        .list.eval(((pl.element().str.len_chars() - 1) // per_line + 1).clip(1))
        .list.sum()
        .alias("lines")
    )
    heights: dict[int, float] = {}
    for start in range(0, frame.height, RowCells.BATCH):  # each line a text of its own
        tall = frame.slice(start, RowCells.BATCH).select("row", lines).filter(pl.col("lines") > 1)
        heights.update(
            (int(row), min(_MAX_ROW_PT, n * _LINE_PT))
            for row, n in tall.iter_rows()
            if row is not None
        )
    return heights


def _decision_list(placed: Mapping[str, int], header_row: int) -> bytes:
    """A drop-down of the decisions on the "Tierwise: decision" column, below its header
    (a warning, not a refusal, for anything else typed there)."""
    col = placed.get(names.DECISION_HEADER)
    if col is None:
        return b""
    letter = column_letter(col)
    return (
        b'<dataValidation type="list" errorStyle="warning" allowBlank="1" '
        b'showErrorMessage="1" errorTitle="Not a Tierwise decision" '
        b'error="Pick strategic, tactical, casual or exit, or leave it blank." '
        b'sqref="%s%d:%s1048576"><formula1>"%s"</formula1></dataValidation>'
        % (letter.encode(), header_row + 1, letter.encode(), ",".join(DECISIONS).encode())
    )


class RowCells(Mapping[int, list[tuple[int, bytes]]]):
    """Tierwise's cells per worksheet row, made in batches as the sheet streams past
    (rows are asked for in ascending order), so memory does not grow with the rows."""

    BATCH: Final = 25_000

    def __init__(
        self,
        frame: pl.DataFrame,
        groups: list[tuple[int, pl.Expr]],
        fixed: dict[int, list[tuple[int, bytes]]],
    ) -> None:
        self._frame = frame
        self._groups = groups
        self._fixed = fixed
        self._rows = sorted({*frame["row"].to_list(), *fixed})
        self._batch: dict[int, list[tuple[int, bytes]]] = {}

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[int]:
        return iter(self._rows)

    def __getitem__(self, row: int) -> list[tuple[int, bytes]]:
        if row in self._fixed:
            return self._fixed[row]
        if row not in self._batch:
            self._load(row)
        return self._batch.pop(row)

    def _load(self, row: int) -> None:
        rows = self._frame["row"]
        start = int(rows.search_sorted(row))
        if start >= len(rows) or rows[start] != row:
            raise KeyError(row)
        part = self._frame.slice(start, self.BATCH).select(
            "row", *[e.alias(f"_{i}") for i, (_, e) in enumerate(self._groups)]
        )
        xmls = [
            [(c, x) for x in part[f"_{i}"].cast(pl.Binary).to_list()]
            for i, (c, _) in enumerate(self._groups)
        ]
        self._batch = dict(
            zip(part["row"].to_list(), map(list, zip(*xmls, strict=True)), strict=True)
        )


_ILLEGAL_RE: Final = "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x{FFFE}\\x{FFFF}]"
NUMERIC: Final = frozenset({"score", "evidence", *MOTIVATIONS})
# Texts written as shared strings: all but the decisions, which people type over.
SHARED: Final = frozenset(name for _, name in names.ANNOTATION_COLUMNS if name not in NUMERIC) - {
    "decision",
    "decision_note",
}


def _share_texts(frame: pl.DataFrame, shared: list[str], strings: SharedStrings) -> pl.DataFrame:
    """`frame` with `_sst_NAME`, the shared string index of each text in `shared`."""
    shared = [n for n in shared if n in frame.columns]
    if not shared:
        return frame
    # Escaped a batch of rows at a time: each step of the escaping is a copy of the
    # texts (the whys are ~50 MB at 100k partners).
    # Lazily, so the escaped text `si_expr` reads three times is made once (and the
    # columns side by side): eagerly, each use escaped it again.
    items = pl.concat(
        frame.slice(start, RowCells.BATCH)
        .lazy()
        .select(si_expr(_escaped(_text(n, frame))).alias(f"_si_{n}") for n in shared)
        .collect()
        for start in range(0, max(frame.height, 1), RowCells.BATCH)
    )
    # One lookup for all the columns: their texts stacked, their indices split back.
    found = strings.indices(pl.concat([items[c] for c in items.columns]))
    return frame.with_columns(
        found.slice(k * frame.height, frame.height).alias(f"_sst_{n}") for k, n in enumerate(shared)
    )


def _text(name: str, values: pl.DataFrame) -> pl.Expr:
    """The text a result column's cell shows: a list (the why) a line an item."""
    if isinstance(values.schema[name], pl.List):
        return pl.col(name).list.join("\n")
    return pl.col(name).cast(pl.String)


def _escaped(text: pl.Expr) -> pl.Expr:
    """Text as an Excel string node holds it (the polars twin of cellxml.escape_text);
    null for no text."""
    clean = text.str.replace_all(_ILLEGAL_RE, "").str.slice(0, MAX_TEXT)
    escaped = (
        clean.str.replace_all(r"_(x[0-9A-Fa-f]{4}_)", "_x005F_${1}")
        # One pass for the three (the replacements hold none of the patterns).
        .str.replace_many(["&", "<", ">"], ["&amp;", "&lt;", "&gt;"])
    )
    return pl.when(text.is_null() | (text == "")).then(None).otherwise(escaped)


def _cell_expr(
    col: int, name: str, values: pl.DataFrame, styles: dict[str, int], *, ref: bool = True
) -> pl.Expr:
    """The XML of one Tierwise cell per row, as a whole-column expression (the cells
    `cell_xml` writes, never formulas; a text is a shared string when `values` holds
    its index, `_sst_NAME`). Without `ref`, the cell has no r= (it follows the last)."""
    source = pl.col(name) if name in values.columns else pl.lit(None)
    start = (
        pl.concat_str(pl.lit(f'<c r="{column_letter(col)}'), pl.col("row").cast(pl.String))
        if ref
        else None
    )
    if name in ("recommended_tier", "decision"):
        style = source.cast(pl.String).replace_strict(
            {t: styles[f"tier_{t}"] for t in DECISIONS},
            default=styles["text"],
            return_dtype=pl.Int64,
        )
    elif name == "flags":
        text = source.cast(pl.String)
        style = (
            pl.when(text.is_not_null() & (text != ""))
            .then(pl.lit(styles["flag"]))
            .otherwise(pl.lit(styles["text"]))
        )
    else:
        style = pl.lit(_cell_style(name, None, styles))
    s_attr = pl.when(style != 0).then(
        pl.concat_str(pl.lit(' s="'), style.cast(pl.String), pl.lit('"'))
    )
    # `<c r="A5" s="3"` (or `<c s="3"` without a reference), as one expression.
    opening = pl.concat_str(
        pl.lit('"') if start is not None else pl.lit("<c"),
        s_attr.otherwise(pl.lit("")),
    )
    if start is not None:
        opening = pl.concat_str(start, opening)
    empty = pl.concat_str(opening, pl.lit("/>"))
    if name in NUMERIC:
        number = source.cast(pl.Float64)
        full = pl.concat_str(opening, pl.lit("><v>"), number.cast(pl.String), pl.lit("</v></c>"))
        return pl.when(number.is_not_null() & number.is_finite()).then(full).otherwise(empty)
    text = _text(name, values) if name in values.columns else pl.lit(None, pl.String)
    if f"_sst_{name}" in values.columns:
        index = pl.col(f"_sst_{name}").cast(pl.String)
        full = pl.concat_str(opening, pl.lit(' t="s"><v>'), index, pl.lit("</v></c>"))
        return pl.when(index.is_null()).then(empty).otherwise(full)
    escaped = _escaped(text)
    space = (
        pl.when(escaped.str.contains("\n", literal=True) | (escaped != escaped.str.strip_chars()))
        .then(pl.lit(' xml:space="preserve"'))
        .otherwise(pl.lit(""))
    )
    full = pl.concat_str(
        opening,
        pl.lit(' t="inlineStr"><is><t'),
        space,
        pl.lit(">"),
        escaped,
        pl.lit("</t></is></c>"),
    )
    return pl.when(escaped.is_null()).then(empty).otherwise(full)


# -- owned sheets -------------------------------------------------------------------


# A cell holds at most 32,767 UTF-16 units; 16,000 characters stay under it even when
# every one of them is outside the BMP.
SETUP_CELL_CHARS: Final = 16_000


def setup_sheet(sheet: str, header_row: int, mapping: Mapping[str, str], rubric: str) -> SheetSpec:
    """The very hidden "Tierwise Setup" sheet: key / JSON value, as the reader parses it.
    A value too long for one cell (a big rubric) continues in the cells right of it."""
    spec = SheetSpec(names.SETUP_SHEET, landscape=False, fit_to_width=False)
    spec.set(1, 1, "key")
    spec.set(1, 2, "value")
    rows = (
        ("version", __version__),
        ("sheet", sheet),
        ("header_row", header_row),
        ("mapping", dict(mapping)),
        ("rubric", rubric),
    )
    for i, (key, value) in enumerate(rows, start=2):
        spec.set(i, 1, key)
        text = json.dumps(value, ensure_ascii=False, sort_keys=isinstance(value, dict))
        for n, at in enumerate(range(0, max(len(text), 1), SETUP_CELL_CHARS)):
            spec.set(i, 2 + n, text[at : at + SETUP_CELL_CHARS])
    spec.col_widths = {1: 12, 2: 80}
    return spec


# -- non-OOXML inputs ---------------------------------------------------------------

_SHEET_NAME_BAD: Final = re.compile(r"[\[\]:*?/\\]")
_NUMBER: Final = re.compile(r"^-?(?:0|[1-9]\d{0,14})(?:\.\d+)?$")


def _data_sheet_name(name: str) -> str:
    clean = _SHEET_NAME_BAD.sub(" ", name).strip().strip("'")[:31]
    return clean if clean and clean not in names.OWN_SHEETS else "Partners"


def build_data_package(
    parts: Sequence[pl.DataFrame], sheet: str, out: Path, skip: Sequence[int] = ()
) -> None:
    """A new .xlsx whose sheet holds the rows of `parts` (`Tracker.sheet_rows()`: each
    `row` and columns named "1", "2", ..., in row order) each in its place, text kept as
    text, plain numbers as numbers; the columns numbered in `skip` (Tierwise's own,
    written anew) are left out."""

    def cells(part: pl.DataFrame) -> Iterator[tuple[int, bytes]]:
        columns = [c for c in part.columns if c != "row" and int(c) not in skip]
        letters = [column_letter(int(c)) for c in columns]
        for n, *values in part.select("row", *columns).iter_rows():
            written = []
            for letter, v in zip(letters, values, strict=True):
                if v is None or v == "":
                    continue
                value: object = float(v) if _NUMBER.match(v) else v
                if isinstance(value, float) and value.is_integer() and "." not in v:
                    value = int(v)
                written.append(cell_xml(f"{letter}{n}", value, 0))
            if written:
                yield n, b'<row r="%d">%s</row>' % (n, b"".join(written))

    def xml() -> Iterator[bytes]:
        yield (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns='
            b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        )
        for _, row in heapq.merge(*(cells(p) for p in parts), key=lambda r: r[0]):
            yield row
        yield b"</sheetData></worksheet>"

    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for part, data in _skeleton(sheet).items():
            z.writestr(part, data)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            for chunk in xml():
                fh.write(chunk)


def _skeleton(sheet: str) -> dict[str, bytes]:
    """The parts of a one-sheet workbook, but for its worksheet."""
    decl = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    main = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    types = (
        f'{decl}<Types xmlns="{CT_NS}">'
        f'<Default Extension="rels" ContentType="{CT_RELS}"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{main}"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT_WORKSHEET}"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{CT_STYLES}"/></Types>'
    )
    root_rels = (
        f'{decl}<Relationships xmlns="{REL_NS}">'
        f'<Relationship Id="rId1" Type="{RT_OFFICE_DOC}" Target="xl/workbook.xml"/>'
        "</Relationships>"
    )
    workbook = (
        f'{decl}<workbook xmlns="{MAIN_NS}" xmlns:r="{DOC_REL_NS}">'
        f'<sheets><sheet name="{xml_text(sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    wb_rels = (
        f'{decl}<Relationships xmlns="{REL_NS}">'
        f'<Relationship Id="rId1" Type="{RT_WORKSHEET}" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{RT_STYLES}" Target="styles.xml"/></Relationships>'
    )
    return {
        "[Content_Types].xml": types.encode("utf-8"),
        "_rels/.rels": root_rels.encode("utf-8"),
        "xl/workbook.xml": workbook.encode("utf-8"),
        "xl/_rels/workbook.xml.rels": wb_rels.encode("utf-8"),
        "xl/styles.xml": MINIMAL_STYLES,
    }


# -- the public entry point ---------------------------------------------------------


def write_annotated(
    tracker: Tracker,
    partners: pl.DataFrame,
    out: Path,
    *,
    decisions: pl.DataFrame | None = None,
    log: Sequence[LogEntry] = (),
    sheets: Sequence[SheetSpec] = (),
    hidden_sheets: Sequence[SheetSpec] = (),
    rubric: str = "",
    notes: Sequence[str] = (),
) -> WriteResult:
    """Write `tracker` back to `out` with `partners`' results; the input is never modified.

    decisions: `row`, `decision`, `decision_note`, every decision to write. sheets: the
    sheets to add or replace (the portfolio sheet, the changes sheet); hidden_sheets:
    very hidden ones (the history), beside the set-up sheet. rubric: the rubric's TOML,
    stored in the set-up sheet. notes: said to the user before this writer's own. The
    file is written to a temporary file beside `out`, checked, and only then renamed
    over `out`.
    """
    source = tracker.source
    src = Path(source.file)
    out = Path(out)
    if same_file(out, src) or out.resolve() == src.resolve():
        raise TierwiseError(
            f"{out} is the input file; Tierwise never overwrites an input: choose another -o"
        )
    notes = list(notes)
    values = annotation_frame(partners, decisions)
    fmt = (source.format or src.suffix.lstrip(".")).lower()

    with tempfile.TemporaryDirectory(prefix="tierwise-") as scratch:
        base, sheet, header_row = src, source.sheet, source.header_row
        first, existing = max(source.last_column, 0) + 1, dict(source.tierwise_columns)
        log_entries = list(log)
        if fmt not in OOXML_FORMATS:
            parts = tracker.sheet_rows()
            sheet = _data_sheet_name(source.sheet or src.stem)
            # Refused before a sheet bigger than a sheet can be is built.
            rows = [n for p in parts for n in p.get_column("row").tail(1).to_list()]
            check_limits([first + len(names.ANNOTATION_COLUMNS) - 1], rows, str(src))
            base = Path(scratch) / "data.xlsx"
            build_data_package(parts, sheet, base, skip=list(existing.values()))
            existing = {}
            notes.append(f"input was {fmt.upper()}: wrote a new .xlsx holding its data")
        elif fmt in ("xlsm", "xltm") and out.suffix.lower() not in (".xlsm", ".xltm"):
            notes.append(
                f"the input has macros: {out.name} keeps them, but Excel opens it only "
                "with an .xlsm extension"
            )
        hidden = [setup_sheet(sheet, header_row, source.stored_mapping(), rubric), *hidden_sheets]

        def write(tmp: Path) -> None:
            annotate_package(
                base,
                tmp,
                sheet=sheet,
                header_row=header_row,
                values=values,
                first_column=first,
                existing=existing,
                sheets=sheets,
                hidden_sheets=hidden,
                log=log_entries,
                tails=source.sheet_tails if base == src else None,
            )

        write_atomically(out, write, lambda tmp: verify_workbook(tmp, [sheet], original=base))
    return WriteResult(out, values.height, notes)
