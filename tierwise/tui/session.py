"""A triage session: the scored partners, the user's decisions and notes, undo/redo, and
the filtered, sorted view the table shows. No Textual here, so it is cheap to test.

The polars frame `table` stays the source of truth (one row per partner, in score
order, plus `decision`, `decision_note` and `_pos`, the row's position in `table`). The
app never copies partners into widgets: it asks for a `view` (positions into `table`)
and the table widget renders only the rows on screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import polars as pl

from tierwise.fields import ACTIONS, DECISIONS, TIERS
from tierwise.io.working_copy import states_frame

# Sort keys: tiers and decisions sort by rank, not alphabetically.
_TIER_RANK = {t: i for i, t in enumerate((*TIERS, "exit"))}
_ACTION_RANK = {a: i for i, a in enumerate(ACTIONS)}
SORTABLE: tuple[str, ...] = (
    "partner",
    "partner_type",
    "designated_tier",
    "recommended_tier",
    "decision",
    "action",
    "score",
    "share",
    "access",
    "speed",
    "ecosystem",
    "flags",
    "row",
)
UNDECIDED = "undecided"
# What scoring adds to a listed partner (pipeline.Reading.listed), null until it is in.
_SCORED: dict[str, pl.DataType] = {
    "recommended_tier": pl.String(),
    "action": pl.String(),
    "score": pl.Float64(),
    "share": pl.Float64(),
    "access": pl.Float64(),
    "speed": pl.Float64(),
    "ecosystem": pl.Float64(),
    "flags": pl.List(pl.String),
}


@dataclass(frozen=True)
class Filters:
    """What the table is narrowed to. `rows` is a drill-down (worksheet rows) named `label`."""

    designated: str | None = None
    recommended: str | None = None
    decision: str | None = None  # a decision, or UNDECIDED
    action: str | None = None
    flag: str | None = None
    mismatches: bool = False
    changed: bool = False  # only partners that changed since the last saved review
    rows: tuple[int, ...] | None = None
    label: str = ""

    @property
    def active(self) -> bool:
        return self != Filters()

    def describe(self) -> str:
        """One line for the status bar, e.g. "designated=strategic, flag=EXEC_LUNCH"."""
        parts = [
            f"{name}={value}"
            for name, value in (
                ("designated", self.designated),
                ("recommended", self.recommended),
                ("decision", self.decision),
                ("action", self.action),
                ("flag", self.flag),
            )
            if value
        ]
        if self.mismatches:
            parts.append("designated≠recommended")
        if self.changed:
            parts.append("changed since last review")
        if self.rows is not None:
            parts.append(self.label or f"{len(self.rows)} partners")
        return ", ".join(parts)


@dataclass(frozen=True)
class Sort:
    column: str = "score"
    descending: bool = True


@dataclass(frozen=True)
class Change:
    """One undoable change to a partner's decision and note."""

    row: int
    partner: str
    before: tuple[str | None, str]  # (decision, note)
    after: tuple[str | None, str]
    when: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))


