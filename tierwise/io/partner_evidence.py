"""Does a sheet look like a partner tracker? A list of people or products has a column of
names too, and once one is read as the partner, every partner would be judged on
nothing. Judged from the mapping alone: a tier column, evidence to judge by, or at least
columns that are mostly partner fields."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from tierwise.io.headers import FALLBACK

# Fields only a partner tracker records: the tier, and what the motivations, flags and
# checks are judged by. (A name, an owner, notes, dates and a type, any list has.)
EVIDENCE: Final = frozenset(
    {
        "designated_tier",
        "initiative",
        "target_market",
        "market_need",
        "objective",
        "partner_agenda",
        "revenue_target",
        "pipeline",
        "closed_revenue",
        "deals_won",
        "new_logos",
        "sourced_share",
        "new_markets",
        "share_gain",
        "cycle_days",
        "baseline_cycle_days",
        "integrations",
        "certifications",
        "marketplace",
        "exec_sponsor",
        "announced",
        "agreement_date",
        "fte",
        "budget",
    }
)
# Mapped columns named in the warning.
SHOWN: Final = 6


def doubt(mapping: Mapping[str, str], confidence: Mapping[str, str], headers: Sequence[str]) -> str:
    """Why the sheet does not look like a partner tracker ("" when it does): no tier
    column, less than two evidence columns, and most of its columns named by no field.
    (A thin tracker, "Partner" and "Owner" alone, is a tracker: the scorer says what it
    cannot assess.) `mapping` is {header: field}, `confidence` how each was mapped, and
    `headers` every header of the sheet; a column read as the partner by guess (no
    header names it) counts as no partner field."""
    fields = {h: f for h, f in mapping.items() if confidence.get(h) != FALLBACK}
    evidence = [h for h, f in fields.items() if f in EVIDENCE]
    if "designated_tier" in fields.values() or len(evidence) >= 2:
        return ""
    if 2 * len(fields) >= len(headers):
        return ""
    shown = [
        f"'{h}' as {f}" + (", a guess" if confidence.get(h) == FALLBACK else "")
        for h, f in mapping.items()
    ]
    listed = "; ".join(shown[:SHOWN]) + ("; ..." if len(shown) > SHOWN else "")
    n, total = len(mapping), len(headers)
    return (
        f"This does not look like a partner tracker: only {n} of its {total} columns "
        f"{'is a partner field' if n == 1 else 'are partner fields'} ({listed or 'none'}), "
        "and no column records a tier or the evidence partners are judged by (revenue, "
        "pipeline, target market, sponsor, ...). Check the sheet, or map columns with "
        '--map "Header=field": until then its scores and tiers rest on nothing.'
    )
