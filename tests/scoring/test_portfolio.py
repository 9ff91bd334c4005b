"""The seven portfolio checks, on designated tiers, recommended tiers and triage
decisions; tier labels through the label map."""

from __future__ import annotations

import polars as pl
import pytest

from tests.scoring.frames import ONE_KNOWN, RUBRIC, check, partner, scored
from tierwise.scoring import check_portfolio, portfolio_after
from tierwise.scoring.portfolio import CHECK_RULES


def portfolio(rows: list[tuple[str, str | None, str | None, str | None]], **extra) -> pl.DataFrame:
    """(partner, tier, type, initiative) rows, numbered from row 2."""
    frame = pl.DataFrame(
        {
            "row": list(range(2, len(rows) + 2)),
            "partner": [r[0] for r in rows],
            "tier": [r[1] for r in rows],
            "partner_type": [r[2] for r in rows],
            "initiative": [r[3] for r in rows],
        },
        schema_overrides={"tier": pl.String, "partner_type": pl.String, "initiative": pl.String},
    )
    return frame.with_columns(**{k: pl.Series(v) for k, v in extra.items()})


def by_code(checks):
    return {c.code: c for c in checks}


DISCIPLINED = [
    ("Consult", "strategic", "consultancy", "Retail"),
    ("Soft", "strategic", "isv", "Retail"),
    *[(f"T{i}", "tactical", "product", f"Program {i % 3}") for i in range(6)],
    *[(f"C{i}", "casual", "reseller", None) for i in range(30)],
]


def test_a_disciplined_portfolio_passes_all_seven_checks() -> None:
    checks = check_portfolio(portfolio(DISCIPLINED), "tier", RUBRIC)
    assert [c.code for c in checks] == list(CHECK_RULES)
    assert all(c.ok for c in checks), [c.detail for c in checks if not c.ok]
    assert by_code(checks)["STRATEGIC_INITIATIVES"].detail.startswith("1 strategic initiative")


def test_strategic_initiatives_exactly_one() -> None:
    rows = [("A", "strategic", "isv", "Retail"), ("B", "strategic", "isv", "Banks")]
    c = by_code(check_portfolio(portfolio(rows), "tier", RUBRIC))["STRATEGIC_INITIATIVES"]
    assert not c.ok and (c.actual, c.low, c.high) == (2, 1, 1)
    assert c.rows == (2, 3)
    assert "'Banks' and 'Retail'" in c.detail


def test_strategic_partners_one_or_two_and_types() -> None:
    rows = [
        ("A", "strategic", "isv", "R"),
        ("B", "strategic", "reseller", "R"),
        ("C", "strategic", None, "R"),
        *[(f"T{i}", "tactical", "product", "P") for i in range(20)],
    ]
    checks = by_code(check_portfolio(portfolio(rows), "tier", RUBRIC))
    partners = checks["STRATEGIC_PARTNERS"]
    assert not partners.ok and (partners.actual, partners.low, partners.high) == (3, 1, 2)
    assert partners.rows == (2, 3, 4)
    types = checks["STRATEGIC_PARTNER_TYPES"]
    assert not types.ok and types.actual == 2 and types.rows == (3, 4)
    assert "B (reseller) and C (no type)" in types.detail


def test_tactical_initiatives_and_partners_ranges() -> None:
    rows = [(f"T{i}", "tactical", "product", f"P{i}") for i in range(12)]
    checks = by_code(check_portfolio(portfolio(rows), "tier", RUBRIC))
    assert not checks["TACTICAL_INITIATIVES"].ok
    assert checks["TACTICAL_INITIATIVES"].actual == 12
    assert not checks["TACTICAL_PARTNERS"].ok
    assert (checks["TACTICAL_PARTNERS"].low, checks["TACTICAL_PARTNERS"].high) == (3, 10)
    few = by_code(check_portfolio(portfolio(rows[:2]), "tier", RUBRIC))
    assert not few["TACTICAL_PARTNERS"].ok and few["TACTICAL_PARTNERS"].actual == 2


def test_casual_partners_belong_to_the_field() -> None:
    rows = [(f"C{i}", "casual", "reseller", None) for i in range(4)] + [("U", None, None, None)]
    frame = portfolio(
        rows,
        owner_team=["Field Sales", "Alliances", "field", "Field", "Partnerships"],
        fte=[0.0, 0.0, 0.5, 0.1, 0.0],
        budget=[0.0, 0.0, 0.0, 25_000.0, 0.0],
    )
    c = by_code(check_portfolio(frame, "tier", RUBRIC))["CASUAL_OWNED_BY_FIELD"]
    assert not c.ok and c.actual == 4 and c.rows == (3, 4, 5, 6)
    assert "C1 (Alliances), C2 (0.5 FTE), C3 ($25k budget)" in c.detail


def test_everyone_strategic_share_or_count() -> None:
    rows = [(f"S{i}", "strategic", "isv", "R") for i in range(3)] + [
        (f"C{i}", "casual", None, None) for i in range(20)
    ]
    c = by_code(check_portfolio(portfolio(rows), "tier", RUBRIC))["EVERYONE_STRATEGIC"]
    assert not c.ok  # 13% is under 25%, but 3 carry the label and the cap is 2
    rows = [("S", "strategic", "isv", "R"), ("C", "casual", None, None)]
    c = by_code(check_portfolio(portfolio(rows), "tier", RUBRIC))["EVERYONE_STRATEGIC"]
    assert not c.ok and c.actual == 50 and c.high == 25


