"""Flat outputs for scripts: the scored partners as CSV, the whole result as JSON.

CSV cells that a spreadsheet would run as a formula are neutralised the way OWASP
recommends (a leading apostrophe), since CSV files are mostly opened in Excel.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO, Final

import polars as pl

from tierwise.io.atomic import write_atomically

# A cell starting with one of these is run as a formula (or DDE) by spreadsheet apps.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

CSV_COLUMNS = (
    "row",
    "partner",
    "partner_type",
    "designated_tier",
    "recommended_tier",
    "action",
    "score",
    "share",
    "access",
    "speed",
    "ecosystem",
    "flags",
    "why",
    "decision",
    "decision_note",
    "todo",
    "evidence",
    "borderline",
)


def neutralised(text: pl.Expr) -> pl.Expr:
    """Text a spreadsheet would evaluate, prefixed with an apostrophe (OWASP CSV injection)."""
    starts = "^[" + "".join(re.escape(c) for c in _FORMULA_START) + "]"
    return pl.when(text.str.contains(starts)).then(pl.lit("'") + text).otherwise(text)


def partners_table(
    partners: pl.DataFrame, decisions: pl.DataFrame, raw: pl.DataFrame | None = None
) -> pl.DataFrame:
    """The ranked partners with their decisions, lists joined, text neutralised.

    `raw` (`row` plus the tracker's own columns, as shown) puts the tracker's columns
    between `row` and Tierwise's, so the CSV holds the whole tracker, judged; a tracker
    header spelt like one of Tierwise's columns gets " (tracker)" after it."""
    table = partners.join(
        decisions.select("row", "decision", "decision_note"), on="row", how="left"
    )
    own: list[str] = []
    if raw is not None:
        renamed = {c: f"{c} (tracker)" if c in CSV_COLUMNS else c for c in raw.columns[1:]}
        own = list(renamed.values())
        table = table.join(raw.rename(renamed), on="row", how="left")
    for name in CSV_COLUMNS:
        if name not in table.columns:
            table = table.with_columns(pl.lit(None, dtype=pl.String).alias(name))
    joined = {"flags": "; ", "why": " | "}
    table = table.with_columns(
        pl.col(name).list.join(sep) for name, sep in joined.items() if name in partners.columns
    )
    columns = [CSV_COLUMNS[0], *own, *CSV_COLUMNS[1:]]
    text = [c for c in columns if table.schema[c] == pl.String]
    return table.select(columns).with_columns(neutralised(pl.col(c)).alias(c) for c in text)


def write_csv(
    partners: pl.DataFrame, decisions: pl.DataFrame, out: Path, raw: pl.DataFrame | None = None
) -> None:
    """Write the ranked partners (with the tracker's own columns from `raw`, see
    `partners_table`) to `out` as UTF-8 CSV (with a BOM, so Excel reads accents)."""

    def write(tmp: Path) -> None:
        with tmp.open("wb") as fh:
            csv_to(fh, partners, decisions, raw)

    write_atomically(out, write)


def csv_to(
    fh: BinaryIO,
    partners: pl.DataFrame,
    decisions: pl.DataFrame,
    raw: pl.DataFrame | None = None,
    *,
    bom: bool = True,
) -> None:
    """The CSV `write_csv` writes, to an open binary stream (stdout for `-o -`, where
    no BOM is wanted)."""
    if bom:
        fh.write(b"\xef\xbb\xbf")
    partners_table(partners, decisions, raw).write_csv(fh)
    fh.flush()


_C1: Final = re.compile(rb"\x7f|\xc2[\x80-\x9f]")  # DEL and U+0080-U+009F in UTF-8


def escape_c1(json_bytes: bytes) -> bytes:
    """UTF-8 JSON with DEL and the C1 controls escaped too (JSON encoders escape only
    C0): a terminal that shows the JSON must not meet a raw CSI."""
    if b"\x7f" not in json_bytes and b"\xc2" not in json_bytes:  # the usual case, memchr
        return json_bytes
    return _C1.sub(lambda m: b"\\u%04x" % ord(m.group().decode()), json_bytes)


def write_json(parts: Iterable[bytes], out: Path) -> None:
    """Write a JSON document (UTF-8 pieces) to `out` atomically, control characters
    escaped as on stdout."""

    def write(tmp: Path) -> None:
        with tmp.open("wb") as fh:
            json_to(fh, parts)

    write_atomically(out, write)


def json_to(fh: BinaryIO, parts: Iterable[bytes]) -> None:
    """The JSON `write_json` writes, to an open binary stream (stdout for `-o -`)."""
    for part in parts:
        fh.write(escape_c1(part))
    fh.write(b"\n")
    fh.flush()
