"""From a path to a Tracker: pick the partner sheet, find its header, type its columns.

Cells are read as text (fastexcel for workbooks, polars for CSV) into a grid whose row
i is worksheet row i+1 and whose columns are named by their 1-based worksheet column,
so every warning can name the real `Sheet!A1` cell. Typing is done by whole-column
expressions from `io/values.py`.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

import polars as pl

from tierwise.errors import TierwiseError
from tierwise.fields import DECISIONS, FIELDS, PARTNER_TYPES
from tierwise.io import columns, headers, repair, safety, values
from tierwise.io.tracker import (
    Source,
    Tracker,
    TrackerWarning,
    column_letter,
    empty_decisions,
    quote_sheet,
)

# calamine logs what it skips (chartsheets, odd parts) through Python logging; without a
# handler those lines would land on stderr beside the CLI's one-line errors.
logging.getLogger("calamine").addHandler(logging.NullHandler())
logging.getLogger("fastexcel").addHandler(logging.NullHandler())

# A row whose partner (or first) cell reads like this is a total, not a partner.
_TOTAL: Final = r"(?i)^\s*(grand\s+|sub\s*-?\s*)?totals?\b|^\s*sum\s*:?\s*$|^\s*sum\s+of\b"


@dataclass
class _Sheet:
    name: str
    index: int
    visible: bool
    grid: pl.DataFrame  # String columns named "1", "2", ... by worksheet column
    header: headers.Header | None = None  # found while choosing the sheet, if it was


def read_tracker(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    mapping: dict[str, str] | None = None,
    aliases: Mapping[str, Sequence[str]] | None = None,
    allow_large: bool = False,
) -> Tracker:
    """Read a partner tracker (xlsx, xlsm, xls, xlsb, ods, csv, tsv) into a Tracker.

    `sheet` is a name or 0-based index; `mapping` ({header as written: field}) overrides
    the aliases (default: the rubric's). Raises TierwiseError for unreadable files.
    """
    path = Path(path)
    if not path.is_file():
        raise TierwiseError(f"{path} does not exist or is not a file")
    for field in (mapping or {}).values():
        if field not in FIELDS:
            raise TierwiseError(f"--map: unknown field {field!r}; fields are: {', '.join(FIELDS)}")
    check = safety.check_file(path, allow_large=allow_large)
    warnings = [TrackerWarning("", w) for w in check.warnings]
    if aliases is None:
        from tierwise.scoring.rubric import load_rubric

        aliases = load_rubric().aliases
    book = _CsvBook(path, check) if check.format in ("csv", "tsv") else _ExcelBook(path, check)
    setup = book.setup(warnings)
    damaged = [k for k in setup.get("damaged", ()) if k != "rubric"]  # rubric: the caller's
    if damaged and not mapping:
        raise setup_unusable(path, damaged)
    overrides = mapping or _stored_mapping(setup, warnings)
    # Headers the caller names count when looking for the header row, like aliases.
    index = headers.alias_index(aliases)
    index.update({headers.normalise(h): f for h, f in overrides.items()})
    chosen = _choose_sheet(book, sheet, setup, index, warnings)
    stored_row = (
        setup.get("header_row") if not mapping and chosen.name == setup.get("sheet") else None
    )
    tracker = _read_table(
        path,
        check.format,
        chosen,
        index,
        overrides,
        from_user=bool(mapping),
        stored_row=stored_row,
        warnings=warnings,
        setup=setup,
    )
    if check.sheet_tails is None:
        return tracker
    return replace(tracker, source=replace(tracker.source, sheet_tails=check.sheet_tails))


def _stored_mapping(setup: dict, warnings: list[TrackerWarning]) -> dict[str, str]:
    stored = setup.get("mapping") or {}
    kept = {str(h): f for h, f in stored.items() if f in FIELDS}
    for header, field in stored.items():
        if field not in FIELDS:
            warnings.append(
                TrackerWarning(
                    columns.SETUP_SHEET, f"stored mapping {header!r} -> {field!r} ignored"
                )
            )
    return kept


# --- books: where grids come from --------------------------------------------------


class _ExcelBook:
    def __init__(self, path: Path, check: safety.FileCheck) -> None:
        import fastexcel

        self.path = path
        try:
            source = path.read_bytes() if check.renamed else str(path)
            self.reader = fastexcel.read_excel(source)
            self.names: list[str] = list(self.reader.sheet_names)
        except Exception as err:
            fixable = check.format in (*safety.OOXML_FORMATS, "ods")
            fixed = repair.repaired_copy(path) if fixable else None
            if fixed is None:
                raise _engine_error(path, err) from None
            try:  # a file Excel opens (UTF-16 parts, macro sheets, ...): read a fixed copy
                self.reader = fastexcel.read_excel(fixed)
                self.names = list(self.reader.sheet_names)
            except Exception:
                raise _engine_error(path, err) from None
        if not self.names:
            raise TierwiseError(f"{path} has no sheets")

    def load(self, index: int) -> _Sheet:
        try:
            sheet = self.reader.load_sheet(
                index, header_row=None, dtypes="string", skip_rows=0, whitespace_as_null=True
            )
            grid = sheet.to_polars()
            names = [str(c.absolute_index + 1) for c in sheet.available_columns()]
            visible = str(sheet.visible).lower() == "visible"
        except Exception as err:
            raise _engine_error(self.path, err, self.names[index]) from None
        grid = grid.rename(dict(zip(grid.columns, names, strict=True)))
        return _Sheet(self.names[index], index, visible, grid)

    def setup(self, warnings: list[TrackerWarning]) -> dict:
        if columns.SETUP_SHEET not in self.names:
            return {}
        try:
            grid = self.load(self.names.index(columns.SETUP_SHEET)).grid
        except TierwiseError:
            return {"damaged": [columns.SETUP_SHEET]}
        return _parse_setup(grid)


class _CsvBook:
    def __init__(self, path: Path, check: safety.FileCheck) -> None:
        self.path = path
        self.names = [path.stem or "Sheet1"]
        self.grid = _read_csv(path, check.format)

    def load(self, index: int) -> _Sheet:
        return _Sheet(self.names[0], 0, True, self.grid)

    def setup(self, warnings: list[TrackerWarning]) -> dict:
        return {}


def _engine_error(path: Path, err: Exception, sheet: str | None = None) -> TierwiseError:
    """Any fastexcel/calamine failure as one line naming the file."""
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    text = re.sub(r"^calamine error:\s*", "", text)
    if "password protected" in text.lower() or "encrypted" in text.lower():
        return safety.password_protected(path)
    where = f"sheet {sheet!r} of {path}" if sheet is not None else str(path)
    return TierwiseError(f"{where} could not be read ({text}); open it in Excel and save a copy")


def _tidy(table: pl.DataFrame) -> pl.DataFrame:
    """Midnight datetimes shown as dates, as a spreadsheet shows a date cell."""
    cell = pl.all().exclude("row")
    return table.with_columns(
        pl.when(cell.str.ends_with(" 00:00:00")).then(cell.str.head(10)).otherwise(cell)
    )


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    if b"\x00" in data[:4096]:
        even_nuls = data[0:4096:2].count(0)
        return data.decode(
            "utf-16-be" if even_nuls > data[1:4096:2].count(0) else "utf-16-le", "replace"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Excel on Windows saves CSV in the ANSI code page; latin-1 covers its holes.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


def _sniff(text: str, default: str) -> str:
    lines = [ln for ln in text.split("\n", 50)[:50] if ln.strip()]
    best, best_score = default, 0.0
    for sep in (",", ";", "\t", "|"):
        counts = [ln.count(sep) for ln in lines]
        if not counts or max(counts) == 0:
            continue
        mode = max(set(counts), key=counts.count)
        score = counts.count(mode) / len(counts) * (mode > 0) + 0.01 * mode
        if score > best_score:
            best, best_score = sep, score
    return best


def _read_csv(path: Path, fmt: str) -> pl.DataFrame:
    text = _decode(path.read_bytes())
    if "\n" not in text and "\r" in text:
        text = text.replace("\r", "\n")  # classic Mac line endings
    sep = None
    first, _, rest = text.partition("\n")
    if first.strip().lower().startswith("sep=") and len(first.strip()) == 5:
        sep, text = first.strip()[4], rest  # Excel's "sep=;" hint line
    if not text.strip():
        raise TierwiseError(f"{path} is empty: there is nothing to read")
    sep = sep or _sniff(text, "\t" if fmt == "tsv" else ",")
    lines = pl.Series(text.split("\n"), dtype=pl.String)
    most = lines.str.count_matches(sep, literal=True).max()
    width = (most if isinstance(most, int) else 0) + 1
    names = sep.join(str(i) for i in range(1, width + 1))
    try:
        return pl.read_csv(
            io.BytesIO((names + "\n" + text).encode("utf-8")),
            has_header=True,
            infer_schema=False,
            separator=sep,
            truncate_ragged_lines=True,
            raise_if_empty=False,
        )
    except Exception as err:  # polars' parse errors
        raise TierwiseError(f"{path} could not be read as CSV ({err}); check the file") from None


def _parse_setup(grid: pl.DataFrame) -> dict:
    """key -> JSON value of each row (a long value continues in the cells right of it).
    Keys whose value cannot be used are listed under "damaged", never dropped silently."""
    setup: dict = {}
    damaged: list[str] = []
    if grid.width < 2:
        return setup
    for key, *cells in grid.slice(1).iter_rows():
        if key is None:
            continue
        key = str(key).strip()
        value = "".join(c for c in cells if c is not None)
        try:
            setup[key] = json.loads(value) if value else None
        except json.JSONDecodeError:
            damaged.append(key)
    for key, kind in (("mapping", dict), ("header_row", int), ("sheet", str), ("rubric", str)):
        if key in setup and not isinstance(setup[key], kind):
            setup.pop(key)
            damaged.append(key)
    if damaged:
        setup["damaged"] = damaged
    return setup


def setup_unusable(path: Path, keys: Sequence[str]) -> TierwiseError:
    """The error for a stored set-up that cannot be used: Tierwise never falls back to
    its defaults behind the user's back."""
    what = ", ".join(repr(k) for k in keys)
    return TierwiseError(
        f"{path}: the stored Tierwise set-up cannot be used (damaged: {what}); "
        "give the set-up again (--rubric FILE, --map HEADER=FIELD) or score the original tracker"
    )


# --- choosing the sheet and the header ----------------------------------------------


def _head_rows(grid: pl.DataFrame) -> list[tuple]:
    return grid.head(headers.HEADER_SEARCH_ROWS + 1).rows()


def _choose_sheet(
    book: _ExcelBook | _CsvBook,
    sheet: str | int | None,
    setup: dict,
    index: Mapping[str, str],
    warnings: list[TrackerWarning],
) -> _Sheet:
    names = book.names
    if sheet is not None:
        return book.load(_sheet_index(book, sheet))
    stored = setup.get("sheet")
    if isinstance(stored, str) and stored in names:
        return book.load(names.index(stored))
    best: tuple[tuple[int, int, int], _Sheet] | None = None
    for i, name in enumerate(names):
        if name in columns.OWN_SHEETS:
            continue
        try:
            candidate = book.load(i)
        except TierwiseError as err:
            if len(names) == 1:
                raise
            warnings.append(TrackerWarning(quote_sheet(name), f"sheet skipped: {err}"))
            continue
        found = candidate.header = headers.find_header(_head_rows(candidate.grid), index)
        rank = (found.score if found else 0, candidate.visible, -i)
        if best is None or rank > best[0]:
            best = (rank, candidate)
    if best is None:
        raise TierwiseError(f"{book.path} has no sheet Tierwise can read")
    return best[1]


def _sheet_index(book: _ExcelBook | _CsvBook, sheet: str | int) -> int:
    names = book.names
    if isinstance(sheet, int):
        if 0 <= sheet < len(names):
            return sheet
        raise TierwiseError(
            f"{book.path} has {len(names)} sheet(s); --sheet {sheet + 1} does not exist"
        )
    if sheet in names:
        return names.index(sheet)
    folded = [n.casefold().strip() for n in names]
    if sheet.casefold().strip() in folded:
        return folded.index(sheet.casefold().strip())
    raise TierwiseError(f"{book.path} has no sheet {sheet!r}; its sheets are: {', '.join(names)}")


def _pick_header(
    sheet: _Sheet, index: Mapping[str, str], stored_row: int | None, stored_map: Mapping
) -> headers.Header | None:
    grid = sheet.grid
    if stored_row is not None and 1 <= stored_row <= grid.height:
        rows = grid.slice(0, stored_row).rows()
        options = [headers.header_at(rows, stored_row - 1, n) for n in (1, 2)]
        return max(options, key=lambda h: sum(1 for t in h.texts if t in stored_map))
    return sheet.header or headers.find_header(_head_rows(grid), index)


# --- the table ----------------------------------------------------------------------


def _read_table(
    path: Path,
    fmt: str,
    sheet: _Sheet,
    index: Mapping[str, str],
    overrides: Mapping[str, str],
    *,
    from_user: bool,
    stored_row: int | None,
    warnings: list[TrackerWarning],
    setup: dict,
) -> Tracker:
    grid = sheet.grid
    ref_sheet = quote_sheet(sheet.name)
    header = _pick_header(sheet, index, stored_row, overrides)
    if header is None:
        raise TierwiseError(
            f"{path}: no header row naming a partner column found on sheet {sheet.name!r}; "
            'name it with --map "Your Header=partner" (or pick another sheet with --sheet)'
        )
    hrow = header.row  # 0-based grid row of the (last) header row
    body = grid.slice(hrow + 1)
    filled = body.select(pl.all().is_not_null().any()).row(0) if body.height else ()
    has_data = dict(zip(grid.columns, filled, strict=False))

    header_columns: dict[str, int] = {}
    tierwise_columns: dict[str, int] = {}
    source_of: dict[str, str] = {}  # header as written -> grid column
    for col, text in zip(grid.columns, header.texts, strict=False):
        number = int(col)
        if text is not None and headers.is_tierwise(text):
            tierwise_columns[text.strip()] = number
            continue
        if text is None:
            if not has_data.get(col):
                continue
            text = f"Column {column_letter(number)}"
        if text in source_of:
            text = f"{text} ({column_letter(number)})"
        source_of[text] = col
        header_columns[text] = number

    missing = headers.missing_overrides(list(source_of), overrides)
    if missing and from_user:
        raise TierwiseError(
            f"--map: no column {missing[0]!r} on sheet {sheet.name!r}; "
            f"its columns are: {', '.join(source_of)}"
        )
    for name in missing:
        warnings.append(
            TrackerWarning(ref_sheet, f"stored mapping names a column {name!r} that is gone")
        )
    mapping, unmapped, notes = headers.map_headers(list(source_of), index, overrides)
    warnings.extend(TrackerWarning(ref_sheet, n) for n in notes)
    if "partner" not in mapping.values():
        raise TierwiseError(
            f"{path}: no partner column on sheet {sheet.name!r} (headers on row {hrow + 1}: "
            f"{', '.join(list(source_of)[:12]) or 'none'}); "
            'name it with --map "Your Header=partner"'
        )
    partner_header = next(h for h, f in mapping.items() if f == "partner")
    partner_col = pl.col(source_of[partner_header])

    last_column = max(
        (
            int(c)
            for c, n in zip(
                grid.columns, grid.select(pl.all().is_not_null().any()).row(0), strict=True
            )
            if n and int(c) not in tierwise_columns.values()
        ),
        default=0,
    )

    # Rows: the worksheet row number, then drop blanks, totals and partner-less rows.
    table = body.with_columns(
        pl.int_range(hrow + 2, hrow + 2 + body.height, dtype=pl.Int64).alias("row")
    )
    # Most rows name a partner; only the others need every cell looked at (blank rows
    # are dropped quietly, rows with data but no name are reported).
    named = values.cleaned(partner_col).is_not_null()
    first_col = pl.col(next(iter(source_of.values())))
    is_total = values.cleaned(partner_col).str.contains(_TOTAL).fill_null(False) | (
        values.cleaned(first_col).str.contains(_TOTAL).fill_null(False)
    )
    unnamed = table.filter(~named)
    blank = pl.all_horizontal(values.cleaned(pl.col(c)).is_null() for c in source_of.values())
    nameless = unnamed.filter(~blank & ~is_total)
    partner_number = header_columns[partner_header]
    for row in nameless.get_column("row").to_list():
        warnings.append(
            TrackerWarning(
                f"{ref_sheet}!{column_letter(partner_number)}{row}",
                f"row {row} has data but no partner name; skipped",
            )
        )
    table = table.filter(named & ~is_total)
    table = _tidy(table)

    frame, masks = _typed(table, mapping, source_of)
    warnings.extend(_value_warnings(table, masks, mapping, source_of, header_columns, ref_sheet))
    warnings.extend(_duplicate_warnings(frame, ref_sheet, column_letter(partner_number)))

    raw = table.select(pl.col("row"), *[pl.col(c).alias(h) for h, c in source_of.items()])
    decisions = _decisions(table, tierwise_columns, ref_sheet, warnings)
    source = Source(
        file=str(path),
        sheet=sheet.name,
        header_row=hrow + 1,
        mapping=mapping,
        unmapped=unmapped,
        format=fmt,
        sheet_index=sheet.index,
        field_columns={f: header_columns[h] for h, f in mapping.items()},
        header_columns=header_columns,
        last_column=last_column,
        tierwise_columns=tierwise_columns,
    )
    return Tracker(frame, raw, source, warnings, decisions, setup)


def _typed(
    table: pl.DataFrame, mapping: Mapping[str, str], source_of: Mapping[str, str]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The typed frame, and one Boolean mask per checked header (True: unreadable cell:
    not blank as written, yet null once typed)."""
    header_of = {f: h for h, f in mapping.items()}
    exprs: list[pl.Expr] = [pl.col("row")]
    for field in FIELDS:
        if field in header_of:
            cell = pl.col(source_of[header_of[field]])
            exprs.append(values.parse(field, cell).alias(field))
            if field == "announced":
                exprs.append(values.announced_on(cell))
    frame = table.select(exprs)
    masks = [
        values.unread(
            field, pl.lit(table.get_column(source_of[header])), pl.lit(frame.get_column(field))
        ).alias(header)
        for field, header in header_of.items()
        if values.expected(field) != "text"
    ]
    return frame, pl.select(masks) if masks else pl.DataFrame()


def _value_warnings(
    table: pl.DataFrame,
    masks: pl.DataFrame,
    mapping: Mapping[str, str],
    source_of: Mapping[str, str],
    header_columns: Mapping[str, int],
    ref_sheet: str,
) -> list[TrackerWarning]:
    if masks.width == 0 or masks.height == 0:
        return []
    counts = masks.select(pl.all().sum()).row(0)
    out: list[TrackerWarning] = []
    for header in [h for h, n in zip(masks.columns, counts, strict=True) if n]:
        field = mapping[header]
        bad = table.filter(masks.get_column(header)).select(
            "row", pl.col(source_of[header]).str.strip_chars()
        )
        letter = column_letter(header_columns[header])
        for row, cell in bad.iter_rows():
            if field == "partner_type":
                message = (
                    f"{header}: {cell!r} is not a known partner type "
                    f"({', '.join(PARTNER_TYPES[:-1])}); read as other"
                )
            else:
                message = f"{header}: {cell!r} is not {values.expected(field)}; left blank"
            out.append(TrackerWarning(f"{ref_sheet}!{letter}{row}", message))
    return out


def _duplicate_warnings(frame: pl.DataFrame, ref_sheet: str, letter: str) -> list[TrackerWarning]:
    key = pl.col("partner").str.to_lowercase().str.replace_all(r"\s+", " ")
    dupes = (
        frame.group_by(key.alias("key"), maintain_order=True)
        .agg(pl.col("partner").first(), pl.col("row"))
        .filter(pl.col("row").list.len() > 1)
    )
    return [
        TrackerWarning(
            f"{ref_sheet}!{letter}{rows[1]}",
            f"partner {name!r} appears more than once (rows {', '.join(map(str, rows))})",
        )
        for _, name, rows in dupes.iter_rows()
    ]


def _decisions(
    table: pl.DataFrame,
    tierwise_columns: Mapping[str, int],
    ref_sheet: str,
    warnings: list[TrackerWarning],
) -> pl.DataFrame:
    found = {h.casefold(): str(c) for h, c in tierwise_columns.items()}
    decision_col = found.get(columns.DECISION_HEADER.casefold())
    note_col = found.get(columns.DECISION_NOTE_HEADER.casefold())
    if decision_col is None and note_col is None:
        return empty_decisions()
    decision = (
        values.cleaned(pl.col(decision_col)).str.to_lowercase()
        if decision_col in table.columns
        else pl.lit(None, pl.String)
    )
    note = values.text(pl.col(note_col)) if note_col in table.columns else pl.lit(None, pl.String)
    frame = table.select(pl.col("row"), decision.alias("decision"), note.alias("decision_note"))
    invalid = frame.filter(pl.col("decision").is_not_null() & ~pl.col("decision").is_in(DECISIONS))
    if decision_col is not None:
        letter = column_letter(int(decision_col))
        for row, value in invalid.select("row", "decision").iter_rows():
            warnings.append(
                TrackerWarning(
                    f"{ref_sheet}!{letter}{row}",
                    f"decision {value!r} is not one of {', '.join(DECISIONS)}; ignored",
                )
            )
    frame = frame.with_columns(
        pl.when(pl.col("decision").is_in(DECISIONS)).then(pl.col("decision")).alias("decision")
    )
    return frame.filter(pl.col("decision").is_not_null() | pl.col("decision_note").is_not_null())


def sheet_names(path: str | Path) -> list[str]:
    """The sheet names of a workbook already read once (for reports); [] if unreadable."""
    import fastexcel

    try:
        return list(fastexcel.read_excel(Path(path).read_bytes()).sheet_names)
    except Exception:
        return []
