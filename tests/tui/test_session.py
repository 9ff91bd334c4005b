"""The triage session without the UI: decisions, notes, undo/redo, views, search."""

from __future__ import annotations

import polars as pl
import pytest

from tierwise.tui.journal import Entry, Journal, RubricEntry, journal_path
from tierwise.tui.session import UNDECIDED, Filters, Sort, TriageSession


def partners() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "row": [4, 5, 6, 7],
            "partner": ["Acme", "Globex", "acme labs", "Initech"],
            "partner_type": ["isv", "reseller", "integrator", None],
            "designated_tier": ["strategic", "strategic", None, "tactical"],
            "recommended_tier": ["strategic", "casual", "tactical", "tactical"],
            "action": ["keep", "demote", "promote", "fix"],
            "score": [90.0, 40.0, 70.0, 55.0],
            "share": [80.0, None, 60.0, 10.0],
            "access": [None, None, None, None],
            "speed": [None, None, None, None],
            "ecosystem": [50.0, 20.0, 90.0, 40.0],
            "flags": [[], ["WHY_BOTHER", "VAGUE_AGENDA"], [], ["VAGUE_AGENDA"]],
        },
        schema_overrides={"flags": pl.List(pl.String), "access": pl.Float64, "speed": pl.Float64},
    )


def names(session: TriageSession, view: list[int]) -> list[str]:
    return [session.partner(p)["partner"] for p in view]


def test_decisions_undo_redo_and_dirty() -> None:
    s = TriageSession(partners())
    assert not s.dirty
    s.decide(5, "exit")
    s.set_note(5, "  no pipeline in a year ")
    assert s.state(5) == ("exit", "no pipeline in a year")
    assert s.dirty and s.decided == 1
    s.undo()
    assert s.state(5) == ("exit", "")
    s.undo()
    assert s.state(5) == (None, "") and not s.dirty
    s.redo()
    assert s.state(5) == ("exit", "")
    assert s.table.filter(pl.col("row") == 5)["decision"].item() == "exit"
    assert [c.after for c in s.log] == [("exit", "")]


def test_a_new_change_clears_redo_and_same_decision_is_no_change() -> None:
    s = TriageSession(partners())
    s.decide(4, "tactical")
    s.undo()
    s.decide(4, "casual")
    assert s.redo() is None
    assert s.decide(4, "casual") is None


def test_restored_decisions_are_not_dirty_and_saving_clears_the_log() -> None:
    restored = pl.DataFrame(
        {"row": [6], "decision": ["strategic"], "decision_note": ["board asked"]}
    )
    s = TriageSession(partners(), restored)
    assert s.state(6) == ("strategic", "board asked") and not s.dirty
    s.decide(7, "exit")
    s.mark_saved()
    assert not s.dirty and s.log == []
    s.decide(6, None)  # cleared: still written, as null, to clear the saved decision
    assert s.decisions_frame().to_dicts() == [
        {"row": 6, "decision": None, "decision_note": "board asked"},
        {"row": 7, "decision": "exit", "decision_note": None},
    ]


def test_changes_made_while_a_save_runs_stay_unsaved() -> None:
    s = TriageSession(partners())
    s.decide(4, "exit")
    written, state = s.log, s.snapshot()
    s.decide(5, "casual")  # while the save runs
    s.mark_saved(written, state)
    assert s.dirty
    assert [c.row for c in s.log] == [5]


def test_rescore_keeps_decisions_notes_and_undo() -> None:
    s = TriageSession(
        partners(), pl.DataFrame({"row": [6], "decision": ["casual"], "decision_note": ["old"]})
    )
    s.decide(5, "exit")
    s.set_note(4, "renew")
    again = (
        partners()
        .with_columns(score=pl.Series([10.0, 95.0, 70.0, 55.0]))
        .sort("score", descending=True)
    )
    s.rescore(again)
    assert names(s, s.view()) == ["Globex", "acme labs", "Initech", "Acme"]
    assert (s.state(5), s.state(4), s.state(6)) == (
        ("exit", ""),
        (None, "renew"),
        ("casual", "old"),
    )
    globex = s.partner(s.position(5))
    assert (globex["score"], globex["decision"]) == (95.0, "exit")
    assert s.partner(s.position(4))["decision_note"] == "renew"
    assert s.dirty and [c.row for c in s.log] == [5, 4]
    s.undo()
    s.undo()
    assert s.partner(s.position(5))["decision"] is None and not s.dirty
    with pytest.raises(ValueError, match="not those of this session"):
        s.rescore(again.head(3))


