"""Quarter over quarter on frames: matching partners by name, each kind of change, and
each outcome of a recorded decision."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tierwise.scoring.diff import QuarterDiff, compare_quarters, side_of
from tierwise.scoring.match import match_partners, name_key

from .frames import scored, tracker

STRONG = {
    "closed_revenue": 4_000_000.0,
    "revenue_target": 4_000_000.0,
    "pipeline": 3_000_000.0,
    "deals_won": 12.0,
    "new_logos": 10.0,
    "sourced_share": 50.0,
    "exec_sponsor": "CPO",
    "objective": "Take 25% of their installed base by 2027",
    "partner_agenda": "Close the analytics gap",
    "integrations": 4.0,
}
WEAK = {"closed_revenue": 0.0, "revenue_target": 0.0, "pipeline": 0.0, "deals_won": 0.0}


def _names(frame: pl.DataFrame, rows: list[int]) -> list[str]:
    return [frame.filter(pl.col("row") == r)["partner"][0] for r in rows]


def _side(rows: list[dict[str, Any]], decisions: list[tuple] | None = None):
    frame = tracker(rows)
    found = None
    if decisions is not None:
        found = pl.DataFrame(
            decisions,
            schema={
                "row": pl.Int64,
                "partner": pl.String,
                "decision": pl.String,
                "source": pl.String,
            },
            orient="row",
        )
    return side_of(frame, scored(rows), found)


def _diff(old: list[dict], new: list[dict], decisions: list[tuple] | None = None) -> QuarterDiff:
    return compare_quarters(_side(old, decisions), _side(new))


_ROWS = {"row": pl.Int64, "partner": pl.String}


def _keys(*names: str) -> list[str]:
    return pl.select(name_key(pl.Series(names))).to_series().to_list()


# -- matching -----------------------------------------------------------------------


def test_legal_suffixes_case_and_punctuation_do_not_tell_partners_apart() -> None:
    keys = _keys("Acme Inc.", "ACME, Inc", "acme  incorporated", "Acme Corp.", "ACME GmbH")
    assert set(keys) == {"acme"}
    assert _keys("Société Générale S.A.", "Societe Generale")[0] == _keys("Societe Generale")[0]
    assert _keys("Johnson & Johnson", "Johnson and Johnson Ltd") == ["johnson and johnson"] * 2
    assert _keys("Pty. Ltd.")[0] != ""  # a name made only of legal words keeps them


def test_a_renamed_partner_is_matched_not_added_and_removed() -> None:
    old = pl.DataFrame({"row": [2, 3], "partner": ["Acme Inc.", "Globex"]})
    new = pl.DataFrame({"row": [5, 6], "partner": ["Globex", "ACME, Inc"]})
    m = match_partners(old, new)
    assert sorted(m.pairs.iter_rows()) == [(2, 6), (3, 5)]
    assert m.added.len() == 0 and m.removed.len() == 0 and m.ambiguous == []


def test_a_partner_split_into_two_rows_is_reported_not_guessed() -> None:
    old = pl.DataFrame({"row": [2, 3], "partner": ["Globex", "Initech"]})
    new = pl.DataFrame({"row": [2, 3, 4], "partner": ["Globex EMEA", "Globex APAC", "Initech"]})
    m = match_partners(old, new)
    assert list(m.pairs.iter_rows()) == [(3, 4)]
    assert m.added.len() == 0 and m.removed.len() == 0
    (amb,) = m.ambiguous
    assert amb.old == [(2, "Globex")]
    assert amb.new == [(2, "Globex EMEA"), (3, "Globex APAC")]
    assert "split" in amb.reason and not amb.paired


def test_a_split_under_one_name_is_ambiguous() -> None:
    old = pl.DataFrame({"row": [2], "partner": ["Umbrella Ltd"]})
    new = pl.DataFrame({"row": [2, 3], "partner": ["Umbrella", "UMBRELLA LIMITED"]})
    m = match_partners(old, new)
    assert m.pairs.height == 0 and m.added.len() == 0 and m.removed.len() == 0
    (amb,) = m.ambiguous
    assert [r for r, _ in amb.new] == [2, 3] and not amb.paired


def test_a_duplicate_name_on_both_sides_is_paired_in_row_order_and_reported() -> None:
    old = pl.DataFrame({"row": [2, 3, 4], "partner": ["Hooli", "Pied Piper", "Hooli"]})
    new = pl.DataFrame({"row": [7, 8, 9], "partner": ["hooli", "Hooli", "Pied Piper"]})
    m = match_partners(old, new)
    assert sorted(m.pairs.iter_rows()) == [(2, 7), (3, 9), (4, 8)]
    (amb,) = m.ambiguous
    assert amb.paired and "row order" in amb.reason


def test_different_names_sharing_a_first_word_are_not_confused() -> None:
    old = pl.DataFrame({"row": [2, 3], "partner": ["Partner 1", "Blue Sky Analytics"]})
    new = pl.DataFrame({"row": [2, 3], "partner": ["Partner 10", "Blue Ocean Data"]})
    m = match_partners(old, new)
    assert m.ambiguous == [] and m.pairs.height == 0
    assert sorted(m.added.to_list()) == [2, 3] and sorted(m.removed.to_list()) == [2, 3]


_NAMES = st.lists(st.text(alphabet="AbcDe .,&-Inc", min_size=1, max_size=12), max_size=12)


@given(_NAMES, _NAMES)
def test_every_named_row_is_paired_added_removed_or_reported_once(a: list, b: list) -> None:
    old = pl.DataFrame({"row": range(2, len(a) + 2), "partner": a}, schema=_ROWS)
    new = pl.DataFrame({"row": range(2, len(b) + 2), "partner": b}, schema=_ROWS)
    m = match_partners(old, new)
    for pos, side, alone in ((0, old, m.removed), (1, new, m.added)):
        unsure = [r for amb in m.ambiguous if not amb.paired for r, _ in (amb.old, amb.new)[pos]]
        seen = m.pairs.to_series(pos).to_list() + alone.to_list() + unsure
        named = side.filter(pl.select(name_key(side["partner"])).to_series() != "")
        assert sorted(seen) == sorted(named["row"].to_list())


# -- change kinds -------------------------------------------------------------------


def test_added_and_removed() -> None:
    d = _diff(
        [{"partner": "Acme", **STRONG}, {"partner": "Globex"}],
        [{"partner": "ACME Inc.", **STRONG}, {"partner": "Initech"}],
    )
    assert d.added["partner"].to_list() == ["Initech"]
    assert d.removed["partner"].to_list() == ["Globex"]
    assert d.matched == 1


def test_tier_label_changes_keep_the_labels_as_written() -> None:
    d = _diff(
        [
            {"partner": "Acme", "designated_tier": "Gold"},
            {"partner": "Globex", "designated_tier": "Bronze"},
        ],
        [
            {"partner": "Acme", "designated_tier": "Platinum"},
            {"partner": "Globex", "designated_tier": "Bronze"},
        ],
    )
    (change,) = d.tier_changes.to_dicts()
    assert change["partner"] == "Acme"
    assert (change["from"], change["to"]) == ("tactical", "strategic")
    assert (change["from_label"], change["to_label"]) == ("Gold", "Platinum")
    assert d.by_tier["strategic"] == {"old": 0, "new": 1}


def test_score_and_motivation_moves_beyond_the_threshold() -> None:
    d = _diff(
        [{"partner": "Acme", **WEAK}, {"partner": "Globex", **STRONG}],
        [{"partner": "Acme", **STRONG}, {"partner": "Globex", **STRONG}],
    )
    (change,) = d.score_changes.to_dicts()
    assert change["partner"] == "Acme" and change["change"] >= 10
    assert change["to"] - change["from"] == pytest.approx(change["change"])
    assert "share" in {m["motivation"] for m in change["motivations"]}
    quiet = compare_quarters(
        _side([{"partner": "Acme", **WEAK}]), _side([{"partner": "Acme", **STRONG}]), threshold=101
    )
    assert quiet.score_changes.height == 0


def test_flags_raised_and_cleared() -> None:
    lunch = {"revenue_target": 5e6, "pipeline": 0.0, "closed_revenue": 0.0, "deals_won": 0.0}
    d = _diff(
        [{"partner": "Acme", **lunch}, {"partner": "Globex", **STRONG}],
        [{"partner": "Acme", **STRONG}, {"partner": "Globex", **lunch}],
    )
    assert "EXEC_LUNCH" in d.flags_raised.filter(pl.col("partner") == "Globex")["flags"][0]
    assert "EXEC_LUNCH" in d.flags_cleared.filter(pl.col("partner") == "Acme")["flags"][0]
    assert "Globex" not in d.flags_cleared["partner"].to_list()


def test_fte_and_budget_moved() -> None:
    d = _diff(
        [{"partner": "Acme", "fte": 2.0, "budget": 100_000.0}, {"partner": "Globex", "fte": 1.0}],
        [{"partner": "Acme", "fte": 0.5, "budget": 100_000.0}, {"partner": "Globex", "fte": 1.0}],
    )
    (move,) = d.resources.to_dicts()
    assert (move["partner"], move["fte_from"], move["fte_to"]) == ("Acme", 2.0, 0.5)
    assert d.totals["fte"] == {"old": 3.0, "new": 1.5}


# -- decisions ----------------------------------------------------------------------


def _verdicts(d: QuarterDiff) -> dict[str, tuple[bool | None, str]]:
    return {r["partner"]: (r["carried_out"], r["detail"]) for r in d.decisions.to_dicts()}


def test_each_decision_outcome() -> None:
    old = [
        {"partner": "Acme Inc.", "designated_tier": "Platinum"},
        {"partner": "Globex", "designated_tier": "Gold"},
        {"partner": "Initech", "designated_tier": "Gold"},
        {"partner": "Hooli", "designated_tier": "Bronze"},
        {"partner": "Umbrella", "designated_tier": "Silver"},
        {"partner": "Vandelay", "designated_tier": "Gold"},
        {"partner": "Soylent", "designated_tier": "Gold"},
    ]
    new = [
        {"partner": "ACME, Inc", "designated_tier": "Gold"},  # demoted as decided
        {"partner": "Globex", "designated_tier": "Gold"},  # exit not done
        {"partner": "Hooli", "designated_tier": "Pending"},  # unknown label
        {"partner": "Umbrella", "designated_tier": "Exited"},  # exit done by label
        {"partner": "Vandelay East"},  # Vandelay split
        {"partner": "Vandelay West"},
        {"partner": "Soylent", "designated_tier": "Bronze"},  # not what was decided
    ]
    decisions = [
        (2, "Acme Inc.", "tactical", "column"),
        (3, "Globex", "exit", "column"),
        (4, "Initech", "exit", "column"),  # gone from NEW: done
        (5, "Hooli", "strategic", "column"),
        (6, "Umbrella", "exit", "log"),
        (7, "Vandelay", "casual", "column"),
        (8, "Soylent", "strategic", "column"),
    ]
    v = _verdicts(_diff(old, new, decisions))
    assert v["Acme Inc."][0] is True and "tactical ('Gold')" in v["Acme Inc."][1]
    assert v["Globex"][0] is False and "still in NEW" in v["Globex"][1]
    assert v["Initech"] == (True, "Initech is no longer in NEW")
    assert v["Hooli"][0] is None and "'Pending'" in v["Hooli"][1]
    assert v["Umbrella"][0] is True and "Exited" in v["Umbrella"][1]
    assert v["Vandelay"][0] is None and "Vandelay East" in v["Vandelay"][1]
    assert v["Soylent"][0] is False and "not strategic" in v["Soylent"][1]


def test_a_decision_whose_partner_left_cannot_be_judged_unless_it_was_exit() -> None:
    d = _diff(
        [{"partner": "Acme", "designated_tier": "Gold"}],
        [{"partner": "Globex", "designated_tier": "Gold"}],
        [(2, "Acme", "strategic", "column")],
    )
    ((carried, detail),) = _verdicts(d).values()
    assert carried is None and "not in NEW" in detail


def test_no_tier_column_in_new_cannot_tell() -> None:
    old = _side(
        [{"partner": "Acme", "designated_tier": "Gold"}], [(2, "Acme", "strategic", "column")]
    )
    d = compare_quarters(old, _side([{"partner": "Acme"}]))
    assert _verdicts(d)["Acme"] == (None, "cannot tell: NEW has no tier column")


def test_a_log_entry_finds_its_partner_by_name_when_the_row_moved_and_the_column_wins() -> None:
    old = [{"partner": "Zeta"}, {"partner": "Acme", "designated_tier": "Gold"}]
    new = [{"partner": "Acme", "designated_tier": "Platinum"}]
    decisions = [
        (9, "Acme", "casual", "Tierwise Log"),  # row 9 is no one: placed by name
        (3, "Acme", "strategic", "Tierwise Log"),  # later entry for the same partner wins
    ]
    v = _verdicts(_diff(old, new, decisions))
    assert v == {"Acme": (True, "Acme is strategic ('Platinum') in NEW")}


def test_a_new_label_for_the_same_tier_is_a_tier_label_change() -> None:
    d = _diff(
        [
            {"partner": "Acme", "designated_tier": "Gold"},
            {"partner": "Globex", "designated_tier": "gold"},
        ],
        [
            {"partner": "Acme", "designated_tier": "Silver"},
            {"partner": "Globex", "designated_tier": "Gold "},
        ],
    )
    (change,) = d.tier_changes.to_dicts()
    assert (change["partner"], change["from"], change["to"]) == ("Acme", "tactical", "tactical")
    assert (change["from_label"], change["to_label"]) == ("Gold", "Silver")


def test_trends_follow_each_partner_through_the_snapshots() -> None:
    from datetime import date

    from tierwise.scoring.diff import trends

    def snap(day: date, rows: list[tuple[str, str, float, list[str]]]) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "date": [day] * len(rows),
                "partner": [r[0] for r in rows],
                "designated_tier": [r[1] for r in rows],
                "recommended_tier": [r[1] for r in rows],
                "score": [r[2] for r in rows],
                "flags": [r[3] for r in rows],
            }
        )

    history = pl.concat(
        [
            snap(
                date(2026, 3, 31),
                [("Acme Inc.", "tactical", 40.0, []), ("Globex", "casual", 10.0, [])],
            ),
            snap(
                date(2026, 6, 30),
                [("Acme Inc.", "tactical", 55.0, []), ("Globex", "casual", 10.0, [])],
            ),
            snap(date(2026, 12, 31), [("Acme Inc.", "strategic", 99.0, [])]),  # after as-of
        ]
    )
    now = pl.DataFrame(
        {
            "row": [2, 3, 4],
            "partner": ["ACME, Inc", "Globex", "Initech"],
            "designated_tier": ["tactical", "casual", "casual"],
            "recommended_tier": ["tactical", "casual", "casual"],
            "score": [60.0, 12.0, 30.0],
            "flags": [[], ["WHY_BOTHER"], []],
        }
    )
    t = {r["row"]: r for r in trends(history, now, date(2026, 9, 30)).to_dicts()}
    assert [p["score"] for p in t[2]["past"]] == [40.0, 55.0]
    assert t[2]["changed"] is False  # 55 -> 60: under the threshold, same tier and flags
    assert t[3]["changed"] is True  # a flag was raised
    assert t[4]["changed"] is True and t[4]["past"] == []  # new since the last review
    nothing = trends(history.clear(), now, date(2026, 9, 30))
    assert nothing["changed"].null_count() == 3
