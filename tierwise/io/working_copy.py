"""The annotated workbook already at an output path: the team's working copy.

`tierwise score tracker.xlsx` and `tierwise triage tracker.xlsx` write
`tracker.tierwise.xlsx`; people then type decisions and notes into it, and triage
sessions append to its Log. Writing that output again must carry all of it forward,
never start it over. `read_copy` reads what a workbook at the output holds, and
`carry` gives its decisions to the partners of the tracker being written, by identity
(tierwise.io.identity), naming any it cannot place.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from tierwise.errors import TierwiseError
from tierwise.io.identity import Refused, Roster, partner_key
from tierwise.io.log import LogEntry, read_log

State = tuple[str | None, str]  # (decision, note)


def counted(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def file_stamp(path: Path) -> tuple[int, int] | None:
    """What "changed on disk" is judged by: modification time and size (None: absent)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


@dataclass(frozen=True)
class WorkingCopy:
    """What the workbook at `path` held when read (`stamp`): each partner's decision and
    note, by (row, partner name), and its Log rows. `ours` is False for a workbook
    Tierwise never wrote (no Tierwise sheet or column in it)."""

    path: Path
    stamp: tuple[int, int] | None
    decisions: dict[tuple[int, str], State] = field(default_factory=dict)
    log: list[LogEntry] = field(default_factory=list)
    ours: bool = True

    @property
    def held(self) -> bool:
        """Whether it holds anything a new output must keep."""
        return bool(self.decisions or self.log)

    def describe(self) -> str:
        """ "3 decisions and 3 log rows" (notes without a decision count as decisions)."""
        d, n = len(self.decisions), len(self.log)
        return f"{d} decision{'s' * (d != 1)} and {n} log row{'s' * (n != 1)}"

    def by_key(self) -> dict[str, State]:
        """Decisions by partner identity (for comparing two reads of one workbook)."""
        return {partner_key(p) or f"row {r}": s for (r, p), s in self.decisions.items()}


def read_copy(path: Path, allow_large: bool = False) -> WorkingCopy | None:
    """What the workbook at `path` holds; None when there is no file there.
    TierwiseError when Tierwise wrote it but it cannot be read now."""
    from tierwise.io.reader import read_tracker
    from tierwise.io.target import written_by_tierwise

    path = Path(path)
    stamp = file_stamp(path)
    if stamp is None or not path.is_file():
        return None
    if not written_by_tierwise(path):  # (read from the package's directory only)
        return WorkingCopy(path, stamp, ours=False)
    try:
        tracker = read_tracker(path, allow_large=allow_large)
    except TierwiseError as err:  # earlier work we cannot read must not be written over
        raise TierwiseError(
            f"{path} holds earlier Tierwise work but cannot be read ({err}); write to another file"
        ) from None
    log = read_log(path)
    names = tracker.frame.select("row", "partner")
    joined = tracker.decisions.join(names, on="row", how="left")
    decisions = {
        (int(r), p or ""): (d, n or "")
        for r, d, n, p in joined.select("row", "decision", "decision_note", "partner").iter_rows()
        if d or n
    }
    return WorkingCopy(path, stamp, decisions, log)


@dataclass(frozen=True)
class Carried:
    """An earlier output's decisions placed on the partners being written now."""

    states: dict[int, State]  # row now -> (decision, note)
    refused: list[Refused]


def states_frame(states: dict[int, State]) -> pl.DataFrame:
    """`row`, `decision`, `decision_note` (a note "" as null), as the writer takes them."""
    rows = sorted(states)
    return pl.DataFrame(
        {
            "row": rows,
            "decision": [states[r][0] for r in rows],
            "decision_note": [states[r][1] or None for r in rows],
        },
        schema={"row": pl.Int64, "decision": pl.String, "decision_note": pl.String},
    )


def carry(copy: WorkingCopy, partners: pl.DataFrame) -> Carried:
    """`copy`'s decisions, each on the row its partner holds in `partners` now."""
    roster = Roster(partners)
    placed, refused = roster.place_all(copy.decisions)
    states = {placed[key[0]]: copy.decisions[key] for key in copy.decisions if key[0] in placed}
    return Carried(states, refused)


@dataclass(frozen=True)
class CarryForward:
    """What a new output of a tracker keeps from the annotated workbook already there."""

    decisions: pl.DataFrame | None  # to write (the tracker's own decisions win)
    log: list[LogEntry]  # Log rows to append after the tracker's own
    note: str  # "kept 3 decisions and 3 log rows from tracker.tierwise.xlsx", or ""


def carry_forward(partners: pl.DataFrame, own: pl.DataFrame, src: Path, out: Path) -> CarryForward:
    """Decisions and Log rows of the workbook at `out` that a new output of `src` (whose
    `partners` hold `own` decisions) must keep. TierwiseError when one of them cannot be
    placed on a partner (naming both): writing would drop it."""
    from tierwise.io.identity import refused_line
    from tierwise.io.log import new_rows

    copy = read_copy(out)
    if copy is None or not copy.ours or not copy.held:
        return CarryForward(None, [], "")
    carried = carry(copy, partners.select("row", "partner"))
    if carried.refused:
        raise TierwiseError(
            f"{refused_line(carried.refused)} from {out}: it would be lost; "
            "write to another -o, or move that decision by hand"
        )
    theirs = {
        int(r): (d, n or "")
        for r, d, n in own.select("row", "decision", "decision_note").iter_rows()
        if d or n
    }
    states = {r: s for r, s in carried.states.items() if r not in theirs}
    clashes = sum(1 for r, s in carried.states.items() if r in theirs and theirs[r] != s)
    log = new_rows(read_log(src), copy.log)
    if not states and not log:
        return CarryForward(None, [], "")
    kept = f"{counted(len(states), 'decision')} and {counted(len(log), 'log row')}"
    note = f"kept {kept} from {out.name}"
    if clashes:
        note += f"; {counted(clashes, 'partner')} decided otherwise in {src.name}: kept those"
    return CarryForward(states_frame(states) if states else None, log, note)
