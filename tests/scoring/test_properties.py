"""Properties that hold for any tracker: scores in range, more evidence never lowers a
motivation, and the judgment of a partner never depends on row order."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.scoring.frames import AS_OF, RUBRIC, tracker
from tierwise.fields import MOTIVATIONS
from tierwise.scoring import score

amounts = st.none() | st.floats(0, 5e8, allow_nan=False)
counts = st.none() | st.integers(0, 60).map(float)
days = st.none() | st.integers(0, 400).map(float)
dates = st.none() | st.dates(date(2020, 1, 1), date(2027, 12, 31))
texts = st.none() | st.sampled_from(
    ["", "TBD", "Global", "UK retail", "Synergy", "Leverage synergies in DACH banks", "CEO lunch"]
)

partner_rows = st.fixed_dictionaries(
    {
        "partner": st.text(min_size=1, max_size=8),
        "designated_tier": st.none() | st.sampled_from(["Strategic", "Gold", "Bronze", "Weird"]),
        "partner_type": st.none() | st.sampled_from(["isv", "integrator", "reseller", "other"]),
        "initiative": st.none() | st.sampled_from(["A", "B", "C", "D", "E", "F"]),
        "target_market": texts,
        "objective": texts,
        "partner_agenda": texts,
        "revenue_target": amounts,
        "pipeline": amounts,
        "closed_revenue": amounts,
        "deals_won": counts,
        "new_logos": counts,
        "sourced_share": st.none() | st.floats(0, 100),
        "new_markets": counts,
        "share_gain": st.none() | st.floats(-20, 40),
        "cycle_days": days,
        "baseline_cycle_days": days,
        "integrations": counts,
        "certifications": counts,
        "marketplace": st.none() | st.booleans(),
        "exec_sponsor": texts,
        "origin": texts,
        "announced": st.none() | st.booleans(),
        "announced_on": dates,
        "start_date": dates,
        "last_activity": dates,
        "fte": st.none() | st.floats(0, 5),
        "budget": amounts,
        "owner_team": st.none() | st.sampled_from(["Field", "Alliances"]),
    }
)
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.lists(partner_rows, min_size=1, max_size=14))
def test_scores_and_motivations_stay_in_0_100(rows) -> None:
    result = score(tracker(rows), RUBRIC, as_of=AS_OF)
    for column in ("score", *MOTIVATIONS):
        values = result.partners[column].drop_nulls()
        assert values.is_between(0, 100).all(), column
    assert result.partners.height == len(rows)


@SETTINGS
@given(st.lists(partner_rows, min_size=2, max_size=14), st.randoms(use_true_random=False))
def test_row_order_never_changes_a_partners_judgment(rows, rnd) -> None:
    frame = tracker(rows)
    shuffled = frame.sample(fraction=1.0, shuffle=True, seed=rnd.randint(0, 10_000))
    a = score(frame, RUBRIC, as_of=AS_OF)
    b = score(shuffled, RUBRIC, as_of=AS_OF)
    assert a.partners.equals(b.partners)  # same ranking, same judgments, same reasons
    assert a.portfolio == b.portfolio
    assert a.warnings == b.warnings


def _motivation(row: dict, field: str, value: float, motivation: str) -> float | None:
    frame = tracker([{**row, field: value}])
    return score(frame, RUBRIC, as_of=AS_OF).partners[motivation][0]


@SETTINGS
@given(
    partner_rows,
    st.sampled_from(
        [
            ("new_logos", "access"),
            ("sourced_share", "access"),
            ("new_markets", "access"),
            ("integrations", "ecosystem"),
            ("certifications", "ecosystem"),
            ("deals_won", "share"),
            ("share_gain", "share"),
            ("closed_revenue", "share"),
        ]
    ),
    st.floats(0, 100),
    st.floats(0, 100),
)
def test_more_evidence_never_lowers_a_motivation(row, pair, low, extra) -> None:
    field, motivation = pair
    before = _motivation(row, field, low, motivation)
    after = _motivation(row, field, low + extra, motivation)
    assert after >= before


@SETTINGS
@given(partner_rows, st.integers(1, 400), st.integers(0, 400))
def test_a_shorter_cycle_never_lowers_speed(row, baseline, cycle) -> None:
    row = {**row, "baseline_cycle_days": float(baseline)}
    longer = _motivation(row, "cycle_days", float(cycle + 10), "speed")
    shorter = _motivation(row, "cycle_days", float(cycle), "speed")
    assert shorter >= longer


def test_as_of_fixes_every_date_rule() -> None:
    row = {
        "partner": "A",
        "designated_tier": "Strategic",
        "last_activity": date(2026, 8, 1),
        "announced_on": date(2026, 6, 1),
        "announced": True,
        "pipeline": 0.0,
    }
    early = score(tracker([row]), RUBRIC, as_of=date(2026, 8, 15)).partners["flags"][0]
    late = score(tracker([row]), RUBRIC, as_of=date(2026, 8, 15) + timedelta(days=90))
    assert early.to_list() == []
    assert late.partners["flags"][0].to_list() == ["PRESS_RELEASE", "STRATEGIC_IN_NAME_ONLY"]
    again = score(tracker([row]), RUBRIC, as_of=date(2026, 11, 13))
    assert again.partners.equals(late.partners)


def test_a_frame_from_any_integer_types_is_accepted() -> None:
    frame = pl.DataFrame({"row": [5, 6], "partner": ["A", "B"], "new_logos": [3, 12]})
    result = score(frame, RUBRIC, as_of=AS_OF)
    assert result.partners["access"].to_list() == [100.0, 30.0]
