"""Finding a tracker's header row and mapping its headers to canonical fields.

Headers are compared normalised: case, spacing, punctuation and units such as "($)",
"(days)" or "%" are ignored. A header is read from one row, or from two when a group
header ("Revenue") spans sub-headers ("Target", "Pipeline") below it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from tierwise.io.columns import PREFIX

# How far below the top of a sheet a header row is looked for (title rows, notes...).
HEADER_SEARCH_ROWS: Final = 30

# Unit words dropped from the end of a header ("Sales cycle days" -> "sales cycle").
_UNIT_WORDS: Final = (
    "days",
    "day",
    "weeks",
    "usd",
    "eur",
    "gbp",
    "pct",
    "percent",
    "count",
    "qty",
    "amount",
    "value",
)
_PARENS: Final = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NON_WORD: Final = re.compile(r"[^0-9a-z]+")


def normalise(header: str) -> str:
    """ "Sales Cycle (days)" -> "sales cycle days"; case, punctuation and spacing folded."""
    text = header.casefold().replace("&", " and ").replace("#", " ")
    return _NON_WORD.sub(" ", text).strip()


def header_keys(header: str) -> list[str]:
    """The normalised forms a header is looked up by, most specific first."""
    keys = [normalise(header)]
    keys.append(normalise(_PARENS.sub(" ", header)))
    for key in list(keys):
        words = key.split()
        while len(words) > 1 and words[-1] in _UNIT_WORDS:
            words = words[:-1]
            keys.append(" ".join(words))
        if len(words) > 2 and words[:2] in (["no", "of"], ["number", "of"]):
            keys.append(" ".join(words[2:]))
    return [k for i, k in enumerate(keys) if k and k not in keys[:i]]


def alias_index(aliases: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """normalised alias -> field. The field's own name is always an alias of itself."""
    index: dict[str, str] = {}
    for field, names in aliases.items():
        for name in [*names, field.replace("_", " ")]:
            index.setdefault(normalise(name), field)
    return index


def field_of(header: str, index: Mapping[str, str]) -> str | None:
    """The field a header names, if any."""
    for key in header_keys(header):
        if key in index:
            return index[key]
    return None


def is_tierwise(header: str) -> bool:
    """Tierwise's own columns of an annotated workbook ("Tierwise: score")."""
    return header.strip().casefold().startswith(PREFIX.casefold())


@dataclass(frozen=True)
class Header:
    """The header found on a sheet: one text per grid column (None where blank)."""

    row: int  # 0-based index into the grid of the (last) header row
    rows: int  # 1, or 2 for a group header over sub-headers
    texts: list[str | None]
    score: int  # distinct fields it maps


def _cell(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _joined(group: Sequence[str | None], sub: Sequence[str | None]) -> list[str | None]:
    """A group header filled across the blanks to its right (under which sub-headers
    stand) and joined with them: "Revenue" over "Target" -> "Revenue / Target"."""
    texts: list[str | None] = []
    current: str | None = None
    for g, s in zip(group, sub, strict=True):
        if s is not None and is_tierwise(s):
            # Tierwise's own columns stand alone on the last header row: never grouped.
            texts.append(s)
            current = None
            continue
        if g is not None:
            current = g
        elif s is None:
            current = None  # a gap ends the group
        if s is None:
            texts.append(g)
        elif current is None:
            texts.append(s)
        else:
            texts.append(f"{current} / {s}")
    return texts


def _score(
    texts: Iterable[str | None], index: Mapping[str, str], memo: dict[str, str | None]
) -> int:
    fields = set()
    for text in texts:
        # Long texts are notes or data, never headers; skip them cheaply.
        if text is None or len(text) > 80 or is_tierwise(text):
            continue
        if text not in memo:
            field = field_of(text, index)
            if field is None and " / " in text:
                field = field_of(text.rsplit(" / ", 1)[1], index)
            memo[text] = field
        if memo[text] is not None:
            fields.add(memo[text])
    # The partner column counts double: it is the one a tracker cannot do without.
    return len(fields) + ("partner" in fields)


def find_header(grid: Sequence[Sequence[object]], index: Mapping[str, str]) -> Header | None:
    """The row (or pair of rows) among the first rows of `grid` whose texts best match
    the aliases; None when no row maps anything."""
    rows = [[_cell(v) for v in row] for row in grid[: HEADER_SEARCH_ROWS + 1]]
    memo: dict[str, str | None] = {}
    singles = [_score(row, index, memo) for row in rows]
    best: Header | None = None
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if all(v is None for v in row):
            continue
        candidates = [Header(i, 1, row, singles[i])]
        if i + 1 < len(rows) and any(v is not None for v in rows[i + 1]):
            pair = _joined(row, rows[i + 1])
            # A pair must beat its lower row alone: a title above a header adds
            # nothing and must not be glued onto it.
            score = _score(pair, index, memo)
            if score > singles[i + 1]:
                candidates.append(Header(i + 1, 2, pair, score))
        for cand in candidates:
            if cand.score > 0 and (best is None or cand.score > best.score):
                best = cand
    return best


def header_at(grid: Sequence[Sequence[object]], row: int, rows: int = 1) -> Header:
    """The header at a known 0-based grid row (from a stored set-up)."""
    last = [_cell(v) for v in grid[row]] if row < len(grid) else []
    texts = _joined([_cell(v) for v in grid[row - 1]], last) if rows == 2 and row > 0 else last
    return Header(row, rows, texts, 0)


def map_headers(
    headers: Sequence[str],
    index: Mapping[str, str],
    overrides: Mapping[str, str] | None = None,
) -> tuple[dict[str, str], list[str], list[str]]:
    """Map headers (as written, unique) to fields.

    Returns (mapping header -> field, unmapped headers, notes about headers that also
    looked like an already-mapped field). Overrides ({header: field}, matched as
    written or normalised) win over aliases; each field is taken by one column only.
    """
    overrides = overrides or {}
    by_norm = {normalise(h): h for h in headers}
    forced: dict[str, str] = {}
    for written, wanted in overrides.items():
        target = written if written in headers else by_norm.get(normalise(written))
        if target is not None:
            forced[target] = wanted
    taken = set(forced.values())
    mapping: dict[str, str] = {}
    unmapped: list[str] = []
    notes: list[str] = []
    for header in headers:
        if header in forced:
            mapping[header] = forced[header]
            continue
        field = field_of(header, index)
        if field is None and " / " in header:
            field = field_of(header.rsplit(" / ", 1)[1], index)
        if field is not None and field not in taken:
            mapping[header] = field
            taken.add(field)
            continue
        if field is not None:
            notes.append(f"column '{header}' also looks like {field}; the first one is used")
        unmapped.append(header)
    return mapping, unmapped, notes


def missing_overrides(headers: Sequence[str], overrides: Mapping[str, str]) -> list[str]:
    """Override headers that name no column."""
    norms = {normalise(h) for h in headers}
    return [h for h in overrides if h not in headers and normalise(h) not in norms]
