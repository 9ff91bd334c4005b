"""The four mistakes and WHY_BOTHER, each firing for its reason and only then; no rule
fires on a column the tracker does not have."""

from __future__ import annotations

from datetime import date

import pytest

from tests.scoring.frames import partner, scored, why
from tierwise.fields import ANNOUNCED_ON, FIELDS, MOTIVATIONS
from tierwise.scoring.flags import RULES
from tierwise.scoring.motivations import EVIDENCE

GOOD = {  # a healthy, well-evidenced tactical partner: no flag should fire
    "partner": "Good",
    "designated_tier": "Gold",
    "partner_type": "integrator",
    "initiative": "Retail Cloud",
    "target_market": "UK mid-market retail",
    "objective": "Win 20 logos in UK retail by Q4",
    "partner_agenda": "Sell implementation services",
    "revenue_target": 2_000_000,
    "pipeline": 1_200_000,
    "closed_revenue": 600_000,
    "new_logos": 8,
    "exec_sponsor": "J. Alvarez (CRO)",
    "origin": "Joint customer request",
    "announced": True,
    "announced_on": date(2026, 1, 10),
    "start_date": date(2024, 1, 1),
    "last_activity": date(2026, 10, 20),
    "fte": 1.0,
    "budget": 50_000,
}


def flags_of(**changes) -> tuple[list[str], str]:
    result = scored([{**GOOD, **changes}])
    return partner(result, "Good")["flags"], why(result, "Good")


def test_a_healthy_partner_carries_no_flag() -> None:
    assert flags_of()[0] == []


def test_exec_lunch_big_target_nothing_behind_it() -> None:
    flags, reasons = flags_of(
        revenue_target=200_000_000, pipeline=0, closed_revenue=0, origin="CEO lunch at Davos"
    )
    assert "EXEC_LUNCH" in flags
    assert "Pipeline and closed $0 against a $200M target (0%)" in reasons
    assert "origin 'CEO lunch at Davos' reads like an executive meeting" in reasons


def test_exec_lunch_needs_a_large_target_and_under_ten_percent_behind_it() -> None:
    assert "EXEC_LUNCH" not in flags_of(revenue_target=900_000, pipeline=0, closed_revenue=0)[0]
    assert "EXEC_LUNCH" not in flags_of(revenue_target=5e6, pipeline=400_000, closed_revenue=1e5)[0]
    assert "EXEC_LUNCH" in flags_of(revenue_target=5e6, pipeline=400_000, closed_revenue=0)[0]


def test_exec_lunch_names_the_missing_market_and_initiative() -> None:
    _, reasons = flags_of(
        revenue_target=3e6, pipeline=None, closed_revenue=None, target_market="All", initiative=None
    )
    assert "no target market and no initiative" in reasons


def test_exec_lunch_is_not_assessed_without_pipeline_or_closed_columns() -> None:
    rows = [{"partner": "A", "revenue_target": 5e7, "designated_tier": "Gold", "new_logos": 1}]
    result = scored(rows)
    assert "EXEC_LUNCH" not in partner(result, "A")["flags"]
    assert any("EXEC_LUNCH not assessed" in n for n in result.portfolio.notes)


def test_press_release_announced_without_a_target_market() -> None:
    flags, reasons = flags_of(target_market="Global", announced_on=date(2026, 3, 15))
    assert "PRESS_RELEASE" in flags
    assert "Announced 2026-03-15; no target market" in reasons


def test_press_release_nothing_a_quarter_after_the_announcement() -> None:
    quiet = {"pipeline": 0, "closed_revenue": 0, "revenue_target": 0}
    flags, reasons = flags_of(announced_on=date(2026, 3, 15), **quiet)
    assert "PRESS_RELEASE" in flags
    assert "no pipeline and no deals 230 days later" in reasons
    # 60 days after the announcement it is too soon to say
    assert "PRESS_RELEASE" not in flags_of(announced_on=date(2026, 9, 1), **quiet)[0]
    # never announced: no press-release partnering
    assert "PRESS_RELEASE" not in flags_of(announced=False, announced_on=None, **quiet)[0]


