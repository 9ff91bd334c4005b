"""Slot-filling (docs/PLAYBOOK.md section 4): strategic slots, tactical slots, everyone else
casual; one action per partner; ties broken by evidence, then row."""

from __future__ import annotations

from tests.scoring.frames import ONE_KNOWN, RUBRIC, partner, scored, why


def strong(name: str, logos: float = 10, **extra) -> dict:
    """A partner whose evidence is `logos` new logos (access = logos * 10)."""
    return {
        "partner": name,
        "partner_type": "isv",
        "initiative": "Retail Cloud",
        "new_logos": logos,
        **extra,
    }


def test_the_strongest_eligible_partners_fill_the_two_strategic_slots() -> None:
    result = scored(
        [
            strong("A", 10),
            strong("B", 9),
            strong("C", 8),
            strong("Reseller", 10, partner_type="reseller"),
        ]
    )
    tiers = {p["partner"]: p["recommended_tier"] for p in result.partners.to_dicts()}
    assert tiers == {"A": "strategic", "B": "strategic", "C": "tactical", "Reseller": "tactical"}
    assert "Recommended strategic" in why(result, "A")


def test_strategic_slots_serve_one_initiative() -> None:
    result = scored([strong("A", 10), strong("Other", 9, initiative="Banks"), strong("C", 8)])
    assert partner(result, "A")["recommended_tier"] == "strategic"
    assert partner(result, "Other")["recommended_tier"] == "tactical"
    assert partner(result, "C")["recommended_tier"] == "strategic"


def test_a_weak_partner_is_not_made_strategic_just_because_a_slot_is_free() -> None:
    result = scored([strong("Weak", 3)])
    assert partner(result, "Weak")["recommended_tier"] == "casual"
    assert "score 30 is under the tactical bar of 40" in why(result, "Weak")


def test_tactical_slots_cap_partners_and_initiatives() -> None:
    rows = [
        strong(f"P{i:02}", 9, initiative=f"Init {i % 7}", partner_type="reseller")
        for i in range(14)
    ]
    result = scored(rows)
    tactical = result.partners.filter(result.partners["recommended_tier"] == "tactical")
    assert tactical.height == RUBRIC.get("tiers.tactical_partners_max")
    assert tactical["initiative"].n_unique() <= RUBRIC.get("tiers.tactical_initiatives_max")
    left = result.partners.filter(result.partners["recommended_tier"] == "casual")
    for name in left["partner"]:
        assert "its initiative is not among the 5 strongest" in why(result, name)


def test_ties_are_broken_by_business_then_name_never_by_position() -> None:
    rows = [
        {"partner": "Zed", "new_logos": 5, "pipeline": 1e5, "sourced_share": 0},
        {"partner": "Broad", "new_logos": 5, "pipeline": 0, "sourced_share": 0},
        {"partner": "Alpha", "new_logos": 5, "pipeline": 0, "sourced_share": 0},
    ]
    result = scored(rows)
    assert set(result.partners["score"].to_list()) == {50.0}
    assert result.partners["partner"].to_list() == ["Zed", "Alpha", "Broad"]
    again = scored(rows[::-1])
    assert again.partners["partner"].to_list() == ["Zed", "Alpha", "Broad"]


def test_no_strategic_partner_at_all() -> None:
    result = scored(
        [strong("A", 5, designated_tier="Gold"), strong("B", 2, designated_tier="Bronze")]
    )
    assert "strategic" not in result.partners["designated_tier"].to_list()
    from tests.scoring.frames import check

    c = check(result, "STRATEGIC_PARTNERS")
    assert not c.ok and c.actual == 0 and "0 strategic partners" in c.detail


def test_everyone_strategic_is_demoted_to_the_slots() -> None:
    rows = [strong(f"P{i}", 10 - i * 0.5, designated_tier="Strategic", fte=2) for i in range(6)]
    result = scored(rows, ONE_KNOWN)
    recommended = result.partners["recommended_tier"].to_list()
    assert recommended.count("strategic") == 2
    assert result.partners["action"].to_list().count("demote") == 4
    assert "Demote strategic → tactical" in why(result, "P5")
    # the demotion names the partners that hold the slots
    assert "the strategic slots go to P0 and P1" in why(result, "P5")


