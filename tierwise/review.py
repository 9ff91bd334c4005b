"""Quarter over quarter on files: score OLD and NEW (each read with its own mapping), gather
the decisions OLD recorded, and compare (`tierwise diff`, `score --since`, `brief`).

Also the comparison with the last snapshot an annotated workbook keeps of itself, so a
re-scored workbook shows what changed without last quarter's file.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from tierwise.io.columns import DECISION_HEADER
from tierwise.io.history import read_history, read_log_decisions
from tierwise.pipeline import Evaluation, evaluate
from tierwise.scoring.diff import THRESHOLD, QuarterDiff, Side, compare_quarters, side_of


@dataclass(frozen=True)
class Review:
    """OLD and NEW as scored, and what changed between them. `old_label` names OLD in
    reports: its file name, or "the snapshot of DATE" when OLD is the workbook's history."""

    old_label: str
    old_as_of: date
    new: Evaluation
    diff: QuarterDiff


def recorded_decisions(ev: Evaluation) -> pl.DataFrame:
    """The decisions a scored workbook records, in the order they count: its Log's entries
    as they were made, then its decision column (which wins for the same partner)."""
    log = read_log_decisions(ev.tracker.source.file)
    names = ev.tracker.frame.select("row", "partner")
    column = (
        ev.tracker.decisions.filter(pl.col("decision").is_not_null())
        .join(names, on="row", how="left")
        .select("row", "partner", "decision", source=pl.lit(DECISION_HEADER))
    )
    return pl.concat([log.select(column.columns), column])


def _side(ev: Evaluation, decisions: bool) -> Side:
    return side_of(ev.tracker.frame, ev.scored, recorded_decisions(ev) if decisions else None)


def compare_files(
    old: Path,
    new: Path,
    *,
    sheet: str | int | None = None,
    mapping: dict[str, str] | None = None,
    rubric_path: Path | None = None,
    as_of: date | None = None,
    old_as_of: date | None = None,
    allow_large: bool = False,
    threshold: float = THRESHOLD,
) -> Review:
    """Score `old` and `new` (at once, on two threads: reading dominates, and polars and
    calamine work outside the GIL) and compare them. Each file is read on its own, so
    header wording may differ between them. OLD is judged as of `old_as_of`, else the
    date of its newest snapshot, else the day NEW is judged."""

    def judge(path: Path, day: date | None) -> Evaluation:
        return evaluate(
            path,
            sheet=sheet,
            mapping=mapping,
            rubric_path=rubric_path,
            as_of=day,
            allow_large=allow_large,
        )

    day = as_of or date.today()
    if old_as_of is None:
        kept = read_history(old)["date"]
        old_as_of = kept.max() if kept.len() else day  # type: ignore[assignment]
    with ThreadPoolExecutor(2) as pool:
        before, after = pool.map(judge, (old, new), (old_as_of, day))
    diff = compare_quarters(_side(before, True), _side(after, False), threshold)
    return Review(Path(old).name, before.as_of, after, diff)


def compare_with_history(ev: Evaluation, threshold: float = THRESHOLD) -> Review | None:
    """`ev` against the newest snapshot its workbook keeps from before `ev.as_of` (None
    when it keeps none): tiers, scores and flags; decisions come from its Log."""
    kept = read_history(ev.tracker.source.file).filter(pl.col("date") < ev.as_of)
    if kept.height == 0:
        return None
    day = kept["date"].max()
    snap = kept.filter(pl.col("date") == day).with_columns(label=pl.lit(None, pl.String))
    old = Side(snap, None, read_log_decisions(ev.tracker.source.file), has_tier=True)
    diff = compare_quarters(old, _side(ev, False), threshold)
    return Review(f"the snapshot of {day}", day, ev, diff)  # type: ignore[arg-type]
