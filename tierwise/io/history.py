"""What an annotated workbook remembers across quarters: the decisions in its "Tierwise
Log" sheet, and a compact snapshot of every scoring saved into it ("Tierwise History",
very hidden), so a re-scored workbook shows trends without last quarter's file.

A snapshot is one row of the history sheet: its date, its partner count, then its
per-partner columns (row, partner, designated and recommended tier, score, the four
motivations, flags) as JSON split over as many cells as it needs (a cell holds at most
32,767 characters). Only the newest snapshots are kept, one per date.
"""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path
from typing import Final

import polars as pl

from tierwise.fields import DECISIONS, MOTIVATIONS
from tierwise.io.columns import HISTORY_SHEET, LOG_COLUMNS, LOG_SHEET
from tierwise.io.sheetspec import SheetSpec

KEEP: Final = 12  # snapshots kept: three years of quarters
_CHUNK: Final = 30_000  # characters of JSON per cell, under Excel's 32,767
SNAPSHOT_COLUMNS: Final = (
    "row",
    "partner",
    "designated_tier",
    "recommended_tier",
    "score",
    *MOTIVATIONS,
    "flags",
)
_SCHEMA: Final[dict[str, pl.DataType]] = {
    "date": pl.Date(),
    "row": pl.Int64(),
    "partner": pl.String(),
    "designated_tier": pl.String(),
    "recommended_tier": pl.String(),
    "score": pl.Float64(),
    **{m: pl.Float64() for m in MOTIVATIONS},
    "flags": pl.List(pl.String()),
}
_LOG_SCHEMA: Final = {
    "row": pl.Int64,
    "partner": pl.String,
    "decision": pl.String,
    "source": pl.String,
}
_WORKBOOKS: Final = (".xlsx", ".xlsm", ".xltx", ".xltm")


def empty_history() -> pl.DataFrame:
    return pl.DataFrame(schema=_SCHEMA)


def _sheets_in(path: Path) -> set[str]:
    """Which of Tierwise's own memory sheets an OOXML workbook has (a cheap look at
    xl/workbook.xml, so a tracker never annotated is not opened twice)."""
    if path.suffix.lower() not in _WORKBOOKS:
        return set()
    try:
        with zipfile.ZipFile(path) as z:
            book = z.read("xl/workbook.xml")
    except (OSError, KeyError, zipfile.BadZipFile):
        return set()
    return {name for name in (HISTORY_SHEET, LOG_SHEET) if f'"{name}"'.encode() in book}


def _grid(path: Path, sheet: str) -> list[tuple]:
    import fastexcel

    try:
        loaded = fastexcel.read_excel(str(path)).load_sheet(sheet, header_row=None, dtypes="string")
    except Exception:  # a damaged sheet of ours costs the memory, never the scoring
        return []
    return list(loaded.to_polars().iter_rows())


def read_history(path: str | Path) -> pl.DataFrame:
    """Every snapshot kept in `path` (an annotated workbook), oldest first: `date` and
    the snapshot columns; empty when there is none."""
    path = Path(path)
    if HISTORY_SHEET not in _sheets_in(path):
        return empty_history()
    frames = []
    for cells in _grid(path, HISTORY_SHEET)[1:]:
        try:
            day = date.fromisoformat(str(cells[0]))
            columns = json.loads("".join(c for c in cells[2:] if c))
            frame = pl.DataFrame(columns, schema={k: _SCHEMA[k] for k in SNAPSHOT_COLUMNS})
        except (ValueError, TypeError, pl.exceptions.PolarsError):
            continue
        frames.append(frame.with_columns(date=pl.lit(day)).select(list(_SCHEMA)))
    return pl.concat(frames) if frames else empty_history()


def snapshot(partners: pl.DataFrame, day: date) -> pl.DataFrame:
    """The snapshot of one scoring (a Scored.partners frame) on `day`."""
    present = set(partners.columns)
    return partners.select(
        pl.lit(day).alias("date"),
        *(
            pl.col(c).cast(_SCHEMA[c]) if c in present else pl.lit(None, _SCHEMA[c]).alias(c)
            for c in SNAPSHOT_COLUMNS
        ),
    ).sort("row")


def history_sheet(history: pl.DataFrame, latest: pl.DataFrame) -> SheetSpec:
    """The history sheet: `history` with `latest` added (replacing a snapshot of the same
    date), newest KEEP snapshots, oldest first."""
    day = latest["date"][0] if latest.height else None
    kept = pl.concat([history.filter(pl.col("date") != day), latest]) if day else history
    dates = sorted(set(kept["date"].to_list()))[-KEEP:]
    spec = SheetSpec(HISTORY_SHEET, landscape=False, fit_to_width=False)
    for col, title in enumerate(("date", "partners", "snapshot (JSON, split over cells)"), 1):
        spec.set(1, col, title)
    for i, when in enumerate(dates, start=2):
        one = kept.filter(pl.col("date") == when).select(
            *SNAPSHOT_COLUMNS[:4], pl.col(list(SNAPSHOT_COLUMNS[4:9])).round(1), "flags"
        )
        text = json.dumps(one.to_dict(as_series=False), ensure_ascii=False, separators=(",", ":"))
        spec.set(i, 1, when.isoformat())
        spec.set(i, 2, one.height, "int")
        for j in range(0, len(text), _CHUNK):
            spec.set(i, 3 + j // _CHUNK, text[j : j + _CHUNK])
    spec.col_widths = {1: 12, 2: 10, 3: 80}
    return spec


def read_log_decisions(path: str | Path) -> pl.DataFrame:
    """The decisions saved in `path`'s "Tierwise Log" sheet, in the order they were made:
    `row`, `partner`, `decision` (the "To" tier; null where a decision was undone, or
    where "To" is no tier Tierwise knows) and
    `source` ("Tierwise Log, <when>")."""
    path = Path(path)
    if LOG_SHEET not in _sheets_in(path):
        return pl.DataFrame(schema=_LOG_SCHEMA)
    grid = _grid(path, LOG_SHEET)
    if not grid:
        return pl.DataFrame(schema=_LOG_SCHEMA)
    titles = [str(c or "").strip() for c in grid[0]]
    at = {t: titles.index(t) for t in LOG_COLUMNS if t in titles}
    if not {"Partner", "To"} <= set(at):
        return pl.DataFrame(schema=_LOG_SCHEMA)

    def cell(cells: tuple, title: str) -> str | None:
        value = cells[at[title]] if title in at and at[title] < len(cells) else None
        return str(value).strip() if value not in (None, "") else None

    out = []
    for cells in grid[1:]:
        row = cell(cells, "Row")
        to = cell(cells, "To")
        out.append(
            {
                "row": int(float(row)) if row and row.replace(".", "", 1).isdigit() else None,
                "partner": cell(cells, "Partner"),
                "decision": to.lower() if to and to.lower() in DECISIONS else None,
                "source": f"{LOG_SHEET}, {cell(cells, 'When') or 'undated'}",
            }
        )
    return pl.DataFrame(out, schema=_LOG_SCHEMA).filter(pl.col("partner").is_not_null())


def updated_history(path: str | Path, partners: pl.DataFrame, day: date) -> SheetSpec:
    """The history sheet to save with a scoring of `path`: what `path` kept, plus this one."""
    return history_sheet(read_history(path), snapshot(partners, day))