class TriageSession:
    """Decisions and notes over one scored tracker."""

    def __init__(
        self,
        partners: pl.DataFrame,
        decisions: pl.DataFrame | None = None,
        past: pl.DataFrame | None = None,
        *,
        scored: bool = True,
    ) -> None:
        """`past`: `row`, `past` and `changed` (see review.past_of), joined onto the table.
        `scored=False`: `partners` are only listed (`row`, `partner`, `partner_type`,
        `designated_tier`) while scoring runs; `rescore` brings the scores in."""
        self._past = past
        self.scored = scored
        if not scored:
            partners = partners.with_columns(
                pl.lit(None, dtype).alias(name) for name, dtype in _SCORED.items()
            )
        restored: dict[int, tuple[str | None, str]] = {}
        if decisions is not None and decisions.height:
            for r, d, n in decisions.select("row", "decision", "decision_note").iter_rows():
                d = d if d in DECISIONS else None
                if d or n:
                    restored[int(r)] = (d, n or "")
        self._state: dict[int, tuple[str | None, str]] = dict(restored)
        self._set_partners(partners)
        self._saved: dict[int, tuple[str | None, str]] = dict(restored)
        self._undo: list[Change] = []
        self._redo: list[Change] = []
        self._log: list[Change] = []  # changes since the last save, in order

    def _set_partners(self, partners: pl.DataFrame) -> None:
        """Make `partners` the table, with the current decisions and notes joined on."""
        table = partners.with_row_index("_pos").with_columns(pl.col("_pos").cast(pl.Int64))
        state = self._state
        # Whole-column work: a 50,000-partner tracker opens without a Python loop over it.
        kept = pl.DataFrame(
            {
                "row": list(state),
                "decision": [s[0] for s in state.values()],
                "decision_note": [s[1] or None for s in state.values()],
            },
            schema={"row": pl.Int64, "decision": pl.String, "decision_note": pl.String},
        )
        kept = kept.with_columns(pl.col("row").cast(table.schema["row"]))
        self.table = table.join(kept, on="row", how="left", maintain_order="left")
        if self._past is not None:
            past = self._past.with_columns(pl.col("row").cast(table.schema["row"]))
            self.table = self.table.join(past, on="row", how="left", maintain_order="left")
        else:
            self.table = self.table.with_columns(changed=pl.lit(None, pl.Boolean))
        self._lower_names = self.table["partner"].fill_null("").str.to_lowercase()
        self._pos_of_row = dict(
            zip(self.table["row"].to_list(), range(self.table.height), strict=True)
        )

    def rescore(self, partners: pl.DataFrame, past: pl.DataFrame | None = None) -> None:
        """Replace the scored partners (the scores of listed partners arriving, or the
        same tracker scored with another rubric), and each one's `past` if given;
        decisions, notes, undo and the unsaved log are kept. Positions change: callers
        ask for a new `view`."""
        rows = set(partners["row"].to_list())
        if rows != set(self._pos_of_row):
            raise ValueError("rescore: the partners are not those of this session")
        if past is not None:
            self._past = past
        self._set_partners(partners)
        self.scored = True

    # -- reading ---------------------------------------------------------------------
    def __len__(self) -> int:
        return self.table.height

    def position(self, row: int) -> int:
        return self._pos_of_row[row]

    def partner(self, pos: int) -> dict[str, Any]:
        return self.table.row(pos, named=True)

    def state(self, row: int) -> tuple[str | None, str]:
        """(decision, note) of the partner at worksheet `row`."""
        return self._state.get(row, (None, ""))

    @property
    def dirty(self) -> bool:
        """True when decisions or notes differ from what was last saved (or restored)."""
        return self._live() != self._live(self._saved)

    @property
    def decided(self) -> int:
        return sum(1 for d, _ in self._state.values() if d)

    def _live(self, state: dict[int, tuple[str | None, str]] | None = None) -> dict:
        state = self._state if state is None else state
        return {r: s for r, s in state.items() if s[0] or s[1]}

    def decisions_frame(self) -> pl.DataFrame:
        """`row`, `decision`, `decision_note` for every partner restored or changed here.

        A cleared decision stays in the frame as null, so that writing it over an
        annotated workbook clears the decision saved there.
        """
        return states_frame(self._state)

    @property
    def log(self) -> list[Change]:
        """The changes made since the last save (undone ones removed)."""
        return list(self._log)

    # -- changing --------------------------------------------------------------------
    def decide(self, row: int, decision: str | None) -> Change | None:
        """Set the decision of the partner at `row`; None if it already had it."""
        if decision is not None and decision not in DECISIONS:
            raise ValueError(f"unknown decision {decision!r}")
        before = self.state(row)
        return self._change(row, before, (decision, before[1]))

    def set_note(self, row: int, note: str) -> Change | None:
        before = self.state(row)
        return self._change(row, before, (before[0], note.strip()))

    def _change(self, row: int, before: tuple, after: tuple) -> Change | None:
        if before == after:
            return None
        change = Change(row, self.partner(self.position(row))["partner"] or "", before, after)
        self._apply(row, after)
        self._undo.append(change)
        self._redo.clear()
        self._log.append(change)
        return change

    def undo(self) -> Change | None:
        if not self._undo:
            return None
        change = self._undo.pop()
        self._apply(change.row, change.before)
        self._redo.append(change)
        if change in self._log:
            self._log.remove(change)
        return change

    def redo(self) -> Change | None:
        if not self._redo:
            return None
        change = self._redo.pop()
        self._apply(change.row, change.after)
        self._undo.append(change)
        self._log.append(change)
        return change

    def _apply(self, row: int, state: tuple[str | None, str]) -> None:
        self._state[row] = state
        pos = self._pos_of_row[row]
        self.table[pos, "decision"] = state[0]
        self.table[pos, "decision_note"] = state[1] or None

    def snapshot(self) -> dict[int, tuple[str | None, str]]:
        """Every partner's (decision, note) now: what a save started now will write."""
        return dict(self._state)

    def unsaved_rows(self) -> set[int]:
        """Rows whose decision or note differs from what was last saved (or restored)."""
        saved = self._saved
        return {r for r, s in self._state.items() if s != saved.get(r, (None, ""))} | {
            r for r, s in saved.items() if s != self._state.get(r, (None, ""))
        }

    def adopt(self, states: dict[int, tuple[str | None, str]]) -> None:
        """Take `states` as saved (decisions read from the working copy, or another
        session's merged in): not a change of this session, so not undoable nor logged."""
        for row, state in states.items():
            if row in self._pos_of_row:
                self._apply(row, state)
                self._saved[row] = state

    def mark_saved(
        self,
        upto: list[Change] | None = None,
        state: dict[int, tuple[str | None, str]] | None = None,
    ) -> None:
        """Record `state` (default: now) as saved; `upto` is the log that was written.
        Changes made while a save ran stay unsaved."""
        self._saved = dict(self._state if state is None else state)
        written = upto if upto is not None else self._log
        self._log = [c for c in self._log if c not in written]

    # -- viewing ---------------------------------------------------------------------
    def view(self, filters: Filters = Filters(), sort: Sort = Sort()) -> list[int]:
        """Positions into `table` of the partners `filters` keep, in `sort` order."""
        frame = self.table.lazy()
        for expr in _filter_exprs(filters):
            frame = frame.filter(expr)
        key = _sort_key(sort.column)
        frame = frame.sort(
            [key, pl.col("row")],
            descending=[sort.descending, False],
            nulls_last=True,
        )
        return frame.select("_pos").collect()["_pos"].to_list()

    def matches(self, view: list[int], text: str) -> list[int]:
        """Indexes into `view` of partners whose name contains `text` (any case)."""
        if not text:
            return []
        names = self._lower_names.gather(pl.Series(view, dtype=pl.Int64))
        return names.str.contains(text.lower(), literal=True).arg_true().to_list()


