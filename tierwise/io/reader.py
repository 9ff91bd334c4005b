"""From a path to a Tracker: pick the partner sheet, find its header, type its columns.

Cells are read as text (fastexcel for workbooks, polars for CSV) into a grid whose row
i is worksheet row i+1 and whose columns are named by their 1-based worksheet column,
so every warning can name the real `Sheet!A1` cell. Typing is done by whole-column
expressions from `io/values.py`.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import polars as pl

from tierwise.errors import TierwiseError
from tierwise.fields import DECISIONS, FIELD_KINDS, FIELDS, OTHER_CURRENCY
from tierwise.io import (
    columns,
    currencies,
    excel_errors,
    footers,
    formats,
    headers,
    heap,
    partner_evidence,
    profiles,
    repair,
    safety,
    tokens,
    value_checks,
    values,
)
from tierwise.io.book import Book, Sheet
from tierwise.io.strategy import strategy_in
from tierwise.io.tracker import (
    Source,
    Tracker,
    TrackerWarning,
    column_letter,
    empty_decisions,
    quote_sheet,
)
from tierwise.tier_labels import LabelMap

# calamine logs what it skips (chartsheets, odd parts) through Python logging; without a
# handler those lines would land on stderr beside the CLI's one-line errors.
logging.getLogger("calamine").addHandler(logging.NullHandler())
logging.getLogger("fastexcel").addHandler(logging.NullHandler())

# A row whose partner (or first) cell reads like this is a total, not a partner.
_TOTAL: Final = r"(?i)^\s*(grand\s+|sub\s*-?\s*)?totals?\b|^\s*sum\s*:?\s*$|^\s*sum\s+of\b"


def read_tracker(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    mapping: dict[str, str] | None = None,
    aliases: Mapping[str, Sequence[str]] | None = None,
    labels: Mapping[str, Sequence[str]] | None = None,
    profile: str | None = None,
    user_profiles: Mapping[str, Any] | None = None,
    allow_large: bool = False,
) -> Tracker:
    """Read a partner tracker (any format of `formats.FORMATS`) into a Tracker.

    `sheet` is a name or 0-based index; `mapping` ({header as written: field; "" for
    none}) overrides everything else. `aliases`, `labels` (tier -> tracker labels) and
    `user_profiles` (the rubric's [profiles]) default to the rubric's (the one stored in
    an annotated workbook for labels); `profile` names a mapping profile (default: the
    one the headers give away, if any). Raises TierwiseError for unreadable files."""
    path = Path(path)
    if not path.is_file():
        raise TierwiseError(f"{path} does not exist or is not a file")
    for field in (mapping or {}).values():
        if field and field not in FIELDS:
            raise TierwiseError(f"--map: unknown field {field!r}; fields are: {', '.join(FIELDS)}")
    check = safety.check_file(path, allow_large=allow_large)
    warnings = [TrackerWarning("", w) for w in check.warnings]
    book = (formats.named(check.format).book or _ExcelBook)(path, check)
    setup = book.setup(warnings)
    damaged = [k for k in setup.get("damaged", ()) if k != "rubric"]  # rubric: the caller's
    if damaged and not mapping:
        raise setup_unusable(path, damaged)
    rules = _rules(aliases, labels, user_profiles, setup)
    overrides = mapping or _stored_mapping(setup, warnings)
    # Headers the caller names count when looking for the header row, like aliases.
    index = headers.alias_index(rules.aliases)
    for header, field in overrides.items():
        if field:
            index.add(header, field)
    chosen = _choose_sheet(book, sheet, setup, index, warnings)
    stored_row = (
        setup.get("header_row") if not mapping and chosen.name == setup.get("sheet") else None
    )
    layout = _layout(path, book, chosen, index, stored_row, overrides)
    mapped = _map_columns(
        layout, index, overrides, rules, profile, from_user=bool(mapping), warnings=warnings
    )
    doubt = partner_evidence.doubt(mapped.mapping, mapped.confidence, list(layout.source_of))
    if doubt:  # first: it says how far to trust everything else
        warnings.insert(0, TrackerWarning(layout.ref_sheet, doubt))
    table = _partner_rows(layout, mapped, warnings)
    scales = _money_scales(mapped.mapping)
    foreign = _other_currencies(table, mapped, layout.source_of)
    frame = _typed(table, mapped.mapping, layout.source_of, scales, foreign)
    cells = [
        value_checks.ColumnCells(h, f, column_letter(layout.header_columns[h]), layout.source_of[h])
        for h, f in mapped.mapping.items()
    ]
    warnings += value_checks.column_warnings(
        table, frame, cells, rules.labels, layout.ref_sheet, foreign
    )
    partner_header = _partner_header(mapped)
    partner_letter = column_letter(layout.header_columns[partner_header])
    warnings.extend(_duplicate_warnings(frame, layout.ref_sheet, partner_letter))

    raw = table.select(pl.col("row"), *[pl.col(c).alias(h) for h, c in layout.source_of.items()])
    decisions = _decisions(table, layout.tierwise_columns, layout.ref_sheet, warnings)
    source = Source(
        file=str(path),
        sheet=layout.sheet.name,
        header_row=layout.header.row + 1,
        mapping=mapped.mapping,
        unmapped=mapped.unmapped,
        format=check.format,
        sheet_index=layout.sheet.index,
        field_columns={f: layout.header_columns[h] for h, f in mapped.mapping.items()},
        header_columns=layout.header_columns,
        last_column=layout.last_column,
        tierwise_columns=layout.tierwise_columns,
        confidence=mapped.confidence,
        scales=scales,
        profile=mapped.profile,
        declined=[h for h, f in headers.named(list(layout.source_of), overrides).items() if not f],
        sheet_tails=check.sheet_tails,
        doubt=doubt,
    )
    others = None if check.format in formats.OOXML_FORMATS else _other_rows(layout.sheet, raw)
    return Tracker(
        frame, raw, source, warnings, decisions, setup, book.strategy(), other_rows=others
    )


@dataclass(frozen=True)
class _Rules:
    """What the reader maps and checks headers and values by (from the rubric)."""

    aliases: Mapping[str, Sequence[str]]
    labels: LabelMap
    profiles: dict[str, profiles.Profile]


def _rules(
    aliases: Mapping[str, Sequence[str]] | None,
    labels: Mapping[str, Sequence[str]] | None,
    user_profiles: Mapping[str, Any] | None,
    setup: dict,
) -> _Rules:
    if aliases is None or labels is None or user_profiles is None:
        from tierwise.scoring.rubric import load_rubric

        stored = setup.get("rubric") if isinstance(setup.get("rubric"), str) else None
        try:
            rubric = load_rubric(None, overrides_toml=stored)
        except TierwiseError:
            rubric = load_rubric()
        aliases = rubric.aliases if aliases is None else aliases
        labels = rubric.labels if labels is None else labels
        user_profiles = rubric.profiles if user_profiles is None else user_profiles
    return _Rules(aliases, LabelMap(labels), profiles.all_profiles(user_profiles))


def _stored_mapping(setup: dict, warnings: list[TrackerWarning]) -> dict[str, str]:
    stored = setup.get("mapping") or {}
    kept = {str(h): f for h, f in stored.items() if f in FIELDS or f == ""}
    for header, field in stored.items():
        if str(header) not in kept:
            warnings.append(
                TrackerWarning(
                    columns.SETUP_SHEET, f"stored mapping {header!r} -> {field!r} ignored"
                )
            )
    return kept


# --- books: where grids come from (the format's own book, else calamine's) --------


class _ExcelBook:
    def __init__(self, path: Path, check: safety.FileCheck) -> None:
        import fastexcel

        self.path = path
        self.format = check.format
        try:
            source = path.read_bytes() if check.renamed else str(path)
            self.reader = fastexcel.read_excel(source)
            self.names: list[str] = list(self.reader.sheet_names)
        except Exception as err:
            fixable = check.format in (*formats.OOXML_FORMATS, "ods")
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

    def load(self, index: int) -> Sheet:
        try:
            sheet = self.reader.load_sheet(
                index, header_row=None, dtypes="string", skip_rows=0, whitespace_as_null=True
            )
            grid = sheet.to_polars()
            names = [str(c.absolute_index + 1) for c in sheet.available_columns()]
            visible = str(sheet.visible).lower() == "visible"
        except Exception as err:
            raise _engine_error(self.path, err, self.names[index]) from None
        del sheet  # calamine's cells: the grid holds them now
        heap.give_back()
        grid = grid.rename(dict(zip(grid.columns, names, strict=True)))
        return Sheet(self.names[index], index, visible, grid)

    def setup(self, warnings: list[TrackerWarning]) -> dict:
        if columns.SETUP_SHEET not in self.names:
            return {}
        try:
            grid = self.load(self.names.index(columns.SETUP_SHEET)).grid
        except TierwiseError:
            return {"damaged": [columns.SETUP_SHEET]}
        return _parse_setup(grid)

    def strategy(self) -> dict:
        return strategy_in(self.reader)

    def with_errors(self, sheet: Sheet, body: pl.DataFrame, offset: int) -> pl.DataFrame:
        """`body` (the grid from row `offset`) with Excel's error values written into
        the cells that hold them: calamine reads them as blanks."""
        if self.format not in formats.OOXML_FORMATS:
            return body
        found = excel_errors.error_cells(self.path, sheet.name)
        found = [(r - 1 - offset, c, v) for r, c, v in found if r - 1 >= offset]
        return excel_errors.patched(body, found)


def _engine_error(path: Path, err: Exception, sheet: str | None = None) -> TierwiseError:
    """Any fastexcel/calamine failure as one line naming the file."""
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    text = re.sub(r"^calamine error:\s*", "", text)
    if "password protected" in text.lower() or "encrypted" in text.lower():
        return safety.password_protected(path)
    where = f"sheet {sheet!r} of {path}" if sheet is not None else str(path)
    return TierwiseError(f"{where} could not be read ({text}); open it in Excel and save a copy")


def _tidy(table: pl.DataFrame) -> pl.DataFrame:
    """Midnight datetimes shown as dates, as a spreadsheet shows a date cell. Only the
    columns holding one are rewritten: the others keep sharing the grid's text."""
    midnight = pl.all().exclude("row").str.ends_with(" 00:00:00").any()
    dated = [c for c, found in table.select(midnight).row(0, named=True).items() if found]
    cell = pl.col(dated)
    return table.with_columns(
        pl.when(cell.str.ends_with(" 00:00:00")).then(cell.str.head(10)).otherwise(cell)
    )


def _other_rows(sheet: Sheet, raw: pl.DataFrame) -> pl.DataFrame:
    """The rows of a sheet that are not the partners of `raw`, numbered
    (`Tracker.other_rows`)."""
    numbered = sheet.grid.with_row_index("row", offset=1).with_columns(pl.col("row").cast(pl.Int64))
    return _tidy(numbered.filter(~pl.col("row").is_in(raw.get_column("row").implode())))


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
    book: Book,
    sheet: str | int | None,
    setup: dict,
    index: headers.AliasIndex,
    warnings: list[TrackerWarning],
) -> Sheet:
    names = book.names
    if sheet is not None:
        return book.load(_sheet_index(book, sheet))
    stored = setup.get("sheet")
    if isinstance(stored, str) and stored in names:
        return book.load(names.index(stored))
    best: tuple[tuple[int, int, int], Sheet] | None = None
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