def test_checks_on_columns_the_tracker_lacks_are_not_assessed() -> None:
    frame = pl.DataFrame({"row": [2, 3], "partner": ["A", "B"], "tier": ["strategic", None]})
    checks = by_code(check_portfolio(frame, "tier", RUBRIC))
    for code in ("STRATEGIC_INITIATIVES", "STRATEGIC_PARTNER_TYPES", "CASUAL_OWNED_BY_FIELD"):
        assert checks[code].ok and checks[code].detail.startswith("Not assessed"), code


def test_exit_is_out_of_the_portfolio() -> None:
    rows = [("S", "strategic", "isv", "R"), ("X", "exit", "isv", "R"), ("Y", "exit", None, None)]
    c = by_code(check_portfolio(portfolio(rows), "tier", RUBRIC))["STRATEGIC_PARTNERS"]
    assert c.actual == 1
    assert (
        "1 of 1 partners"
        in by_code(check_portfolio(portfolio(rows), "tier", RUBRIC))["EVERYONE_STRATEGIC"].detail
    )


def test_labels_map_case_and_space_insensitively_and_unknown_labels_warn() -> None:
    result = scored(
        [
            {"partner": "A", "designated_tier": "  PLATINUM "},
            {"partner": "B", "designated_tier": "Tier 1"},
            {"partner": "C", "designated_tier": "tier1"},
            {"partner": "D", "designated_tier": "Ad-hoc"},
            {"partner": "E", "designated_tier": "Champion"},
            {"partner": "F", "designated_tier": None},
        ]
    )
    tiers = {p["partner"]: p["designated_tier"] for p in result.partners.to_dicts()}
    assert tiers == {
        "A": "strategic",
        "B": "strategic",
        "C": "strategic",
        "D": "casual",
        "E": None,
        "F": None,
    }
    assert [(w.row, w.field, w.message) for w in result.warnings] == [
        (6, "designated_tier", "Unknown tier label 'Champion'; treated as no tier")
    ]
    assert any("'Champion'" in n for n in result.portfolio.notes)


def test_a_custom_label_map_is_used() -> None:
    rubric = RUBRIC.with_values({"labels.strategic": ["Champion"]})
    result = scored([{"partner": "E", "designated_tier": "Champion"}], rubric)
    assert partner(result, "E")["designated_tier"] == "strategic"
    assert result.warnings == []


ROWS = [
    {"partner": "Lead", "designated_tier": "Strategic", "partner_type": "isv", "initiative": "R",
     "new_logos": 10, "fte": 2.0, "budget": 1e5, "owner_team": "Alliances"},
    {"partner": "Hanger", "designated_tier": "Strategic", "partner_type": "reseller",
     "initiative": "R", "new_logos": 1, "fte": 1.0, "budget": 5e4, "owner_team": "Alliances"},
    {"partner": "Mid", "designated_tier": "Gold", "partner_type": "product", "initiative": "P",
     "new_logos": 6, "fte": 0.5, "budget": 0.0, "owner_team": "Alliances"},
]  # fmt: skip


def test_recommended_checks_assume_moved_down_partners_hand_back_resources() -> None:
    result = scored(ROWS, ONE_KNOWN)
    assert partner(result, "Hanger")["action"] == "withdraw"  # one logo: some business
    designated = check(result, "STRATEGIC_PARTNER_TYPES")
    recommended = check(result, "STRATEGIC_PARTNER_TYPES", "recommended")
    assert not designated.ok and recommended.ok
    assert check(result, "CASUAL_OWNED_BY_FIELD", "recommended").ok
    assert result.portfolio.reallocate.fte == 1.0


def test_decisions_replace_recommended_tiers_in_the_checks() -> None:
    decisions = pl.DataFrame(
        {"row": [3, 4], "decision": ["strategic", "exit"], "decision_note": ["board ask", None]}
    )
    result = scored(ROWS, decisions=decisions)
    recommended = check(result, "STRATEGIC_PARTNER_TYPES", "recommended")
    assert not recommended.ok and recommended.rows == (3,)  # the user kept the reseller
    assert check(result, "STRATEGIC_PARTNERS", "recommended").actual == 2
    # Mid decided out: its 0.5 FTE joins the reallocation; Hanger's 1 FTE stays put
    assert result.portfolio.reallocate.fte == 0.5
    # decisions never change a score or the recommendation itself
    plain = scored(ROWS)
    assert result.partners.equals(plain.partners)


def test_portfolio_after_matches_scoring_with_the_same_decisions() -> None:
    decisions = pl.DataFrame(
        {"row": [2, 4], "decision": ["tactical", None], "decision_note": [None, "later"]},
        schema_overrides={"decision": pl.String},
    )
    plain = scored(ROWS)
    after = portfolio_after(plain, decisions, RUBRIC)
    direct = scored(ROWS, decisions=decisions).portfolio
    assert after.recommended == direct.recommended
    assert after.reallocate == direct.reallocate
    assert after.designated == plain.portfolio.designated


@pytest.mark.parametrize(
    "empty", [None, pl.DataFrame({"row": [], "decision": [], "decision_note": []})]
)
def test_no_decisions_means_the_recommendation(empty) -> None:
    assert scored(ROWS, decisions=empty).portfolio == scored(ROWS).portfolio
