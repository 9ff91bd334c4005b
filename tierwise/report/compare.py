"""`tierwise score FILE --rubric A --compare B`: one tracker under two rubrics, as JSON
and as a terminal report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import click

from tierwise.scoring.compare import compare

if TYPE_CHECKING:
    import polars as pl

    from tierwise.pipeline import Evaluation


@dataclass(frozen=True)
class Comparison:
    """One tracker scored under two rubrics."""

    a: Evaluation
    b: Evaluation
    a_name: str
    b_name: str

    def changes(self) -> pl.DataFrame:
        return compare(self.a.scored, self.b.scored)

    def to_json(self) -> dict:
        changes = self.changes()
        doc = {
            "rubrics": {"a": self.a_name, "b": self.b_name},
            "changes": [
                {
                    "row": c["row"],
                    "partner": c["partner"],
                    "changed": c["changed"],
                    "a": {k: c[f"{k}_a"] for k in ("recommended_tier", "action", "flags", "score")},
                    "b": {k: c[f"{k}_b"] for k in ("recommended_tier", "action", "flags", "score")},
                }
                for c in changes.iter_rows(named=True)
            ],
            "portfolio": {
                "a": self.a.scored.portfolio.to_json(),
                "b": self.b.scored.portfolio.to_json(),
            },
        }
        return doc

    def report(self) -> str:
        return compare_report(self)


def _flags(flags: list[str] | None) -> str:
    return ", ".join(flags or []) or "-"


def compare_report(cmp: Comparison) -> str:
    """What changes for whom between rubric A and rubric B, then the checks under each."""
    changes = cmp.changes()
    lines = [
        click.style(
            f"{cmp.a.tracker.source.file}: rubric A = {cmp.a_name}, B = {cmp.b_name}", bold=True
        ),
        "",
    ]
    if changes.height == 0:
        lines.append("No partner's tier, action or flags change between the two rubrics.")
    else:
        lines.append(click.style(f"{changes.height} partners change:", bold=True))
        for c in changes.iter_rows(named=True):
            parts = []
            if "recommended_tier" in c["changed"]:
                parts.append(f"tier {c['recommended_tier_a']} -> {c['recommended_tier_b']}")
            if "action" in c["changed"]:
                parts.append(f"action {c['action_a']} -> {c['action_b']}")
            if "flags" in c["changed"]:
                parts.append(f"flags {_flags(c['flags_a'])} -> {_flags(c['flags_b'])}")
            score = f"{c['score_a']:.0f} -> {c['score_b']:.0f}"
            lines.append(f"  {c['partner']} (row {c['row']}, score {score}): " + "; ".join(parts))
    lines += ["", click.style("Portfolio checks (recommended tiers)   A      B", bold=True)]
    for ca, cb in zip(
        cmp.a.scored.portfolio.recommended, cmp.b.scored.portfolio.recommended, strict=True
    ):
        mark = {True: click.style("pass", fg="green"), False: click.style("FAIL", fg="red")}
        lines.append(f"  {ca.code:<36} {mark[ca.ok]}   {mark[cb.ok]}   {cb.detail}")
    return "\n".join(lines)