def _sheet_index(book: Book, sheet: str | int) -> int:
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
    sheet: Sheet, index: headers.AliasIndex, stored_row: int | None, stored_map: Mapping
) -> headers.Header | None:
    grid = sheet.grid
    if stored_row is not None and 1 <= stored_row <= grid.height:
        rows = grid.slice(0, stored_row).rows()
        options = [headers.header_at(rows, stored_row - 1, n) for n in (1, 2)]
        return max(options, key=lambda h: sum(1 for t in h.texts if t in stored_map))
    head = _head_rows(grid)
    return sheet.header or headers.find_header(head, index) or headers.first_text_row(head)


# --- the table ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    """The header found on the partner sheet, and the columns under it."""

    sheet: Sheet
    header: headers.Header
    body: pl.DataFrame  # the grid rows below the header
    source_of: dict[str, str]  # header as written -> grid column ("1", "2", ...)
    header_columns: dict[str, int]  # header as written -> 1-based worksheet column
    tierwise_columns: dict[str, int]  # Tierwise's own columns of an annotated workbook
    last_column: int  # the last column the user's table uses
    ref_sheet: str  # the sheet name as a reference writes it


def _layout(
    path: Path,
    book: Book,
    sheet: Sheet,
    index: headers.AliasIndex,
    stored_row: int | None,
    overrides: Mapping[str, str],
) -> _Layout:
    """The header row and the columns under it: blank headers over data are named
    "Column X", repeated ones get their letter, Tierwise's own columns are set apart."""
    grid = sheet.grid
    header = _pick_header(sheet, index, stored_row, overrides)
    if header is None:
        raise TierwiseError(
            f"{path}: no header row naming a partner column found on sheet {sheet.name!r}; "
            'name it with --map "Your Header=partner" (or pick another sheet with --sheet)'
        )
    body = book.with_errors(sheet, grid.slice(header.row + 1), header.row + 1)
    filled = body.select(pl.all().is_not_null().any()).row(0) if body.height else ()
    has_data = dict(zip(grid.columns, filled, strict=False))
    header_columns: dict[str, int] = {}
    tierwise_columns: dict[str, int] = {}
    source_of: dict[str, str] = {}
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
    used = grid.select(pl.all().is_not_null().any()).row(0)
    last_column = max(
        (
            int(c)
            for c, n in zip(grid.columns, used, strict=True)
            if n and int(c) not in tierwise_columns.values()
        ),
        default=0,
    )
    return _Layout(
        sheet,
        header,
        body,
        source_of,
        header_columns,
        tierwise_columns,
        last_column,
        quote_sheet(sheet.name),
    )


