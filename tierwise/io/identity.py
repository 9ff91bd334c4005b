"""Which partner a saved decision belongs to: its name, normalised, with the row as a hint.

Decisions, notes and journal lines outlive the worksheet rows they were made on: a row
inserted above, or a sort, moves every partner down. So each one is matched back to a
partner by name (case, punctuation and spacing ignored), and the row only settles which
of several partners with that name it was. When neither the name nor the row can say,
the decision is refused with both named, never given to another partner.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

import polars as pl

_NOT_WORD: Final = re.compile(r"[\W_]+")


def partner_key(name: object) -> str:
    """A partner's identity: "ACME  Analytics, Inc." and "acme analytics inc" are one."""
    if name is None:
        return ""
    text = unicodedata.normalize("NFKC", str(name)).casefold()
    return " ".join(_NOT_WORD.sub(" ", text).split())


@dataclass(frozen=True)
class Refused:
    """A decision that could not be given to a partner: the one it was made for (`partner`
    at `row`), and who stands at that row now (None: the row is gone)."""

    row: int
    partner: str
    now: str | None

    def __str__(self) -> str:
        if self.now is None:
            return f"{self.partner!r} (row {self.row}) is no longer in the tracker"
        return (
            f"{self.partner!r} was at row {self.row}, which now holds {self.now!r}, "
            f"and no other row holds {self.partner!r}"
        )


class Roster:
    """The partners of a tracker as read now (`row`, `partner`), to place saved decisions."""

    def __init__(self, partners: pl.DataFrame) -> None:
        self._name: dict[int, str] = {}
        self._rows: dict[str, list[int]] = defaultdict(list)
        for row, name in partners.select("row", "partner").iter_rows():
            self._name[int(row)] = "" if name is None else str(name)
            self._rows[partner_key(name)].append(int(row))

    def name(self, row: int) -> str | None:
        return self._name.get(row)

    def place(self, row: int, partner: str) -> int | Refused:
        """The row now holding the partner a decision was made for at `row`."""
        key = partner_key(partner)
        now = self._name.get(row)
        if not key:  # no name was recorded: the row is all there is
            return row if now is not None else Refused(row, partner, None)
        if now is not None and partner_key(now) == key:
            return row
        candidates = self._rows.get(key, [])
        if len(candidates) == 1:
            return candidates[0]
        if candidates:  # the same name on several rows: the one nearest the hint
            return min(candidates, key=lambda r: (abs(r - row), r))
        return Refused(row, partner, now)

    def place_all(self, items: Iterable[tuple[int, str]]) -> tuple[dict[int, int], list[Refused]]:
        """Each (row, partner) -> its row now; the ones that cannot be placed, refused."""
        placed: dict[int, int] = {}
        refused: list[Refused] = []
        for row, partner in items:
            where = self.place(row, partner)
            if isinstance(where, Refused):
                refused.append(where)
            else:
                placed[row] = where
        return placed, refused


def refused_line(refused: list[Refused], what: str = "decision") -> str:
    """One line for the user about decisions that were not placed."""
    first = str(refused[0])
    more = f" (and {len(refused) - 1} more)" if len(refused) > 1 else ""
    noun = what if len(refused) == 1 else f"{what}s"
    return f"{len(refused)} {noun} not carried over: {first}{more}"
