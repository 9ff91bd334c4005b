"""What scoring returns: per-partner judgments (a polars frame) and portfolio checks."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from tierwise.scoring.strategy import Strategy
from tierwise.scoring.words import fmt_money, fmt_number


@dataclass(frozen=True)
class Check:
    """One tier-discipline check (docs/PLAYBOOK.md section 2) on one set of tiers.

    `actual` is what was counted and `low`/`high` the limits it is held to (None where
    a side is open), so the TUI can draw "Strategic partners 5 / max 2" as a gauge.
    `rows` are the worksheet rows of the partners behind a failure (for drill-down).
    `assessed` is False when the tracker lacks the columns to judge it: then it neither
    passes nor fails, and every view says "not assessed" (never a tick).
    """

    code: str
    ok: bool
    detail: str
    actual: float | None = None
    low: float | None = None
    high: float | None = None
    rows: tuple[int, ...] = ()
    assessed: bool = True

    def to_json(self) -> dict:
        return {
            "code": self.code,
            "ok": self.ok,
            "assessed": self.assessed,
            "detail": self.detail,
        }


def amounts(fte: float, budget: float) -> dict[str, float]:
    """{"fte", "budget"} rounded the one way every view shows them (FTE to 0.01, money
    to the unit)."""
    return {"fte": round(fte + 0.0, 2), "budget": float(round(budget + 0.0))}


def amount_words(value: dict[str, float]) -> str:
    """ "1.5 FTE and $250k": how every view writes an amount."""
    return f"{fmt_number(value['fte'])} FTE and {fmt_money(value['budget'])}"


@dataclass(frozen=True)
class Reallocation:
    """Resources to reallocate, by the rubric's tier norms ([resources]): what demotions,
    withdrawals and exits free, what promotions, fixes and the strategic partners need,
    and the net. `fte`/`budget` are the freed amounts (the contract's first members)."""

    fte: float = 0.0
    budget: float = 0.0
    # tier (designated) -> {"fte": x, "budget": y} freed
    by_tier: dict[str, dict[str, float]] = field(default_factory=dict)
    needed: dict[str, float] = field(default_factory=lambda: amounts(0.0, 0.0))

    @property
    def freed(self) -> dict[str, float]:
        return amounts(self.fte, self.budget)

    @property
    def net(self) -> dict[str, float]:
        """Freed less needed (negative: the plan needs more than it frees)."""
        return amounts(self.fte - self.needed["fte"], self.budget - self.needed["budget"])

    def words(self) -> str:
        """ "Freed 3.5 FTE and $250k; needed 2 FTE and $100k; net 1.5 FTE and $150k"."""
        return (
            f"Freed {amount_words(self.freed)}; needed {amount_words(self.needed)}; "
            f"net {amount_words(self.net)}"
        )

    def to_json(self) -> dict:
        return {
            "fte": self.fte,
            "budget": self.budget,
            "by_tier": self.by_tier,
            "freed": self.freed,
            "needed": dict(self.needed),
            "net": self.net,
        }


@dataclass(frozen=True)
class Portfolio:
    designated: list[Check]
    recommended: list[Check]
    reallocate: Reallocation
    # Portfolio-level warnings: what the tracker does not record ("No pipeline column:
    # EXEC_LUNCH and PRESS_RELEASE not assessed"), unknown labels summarised, ...
    notes: list[str] = field(default_factory=list)
    # Flags the tracker lacks every column for: they cannot fire, so their count is not
    # a zero but "not assessed" (the notes say which columns are missing).
    flags_not_assessed: tuple[str, ...] = ()
    strategy: Strategy = field(default_factory=Strategy)

    def to_json(self) -> dict:
        return {
            "designated": {"checks": [c.to_json() for c in self.designated]},
            "recommended": {"checks": [c.to_json() for c in self.recommended]},
            "reallocate": self.reallocate.to_json(),
            "strategy": self.strategy.to_json(),
            "notes": list(self.notes),
            "flags_not_assessed": list(self.flags_not_assessed),
        }


@dataclass(frozen=True)
class ScoreWarning:
    """A per-cell problem scoring found (e.g. an unknown tier label); io turns row+field
    into a `Sheet!A1` reference."""

    row: int
    field: str
    message: str


@dataclass(frozen=True)
class Scored:
    """The scorer's answer.

    partners: one row per partner, ranked (score descending, then row), columns:
        row Int64, partner String, partner_type String, designated_tier String
        (strategic/tactical/casual or null), recommended_tier String, action String,
        score Float64 (0-100), share/access/speed/ecosystem Float64 (null = not
        assessed), flags List(String), why List(String), stated List(String)
        (motivations stated in the objective but not evidenced), fte Float64,
        budget Float64, initiative String, owner_team String, evidence Float64 (the
        share, 0-1, of the cells the judgment reads that hold a value; a column the
        tracker lacks counts as unseen), todo
        String (the next step in plain words), borderline Boolean, unknown List(String)
        (evidence fields whose blanks leave a motivation open), relationship String
        (gtm, supplier, subcontractor, technology, acquisition_candidate),
        closed_revenue Float64, pipeline Float64.
    """

    partners: pl.DataFrame
    portfolio: Portfolio
    warnings: list[ScoreWarning] = field(default_factory=list)