def _map_columns(
    layout: _Layout,
    index: headers.AliasIndex,
    overrides: Mapping[str, str],
    rules: _Rules,
    profile_name: str | None,
    *,
    from_user: bool,
    warnings: list[TrackerWarning],
) -> headers.Mapped:
    """Headers to fields: the user's mapping, then a profile, then the aliases, each
    proposal checked against the column's values; a partner column found or suggested."""
    names = list(layout.source_of)
    missing = headers.missing_overrides(names, overrides)
    if missing and from_user:
        raise TierwiseError(
            f"--map: no column {missing[0]!r} on sheet {layout.sheet.name!r}; "
            f"its columns are: {', '.join(names)}"
        )
    for name in missing:
        warnings.append(
            TrackerWarning(layout.ref_sheet, f"stored mapping names a column {name!r} that is gone")
        )
    profile = (
        profiles.chosen(profile_name, rules.profiles)
        if profile_name is not None
        else profiles.detected(names, rules.profiles)
    )
    by_profile = profile.map if profile is not None else {}
    judge = _ValueJudge(layout, rules.labels)
    mapped = headers.map_headers(
        names,
        index,
        overrides,
        profile=by_profile,
        trust_profile=profile_name is not None,
        fits=judge.fits,
    )
    mapped.profile = profile.name if profile is not None else ""
    warnings.extend(TrackerWarning(layout.ref_sheet, n) for n in mapped.notes)
    decided = {*headers.named(names, overrides), *headers.named(names, by_profile)}
    judge.place(mapped, decided)
    warnings.extend(judge.warnings)
    if "partner" not in mapped.mapping.values():
        _fallback_partner(layout, mapped, warnings)
    return mapped


