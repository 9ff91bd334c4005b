"""The one path every face of Tierwise takes: read a tracker, then score it.

The CLI calls `evaluate`; the TUI calls `read`, shows the partners, then scores them
(`Reading.judged`), which is what `evaluate` does in one go. Neither parses cells nor
scores on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, Protocol, TypedDict, Unpack

import polars as pl

from tierwise.io import heap
from tierwise.io.reader import read_tracker, setup_unusable
from tierwise.io.tracker import Tracker, TrackerWarning
from tierwise.scoring import designated_tiers, score
from tierwise.scoring.recommend import TIER_AS_WRITTEN
from tierwise.scoring.result import Scored
from tierwise.scoring.rubric import Rubric, load_rubric


@dataclass(frozen=True)
class Evaluation:
    """A tracker, the rubric and date it was judged with, and the judgment."""

    tracker: Tracker
    rubric: Rubric
    as_of: date
    scored: Scored

    @property
    def warnings(self) -> list[TrackerWarning]:
        """The reader's warnings, then the scorer's, each with its cell reference. The
        reader already warned about unknown tier labels, once per column: the scorer's
        one-per-partner copies of those are left out."""
        scoring = [
            TrackerWarning(self.tracker.cell_ref(w.row, w.field), w.message)
            for w in self.scored.warnings
            if w.field != "designated_tier"
        ]
        return [*self.tracker.warnings, *scoring]

    def rescored(self, rubric: Rubric) -> Evaluation:
        """The same tracker judged with another rubric (a what-if), as `evaluate` judges."""
        return replace(self, rubric=rubric, scored=_judge(self.tracker, rubric, self.as_of))

    def remapped(self, mapping: dict[str, str], *, allow_large: bool = False) -> Evaluation:
        """The same sheet read again with `mapping` ({header: field; "" keeps a column
        unmapped}) and judged with the same rubric and day: a corrected column mapping."""
        src = self.tracker.source
        tracker = read_tracker(
            src.file,
            sheet=src.sheet,
            mapping=mapping,
            allow_large=allow_large,
            **header_rules(self.rubric),
        )
        tracker = tiers_as_written(tracker)
        return replace(self, tracker=tracker, scored=_judge(tracker, self.rubric, self.as_of))


def header_rules(rubric: Rubric) -> dict:
    """The reader's keyword arguments that come from a rubric: aliases, tier labels and
    mapping profiles (without them the reader takes the default rubric's, or the one
    stored in an annotated workbook)."""
    return {"aliases": rubric.aliases, "labels": rubric.labels, "user_profiles": rubric.profiles}


def tiers_as_written(tracker: Tracker) -> Tracker:
    """The tracker with the tier cells' text beside the labels read (`TIER_AS_WRITTEN`):
    the reader reads a tier written "TBD" as blank, yet it is a decision not yet made,
    which scoring asks to make. Taken from the cells as text, before they may be let go."""
    header = next((h for h, f in tracker.source.mapping.items() if f == "designated_tier"), None)
    frame = tracker.frame
    if header is None or header not in tracker.raw.columns or TIER_AS_WRITTEN in frame.columns:
        return tracker
    raw = tracker.raw
    if raw.height == frame.height and raw["row"].equals(frame["row"]):
        # The usual case, row for row: a column added, the frame's others not copied.
        written = raw[header].cast(pl.String).alias(TIER_AS_WRITTEN)
        return replace(tracker, frame=frame.with_columns(written))
    texts = raw.select("row", pl.col(header).cast(pl.String).alias(TIER_AS_WRITTEN))
    return replace(tracker, frame=frame.join(texts, on="row", how="left", maintain_order="left"))


def _judge(tracker: Tracker, rubric: Rubric, as_of: date) -> Scored:
    # Decisions stored in an annotated workbook count in the recommended-tier checks;
    # the tracker's own headers name the cells to fill in `todo`.
    headers = {f: h for h, f in tracker.source.mapping.items()}
    scored = score(tracker.frame, rubric, as_of=as_of, decisions=tracker.decisions, headers=headers)
    if tracker.source.doubt:  # a sheet that is not a tracker: its notes say so first
        scored.portfolio.notes.insert(0, tracker.source.doubt)
    heap.give_back()  # the scoring's Python leftovers (warnings and rows as lists)
    return scored


def with_strategy_sheet(rubric: Rubric, declared: dict[str, str | list[str]]) -> Rubric:
    """The rubric with what a "Strategy" sheet declares where the rubric's `[strategy]`
    leaves it empty (a rubric file's declaration wins)."""
    current = rubric.get("strategy")
    changes = {f"strategy.{k}": v for k, v in declared.items() if not current.get(k)}
    return rubric.with_values(changes) if changes else rubric


class TrackerCache(Protocol):
    """Trackers as read before (tui/read_cache.py): `get` one for a file as it is now
    and the same read options, or None; `put` one just read."""

    def get(self, path: Path, options: dict[str, Any]) -> Tracker | None: ...

    def put(self, path: Path, options: dict[str, Any], tracker: Tracker) -> None: ...


@dataclass(frozen=True)
class Reading:
    """A tracker read, with the rubric and day to judge it by: `evaluate` before the
    scoring, for a face that shows the partners while they are scored."""

    tracker: Tracker
    rubric: Rubric
    as_of: date

    def listed(self) -> pl.DataFrame:
        """`row`, `partner`, `partner_type` and `designated_tier` (the tracker's label
        mapped to a tier, as scoring maps it): the partners before any score."""
        return designated_tiers(self.tracker.frame, self.rubric)

    def judged(self) -> Evaluation:
        """Score the partners (the slow part of `evaluate`)."""
        return Evaluation(
            self.tracker, self.rubric, self.as_of, _judge(self.tracker, self.rubric, self.as_of)
        )


class ReadOptions(TypedDict, total=False):
    """How `read` and `evaluate` read a tracker (see `read`)."""

    sheet: str | int | None
    mapping: dict[str, str] | None
    profile: str | None
    rubric_path: str | Path | None
    as_of: date | None
    allow_large: bool


def read(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    mapping: dict[str, str] | None = None,
    profile: str | None = None,
    rubric_path: str | Path | None = None,
    as_of: date | None = None,
    allow_large: bool = False,
    step: Callable[[str], None] | None = None,
    cache: TrackerCache | None = None,
) -> Reading:
    """Read `path` and choose the rubric to judge it by: `evaluate` without the scoring.
    `cache` may hold the tracker as read before with the same options."""
    base = load_rubric(rubric_path)
    if step:
        step(f"reading {Path(path).name}")
    options = {
        "sheet": sheet,
        "mapping": mapping,
        "profile": profile,
        "allow_large": allow_large,
        **(header_rules(base) if rubric_path is not None else {}),
    }
    tracker = cache.get(Path(path), options) if cache is not None else None
    if tracker is None:
        tracker = read_tracker(path, **options)
        heap.give_back()  # what the reading left on the C heap (its book, its lists)
        if cache is not None:
            cache.put(Path(path), options, tracker)
    tracker = tiers_as_written(tracker)
    rubric = base
    if rubric_path is None and "rubric" in tracker.setup.get("damaged", ()):
        raise setup_unusable(Path(path), ["rubric"])
    if rubric_path is None and tracker.setup.get("rubric"):
        rubric = load_rubric(None, overrides_toml=tracker.setup["rubric"])
    rubric = with_strategy_sheet(rubric, tracker.strategy)
    return Reading(tracker, rubric, as_of or date.today())


def evaluate(
    path: str | Path,
    *,
    step: Callable[[str], None] | None = None,
    cells: Callable[[str], bool] | None = None,
    **options: Unpack[ReadOptions],
) -> Evaluation:
    """Read `path` and score it: `read` (the same options), then `Reading.judged`. A
    rubric stored in an annotated workbook is used unless `rubric_path` is given. `step`
    hears what is being done ("reading NAME", "scoring N partners"), for a progress line.
    `cells` says, from the input's format, whether the caller shows the tracker's cells
    as text (`Tracker.raw`); when it says no they are let go before the scoring."""
    reading = read(path, step=step, **options)
    if cells is not None and not cells(reading.tracker.source.format):
        reading = replace(reading, tracker=reading.tracker.without_cells())
    if step:
        step(f"scoring {reading.tracker.frame.height:,} partners")
    return reading.judged()
