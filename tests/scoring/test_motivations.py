"""The four motivations: scored from evidence, null where the tracker has no column
for them, capped without a specified market, and stated intent reported, not counted."""

from __future__ import annotations

import pytest

from tests.scoring.frames import partner, scored, why


def test_access_grows_with_new_logos_sourced_share_and_new_markets() -> None:
    result = scored(
        [
            {"partner": "Opener", "new_logos": 10, "sourced_share": 50, "new_markets": 3},
            {"partner": "Logos", "new_logos": 5, "sourced_share": None, "new_markets": None},
            {"partner": "More", "new_logos": 5, "sourced_share": 25, "new_markets": 1.5},
            {"partner": "Blank", "new_logos": None, "sourced_share": None, "new_markets": None},
            {"partner": "Zero", "new_logos": 0, "sourced_share": 0, "new_markets": 0},
        ]
    )
    assert partner(result, "Opener")["access"] == 100
    # the strongest piece counts in full; each further piece closes part of the gap
    assert partner(result, "Logos")["access"] == 50
    assert 50 < partner(result, "More")["access"] < 100
    assert partner(result, "Blank")["access"] is None  # a blank cell is unknown, not 0
    assert partner(result, "Blank")["unknown"] == ["new_logos", "sourced_share", "new_markets"]
    assert partner(result, "Zero")["access"] == 0
    assert "Access 100: 10 new logos, 50% partner-sourced, 3 new markets opened" in why(
        result, "Opener"
    )


def test_a_motivation_without_any_evidence_column_is_not_assessed() -> None:
    result = scored([{"partner": "Acme", "new_logos": 4}])
    p = partner(result, "Acme")
    assert p["access"] == 40
    assert p["share"] is None and p["speed"] is None and p["ecosystem"] is None
    notes = " ".join(result.portfolio.notes)
    assert "speed not assessed" in notes and "ecosystem not assessed" in notes


def test_a_partner_whose_evidence_is_all_blank_says_so_first() -> None:
    """Its first reason is a sentence, never an empty string (JSON) or blank line (cell)."""
    result = scored(
        [
            {"partner": "Known", "closed_revenue": 50_000.0, "pipeline": 100_000.0},
            {"partner": "Blank", "closed_revenue": None, "pipeline": None},
        ]
    )
    reasons = partner(result, "Blank")["why"]
    assert reasons[0] == "Score 0: no motivation known yet, its evidence cells are blank"
    assert "" not in reasons
    assert partner(result, "Known")["why"][0].startswith("Score ")


def test_speed_compares_the_cycle_with_the_direct_baseline() -> None:
    result = scored(
        [
            {"partner": "Halves", "cycle_days": 60, "baseline_cycle_days": 120},
            {"partner": "Quarter", "cycle_days": 90, "baseline_cycle_days": 120},
            {"partner": "Slower", "cycle_days": 150, "baseline_cycle_days": 120},
            {"partner": "Unknown", "baseline_cycle_days": 120},
            {"partner": "No deals", "baseline_cycle_days": 120, "deals_won": 0},
        ]
    )
    assert partner(result, "Halves")["speed"] == 100
    assert partner(result, "Quarter")["speed"] == 50
    assert partner(result, "Slower")["speed"] == 0
    assert partner(result, "Unknown")["speed"] is None  # blank cycle: unknown
    # no deals closed: no cycle was shortened (an implied zero, not an unknown)
    assert partner(result, "No deals")["speed"] == 0
    assert "no deals, so no cycle to compare" in why(result, "No deals")
    assert "cycle 60 days vs 120 direct (50% shorter)" in why(result, "Halves")
    assert "25% longer" in why(result, "Slower")


def test_speed_needs_a_baseline_unless_the_rubric_gives_one() -> None:
    rows = [{"partner": "Acme", "cycle_days": 45}]
    assert partner(scored(rows), "Acme")["speed"] is None
    from tests.scoring.frames import RUBRIC

    rubric = RUBRIC.with_values({"motivations.speed.default_baseline_days": 90})
    assert partner(scored(rows, rubric), "Acme")["speed"] == 100