class _ValueJudge:
    """Checks a header's proposal against the column's values (a sample of them), and
    places by its values a column the headers could not place."""

    def __init__(self, layout: _Layout, labels: LabelMap) -> None:
        self.layout = layout
        self.labels = labels
        self.sample = layout.body.head(value_checks.SAMPLE_ROWS)
        self.rejected: dict[str, str] = {}  # header -> the field its values refused
        self.warnings: list[TrackerWarning] = []

    def _column(self, header: str, *, whole: bool = False) -> pl.Series:
        frame = self.layout.body if whole else self.sample
        return frame.get_column(self.layout.source_of[header])

    def fits(self, header: str, field: str) -> bool:
        if value_checks.fit(self._column(header), field, self.labels).fits:
            return True
        self.rejected[header] = field
        return False

    def place(self, mapped: headers.Mapped, decided: set[str]) -> None:
        """Rejected columns offered to the field their values fit (tier labels in a
        "Type" column are the tier); unplaced columns of tier labels only are the tier,
        unless the user or a profile decided about them."""
        taken = set(mapped.mapping.values())
        for header, field in self.rejected.items():
            column = self._column(header, whole=True)
            found = value_checks.rejection(header, field, column, self.labels, self._cell(header))
            offer = self._offer(header, field, taken)
            if offer:
                found = TrackerWarning(
                    found.where, f"{found.message}; its values fit {offer}: read as {offer}"
                )
                mapped.place(header, offer, headers.VALUES)
                taken.add(offer)
            self.warnings.append(found)
        if "designated_tier" in taken:
            return
        for header in mapped.unmapped:
            if header in self.rejected or header in decided:
                continue
            if value_checks.all_tier_labels(self._column(header), self.labels):
                mapped.place(header, "designated_tier", headers.VALUES)
                self.warnings.append(
                    TrackerWarning(
                        self.layout.ref_sheet,
                        f"column '{header}' holds only tier labels: read as designated_tier",
                    )
                )
                return

    def _cell(self, header: str) -> Callable[[int], str]:
        """The reference of a column's i-th cell below the header."""
        letter = column_letter(self.layout.header_columns[header])
        first_row = self.layout.header.row + 2
        return lambda i: f"{self.layout.ref_sheet}!{letter}{first_row + i}"

    def _offer(self, header: str, field: str, taken: set[str]) -> str | None:
        column = self._column(header)
        if "designated_tier" not in taken and value_checks.all_tier_labels(column, self.labels):
            return "designated_tier"
        if field == "designated_tier" and "partner_type" not in taken:
            found = value_checks.fit(column, "partner_type", self.labels)
            if found.values >= value_checks.MIN_VALUES and found.misfits == 0:
                return "partner_type"
        return None