def test_press_release_is_not_assessed_without_an_announcement_column() -> None:
    row = {k: v for k, v in GOOD.items() if k not in ("announced", "announced_on")}
    result = scored([{**row, "target_market": "Global"}])
    assert "PRESS_RELEASE" not in partner(result, "Good")["flags"]
    assert any("PRESS_RELEASE not assessed" in n for n in result.portfolio.notes)


def test_vague_agenda_vague_words_with_nothing_specific() -> None:
    flags, reasons = flags_of(objective="Strategic alliance to leverage synergies")
    assert "VAGUE_AGENDA" in flags
    assert "'Strategic alliance to leverage synergies' is vague" in reasons
    # the same words with a named market, a customer count or a target are specific enough
    for specific in (
        "Leverage synergies in UK retail",
        "Synergy: 20 joint logos",
        "Win-win: $2M closed together",
        "Grow together to 15% of the pipeline",
    ):
        assert "VAGUE_AGENDA" not in flags_of(objective=specific)[0], specific
    # a year, a month or a stray number does not make vague text specific
    for vague in (
        "Leverage synergies and grow together in 2027",
        "Win-win plan agreed for March",
        "Strategic alliance, phase 2",
    ):
        assert "VAGUE_AGENDA" in flags_of(objective=vague)[0], vague


def test_vague_agenda_a_vague_partner_agenda_counts_as_vague() -> None:
    flags, reasons = flags_of(partner_agenda="Win-win")
    assert "VAGUE_AGENDA" in flags
    assert "Partner agenda 'Win-win' is vague" in reasons
    assert "VAGUE_AGENDA" not in flags_of(partner_agenda="Resell us to 40 DACH banks")[0]


def test_vague_agenda_blank_partner_agenda_for_an_invested_tier() -> None:
    for blank in (None, "TBD", "?", "  "):
        flags, reasons = flags_of(partner_agenda=blank)
        assert "VAGUE_AGENDA" in flags, blank
        assert "Partner agenda left blank for a tactical partner" in reasons
    # a casual partner owes us no agenda
    assert "VAGUE_AGENDA" not in flags_of(partner_agenda=None, designated_tier="Bronze")[0]


def test_vague_agenda_blank_agenda_needs_the_column() -> None:
    row = {k: v for k, v in GOOD.items() if k != "partner_agenda"}
    result = scored([row])
    assert "VAGUE_AGENDA" not in partner(result, "Good")["flags"]


def test_strategic_in_name_only_label_without_attention() -> None:
    flags, reasons = flags_of(designated_tier="Strategic", exec_sponsor=None, fte=0.2)
    assert "STRATEGIC_IN_NAME_ONLY" in flags
    assert "Strategic label but no executive sponsor and 0.2 FTE" in reasons
    flags, reasons = flags_of(designated_tier="Platinum", last_activity=date(2026, 5, 1))
    assert "STRATEGIC_IN_NAME_ONLY" in flags
    assert "no joint activity since 2026-05-01 (183 days)" in reasons
    assert "STRATEGIC_IN_NAME_ONLY" not in flags_of(designated_tier="Strategic", fte=2)[0]
    # the same neglect on a tactical partner is not this mistake
    assert "STRATEGIC_IN_NAME_ONLY" not in flags_of(exec_sponsor=None, fte=0.2)[0]


def test_strategic_in_name_only_low_score() -> None:
    flags, reasons = flags_of(designated_tier="Strategic", fte=2, new_logos=1, closed_revenue=0)
    assert "STRATEGIC_IN_NAME_ONLY" in flags
    assert "motivations worth only" in reasons


def test_why_bother_an_investment_serving_no_motivation() -> None:
    weak = {"new_logos": 1, "pipeline": 0, "closed_revenue": 0, "revenue_target": 0}
    flags, reasons = flags_of(**weak)
    assert "WHY_BOTHER" in flags
    assert "No motivation reaches 50 (best: access 10), yet we invest in it" in reasons
    assert "tactical tier, 1 FTE and $50k budget" in reasons