def test_filters_and_sort() -> None:
    s = TriageSession(partners())
    assert names(s, s.view()) == ["Acme", "acme labs", "Initech", "Globex"]
    assert names(s, s.view(sort=Sort("partner", False))) == [
        "Acme",
        "acme labs",
        "Globex",
        "Initech",
    ]
    assert names(s, s.view(Filters(flag="VAGUE_AGENDA"))) == ["Initech", "Globex"]
    assert names(s, s.view(Filters(mismatches=True))) == ["acme labs", "Globex"]
    assert names(s, s.view(Filters(designated="none"))) == ["acme labs"]
    assert names(s, s.view(Filters(rows=(4, 7)))) == ["Acme", "Initech"]
    s.decide(7, "exit")
    assert names(s, s.view(Filters(decision="exit"))) == ["Initech"]
    assert "Initech" not in names(s, s.view(Filters(decision=UNDECIDED)))
    # tiers sort by rank, not alphabetically
    assert names(s, s.view(sort=Sort("recommended_tier", False)))[0] == "Acme"


def test_search_is_case_insensitive_within_the_view() -> None:
    s = TriageSession(partners())
    view = s.view()
    assert [names(s, view)[i] for i in s.matches(view, "ACME")] == ["Acme", "acme labs"]
    assert s.matches(view, "zzz") == []


def test_unknown_decision_is_refused() -> None:
    with pytest.raises(ValueError):
        TriageSession(partners()).decide(4, "platinum")


def test_journal_replays_the_last_state_and_skips_a_torn_line(tmp_path) -> None:
    out = tmp_path / "t.tierwise.xlsx"
    j = Journal(out)
    assert j.path == journal_path(out) and not j.exists()
    j.append(Entry(4, "Acme", "exit", "", "2026-10-31T10:00:00"))
    j.append(Entry(4, "Acme", "casual", "note", "2026-10-31T10:01:00"))
    with j.path.open("a") as fh:
        fh.write('{"row": 5, "decis')
    (final,) = j.final_states()
    assert (final.row, final.decision, final.note) == (4, "casual", "note")
    j.delete()
    assert not j.exists()


ODD_LINES = [
    '{"row": 1e999, "decision": "exit"}',  # inf
    '{"row": -1e999}',
    '{"row": NaN, "decision": "exit"}',
    '{"row": Infinity}',
    '{"row": 5.0, "decision": "exit"}',
    '{"row": 5.5}',
    '{"row": true, "decision": "exit"}',
    '{"row": "5", "decision": "exit"}',
    '{"row": null}',
    '{"row": 0}',
    '{"row": -3}',
    '{"row": 99999999999999999999999999999999}',
    '{"row": ' + "9" * 5000 + "}",  # past Python's int-from-text limit
    '{"row": 5, "decision": "platinum"}',  # not a decision: restoring it would raise
    '{"row": 5, "decision": 3}',
    '{"row": 5, "decision": ["exit"]}',
    '{"row": 5, "note": 12}',
    '{"row": 5, "note": {"a": 1}}',
    '{"row": 5, "partner": ["x"]}',
    '{"row": 5, "when": 1730000000}',
    '{"decision": "exit"}',
    '[5, "exit"]',
    '"row"',
    "5",
    "null",
    "[" * 100_000 + "]" * 100_000,  # deeper than the JSON parser recurses
    "{not json}",
]


def test_journal_skips_odd_json_and_counts_it(tmp_path) -> None:
    j = Journal(tmp_path / "t.tierwise.xlsx")
    j.append(Entry(4, "Acme", "exit", "", "2026-10-31T10:00:00"))
    with j.path.open("ab") as fh:
        for line in ODD_LINES:
            fh.write(line.encode() + b"\n")
        fh.write(b'{"row": 6, "note": "bad \xff utf-8"}\n')
        # a note that holds line separators other than newline stays one entry
        fh.write('{"row": 7, "decision": null, "note": "a\u2028b\x85c"}\n'.encode())
    entries = j.read()
    assert [(e.row, e.decision, e.note) for e in entries] == [
        (4, "exit", ""),
        (7, None, "a\u2028b\x85c"),
    ]
    assert j.skipped == len(ODD_LINES) + 1
    assert [e.row for e in j.final_states()] == [4, 7]


def test_journal_of_binary_junk_reads_as_empty(tmp_path) -> None:
    j = Journal(tmp_path / "t.tierwise.xlsx")
    j.path.write_bytes(bytes(range(256)) * 4)
    assert j.read() == [] and j.skipped >= 1


def test_journal_keeps_the_last_applied_rubric_apart_from_the_decisions(tmp_path) -> None:
    j = Journal(tmp_path / "t.tierwise.xlsx")
    j.append(Entry(4, "Acme", "exit", "", "2026-10-31T10:00:00"))
    j.append(RubricEntry("[score]\nbest_motivation_weight = 1\n", "2026-10-31T10:01:00"))
    j.append(RubricEntry("[score]\nbest_motivation_weight = 0.5\n", "2026-10-31T10:02:00"))
    with j.path.open("a") as fh:
        fh.write('{"rubric": 12, "when": "x"}\n')  # not TOML text: damaged
    assert [e.row for e in j.read()] == [4]
    assert j.rubric == RubricEntry("[score]\nbest_motivation_weight = 0.5\n", "2026-10-31T10:02:00")
    assert j.skipped == 1
    j.rewrite([], j.rubric)  # a rubric alone is worth keeping
    assert j.read() == [] and j.rubric is not None and j.skipped == 0
    j.rewrite([])
    assert not j.exists()
