"""Tier labels as trackers write them, to the three tiers, through the rubric's [labels].

Shared by io (is a column's value a tier label?) and scoring (which tier does it name?),
so the reader's warnings and the scorer's tiers never disagree.

A label is first looked up whole, compared case- and space-insensitively ("Tier 1" ==
"tier1"), so a label the user lists is always theirs. Otherwise the generic words ops
teams wrap a label in are looked through: "Gold Partner", "Platinum Program Member",
"Level: Gold", "Tier 1 - Strategic", "Gold (2024)". Each part of the label left (split
at " - ", ":", "/", brackets, ...) must name one tier, and all the same one; a word the
label map does not know, or two tiers in one label ("Tier 1 - Gold"), leave the label
unknown: a warning quoting it, never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Final

import polars as pl

# Words around a label that name the programme, not the tier: looked through first...
_PROGRAMME_WORDS: Final = frozenset(
    {
        "partner",
        "partners",
        "partnership",
        "program",
        "programs",
        "programme",
        "programmes",
        "member",
        "members",
        "membership",
        "status",
        "badge",
    }
)
# ...then these, which stand before a tier's own name or number ("Tier Gold", "Level 2").
_RANK_WORDS: Final = frozenset({"tier", "level"})
# Where a label splits into parts: a spaced dash, colon, slash, bar, comma, brackets.
_PARTS: Final = re.compile(r"\s[-–—]+\s|[–—:/|,;()\[\]{}]")
# A year or a fiscal year beside a label ("Gold (2024)", "FY26 Platinum").
_YEARS: Final = re.compile(r"(?<![0-9a-z])(?:fy\s?\d{2,4}|(?:19|20)\d{2})(?![0-9a-z])")
_WORDS: Final = re.compile(r"[^\W_]+")
_KEY_DROP: Final = re.compile(r"[\s_\-]+")


def label_key(label: str) -> str:
    """A label as compared whole: lower case, no spaces, underscores or dashes."""
    return _KEY_DROP.sub("", label.lower())


class LabelMap:
    """The rubric's [labels] (tier -> labels) as a lookup. A label listed under two
    tiers means the first of them: list the user's own tiers first (`Rubric.labels`
    does) and theirs win."""

    def __init__(self, labels: Mapping[str, Sequence[str]]) -> None:
        self.table: dict[str, str] = {}
        for tier, names in labels.items():
            for name in names:
                self.table.setdefault(label_key(str(name)), tier)

    def tier_of(self, label: str) -> str | None:
        """The tier `label` names, or None when the label map does not know it."""
        whole = self.table.get(label_key(label))
        if whole is not None:
            return whole
        text = _YEARS.sub(" ", label.lower())
        tiers: set[str] = set()
        for part in _PARTS.split(text):
            said, tier = self._part(_WORDS.findall(part))
            if not said:
                continue
            if tier is None:
                return None
            tiers.add(tier)
        return tiers.pop() if len(tiers) == 1 else None

    def _part(self, words: list[str]) -> tuple[bool, str | None]:
        """(whether the part says anything beside the generic words, the tier it names)."""
        if not words:
            return False, None
        rest = [w for w in words if w not in _PROGRAMME_WORDS]
        bare = [w for w in rest if w not in _RANK_WORDS]
        for candidate in (words, rest, bare):
            tier = self.table.get("".join(candidate)) if candidate else None
            if tier is not None:
                return True, tier
        if not bare:
            return False, None
        # Each word a label of the same tier ("Tier 1 Strategic" -> 1, strategic).
        found = {self.table.get(w) for w in bare}
        if len(found) == 1 and None not in found:
            return True, found.pop()
        return True, None

    def tiers(self, labels: pl.Series) -> dict[str, str | None]:
        """Each distinct value of `labels` -> the tier it names (None: unknown)."""
        return {v: self.tier_of(v) for v in labels.drop_nulls().unique().to_list()}

    def tier_expr(self, column: pl.Expr, labels: pl.Series) -> pl.Expr:
        """`column` (holding the values of `labels`) as tiers; null where unknown."""
        return column.replace_strict(self.tiers(labels), default=None, return_dtype=pl.String)

    def known(self, labels: pl.Series) -> pl.Series:
        """True where a value is a label the map knows (null stays null)."""
        table = {v: t is not None for v, t in self.tiers(labels).items()}
        return labels.replace_strict(table, default=None, return_dtype=pl.Boolean)


# Unknown labels named in a warning, and places given for each.
SHOWN_LABELS: Final = 10
SHOWN_PLACES: Final = 3


def unknown_labels(found: Sequence[tuple[str, Sequence[str]]]) -> str:
    """Unknown labels with where they stand, for a warning: "'Provider' (F9), 'Gold
    Reseller' (F3, F7, F8, ...)"; past SHOWN_LABELS labels, how many more."""
    shown = []
    for label, places in found[:SHOWN_LABELS]:
        where = ", ".join(places[:SHOWN_PLACES]) + (", ..." if len(places) > SHOWN_PLACES else "")
        shown.append(f"{label!r} ({where})" if where else repr(label))
    more = len(found) - SHOWN_LABELS
    return ", ".join(shown) + (f" and {more:,} more" if more > 0 else "")
