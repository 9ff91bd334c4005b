"""What a triage save writes when the output already holds decisions: this session's
changes merged, partner by partner, with what the working copy holds now.

Another session (or a person in Excel) may have saved the output since this session
read it. Partners only one side changed keep that side's decision; a partner both
changed differently is a conflict, shown to the user to choose. Nothing the working
copy holds is dropped because this session did not load it.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from tierwise.io.identity import Refused, Roster, partner_key
from tierwise.io.working_copy import State, WorkingCopy, carry

NONE: State = (None, "")


@dataclass(frozen=True)
class Conflict:
    """A partner this session and the working copy both changed, differently."""

    row: int
    partner: str
    key: str
    mine: State
    theirs: State


@dataclass(frozen=True)
class Merge:
    states: dict[int, State]  # row -> what to write
    taken: dict[int, State]  # rows where the working copy's state replaces the session's
    conflicts: list[Conflict]
    refused: list[Refused]
    keys: dict[int, str]  # row -> partner identity

    def written(self) -> dict[str, State]:
        """What the output holds after the save, by partner identity."""
        return {self.keys[r]: s for r, s in self.states.items() if s != NONE}


def row_key(roster: Roster, row: int) -> str:
    return partner_key(roster.name(row)) or f"row {row}"


def merge(
    state: dict[int, State],
    mine: set[int],
    copy: WorkingCopy | None,
    base: dict[str, State] | None,
    partners: pl.DataFrame,
) -> Merge:
    """Merge `state` (the session's decisions; `mine`: rows it changed since its last
    save) with `copy` (the output as it is now). `base` is what the output held, by
    identity, when this session last read or wrote it (None: never)."""
    roster = Roster(partners)
    keys = {r: row_key(roster, r) for r in partners["row"].to_list()}
    if copy is None:
        return Merge(dict(state), {}, [], [], keys)
    carried = carry(copy, partners)
    theirs = carried.states
    base = base or {}
    states: dict[int, State] = {}
    taken: dict[int, State] = {}
    conflicts: list[Conflict] = []
    for row in sorted(set(state) | set(theirs) | set(mine)):
        m, t = state.get(row, NONE), theirs.get(row, NONE)
        b = base.get(keys.get(row, f"row {row}"), NONE)
        if row in mine:
            if t not in (b, m):
                conflicts.append(Conflict(row, roster.name(row) or "", keys[row], m, t))
            states[row] = m
        else:
            states[row] = t if (t != b or t != NONE) else m
            if states[row] != m:
                taken[row] = states[row]
    return Merge(states, taken, conflicts, carried.refused, keys)
