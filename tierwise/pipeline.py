"""The one path every face of Tierwise takes: read a tracker, then score it.

The CLI and the TUI both call `evaluate`; neither parses cells nor scores on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

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


def result_json(ev: Evaluation) -> dict:
    """The whole result as the JSON document of CONTRACT.md."""
    decided = {
        r: (d, n)
        for r, d, n in ev.tracker.decisions.select("row", "decision", "decision_note").rows()
    }
    partners = []
    for p in ev.scored.partners.iter_rows(named=True):
        partners.append(
            {
                "row": p["row"],
                "partner": p["partner"],
                "partner_type": p.get("partner_type"),
                "designated_tier": p.get("designated_tier"),
                "recommended_tier": p["recommended_tier"],
                "action": p["action"],
                "score": p["score"],
                "motivations": {m: p[m] for m in ("share", "access", "speed", "ecosystem")},
                "flags": list(p["flags"] or []),
                "why": list(p["why"] or []),
                "decision": decided.get(p["row"], (None, None))[0],
                "decision_note": decided.get(p["row"], (None, None))[1],
            }
        )
    return {
        "tierwise": __version__,
        "as_of": ev.as_of.isoformat(),
        "source": ev.tracker.source.to_json(),
        "partners": partners,
        "portfolio": ev.scored.portfolio.to_json(),
        "warnings": [{"where": w.where, "message": w.message} for w in ev.warnings],
    }