# Last words of a header that names the partner itself ("Dealer", "Supplier Name").
_NAME_WORDS: Final = frozenset(
    {
        "name",
        "company",
        "organisation",
        "account",
        "vendor",
        "dealer",
        "supplier",
        "firm",
        "reseller",
        "distributor",
        "member",
        "partner",
        "business",
        "agency",
        "institution",
        "entity",
        "client",
        "customer",
    }
)


def _fallback_partner(
    layout: _Layout, mapped: headers.Mapped, warnings: list[TrackerWarning]
) -> None:
    """No header names the partner: take the leftmost unmapped text column whose header
    holds a name word (name, company, account, dealer, ...; bracketed words aside) and
    whose values are mostly distinct, with a warning; failing that, the error names the
    likeliest column as a ready --map."""
    likely: str | None = None
    for header in mapped.unmapped:
        if not _distinct_text(layout.body.get_column(layout.source_of[header])):
            continue
        words = headers.normalise(tokens.BRACKETED.sub(" ", header)).split()
        if any(tokens.tokens(word) & _NAME_WORDS for word in words):
            mapped.place(header, "partner", headers.FALLBACK)
            warnings.append(
                TrackerWarning(
                    layout.ref_sheet,
                    f"no header names the partner column; '{header}' is read as the partner "
                    f'(say so for good with --map "{header}=partner")',
                )
            )
            return
        likely = likely or header
    hint = f'--map "{likely}=partner"' if likely else '--map "Your Header=partner"'
    shown = ", ".join(list(layout.source_of)[:12]) or "none"
    raise TierwiseError(
        f"{layout.sheet.name!r}: no partner column on sheet {layout.sheet.name!r} "
        f"(headers on row {layout.header.row + 1}: {shown}); name it with {hint}"
    )


def _distinct_text(column: pl.Series) -> bool:
    """Mostly distinct values, mostly not numbers or dates: names of things."""
    cells = (
        column.head(value_checks.SAMPLE_ROWS)
        .to_frame("cell")
        .select(values.cleaned(pl.col("cell")).alias("cell"))
        .get_column("cell")
        .drop_nulls()
    )
    if cells.len() == 0:
        return False
    numeric = cells.str.replace_all(r"[\s,.$€£%/:-]", "").str.contains(r"^\d+$").sum()
    return cells.n_unique() >= 0.8 * cells.len() and numeric <= 0.2 * cells.len()


def _partner_header(mapped: headers.Mapped) -> str:
    return next(h for h, f in mapped.mapping.items() if f == "partner")


def _partner_rows(
    layout: _Layout, mapped: headers.Mapped, warnings: list[TrackerWarning]
) -> pl.DataFrame:
    """The body's rows that name a partner, numbered by worksheet row: blank rows are
    dropped quietly, totals too, rows with data but no name with a warning."""
    hrow = layout.header.row
    body = layout.body
    partner_header = _partner_header(mapped)
    partner_col = pl.col(layout.source_of[partner_header])
    table = body.with_columns(
        pl.int_range(hrow + 2, hrow + 2 + body.height, dtype=pl.Int64).alias("row")
    )
    # Most rows name a partner; only the others need every cell looked at.
    named = values.cleaned(partner_col).is_not_null()
    first_col = pl.col(next(iter(layout.source_of.values())))
    is_total = values.cleaned(partner_col).str.contains(_TOTAL).fill_null(False) | (
        values.cleaned(first_col).str.contains(_TOTAL).fill_null(False)
    )
    partner = table.select(named & ~is_total).to_series()
    unnamed = table.filter(~named)
    cells = list(layout.source_of.values())
    blank = pl.all_horizontal(values.cleaned(pl.col(c)).is_null() for c in cells)
    notes = footers.footer_rows(table, cells, partner)
    not_note = ~pl.col("row").is_in(notes.implode())
    nameless = unnamed.filter(~blank & ~is_total & not_note)
    letter = column_letter(layout.header_columns[partner_header])
    for row in nameless.get_column("row").to_list():
        warnings.append(
            TrackerWarning(
                f"{layout.ref_sheet}!{letter}{row}",
                f"row {row} has data but no partner name; skipped",
            )
        )
    if notes.len():
        warnings.append(_footer_warning(table.filter(~not_note), layout))
    return _tidy(table.filter(partner & not_note))