def test_why_bother_spares_a_casual_partner_that_costs_nothing() -> None:
    weak = {"new_logos": 1, "pipeline": 0, "closed_revenue": 0, "revenue_target": 0}
    casual = {"designated_tier": "Registered", "fte": 0, "budget": 0}
    assert "WHY_BOTHER" not in flags_of(**weak, **casual)[0]
    # ... but not one that consumes budget
    assert "WHY_BOTHER" in flags_of(**weak, **{**casual, "budget": 20_000})[0]


def test_a_new_partner_is_too_early_to_judge() -> None:
    weak = {"new_logos": 1, "pipeline": 0, "closed_revenue": 0, "revenue_target": 0}
    flags, reasons = flags_of(**weak, start_date=date(2026, 9, 1))
    assert "WHY_BOTHER" not in flags
    assert "Too early to judge: started 2026-09-01, 60 days ago (grace period 120 days)" in reasons
    assert "WHY_BOTHER" in flags_of(**weak, start_date=date(2026, 6, 1))[0]


def test_no_flag_fires_on_a_tracker_with_only_a_partner_column() -> None:
    result = scored([{"partner": "A"}, {"partner": "B"}])
    assert result.partners["flags"].to_list() == [[], []]
    assert result.partners["score"].to_list() == [0.0, 0.0]
    assert result.partners["action"].to_list() == ["keep", "keep"]
    notes = " ".join(result.portfolio.notes)
    for code in ("EXEC_LUNCH", "PRESS_RELEASE", "VAGUE_AGENDA", "STRATEGIC_IN_NAME_ONLY"):
        assert code in notes


def test_a_partner_with_every_field_blank() -> None:
    result = scored([GOOD, {"partner": None}])
    blank = result.partners.filter(result.partners["partner"].is_null()).to_dicts()[0]
    assert blank["flags"] == []
    assert blank["recommended_tier"] == "casual" and blank["action"] == "keep"
    assert blank["score"] == 0
    # assessed columns, but nothing known for this partner: unknown, not 0
    assert blank["share"] is None and blank["access"] is None
    assert blank["evidence"] == 0 and "closed_revenue" in blank["unknown"]


def test_flags_cost_score_points() -> None:
    clean = partner(scored([GOOD]), "Good")["score"]
    vague = partner(scored([{**GOOD, "objective": "Synergy"}]), "Good")
    assert vague["flags"] == ["VAGUE_AGENDA"]
    assert vague["score"] == clean - 10
    assert "less 10 for VAGUE_AGENDA" in vague["why"][0]


@pytest.mark.parametrize("code", RULES)
def test_a_flag_lacking_what_its_rule_needs_is_not_assessed_and_never_fires(code: str) -> None:
    """Each group of a rule's `needs` taken out of a tracker that fires the flag: the
    flag is then reported not assessed (never a zero) and fires for no one."""
    firing = {**GOOD, "fte": 0.0, "budget": 0.0, "exec_sponsor": "TBD", "objective": "Synergies"}
    firing |= {"revenue_target": 5e7, "pipeline": 0, "closed_revenue": 0, "target_market": "All"}
    firing |= {"designated_tier": "Platinum", "new_logos": 0, "start_date": date(2020, 1, 1)}
    assert code in partner(scored([firing]), "Good")["flags"]
    assert code not in scored([firing]).portfolio.flags_not_assessed
    for group in RULES[code].needs:
        gone = {f for name in group for f in EVIDENCE.get(name, (name,))}
        result = scored([{k: v for k, v in firing.items() if k not in gone}])
        assert code in result.portfolio.flags_not_assessed, group
        assert code not in partner(result, "Good")["flags"], group


def test_every_rule_reads_canonical_fields() -> None:
    """A misspelt field in `needs` would leave its flag never assessed."""
    names = {*FIELDS, ANNOUNCED_ON, *MOTIVATIONS}
    for code, rule in RULES.items():
        assert rule.words.code == code
        assert rule.needs and all(set(group) <= names for group in rule.needs), code
        assert set(rule.cells) <= set(FIELDS), code
