"""Quarter over quarter on files: score OLD and NEW (each read with its own mapping), gather
the decisions OLD recorded, and compare (`tierwise diff`, `score --since`, `brief`).

Also the comparison with the last snapshot an annotated workbook keeps of itself, so a
re-scored workbook shows what changed without last quarter's file.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import polars as pl

from tierwise.errors import TierwiseError
from tierwise.io.atomic import same_file
from tierwise.io.columns import DECISION_HEADER
from tierwise.io.history import read_history, read_log_decisions
from tierwise.pipeline import Evaluation
from tierwise.report.diff import Review
from tierwise.scoring.diff import THRESHOLD, Side, compare_quarters, side_of, trends

# How a tracker is read and scored as of a day (the command's --sheet, --map, --rubric).
Judge = Callable[[Path, date], Evaluation]


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


def _old_as_of(old: Path, given: date | None, new_day: date) -> date:
    """OLD is judged as of `given`, else the date of its newest snapshot, else the day it
    was last saved (never after NEW's day): judged as of today, last quarter's tracker
    would show every date in it a quarter older than it was."""
    if given is not None:
        return given
    kept = read_history(old)["date"]
    if kept.len():
        return kept.max()  # type: ignore[return-value]
    return min(date.fromtimestamp(Path(old).stat().st_mtime), new_day)


def _review(before: Evaluation, after: Evaluation, threshold: float) -> Review:
    diff = compare_quarters(_side(before, True), _side(after, False), threshold)
    old = before.tracker.source.file
    return Review(old, Path(old).name, before.as_of, after, diff)


def compare_files(
    old: Path,
    new: Path,
    judge: Judge,
    *,
    as_of: date | None = None,
    old_as_of: date | None = None,
    threshold: float = THRESHOLD,
) -> Review:
    """Score `old` and `new` and compare them. Each file is read on its own, so header
    wording may differ between them. Both are scored at once on two threads: reading
    dominates, and calamine and polars do their work outside the GIL."""
    day = as_of or date.today()
    days = (_old_as_of(old, old_as_of, day), day)
    with ThreadPoolExecutor(2) as pool:
        before, after = pool.map(judge, (old, new), days)
    return _review(before, after, threshold)


def compare_to_file(
    ev: Evaluation,
    old: Path,
    judge: Judge,
    *,
    old_as_of: date | None = None,
    threshold: float = THRESHOLD,
) -> Review:
    """`ev` (NEW, already scored) against the tracker `old` (`score NEW --since OLD`)."""
    return _review(judge(old, _old_as_of(old, old_as_of, ev.as_of)), ev, threshold)


def since(
    ev: Evaluation, old: Path | None, judge: Judge, *, old_as_of: date | None = None
) -> Review | None:
    """What changed for `ev`: against the tracker `old` when given, else against the last
    snapshot its workbook keeps (None when it keeps none)."""
    if old is not None:
        return compare_to_file(ev, old, judge, old_as_of=old_as_of)
    return compare_with_history(ev)


def write_with_changes(review: Review, output: Path) -> None:
    """NEW written annotated to `output`, with the "Tierwise Changes" sheet and the
    portfolio sheet's "Since" column."""
    from tierwise.outputs import write_annotated

    if review.old_file and same_file(output, Path(review.old_file)):
        raise TierwiseError(
            f"{output} is OLD; Tierwise never overwrites an input: choose another -o"
        )
    write_annotated(review.new, output, since=review)


def past_of(ev: Evaluation) -> pl.DataFrame:
    """Each partner's score and tier in the snapshots its workbook keeps, and whether it
    changed since the last of them (see `scoring.diff.trends`)."""
    return trends(read_history(ev.tracker.source.file), ev.scored.partners, ev.as_of)


def compare_with_history(ev: Evaluation, threshold: float = THRESHOLD) -> Review | None:
    """`ev` against the newest snapshot its workbook keeps from before `ev.as_of` (None
    when it keeps none): tiers, scores and flags; decisions come from its Log."""
    kept = read_history(ev.tracker.source.file).filter(pl.col("date") < ev.as_of)
    if kept.height == 0:
        return None
    day: date = kept["date"].max()  # type: ignore[assignment]
    snap = kept.filter(pl.col("date") == day).with_columns(label=pl.lit(None, pl.String))
    old = Side(snap, None, read_log_decisions(ev.tracker.source.file), has_tier=True)
    diff = compare_quarters(old, _side(ev, False), threshold)
    return Review("", f"the snapshot of {day.isoformat()}", day, ev, diff)
