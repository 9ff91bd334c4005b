"""How every view writes the people and budget to reallocate, so the terminal report,
the app and the portfolio sheet never show one number three ways (9.95, 9.9, 10.0)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from tierwise.scoring.words import fmt_money


def fte(value: float | None) -> float:
    """FTE to one decimal, halves rounded up as a spreadsheet rounds them (9.95 -> 10.0)."""
    return float(Decimal(repr(value or 0.0)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def fte_text(value: float | None) -> str:
    """'10.0 FTE', '0.5 FTE': one decimal always, as the sheet's 0.0 format shows it."""
    return f"{fte(value):.1f} FTE"


def budget_text(value: float | None) -> str:
    """'$1.1M', '$265k': the budget as the report and the app write it."""
    return fmt_money(value)
