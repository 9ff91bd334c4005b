"""Which partner of one quarter's tracker is which partner of the next: matching by name.

Names are compared by a key that ignores case, accents, punctuation, spacing and legal
suffixes ("Acme Inc." and "ACME, Inc" are both "acme"). A key found once on each side is
a match. Anything less clear is never guessed: a name found more often on one side
(a duplicate, or a partner split into two rows under one name), or one side's name
being the start of the other's ("Globex" then "Globex EMEA" and "Globex APAC") is
reported as ambiguous and left out of the comparison. The same name found as often on
both sides is paired in row order, and reported too.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Final

import polars as pl

# Legal forms dropped from the end of a name (after punctuation became spaces, so
# "S.A." is "sa" and "Pty. Ltd." is "pty ltd").
LEGAL_SUFFIXES: Final = (
    "inc",
    "incorporated",
    "ltd",
    "limited",
    "llc",
    "llp",
    "lp",
    "plc",
    "corp",
    "corporation",
    "co",
    "company",
    "gmbh",
    "ag",
    "kg",
    "se",
    "sa",
    "sas",
    "sarl",
    "srl",
    "spa",
    "bv",
    "nv",
    "oy",
    "ab",
    "as",
    "asa",
    "pty",
    "pte",
    "kk",
)
_SUFFIX_RUN: Final = r"(?:\s+(?:and|" + "|".join(LEGAL_SUFFIXES) + r"))+$"
# The shortest key that may stand for a longer one ("ab" is no prefix worth reporting).
_MIN_PREFIX: Final = 3


def name_key(name: pl.Expr) -> pl.Expr:
    """The matching key of a partner name: lower case, accents and punctuation gone,
    "&" read as "and", legal suffixes dropped (unless nothing else is left)."""
    words = (
        name.str.normalize("NFKD")
        .str.replace_all(r"\p{M}", "")
        .str.to_lowercase()
        .str.replace_all("&", " and ")
        .str.replace_all(r"[.'’]", "")
        .str.replace_all(r"[^\p{L}\p{N}]+", " ")
        .str.strip_chars()
    )
    bare = words.str.replace(_SUFFIX_RUN, "")
    return pl.when(bare.str.len_chars() > 0).then(bare).otherwise(words)


@dataclass(frozen=True)
class Ambiguity:
    """Rows of the two sides that may be the same partners but are not paired (or, for
    `paired`, were paired in row order), and why."""

    old: list[tuple[int, str]]  # (row, name as written)
    new: list[tuple[int, str]]
    reason: str
    paired: bool = False

    def to_json(self) -> dict:
        return {
            "old": [{"row": r, "partner": p} for r, p in self.old],
            "new": [{"row": r, "partner": p} for r, p in self.new],
            "reason": self.reason,
            "paired": self.paired,
        }


@dataclass(frozen=True)
class Matching:
    """pairs: `old_row`, `new_row` of every partner found on both sides.
    added / removed: the rows found on one side only (and in no ambiguity).
    ambiguous: what could not be paired with confidence."""

    pairs: pl.DataFrame
    added: pl.Series
    removed: pl.Series
    ambiguous: list[Ambiguity]


def _keyed(frame: pl.DataFrame) -> pl.DataFrame:
    return (
        frame.select("row", pl.col("partner").cast(pl.String))
        .with_columns(key=name_key(pl.col("partner")))
        .filter(pl.col("key").str.len_chars() > 0)
        .sort("row")
        .with_columns(n=pl.len().over("key"), nth=pl.int_range(pl.len()).over("key"))
    )


def match_partners(old: pl.DataFrame, new: pl.DataFrame) -> Matching:
    """Pair the partners of `old` and `new` (each with `row` and `partner`) by name key."""
    a, b = _keyed(old), _keyed(new)
    joined = a.join(b, on="key", how="inner", suffix="_new")
    pairs = joined.filter(pl.col("n") == pl.col("n_new"), pl.col("nth") == pl.col("nth_new"))
    ambiguous: list[Ambiguity] = []
    unsure = joined.filter((pl.col("n") != pl.col("n_new")) | (pl.col("n") > 1))["key"]
    if unsure.len():
        keys = pl.DataFrame({"key": unsure.unique(maintain_order=True)})
        sides = [
            keys.join(side, on="key", how="left")
            .group_by("key", maintain_order=True)
            .agg(pl.struct("row", "partner").alias(name))
            for side, name in ((a, "old"), (b, "new"))
        ]
        for _, olds, news in sides[0].join(sides[1], on="key").iter_rows():
            ambiguous.append(_ambiguity(olds, news))
    only_old = a.join(b, on="key", how="anti")
    only_new = b.join(a, on="key", how="anti")
    unsure_old, unsure_new, prefixed = _prefix_groups(only_old, only_new)
    ambiguous += prefixed
    left_old = unsure_old | set(joined["row"].to_list())
    left_new = unsure_new | set(joined["row_new"].to_list())
    return Matching(
        pairs=pairs.select(old_row="row", new_row="row_new"),
        added=b.filter(~pl.col("row").is_in(list(left_new)))["row"],
        removed=a.filter(~pl.col("row").is_in(list(left_old)))["row"],
        ambiguous=ambiguous,
    )


def _ambiguity(olds: list[dict], news: list[dict]) -> Ambiguity:
    """The rows of one name found a different number of times on the two sides, or
    more than once on each (then paired in row order)."""
    o = [(d["row"], d["partner"]) for d in olds]
    n = [(d["row"], d["partner"]) for d in news]
    if len(o) == len(n):
        return Ambiguity(
            o, n, f"the name appears {len(o)} times on each side: paired in row order", True
        )
    if len(o) == 1:
        reason = f"one row before, {len(n)} rows now (split, or a duplicate name)"
    elif len(n) == 1:
        reason = f"{len(o)} rows before, one row now (merged, or a duplicate name)"
    else:
        reason = f"{len(o)} rows before, {len(n)} rows now under one name"
    return Ambiguity(o, n, reason)


def _prefix_groups(
    only_old: pl.DataFrame, only_new: pl.DataFrame
) -> tuple[set[int], set[int], list[Ambiguity]]:
    """Unpaired names where one side's key is the other's first words ("globex" and
    "globex emea"), grouped: the rows involved on each side and one Ambiguity per group."""
    olds: dict[str, list[tuple[int, str]]] = defaultdict(list)
    news: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for row, partner, key in only_old.select("row", "partner", "key").iter_rows():
        olds[key].append((row, partner))
    for row, partner, key in only_new.select("row", "partner", "key").iter_rows():
        news[key].append((row, partner))
    # Each key's shorter forms: "globex emea west" -> "globex", "globex emea".
    links: dict[str, set[str]] = defaultdict(set)  # old key -> new keys, and back
    for mine, theirs, side in ((olds, news, "o"), (news, olds, "n")):
        for key in mine:
            words = key.split(" ")
            for i in range(1, len(words)):
                head = " ".join(words[:i])
                if len(head) >= _MIN_PREFIX and head in theirs:
                    o, n = (head, key) if side == "n" else (key, head)
                    links["o:" + o].add("n:" + n)
                    links["n:" + n].add("o:" + o)
    seen: set[str] = set()
    groups: list[Ambiguity] = []
    rows_old: set[int] = set()
    rows_new: set[int] = set()
    for start in sorted(links):
        if start in seen:
            continue
        group, todo = set(), [start]
        while todo:
            node = todo.pop()
            if node not in group:
                group.add(node)
                todo.extend(links[node])
        seen |= group
        o_rows = sorted(r for k in group if k[0] == "o" for r in olds[k[2:]])
        n_rows = sorted(r for k in group if k[0] == "n" for r in news[k[2:]])
        rows_old |= {r for r, _ in o_rows}
        rows_new |= {r for r, _ in n_rows}
        if len(o_rows) == 1 and len(n_rows) > 1:
            reason = f"one row before, {len(n_rows)} rows now whose names start with it (split?)"
        elif len(n_rows) == 1 and len(o_rows) > 1:
            reason = f"{len(o_rows)} rows before whose names start with one name now (merged?)"
        else:
            reason = "one name starts with the other (renamed, or a different partner?)"
        groups.append(Ambiguity(o_rows, n_rows, reason))
    return rows_old, rows_new, groups
