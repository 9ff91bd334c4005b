"""The one path every face of Tierwise takes: read a tracker, then score it.

The CLI and the TUI both call `evaluate`; neither parses cells nor scores on its own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from tierwise import __version__
from tierwise.io.reader import read_tracker
from tierwise.io.tracker import Tracker, TrackerWarning
from tierwise.scoring import score
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
        """The reader's warnings, then the scorer's, each with its cell reference."""
        scoring = [
            TrackerWarning(self.tracker.cell_ref(w.row, w.field), w.message)
            for w in self.scored.warnings
        ]
        return [*self.tracker.warnings, *scoring]


def evaluate(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    mapping: dict[str, str] | None = None,
    rubric_path: str | Path | None = None,
    as_of: date | None = None,
    allow_large: bool = False,
) -> Evaluation:
    """Read `path` and score it. A rubric stored in an annotated workbook is used unless
    `rubric_path` is given."""
    base = load_rubric(rubric_path)
    tracker = read_tracker(
        path, sheet=sheet, mapping=mapping, aliases=base.aliases, allow_large=allow_large
    )
    rubric = base
    if rubric_path is None and tracker.setup.get("rubric"):
        rubric = load_rubric(None, overrides_toml=tracker.setup["rubric"])
    day = as_of or date.today()
    scored = score(tracker.frame, rubric, as_of=day, decisions=tracker.decisions)
    return Evaluation(tracker, rubric, day, scored)


_MOTIVATIONS = ("share", "access", "speed", "ecosystem")


def partners_json(ev: Evaluation) -> str:
    """The `partners` array of CONTRACT.md's JSON document, as compact JSON text.

    polars serialises it (a Python loop over 100k partners' dicts, then `json.dumps`,
    was most of `score --json`'s time); non-finite numbers become null, as JSON wants."""
    partners = ev.scored.partners
    blank = pl.lit(None, pl.String)
    present = set(partners.columns)
    table = partners.select(
        "row",
        "partner",
        *(
            pl.col(c) if c in present else blank.alias(c)
            for c in ("partner_type", "designated_tier")
        ),
        "recommended_tier",
        "action",
        "score",
        pl.struct(*_MOTIVATIONS).alias("motivations"),
        *(pl.col(c).fill_null(pl.lit([], pl.List(pl.String))) for c in ("flags", "why")),
    ).join(
        ev.tracker.decisions.select("row", "decision", "decision_note"),
        on="row",
        how="left",
        maintain_order="left",
    )
    return table.write_json()


def result_json_text(ev: Evaluation) -> str:
    """The whole result as CONTRACT.md's JSON document, compact, in its key order."""
    parts = {
        "tierwise": json.dumps(__version__),
        "as_of": json.dumps(ev.as_of.isoformat()),
        "source": json.dumps(ev.tracker.source.to_json(), ensure_ascii=False),
        "partners": partners_json(ev),
        "portfolio": json.dumps(ev.scored.portfolio.to_json(), ensure_ascii=False),
        "warnings": json.dumps(
            [{"where": w.where, "message": w.message} for w in ev.warnings], ensure_ascii=False
        ),
    }
    return "{" + ",".join(f'"{key}":{text}' for key, text in parts.items()) + "}"


def result_json(ev: Evaluation) -> dict:
    """The whole result as the JSON document of CONTRACT.md (a dict)."""
    return json.loads(result_json_text(ev))