def _filter_exprs(f: Filters) -> list[pl.Expr]:
    exprs: list[pl.Expr] = []
    if f.designated:
        exprs.append(_eq_or_null("designated_tier", f.designated))
    if f.recommended:
        exprs.append(pl.col("recommended_tier") == f.recommended)
    if f.decision == UNDECIDED:
        exprs.append(pl.col("decision").is_null())
    elif f.decision:
        exprs.append(pl.col("decision") == f.decision)
    if f.action:
        exprs.append(pl.col("action") == f.action)
    if f.flag:
        exprs.append(pl.col("flags").list.contains(f.flag))
    if f.mismatches:
        exprs.append(pl.col("designated_tier").fill_null("casual") != pl.col("recommended_tier"))
    if f.changed:
        exprs.append(pl.col("changed").fill_null(False))
    if f.rows is not None:
        exprs.append(pl.col("row").is_in(list(f.rows)))
    return exprs


def _eq_or_null(column: str, value: str) -> pl.Expr:
    # "none" picks partners the tracker gives no tier.
    return pl.col(column).is_null() if value == "none" else pl.col(column) == value


def _sort_key(column: str) -> pl.Expr:
    if column in ("designated_tier", "recommended_tier", "decision"):
        return pl.col(column).replace_strict(_TIER_RANK, default=None, return_dtype=pl.Int64)
    if column == "action":
        return pl.col(column).replace_strict(_ACTION_RANK, default=None, return_dtype=pl.Int64)
    if column == "flags":
        return pl.col("flags").list.len()
    if column == "partner":
        return pl.col("partner").str.to_lowercase()
    return pl.col(column)
