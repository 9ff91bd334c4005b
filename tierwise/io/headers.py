"""Finding a tracker's header row and mapping its headers to canonical fields.

Headers are compared normalised: case, spacing, punctuation and units such as "($)",
"(days)" or "%" are ignored. A header is read from one row, or from two when a group
header ("Revenue") spans sub-headers ("Target", "Pipeline") below it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from tierwise.fields import FIELD_KINDS
from tierwise.io import tokens
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
_NON_WORD: Final = re.compile(r"[^0-9a-z]+")


def normalise(header: str) -> str:
    """ "Sales Cycle (days)" -> "sales cycle days"; case, punctuation and spacing folded."""
    text = header.casefold().replace("&", " and ").replace("#", " ")
    return _NON_WORD.sub(" ", text).strip()


def header_keys(header: str) -> list[str]:
    """The normalised forms a header is looked up by exactly, most specific first."""
    keys = [normalise(header)]
    keys.append(normalise(tokens.BRACKETED.sub(" ", header)))
    for key in list(keys):
        words = key.split()
        while len(words) > 1 and words[-1] in _UNIT_WORDS:
            words = words[:-1]
            keys.append(" ".join(words))
        if len(words) > 2 and words[:2] in (["no", "of"], ["number", "of"]):
            keys.append(" ".join(words[2:]))
    return [k for i, k in enumerate(keys) if k and k not in keys[:i]]


# How a mapping was made, strongest first (docs/CONTRACT.md `source.confidence`; a
# profile's mapping is "user" there, as the contract fixes it).
EXACT, TOKEN, CONTAINED, PARTIAL = "exact", "token", "contained", "partial"
SPELLING, VALUES, FALLBACK, USER = "spelling", "values", "fallback", "user"
PROFILE = "profile"
# A header that is an alias of a field keeps it against a detected profile's suggestion
# for the same field: "Target market" is the target market, whatever the profile says
# of "Industry". The profile wins over every looser match.
_RANK: Final = {USER: 7, EXACT: 6, PROFILE: 5, TOKEN: 4, CONTAINED: 3, PARTIAL: 2, SPELLING: 1}
# Weights of an exact match: a field's own name or first alias ("Target market") names
# it more surely than its other aliases ("Industry").
_OWN_NAME, _ALIAS = 100, 99
# Close spelling: headers this long, each word within one typo (two past 8 letters).
_SPELLING_MIN_LENGTH: Final = 6


def _spelt_alike(words: Sequence[str], alias: Sequence[str]) -> bool:
    """Word by word, a typo away: "Parnter Name" ~ "partner name", but "Partner ID" is
    not "partner kind" (short words must be spelt right)."""
    from rapidfuzz.distance import OSA

    if len(words) != len(alias) or list(words) == list(alias):
        return False
    for word, other in zip(words, alias, strict=True):
        if word == other:
            continue
        allowed = 2 if min(len(word), len(other)) > 8 else 1
        if min(len(word), len(other)) < 4 or OSA.distance(word, other) > allowed:
            return False
    return True


@dataclass(frozen=True)
class Match:
    """The field a header names, how it was found, and how much of the header it explains."""

    field: str | None
    confidence: str = ""
    weight: int = 0  # header words the field's aliases explain (breaks ties within a rank)
    tied: tuple[str, ...] = ()  # other fields that matched as well as `field` did
    reason: str = ""  # why a header that looks like a field was left unmapped

    @property
    def rank(self) -> tuple[int, int]:
        return (_RANK.get(self.confidence, 0), self.weight)


_NO_MATCH: Final = Match(None)


class AliasIndex:
    """Every alias of every field, looked up exactly, by tokens, by containment and by
    close spelling (in that order; see `match`)."""

    def __init__(self, aliases: Mapping[str, Sequence[str]]) -> None:
        self.exact: dict[str, str] = {}
        self._own: dict[str, str] = {}  # a field's own name and first alias -> the field
        self._tokens: dict[frozenset[str], set[str]] = {}
        # Each alias's meaningful words, worked out once: the containment and partial
        # rules try every alias against every header-like text of the first rows.
        self._decides: dict[frozenset[str], frozenset[str]] = {}
        self._deciders: set[str] = set()  # words that name a field on their own ("budget")
        for field, names in aliases.items():
            for name in [field.replace("_", " "), *names[:1]]:
                self._own.setdefault(normalise(name), field)
            for name in [*names, field.replace("_", " ")]:
                self._learn(name, field, replace=False)

    def add(self, name: str, field: str) -> None:
        """Teach the index a header the user mapped (it wins over any alias)."""
        self._learn(name, field, replace=True)

    def _learn(self, name: str, field: str, *, replace: bool) -> None:
        if replace:
            self.exact[normalise(name)] = field
        else:
            self.exact.setdefault(normalise(name), field)
        words = tokens.tokens(name)
        # An alias that is itself an abbreviation ("org") matches only as written: spelt
        # out, it would claim every header with the full word ("Partner Organization").
        if words and normalise(name) not in tokens.ABBREVIATIONS:
            self._tokens.setdefault(words, set()).add(field)
            decides = self._decides.setdefault(words, tokens.meaningful(words))
            if len(decides) == 1:
                self._deciders.update(decides)
        self._memo: dict[str, Match] = {}

    def match(self, header: str, *, spelling: bool = True) -> Match:
        """The field `header` names, best rule first: an exact alias, the same words in
        any order, an alias with only qualifiers left over ("Company Legal Name"), then
        a close spelling ("Parnter Name"). Two fields matching equally well is a tie:
        no field, the tie named."""
        key = f"{spelling}|{header}"
        if key not in self._memo:
            self._memo[key] = self._match(header, spelling)
        return self._memo[key]

    def _match(self, header: str, spelling: bool) -> Match:
        for key in header_keys(header):
            if key in self.exact:
                field = self.exact[key]
                weight = _OWN_NAME if self._own.get(key) == field else _ALIAS
                return self._checked(header, Match(field, EXACT, weight))
        words = tokens.tokens(header)
        if not words:
            return _NO_MATCH
        if words in self._tokens:
            return self._checked(header, _best(self._tokens[words], TOKEN, len(words)))
        found = self._contained(words)
        if found.field is not None or found.tied:
            return self._checked(header, found)
        reason = company_fact(words)
        if reason:
            return Match(None, reason=f"'{header}' {reason}")
        found = self._partial(words, header)
        if found.field is not None or found.tied:
            return self._checked(header, found)
        if spelling and len(normalise(header)) >= _SPELLING_MIN_LENGTH:
            return self._checked(header, self._close_spelling(normalise(header)))
        return _NO_MATCH

    def _contained(self, words: frozenset[str]) -> Match:
        needed = tokens.meaningful(words)
        if not needed:
            return _NO_MATCH
        covered: dict[str, set[str]] = {}
        for alias, fields in self._tokens.items():
            if alias <= words and self._decides[alias]:
                for field in fields:
                    covered.setdefault(field, set()).update(alias)
        fits = {f: len(c & words) for f, c in covered.items() if needed <= c}
        if not fits:
            return _NO_MATCH
        best = max(fits.values())
        return _best({f for f, n in fits.items() if n == best}, CONTAINED, best)

    def _partial(self, words: frozenset[str], header: str) -> Match:
        """An alias with one word of the header left that names no field on its own ("FTE
        allocated", "Certified people", "Co-marketing press release": a hyphenated word
        is one word): likely that field, said with less confidence. Never for the partner
        column (it has its own fallback), nor beside a contact word ("Owner Email" is not
        the owner)."""
        needed = tokens.meaningful(words)
        if needed & (CONTACT_WORDS | _OTHER_FIGURE_WORDS):
            return _NO_MATCH
        compounds = [tokens.tokens(w) for w in header.split() if "-" in w.strip("-")]
        fits: dict[str, int] = {}
        for alias, fields in self._tokens.items():
            if not alias <= words:
                continue
            decides = self._decides[alias]
            left = needed - decides
            one_word = len(left) == 1 or any(left and left <= c for c in compounds)
            # At most three words that decide: the alias's two and the one left.
            if decides and one_word and len(decides) <= 2 and not left & self._deciders:
                for field in fields - {"partner"}:
                    fits[field] = max(fits.get(field, 0), len(decides))
        if not fits:
            return _NO_MATCH
        best = max(fits.values())
        return _best({f for f, n in fits.items() if n == best}, PARTIAL, best)

    def _close_spelling(self, text: str) -> Match:
        words = text.split()
        fields = {
            field
            for name, field in self.exact.items()
            if len(name) >= _SPELLING_MIN_LENGTH and _spelt_alike(words, name.split())
        }
        return _best(fields, SPELLING, 1) if fields else _NO_MATCH

    def _checked(self, header: str, found: Match) -> Match:
        """A looser match stands unless the header is an identifier of a thing ("Account
        Number", "Owner ID") read as the thing, or revenue that does not say whose."""
        words = tokens.tokens(header)
        if (
            found.field is not None
            and found.confidence != EXACT
            and words & IDENTIFIER_WORDS
            and FIELD_KINDS[found.field] in ("text", "label", "category")
        ):
            return _NO_MATCH
        if (
            found.field == "closed_revenue"
            and found.confidence != EXACT
            and not tokens.tokens(header) & RELATIONSHIP_WORDS
        ):
            return Match(None, reason=f"'{header}' " + _ACCOUNT_REVENUE.format(header=header))
        return found


def _best(fields: set[str], confidence: str, weight: int) -> Match:
    if len(fields) == 1:
        return Match(next(iter(fields)), confidence, weight)
    return Match(None, confidence, weight, tied=tuple(sorted(fields)))


# Words of a way to reach someone: "Owner Email" is not the owner, "Partner Website" not
# the partner.
CONTACT_WORDS: Final = frozenset(
    {
        "email",
        "mail",
        "phone",
        "mobile",
        "fax",
        "website",
        "web",
        "url",
        "site",
        "address",
        "street",
        "city",
        "zip",
        "postcode",
        "postal",
        "linkedin",
        "twitter",
        "handle",
    }
)

# Words that make a header about something beside its alias: "Tier Change" is not the
# tier, "Previous Owner" not the owner.
_OTHER_FIGURE_WORDS: Final = frozenset(
    {
        "change",
        "changed",
        "delta",
        "growth",
        "increase",
        "decrease",
        "variance",
        "history",
        "description",
        "previous",
        "prior",
        "former",
        "old",
        "next",
        "requested",
        "proposed",
    }
)

# Words of an identifier: "Account Number" is not the account, "Owner ID" not the owner.
IDENTIFIER_WORDS: Final = frozenset(
    {"id", "number", "code", "key", "identifier", "uuid", "guid", "ref"}
)

# Revenue is revenue closed *with the partner* only when the header says so.
RELATIONSHIP_WORDS: Final = frozenset(
    {
        "closed",
        "won",
        "booking",
        "booked",
        "sourced",
        "influenced",
        "attributed",
        "joint",
        "partner",
        "co",
        "cosell",
        "referred",
        "referral",
        "us",
        "channel",
        "resold",
    }
)
_ACCOUNT_REVENUE: Final = (
    "reads as the account's own revenue, not revenue closed with the partner: left "
    'unmapped (if it is, map it with --map "{header}=closed_revenue")'
)
# Facts about the company itself (its size), not about the partnership.
_COMPANY_FACTS: Final = (
    frozenset({"revenue"}),
    frozenset({"sale"}),
    frozenset({"turnover"}),
    frozenset({"employee"}),
    frozenset({"company", "size"}),
    frozenset({"size"}),
    frozenset({"staff", "size"}),
    frozenset({"arr"}),
    frozenset({"market", "cap"}),
    frozenset({"market", "capitalisation"}),
    frozenset({"market", "capitalization"}),
)


def company_fact(words: frozenset[str]) -> str:
    """Why a header about the account's own size is left unmapped ("" if it is not one)."""
    needed = tokens.meaningful(words)
    if needed and any(needed == fact for fact in _COMPANY_FACTS):
        return "describes the company itself (its size), not the partnership: left unmapped"
    return ""


def alias_index(aliases: Mapping[str, Sequence[str]]) -> AliasIndex:
    """The index of every field's aliases (the field's own name is always one)."""
    return AliasIndex(aliases)


def field_of(header: str, index: AliasIndex) -> str | None:
    """The field a header names, if any."""
    return index.match(header).field


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


def _score(texts: Iterable[str | None], index: AliasIndex, memo: dict[str, str | None]) -> int:
    fields = set()
    for text in texts:
        # Long texts are notes or data, never headers; skip them cheaply.
        if text is None or len(text) > 80 or is_tierwise(text):
            continue
        if text not in memo:
            memo[text] = _grouped_match(text, index, spelling=False).field
        if memo[text] is not None:
            fields.add(memo[text])
    # The partner column counts double: it is the one a tracker cannot do without.
    return len(fields) + ("partner" in fields)


def _grouped_match(text: str, index: AliasIndex, *, spelling: bool = True) -> Match:
    """A header's match; of a joined "Group / Sub" header, the better of the whole and
    the sub-header alone (the sub-header when as good: it is the more specific)."""
    found = index.match(text, spelling=spelling)
    if " / " not in text:
        return found
    sub = index.match(text.rsplit(" / ", 1)[1], spelling=spelling)
    useful = sub.field is not None or sub.tied
    return sub if useful and sub.rank[0] >= found.rank[0] else found


def find_header(grid: Sequence[Sequence[object]], index: AliasIndex) -> Header | None:
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


def first_text_row(grid: Sequence[Sequence[object]]) -> Header | None:
    """When no row names a field: the first row of two or more short texts, none of
    them a number, with a filled row below it (a header Tierwise does not know)."""
    rows = [[_cell(v) for v in row] for row in grid[: HEADER_SEARCH_ROWS + 1]]
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        texts = [t for t in row if t is not None]
        below = i + 1 < len(rows) and any(v is not None for v in rows[i + 1])
        plain = all(len(t) <= 80 and not _NUMBER.match(t) for t in texts)
        if len(texts) >= 2 and plain and below:
            return Header(i, 1, row, 0)
    return None


_NUMBER: Final = re.compile(r"^[-+$€£]?\d[\d,.\s%]*$")


def header_at(grid: Sequence[Sequence[object]], row: int, rows: int = 1) -> Header:
    """The header at a known 0-based grid row (from a stored set-up)."""
    last = [_cell(v) for v in grid[row]] if row < len(grid) else []
    texts = _joined([_cell(v) for v in grid[row - 1]], last) if rows == 2 and row > 0 else last
    return Header(row, rows, texts, 0)


@dataclass
class Mapped:
    """Headers mapped to fields: how each was mapped, what was left, and why."""

    mapping: dict[str, str]  # header as written -> field, in sheet order
    confidence: dict[str, str]  # header -> EXACT, TOKEN, ... (docs/CONTRACT.md)
    unmapped: list[str]
    notes: list[str]  # ties, columns beaten to a field, company facts left unmapped
    order: list[str] = dataclasses.field(default_factory=list)  # every header, in sheet order
    profile: str = ""  # the mapping profile used, if any

    def place(self, header: str, field_name: str, confidence: str) -> None:
        """Map one more (unmapped) header, keeping sheet order."""
        self.mapping[header] = field_name
        self.confidence[header] = confidence
        self.mapping = {h: self.mapping[h] for h in self.order if h in self.mapping}
        self.confidence = {h: self.confidence[h] for h in self.mapping}
        self.unmapped = [h for h in self.unmapped if h != header]


def named(headers: Sequence[str], wanted: Mapping[str, str]) -> dict[str, str]:
    """{header as written: field} for each of `wanted`'s headers (matched as written or
    normalised) that stands among `headers`."""
    by_norm = {normalise(h): h for h in headers}
    found: dict[str, str] = {}
    for header, field_name in wanted.items():
        target = header if header in headers else by_norm.get(normalise(header))
        if target is not None:
            found.setdefault(target, field_name)
    return found


def map_headers(
    headers: Sequence[str],
    index: AliasIndex,
    overrides: Mapping[str, str] | None = None,
    *,
    profile: Mapping[str, str] | None = None,
    trust_profile: bool = False,
    fits: Callable[[str, str], bool] | None = None,
) -> Mapped:
    """Map headers (as written, unique) to fields.

    `overrides` ({header: field}, matched as written or normalised; "" keeps a column
    unmapped) are taken as they are. `profile` is a mapping profile's map (same shape):
    taken as it is when `trust_profile` (the user chose it), else (detected) checked like
    an alias, below an exact one. Each field is taken by one column only: the best match
    takes it (exact alias, then the profile, then same words, then alias contained, then
    close spelling; leftmost among equals, the others named in a note). `fits(header,
    field)` lets the caller veto a match whose values do not fit the field."""
    forced = named(headers, overrides or {})
    proposed = {h: f for h, f in named(headers, profile or {}).items() if h not in forced}
    chosen: dict[str, tuple[str, str]] = {h: (f, USER) for h, f in forced.items() if f}
    if trust_profile:
        chosen.update({h: (f, PROFILE) for h, f in proposed.items() if f})
    notes: list[str] = []
    candidates: list[tuple[tuple[int, int], int, str, Match]] = []
    for order, header in enumerate(headers):
        if header in forced or proposed.get(header) == "" or (trust_profile and header in proposed):
            continue
        found = (
            Match(proposed[header], PROFILE, _ALIAS)
            if header in proposed
            else _grouped_match(header, index)
        )
        if found.tied:
            notes.append(
                f"column '{header}' could be {' or '.join(found.tied)}; left unmapped "
                f'(say which with --map "{header}=FIELD")'
            )
        elif found.reason:
            notes.append(found.reason)
        elif found.field is not None:
            candidates.append((found.rank, -order, header, found))
    taken = {f for f, _ in chosen.values()}
    for _, _, header, found in sorted(candidates, key=lambda c: c[:2], reverse=True):
        field_name = found.field
        assert field_name is not None
        if field_name in taken:
            winner = next(h for h, (f, _) in chosen.items() if f == field_name)
            notes.append(f"column '{header}' also looks like {field_name}; '{winner}' is used")
            continue
        if fits is not None and not fits(header, field_name):
            continue
        chosen[header] = (field_name, found.confidence)
        taken.add(field_name)
    mapping = {h: chosen[h][0] for h in headers if h in chosen}
    return Mapped(
        mapping=mapping,
        confidence={h: chosen[h][1] for h in mapping},
        unmapped=[h for h in headers if h not in chosen],
        notes=notes,
        order=list(headers),
    )


def missing_overrides(headers: Sequence[str], overrides: Mapping[str, str]) -> list[str]:
    """Override headers that name no column."""
    norms = {normalise(h) for h in headers}
    return [h for h in overrides if h not in headers and normalise(h) not in norms]
