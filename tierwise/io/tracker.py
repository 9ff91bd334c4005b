"""What the reader hands to the rest of Tierwise: a typed frame and where it came from."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

import polars as pl


@dataclass(frozen=True)
class TrackerWarning:
    """Something the reader (or scorer) could not use as written, kept for the user to see.

    `where` is a cell reference such as "Partners!F12", a sheet name, or "" for the file.
    """

    where: str
    message: str


# How a mapping was made (`Source.confidence`), least sure first.
LEAST_SURE_FIRST = (
    "fallback",
    "values",
    "spelling",
    "partial",
    "contained",
    "token",
    "profile",
    "exact",
    "user",
)
# How the JSON result names each way (docs/CONTRACT.md fixes `source.confidence`'s
# words: a profile's mapping is "user" there).
_CONTRACT_CONFIDENCE = {"profile": "user"}


@dataclass(frozen=True)
class SheetTail:
    """What follows a sheet's rows that placing Tierwise's columns needs: the ranges of
    its merged cells ("B2:D2") and of its autofilter."""

    merged: list[str]
    autofilter: str | None


@dataclass(frozen=True)
class SheetTails:
    """The tails of a workbook's sheets, by part name, as the safety check read them
    (it inflates every sheet anyway), so the writer need not read a sheet twice."""

    stamp: tuple[int, int]  # the file's size and modification time then
    parts: dict[str, SheetTail]

    @staticmethod
    def stamp_of(path: str | Path) -> tuple[int, int]:
        st = os.stat(path)
        return st.st_size, st.st_mtime_ns

    def get(self, path: str | Path, part: str) -> SheetTail | None:
        """The tail of `part`, if the file at `path` is still the one that was read."""
        try:
            if self.stamp_of(path) != self.stamp:
                return None
        except OSError:
            return None
        return self.parts.get(part_key(part))


def part_key(name: str) -> str:
    """A zip part name as compared: forward slashes, no leading one, lower case."""
    return name.replace("\\", "/").lstrip("/").lower()


@dataclass(frozen=True)
class Source:
    """Where the partners were read from, and how (the `source` member of the JSON result)."""

    file: str
    sheet: str
    header_row: int  # 1-based worksheet row of the (last) header row
    mapping: dict[str, str]  # header as written -> canonical field
    unmapped: list[str]  # headers kept as they are, not mapped to a field
    format: str  # a name of io/formats.FORMATS: "xlsx", "xlsm", "xls", "csv", ...
    sheet_index: int = 0  # 0-based position of the partner sheet in the workbook
    # field -> 1-based worksheet column of the column it was read from
    field_columns: dict[str, int] = field(default_factory=dict)
    # 1-based worksheet column of each header, in sheet order (mapped or not)
    header_columns: dict[str, int] = field(default_factory=dict)
    # 1-based index of the last column the user's table uses (Tierwise columns excluded)
    last_column: int = 0
    # Tierwise's own columns found on the header row of an annotated workbook:
    # "Tierwise: score" -> 1-based column. Empty on a tracker never annotated.
    tierwise_columns: dict[str, int] = field(default_factory=dict)
    # header -> how its mapping was made: "user", "profile", "exact", "token",
    # "contained", "partial", "spelling", "values" or "fallback" (docs/CONTRACT.md
    # `source.confidence`, where "profile" is written "user")
    confidence: dict[str, str] = field(default_factory=dict)
    # header -> what its money figures were multiplied by ("Target ($k)" -> 1000)
    scales: dict[str, float] = field(default_factory=dict)
    profile: str = ""  # the mapping profile used ("salesforce-account"), if any
    declined: list[str] = field(default_factory=list)  # headers the user kept unmapped
    # The sheets' merged cells and autofilters, from the safety check (None: not known).
    sheet_tails: SheetTails | None = None
    # Why the sheet does not look like a partner tracker ("" when it does; see
    # io/partner_evidence.py): every view says it before any verdict.
    doubt: str = ""

    def user_mapping(self) -> dict[str, str]:
        """What the user (or a profile, or the stored set-up) decided: {header: field},
        "" for a column kept unmapped. Re-reading with it gives the same mapping."""
        decided = ("user", "profile")
        chosen = {h: f for h, f in self.mapping.items() if self.confidence.get(h) in decided}
        return {**chosen, **dict.fromkeys(self.declined, "")}

    def stored_mapping(self) -> dict[str, str]:
        """The mapping stored in an annotated workbook's set-up: every mapped header, and
        "" for each one the user kept unmapped."""
        return {**self.mapping, **dict.fromkeys(self.declined, "")}

    def to_json(self) -> dict:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "mapping": dict(self.mapping),
            "unmapped": list(self.unmapped),
            "confidence": {
                h: _CONTRACT_CONFIDENCE.get(self.confidence[h], self.confidence[h])
                for h in self.least_sure_first()
                if h in self.confidence
            },
        }

    def least_sure_first(self) -> list[str]:
        """The mapped headers, least sure first, then in sheet order: the ones to check."""

        def sureness(header: str) -> tuple[int, int]:
            how = self.confidence.get(header, "")
            rank = LEAST_SURE_FIRST.index(how) if how in LEAST_SURE_FIRST else 0
            return rank, self.header_columns.get(header, 0)

        return sorted(self.mapping, key=sureness)


@dataclass(frozen=True)
class Tracker:
    """A partner tracker as read.

    frame: `row` (Int64, 1-based worksheet row) and every canonical field the tracker
        has, typed as in `tierwise.fields` (absent fields are absent columns).
    raw: `row` plus every header's cells as text, exactly as shown (for display and
        for rebuilding a workbook from CSV/.xls/.ods input).
    decisions: `row`, `decision` (strategic/tactical/casual/exit or null) and
        `decision_note` (String), restored from an annotated workbook's Tierwise
        columns; empty (no rows) for a tracker never annotated.
    setup: the set-up stored in an annotated workbook ("Tierwise Setup" sheet): keys
        sheet, header_row, mapping, rubric (TOML text of the overrides); {} if none.
    strategy: the strategy declared on the workbook's "Strategy" sheet (see
        `io.strategy.parse_strategy`); {} if none.
    other_rows: for an input that is not OOXML (CSV, .xls, .ods, .xlsb), whose workbook
        is rebuilt rather than edited: every row of the partner sheet that is not a
        partner's (`raw` holds those) as text: lines above the header, the header,
        blank rows, totals, notes. `row` (1-based) and the sheet's columns, named by
        their 1-based number ("1", "2", ...). None for OOXML inputs, edited in place.
    """

    frame: pl.DataFrame
    raw: pl.DataFrame
    source: Source
    warnings: list[TrackerWarning]
    decisions: pl.DataFrame
    setup: dict = field(default_factory=dict)
    strategy: dict = field(default_factory=dict)
    other_rows: pl.DataFrame | None = None

    def without_cells(self) -> Tracker:
        """This tracker without its cells as text (`raw` keeps only `row`, no
        `other_rows`), for a run whose output does not show them: about a kilobyte a
        partner less to hold while scoring and writing."""
        return replace(self, raw=self.raw.select("row"), other_rows=None)

    def sheet_rows(self) -> list[pl.DataFrame]:
        """Every row of the partner sheet as text, for rebuilding it: `raw` (its
        columns named by number, as `other_rows`'s are) and `other_rows`, each in row
        order. Raises ValueError for a tracker read without them."""
        if self.other_rows is None:
            raise ValueError("the tracker's cells were let go; a workbook cannot be rebuilt")
        numbers = {h: str(c) for h, c in self.source.header_columns.items() if h in self.raw}
        return [self.raw.rename(numbers), self.other_rows]

    def cell_ref(self, row: int, field_name: str) -> str:
        """`Sheet!A1` of a partner's cell for a canonical field ("Sheet!12" if unmapped)."""
        col = self.source.field_columns.get(field_name)
        sheet = quote_sheet(self.source.sheet)
        return f"{sheet}!{column_letter(col)}{row}" if col else f"{sheet}!{row}:{row}"


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_number(letters: bytes | str) -> int:
    """A -> 1, AA -> 27 (either case)."""
    if isinstance(letters, str):
        letters = letters.encode()
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def columns_from(column: int) -> bytes:
    """A regex (bytes) for the letters, in any case, of `column` and of every column right
    of it: longer names, or as long and not before it alphabetically ("AI" -> AI..ZZ, AAA..)."""
    name = column_letter(max(column, 1))
    options = [b"[A-Z]{%d,3}" % (len(name) + 1)] if len(name) < 3 else []
    for i, ch in enumerate(name):
        rest = len(name) - i - 1
        if ch < "Z":
            after = b"[%s-Z]" % chr(ord(ch) + 1).encode()
            options.append(name[:i].encode() + after + (b"[A-Z]{%d}" % rest if rest else b""))
    options.append(name.encode())
    return b"(?i:" + b"|".join(options) + b")"


def quote_sheet(name: str) -> str:
    """A sheet name as it stands in a reference: quoted when it holds anything but word chars."""
    if name.replace("_", "").isalnum():
        return name
    return "'" + name.replace("'", "''") + "'"


def empty_decisions() -> pl.DataFrame:
    return pl.DataFrame(
        schema={"row": pl.Int64(), "decision": pl.String(), "decision_note": pl.String()}
    )