def test_ecosystem_counts_integrations_certifications_and_the_marketplace() -> None:
    result = scored(
        [
            {"partner": "Built-in", "integrations": 5, "certifications": 20, "marketplace": True},
            {"partner": "Listed", "integrations": 0, "certifications": 0, "marketplace": True},
        ]
    )
    assert partner(result, "Built-in")["ecosystem"] == 100
    assert partner(result, "Listed")["ecosystem"] == 100  # the listing counts in full
    assert "on the marketplace" in why(result, "Listed")


def test_share_needs_a_specified_target_market() -> None:
    base = {"revenue_target": 1_000_000, "closed_revenue": 1_000_000, "deals_won": 10}
    result = scored(
        [
            {"partner": "Named", "target_market": "UK mid-market retail", **base},
            {"partner": "Global", "target_market": "Global", **base},
            {"partner": "All", "target_market": " ALL ", **base},
            {"partner": "Blank", "target_market": None, **base},
            {"partner": "Tbd", "target_market": "TBD", **base},
        ]
    )
    assert partner(result, "Named")["share"] == 100
    for name in ("Global", "All", "Blank", "Tbd"):
        assert partner(result, name)["share"] == 25, name
    assert "Share capped at 25: target market 'Global' is not a specific market" in why(
        result, "Global"
    )
    assert "Share capped at 25: no target market" in why(result, "Blank")


def test_share_weighs_attainment_and_the_size_of_the_business() -> None:
    dach = {"target_market": "DACH"}
    result = scored(
        [
            {"partner": "Half", **dach, "revenue_target": 4e5, "closed_revenue": 2e5},
            {"partner": "Over", **dach, "revenue_target": 1e6, "closed_revenue": 3e6},
            {"partner": "Big", **dach, "revenue_target": 15e6, "closed_revenue": 12e6},
            {"partner": "Small", **dach, "revenue_target": 1e6, "closed_revenue": 1.8e6},
            {"partner": "No target", **dach, "revenue_target": None, "closed_revenue": 3e3},
            {"partner": "Tiny", **dach, "revenue_target": 1e6, "closed_revenue": 3e3},
        ]
    )
    assert partner(result, "Over")["share"] == 100
    assert 50 <= partner(result, "Half")["share"] < 100
    assert "$200k closed of a $400k target (50%)" in why(result, "Half")
    # a $12M partner is never below a $1.8M one, whatever their targets
    assert partner(result, "Big")["share"] >= partner(result, "Small")["share"]
    # no loophole for a blank target: $3k is small with or without one
    assert partner(result, "No target")["share"] < 1 and partner(result, "Tiny")["share"] < 1


@pytest.mark.parametrize(
    ("objective", "stated"),
    [
        ("Open new markets and reach new customers", ["access"]),
        ("Accelerate deals and shorten the sales cycle", ["speed"]),
        ("Dominate UK retail and win share", ["share"]),
        ("Grow the ecosystem with integrations", ["ecosystem"]),
        ("Sell more", []),
    ],
)
def test_stated_intent_is_reported_when_not_evidenced(objective: str, stated: list[str]) -> None:
    result = scored(
        [{"partner": "Acme", "objective": objective, "new_logos": 1, "integrations": 0}],
        columns=["closed_revenue", "cycle_days", "baseline_cycle_days"],
    )
    p = partner(result, "Acme")
    assert p["stated"] == stated
    for m in stated:
        assert f"Objective states {m}, not evidenced" in why(result, "Acme")


def test_stated_intent_backed_by_evidence_is_not_reported() -> None:
    result = scored([{"partner": "Acme", "objective": "Reach new customers", "new_logos": 10}])
    assert partner(result, "Acme")["stated"] == []


def test_stated_intent_never_raises_a_score() -> None:
    quiet = scored([{"partner": "A", "objective": "Sell", "new_logos": 2}])
    loud = scored([{"partner": "A", "objective": "Access new markets, dominate", "new_logos": 2}])
    assert partner(quiet, "A")["score"] == partner(loud, "A")["score"]
