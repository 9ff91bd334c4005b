"""The one path every face of Tierwise takes: read a tracker, then score it.

The CLI and the TUI both call `evaluate`; neither parses cells nor scores on its own.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import polars as pl

from tierwise import __version__
from tierwise.fields import MOTIVATIONS
from tierwise.io.reader import read_tracker
from tierwise.io.strategy import read_strategy
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

    def rescored(self, rubric: Rubric) -> Evaluation:
        """The same tracker judged with another rubric (a what-if), as `evaluate` judges."""
        return replace(self, rubric=rubric, scored=_judge(self.tracker, rubric, self.as_of))


def _judge(tracker: Tracker, rubric: Rubric, as_of: date) -> Scored:
    # Decisions stored in an annotated workbook count in the recommended-tier checks;
    # the tracker's own headers name the cells to fill in `todo`.
    headers = {f: h for h, f in tracker.source.mapping.items()}
    return score(tracker.frame, rubric, as_of=as_of, decisions=tracker.decisions, headers=headers)


def with_strategy_sheet(rubric: Rubric, declared: dict[str, str | list[str]]) -> Rubric:
    """The rubric with what a "Strategy" sheet declares where the rubric's `[strategy]`
    leaves it empty (a rubric file's declaration wins)."""
    current = rubric.get("strategy")
    changes = {f"strategy.{k}": v for k, v in declared.items() if not current.get(k)}
    return rubric.with_values(changes) if changes else rubric


def evaluate(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    mapping: dict[str, str] | None = None,
    rubric_path: str | Path | None = None,
    as_of: date | None = None,
    allow_large: bool = False,
    step: Callable[[str], None] | None = None,
) -> Evaluation:
    """Read `path` and score it. A rubric stored in an annotated workbook is used unless
    `rubric_path` is given. `step` hears what is being done ("reading NAME", "scoring N
    partners"), for a progress line."""
    base = load_rubric(rubric_path)
    if step:
        step(f"reading {Path(path).name}")
    tracker = read_tracker(
        path, sheet=sheet, mapping=mapping, aliases=base.aliases, allow_large=allow_large
    )
    if step:
        step(f"scoring {tracker.frame.height:,} partners")
    rubric = base
    if rubric_path is None and tracker.setup.get("rubric"):
        rubric = load_rubric(None, overrides_toml=tracker.setup["rubric"])
    rubric = with_strategy_sheet(rubric, read_strategy(path))
    day = as_of or date.today()
    return Evaluation(tracker, rubric, day, _judge(tracker, rubric, day))


def partners_json(ev: Evaluation) -> bytes:
    """The `partners` array of CONTRACT.md's JSON document, as compact UTF-8 JSON.

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
        pl.struct(*MOTIVATIONS).alias("motivations"),
        *(pl.col(c).fill_null(pl.lit([], pl.List(pl.String))) for c in ("flags", "why")),
        "todo",
        "borderline",
        "evidence",
    ).join(
        ev.tracker.decisions.select("row", "decision", "decision_note"),
        on="row",
        how="left",
        maintain_order="left",
    )
    out = io.BytesIO()
    table.write_json(out)
    return out.getvalue()


def result_json_parts(ev: Evaluation) -> list[bytes]:
    """The whole result as CONTRACT.md's JSON document (compact, in its key order), in
    pieces to write one after another: at 100k partners the partners array alone is
    ~90 MB, and is never copied into one string with the rest."""

    def dumped(value: object) -> bytes:
        return json.dumps(value, ensure_ascii=False).encode()

    head = {
        "tierwise": dumped(__version__),
        "as_of": dumped(ev.as_of.isoformat()),
        "source": dumped(ev.tracker.source.to_json()),
    }
    tail = {
        "portfolio": dumped(ev.scored.portfolio.to_json()),
        "warnings": dumped([{"where": w.where, "message": w.message} for w in ev.warnings]),
    }
    return [
        b"{" + b"".join(b'"%s":%s,' % (k.encode(), v) for k, v in head.items()) + b'"partners":',
        partners_json(ev),
        b"".join(b',"%s":%s' % (k.encode(), v) for k, v in tail.items()) + b"}",
    ]