def test_actions_exit_withdraw_collect_promote_demote_fix_keep() -> None:
    nothing = {"new_logos": 0, "pipeline": 0, "closed_revenue": 0}
    little = {"new_logos": 1, "pipeline": 0, "closed_revenue": 0}
    result = scored(
        [
            strong("Keep", 10, designated_tier="Strategic", exec_sponsor="CRO", fte=2),
            strong("Promote", 9, designated_tier="Bronze", exec_sponsor="x", pipeline=5e5),
            {"partner": "Exit", "designated_tier": "Gold", "fte": 1, **nothing},
            {"partner": "Withdraw", "designated_tier": "Gold", "fte": 1, **little},
            {"partner": "Collect", "designated_tier": "Gold", "fte": 1, "new_logos": None},
            strong("Demote", 8, designated_tier="Strategic", exec_sponsor="CRO", fte=2),
            strong("Third", 9, designated_tier="Strategic", exec_sponsor="CRO", fte=2),
            strong("Fix", 10, designated_tier="Gold", exec_sponsor=None, objective="Synergy"),
            {"partner": "Casual", "designated_tier": "Bronze", **little},
            {"partner": "Untiered", **little},
        ],
        ONE_KNOWN,
    )
    actions = {p["partner"]: p["action"] for p in result.partners.to_dicts()}
    assert actions == {
        "Keep": "keep",
        "Promote": "promote",
        "Exit": "exit",
        "Withdraw": "withdraw",
        "Collect": "collect",
        "Demote": "demote",
        "Third": "keep",
        "Fix": "fix",
        "Casual": "keep",
        "Untiered": "keep",
    }
    assert partner(result, "Exit")["todo"] == "End the partnership and free 1 FTE"
    assert partner(result, "Withdraw")["todo"] == (
        "Stop investing (1 FTE); hand it to the field as a casual partner"
    )
    assert partner(result, "Collect")["todo"] == (
        "Fill in closed revenue and new logos; record speed and ecosystem evidence: the "
        "tracker has no column for them (add e.g. cycle days with baseline cycle days or "
        "integrations)"
    )
    assert "Promote casual → tactical" in why(result, "Promote")  # strategic slots full
    assert "the strategic slots go to Keep and Third" in why(result, "Demote")
    assert partner(result, "Fix")["todo"] == (
        "Rewrite the objective as a named market, a customer count or a target"
    )
    assert "Keep at strategic" in why(result, "Keep")


def test_a_new_partner_keeps_its_tier_while_too_early_to_judge() -> None:
    from datetime import date

    result = scored(
        [
            {
                "partner": "Newcomer",
                "designated_tier": "Gold",
                "start_date": date(2026, 9, 1),
                "new_logos": 1,
                "fte": 1,
            }
        ]
    )
    p = partner(result, "Newcomer")
    assert p["recommended_tier"] == "tactical" and p["action"] == "keep"
    assert "Kept tactical: too early to judge" in why(result, "Newcomer")


def test_reallocation_sums_fte_and_budget_moved_down_or_out_by_tier() -> None:
    weak = {"new_logos": 1, "pipeline": 0}
    result = scored(
        [
            strong("Keep", 10, designated_tier="Strategic", exec_sponsor="CRO", fte=2, budget=1e5),
            {"partner": "Exit", "designated_tier": "Gold", "fte": 1.5, "budget": 2e5, **weak},
            {"partner": "Exit2", "designated_tier": "Gold", "fte": 0.5, "budget": 0, **weak},
            {"partner": "Demote", "designated_tier": "Platinum", "fte": 1, "budget": 5e4, **weak},
        ],
        ONE_KNOWN,
    )
    r = result.portfolio.reallocate
    assert (r.fte, r.budget) == (3.0, 250_000)
    assert r.by_tier == {
        "strategic": {"fte": 1.0, "budget": 50_000},
        "tactical": {"fte": 2.0, "budget": 200_000},
    }


def test_a_new_casual_partner_gets_no_head_start() -> None:
    from datetime import date

    rows = [
        strong(f"T{i}", 9, designated_tier="Gold", partner_type="reseller", initiative=f"I{i}")
        for i in range(5)
    ]
    rows.append({"partner": "New casual", "designated_tier": "Bronze", "new_logos": 1,
                 "start_date": date(2026, 10, 1)})  # fmt: skip
    result = scored(rows)
    assert partner(result, "New casual")["recommended_tier"] == "casual"
    assert partner(result, "New casual")["action"] == "keep"