def _footer_warning(notes: pl.DataFrame, layout: _Layout) -> TrackerWarning:
    """How many notes under the table were left out, quoting the first few."""
    letters = {c: column_letter(layout.header_columns[h]) for h, c in layout.source_of.items()}
    written = [values.cleaned(pl.col(c)) for c in letters]
    first = pl.coalesce(
        pl.when(w.is_not_null()).then(pl.lit(x))
        for w, x in zip(written, letters.values(), strict=True)
    )
    found = notes.head(value_checks.EXAMPLES).select(
        pl.concat_str(written, separator=" ", ignore_nulls=True).alias("text"),
        pl.format("{}{}", first, pl.col("row")).alias("cell"),
    )
    shown = ", ".join(f"{text!r} ({cell})" for text, cell in found.iter_rows())
    n = notes.height
    if n == 1:
        what = "1 row below the partners reads as a note, not a partner"
    else:
        what = f"{n:,} rows below the partners read as notes, not partners"
    more = ", ..." if n > found.height else ""
    return TrackerWarning(
        f"{layout.ref_sheet}!{found.item(0, 'cell')}",
        f"{what} ({shown}{more}); left out of the scoring, kept in the sheet as written",
    )


def _money_scales(mapping: Mapping[str, str]) -> dict[str, float]:
    """header -> the scale its units name, for money columns whose header names one."""
    scales = {h: tokens.money_scale(h) for h, f in mapping.items() if FIELD_KINDS[f] == "money"}
    return {h: x for h, x in scales.items() if x != 1.0}


def _other_currencies(
    table: pl.DataFrame, mapped: headers.Mapped, source_of: Mapping[str, str]
) -> dict[str, currencies.OtherCurrencies]:
    """header -> the amounts of a money column written in another currency than its own
    (said in the cell, else in an unmapped column naming it)."""
    money = [h for h, f in mapped.mapping.items() if FIELD_KINDS[f] == "money"]
    named = currencies.currency_columns(money, mapped.unmapped)
    found = {
        h: currencies.other_currencies(
            table.get_column(source_of[h]),
            h,
            table.get_column(source_of[named[h]]) if h in named else None,
            named.get(h, ""),
        )
        for h in money
    }
    return {h: other for h, other in found.items() if other is not None}


def _typed(
    table: pl.DataFrame,
    mapping: Mapping[str, str],
    source_of: Mapping[str, str],
    scales: Mapping[str, float],
    foreign: Mapping[str, currencies.OtherCurrencies],
) -> pl.DataFrame:
    """The typed frame: `row`, then each mapped field parsed from its column (money
    scaled by the units its header names; unknown where written in another currency
    than the column's)."""
    header_of = {f: h for h, f in mapping.items()}
    exprs: list[pl.Expr] = [pl.col("row")]
    for field in FIELDS:
        if field in header_of:
            header = header_of[field]
            cell = pl.col(source_of[header])
            typed = values.parse(field, cell)
            if header in scales:
                typed = typed * scales[header]
            if header in foreign:
                typed = pl.when(pl.lit(foreign[header].cells)).then(None).otherwise(typed)
            exprs.append(typed.alias(field))
            if field == "announced":
                exprs.append(values.announced_on(cell))
    if foreign:  # which amounts of each row are to convert, not to fill in
        left_out = [pl.when(pl.lit(x.cells)).then(pl.lit(mapping[h])) for h, x in foreign.items()]
        exprs.append(pl.concat_list(left_out).list.drop_nulls().alias(OTHER_CURRENCY))
    return table.select(exprs)


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
