"""Merging a triage session's decisions with what the output holds now (tui/merge.py)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from tierwise.io.working_copy import WorkingCopy
from tierwise.tui.merge import NONE, merge

PARTNERS = pl.DataFrame({"row": [2, 3, 4, 5], "partner": ["Acme", "Globex", "Initech", "Hooli"]})


def copy(**decisions: tuple[str | None, str]) -> WorkingCopy:
    rows = {"Acme": 2, "Globex": 3, "Initech": 4, "Hooli": 5}
    return WorkingCopy(Path("out.xlsx"), (1, 1), {(rows[p], p): s for p, s in decisions.items()})


def test_without_a_file_the_session_is_written_as_it_is() -> None:
    done = merge({2: ("exit", "")}, {2}, None, None, PARTNERS)
    assert done.states == {2: ("exit", "")} and not done.conflicts


def test_each_sides_changes_are_kept_and_a_clash_is_a_conflict() -> None:
    base = {"acme": ("casual", "")}  # what the file held when this session read it
    now = copy(Acme=("casual", ""), Globex=("exit", "theirs"), Initech=("tactical", ""))
    state = {2: ("casual", ""), 4: ("strategic", ""), 5: ("exit", "")}
    done = merge(state, {4, 5}, now, base, PARTNERS)
    assert done.states[3] == ("exit", "theirs")  # only they changed Globex
    assert done.states[5] == ("exit", "")  # only this session changed Hooli
    assert done.taken == {3: ("exit", "theirs")}  # Initech waits for the user
    (conflict,) = done.conflicts
    assert (conflict.partner, conflict.mine, conflict.theirs) == (
        "Initech",
        ("strategic", ""),
        ("tactical", ""),
    )


def test_a_decision_they_cleared_is_cleared_unless_this_session_changed_it() -> None:
    base = {"acme": ("exit", ""), "globex": ("casual", "")}
    now = copy()  # both cleared in the file since
    state = {2: ("exit", ""), 3: ("strategic", "")}
    done = merge(state, {3}, now, base, PARTNERS)
    assert done.states[2] == NONE and done.taken == {2: NONE}
    assert done.conflicts[0].partner == "Globex"


def test_the_same_change_on_both_sides_is_no_conflict() -> None:
    done = merge({2: ("exit", "")}, {2}, copy(Acme=("exit", "")), {}, PARTNERS)
    assert not done.conflicts and done.states == {2: ("exit", "")}
