"""Properties of the verdicts (issue 13): evidence before verdicts, for any tracker.

- adding evidence never lowers a motivation;
- blanking an evidence cell never turns a partner's verdict into a move;
- row order and a partner's position never change its verdict, nor do unrelated
  partners' blanks (with the strategy declared and the slot caps not binding: a
  proposed initiative follows the business partners bring, and full slots go by rank,
  so there the coupling is the rule itself);
- the recommended portfolio never has more partners in a tier than its cap;
- with no evidence column at all, nobody is promoted, demoted, withdrawn or exited.
"""

from __future__ import annotations

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from tests.scoring.frames import AS_OF, RUBRIC, tracker
from tests.scoring.test_properties import SETTINGS, partner_rows
from tierwise.fields import MOTIVATIONS
from tierwise.scoring import score
from tierwise.scoring.motivations import EVIDENCE_COLUMNS

MOVES = {"promote", "demote", "withdraw", "exit"}
# Evidence a larger value of which is more evidence (a shorter cycle is, see below).
MORE_IS_MORE = [c for c in EVIDENCE_COLUMNS if c not in ("cycle_days", "marketplace")]
DECLARED = RUBRIC.with_values({"strategy.strategic_initiative": "A"})
ROOMY = DECLARED.with_values(
    {
        "tiers.strategic_partners_max": 50,
        "tiers.tactical_partners_max": 50,
        "tiers.tactical_initiatives_max": 50,
    }
)


def named(rows: list[dict]) -> list[dict]:
    """Unique partner names (a verdict is looked up by name)."""
    return [{**r, "partner": f"P{i:02}"} for i, r in enumerate(rows)]


def verdicts(rows: list[dict], rubric=RUBRIC) -> dict[str, tuple[str, str]]:
    partners = score(tracker(rows), rubric, as_of=AS_OF).partners
    return {
        p: (t, a)
        for p, t, a in partners.select("partner", "recommended_tier", "action").iter_rows()
    }


@SETTINGS
@given(partner_rows, st.sampled_from(MORE_IS_MORE), st.floats(0, 500))
def test_adding_evidence_never_lowers_a_motivation(row, field, value) -> None:
    before = score(tracker([row]), RUBRIC, as_of=AS_OF).partners.row(0, named=True)
    more = (row.get(field) or 0.0) + value
    after = score(tracker([{**row, field: more}]), RUBRIC, as_of=AS_OF).partners.row(0, named=True)
    for m in MOTIVATIONS:
        if before[m] is not None and after[m] is not None:
            assert after[m] >= before[m], (m, field)
    # a filled cell never leaves a motivation that was known unknown, save speed, whose
    # zero was implied by "no deals" and is now a real cycle still to record
    for m in MOTIVATIONS:
        if before[m] is not None and m != "speed":
            assert after[m] is not None, (m, field)


@SETTINGS
@given(partner_rows, st.integers(1, 400), st.integers(0, 400))
def test_recording_a_cycle_never_lowers_speed_below_a_longer_one(row, baseline, cycle) -> None:
    row = {**row, "baseline_cycle_days": float(baseline)}
    speeds = [
        score(tracker([{**row, "cycle_days": float(c)}]), RUBRIC, as_of=AS_OF).partners["speed"][0]
        for c in (cycle + 10, cycle)
    ]
    assert speeds[1] >= speeds[0]


@SETTINGS
@given(
    st.lists(partner_rows, min_size=1, max_size=10),
    st.data(),
)
def test_blanking_an_evidence_cell_never_turns_a_verdict_into_a_move(rows, data) -> None:
    rows = named(rows)
    i = data.draw(st.integers(0, len(rows) - 1))
    field = data.draw(st.sampled_from(EVIDENCE_COLUMNS))
    before = verdicts(rows, ROOMY)[rows[i]["partner"]]
    blanked = [dict(r) for r in rows]
    blanked[i][field] = None
    after = verdicts(blanked, ROOMY)[rows[i]["partner"]]
    if before[1] not in MOVES:
        assert after[1] not in MOVES, (field, before, after)


@SETTINGS
@given(st.lists(partner_rows, min_size=2, max_size=10), st.data())
def test_unrelated_partners_blanks_never_change_a_verdict(rows, data) -> None:
    rows = named(rows)
    i = data.draw(st.integers(0, len(rows) - 1))
    others = [j for j in range(len(rows)) if j != i]
    blanks = data.draw(
        st.lists(st.tuples(st.sampled_from(others), st.sampled_from(EVIDENCE_COLUMNS)), max_size=6)
    )
    changed = [dict(r) for r in rows]
    for j, field in blanks:
        changed[j][field] = None
    name = rows[i]["partner"]
    assert verdicts(changed, ROOMY)[name] == verdicts(rows, ROOMY)[name]


@SETTINGS
@given(st.lists(partner_rows, min_size=2, max_size=12), st.randoms(use_true_random=False))
def test_a_partners_position_never_changes_its_verdict(rows, rnd) -> None:
    rows = named(rows)
    frame = tracker(rows)
    moved = frame.with_columns(row=pl.Series(rnd.sample(range(2, 2 + len(rows)), len(rows))))
    a = score(frame, RUBRIC, as_of=AS_OF).partners
    b = score(moved.sample(fraction=1.0, shuffle=True, seed=1), RUBRIC, as_of=AS_OF).partners
    keys = ["partner", "recommended_tier", "action", "score", "todo", "borderline"]
    assert a.select(keys).sort("partner").equals(b.select(keys).sort("partner"))


@SETTINGS
@given(st.lists(partner_rows, min_size=1, max_size=40), st.booleans())
def test_the_recommended_portfolio_never_exceeds_a_tier_cap(rows, declared) -> None:
    rubric = DECLARED if declared else RUBRIC
    partners = score(tracker(named(rows)), rubric, as_of=AS_OF).partners
    counts = partners["recommended_tier"].value_counts()
    count = dict(zip(counts["recommended_tier"], counts["count"], strict=True))
    assert count.get("strategic", 0) <= rubric.get("tiers.strategic_partners_max")
    assert count.get("tactical", 0) <= rubric.get("tiers.tactical_partners_max")
    tactical = partners.filter(pl.col("recommended_tier") == "tactical")
    assert tactical["initiative"].drop_nulls().n_unique() <= rubric.get(
        "tiers.tactical_initiatives_max"
    )


@SETTINGS
@given(st.lists(partner_rows, min_size=1, max_size=20))
def test_with_no_evidence_column_nobody_moves(rows) -> None:
    bare = [{k: v for k, v in r.items() if k not in EVIDENCE_COLUMNS} for r in named(rows)]
    actions = set(verdicts(bare).values())
    assert not MOVES & {a for _, a in actions}
