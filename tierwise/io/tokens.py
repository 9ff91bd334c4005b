"""Header words: a header cut into comparable tokens, and the units it names.

"AccountOwner", "account_owner", "Account Owner" and "Owner (Account)" all give the
tokens {account, owner}: camelCase and snake_case are split, Salesforce's `__c` dropped,
abbreviations expanded ("Rev" -> revenue, "Mgr" -> manager), plurals folded, and unit
words in brackets ("($k)", "(days)", "(QTD)") set aside.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Final

# Abbreviations as ops teams write them -> the word the aliases use.
ABBREVIATIONS: Final[dict[str, str]] = {
    "rev": "revenue",
    "revs": "revenue",
    "pipe": "pipeline",
    "exec": "executive",
    "execs": "executive",
    "mgr": "manager",
    "mngr": "manager",
    "acct": "account",
    "acc": "account",
    "org": "organisation",
    "organization": "organisation",
    "orgs": "organisation",
    "amt": "amount",
    "cert": "certification",
    "certs": "certification",
    "certified": "certification",
    "mkt": "market",
    "mkts": "market",
    "mktg": "marketing",
    "qty": "quantity",
    "no": "number",
    "num": "number",
    "nbr": "number",
    "avg": "average",
    "w": "with",
    "wo": "without",
    "yr": "year",
    "pct": "percent",
    "cust": "customer",
    "custs": "customer",
    "opp": "opportunity",
    "oppty": "opportunity",
    "opps": "opportunity",
    "tgt": "target",
    "fcst": "forecast",
    "dt": "date",
    "cnt": "count",
    "tot": "total",
    "ttl": "total",
    "mgmt": "management",
    "biz": "business",
    "dev": "development",
    "desc": "description",
    "comp": "company",
    "cmpny": "company",
    "svc": "service",
    "svcs": "service",
    "int": "integration",
    "wk": "week",
    "wks": "week",
    "mo": "month",
    "mos": "month",
    "yrs": "year",
    "hrs": "hour",
    "qual": "qualified",
    "vs": "versus",
    "prog": "program",
    "progr": "program",
    "ppl": "people",
    "hc": "headcount",
    # inflections the aliases do not spell
    "started": "start",
    "starting": "start",
    "signed": "sign",
}

# Words that say what kind of value a header holds, not what it is about: left over
# beside an alias they do not change the field ("Company Legal Name" is a company).
QUALIFIERS: Final[frozenset[str]] = frozenset(
    {
        "name",
        "date",
        "total",
        "current",
        "general",
        "our",
        "primary",
        "legal",
        "full",
        "official",
        "main",
        "overall",
        "actual",
        "value",
        "amount",
        "number",
        "count",
        "quantity",
        "currency",
        "latest",
        "estimated",
        "est",
        "joint",
        "partner",
        "partnership",
        "alliance",
        "dealer",
        "reseller",
        "vendor",
        "supplier",
        "distributor",
        "member",
        "membership",
        "channel",
        "affiliate",
        "program",
        "title",
        "field",
        "info",
        "detail",
        "level",
    }
)
# Filler words: never decide a field.
STOPWORDS: Final[frozenset[str]] = frozenset(
    {"a", "an", "and", "or", "of", "the", "to", "for", "by", "in", "on", "at", "with", "per"}
)
# Reporting periods ("Won Rev (QTD)", "Bookings FY26"): they scope a figure, not its field.
_PERIOD: Final = re.compile(
    r"^(ytd|qtd|mtd|fytd|ttm|ltm|fy|cy|h[12]|q[1-4]|quarter|quarterly|month|monthly|year|"
    r"yearly|annual|annually|lifetime|todate|(fy|cy|q[1-4]|h[12])?\d{2,4}|\d{2,4}(fy|ytd))$"
)
# Words of a unit or currency: dropped from the tokens (the scale is read separately).
_UNIT_WORDS: Final[frozenset[str]] = frozenset(
    {
        "usd",
        "eur",
        "gbp",
        "chf",
        "cad",
        "aud",
        "jpy",
        "inr",
        "sek",
        "dollar",
        "euro",
        "k",
        "m",
        "mm",
        "mn",
        "bn",
        "000",
        "000s",
        "thousand",
        "million",
        "mio",
        "percent",
        "pp",
        "kusd",
        "keur",
        "musd",
        "meur",
    }
)

_CAMEL: Final = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_WORD: Final = re.compile(r"[^\W_]+")
# Bracketed text: "(days)", "[USD]"; its inside is group 1 or 2.
BRACKETED: Final = re.compile(r"\(([^)]*)\)|\[([^\]]*)\]")


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _words(text: str) -> list[str]:
    text = re.sub(r"__c\b", " ", text)  # Salesforce custom field suffix
    text = text.replace("&", " and ").replace("#", " number ").replace("%", " percent ")
    text = text.replace("w/o", " without ").replace("w/", " with ").replace("'", "")
    text = _CAMEL.sub(" ", text)
    out = []
    for raw in _WORD.findall(text.casefold()):
        word = ABBREVIATIONS.get(raw, raw)
        out.append(ABBREVIATIONS.get(_singular(word), _singular(word)))
    return out


def is_filler(word: str) -> bool:
    """A word that may be left over beside an alias without changing the field."""
    return word in QUALIFIERS or word in STOPWORDS or bool(_PERIOD.match(word))


def _is_unit(word: str) -> bool:
    return word in _UNIT_WORDS or word in ("day", "week", "month", "hour", "fte")


@cache
def tokens(header: str) -> frozenset[str]:
    """The words a header is compared by, order-free ("Pipe Value ($k)" -> {pipeline,
    value}; "Name of Partner" -> {name, partner}). Bracketed text made only of units or
    periods is set aside; units and filler words elsewhere are dropped."""

    def keep(match: re.Match[str]) -> str:
        inner = _words(match.group(1) or match.group(2) or "")
        unit_only = all(_is_unit(w) or is_filler(w) for w in inner)
        return " " if unit_only else " " + " ".join(inner) + " "

    text = BRACKETED.sub(keep, header)
    return frozenset(w for w in _words(text) if w not in _UNIT_WORDS and w not in STOPWORDS)


def meaningful(words: frozenset[str]) -> frozenset[str]:
    """The words that decide a field (qualifiers, fillers and periods removed)."""
    return frozenset(w for w in words if not is_filler(w))


# Money scale named in a header: "($k)", "(k$)", "(000s)", "in thousands", "$M", "EUR m".
_THOUSANDS: Final = re.compile(
    r"(?i)(\$\s*k\b|\bk\s*\$|\(\s*k\s*\)|\bk(usd|eur|gbp)\b|\b(usd|eur|gbp)\s*k\b|"
    r"\(\s*['’]?000\s*'?s?\s*\)|['’]000s?|\b000s\b|\bin\s+thousands\b|\bthousands\b|"
    r"\b(usd|eur|gbp)\s*['’]?000s?\b)"
)
_MILLIONS: Final = re.compile(
    r"(?i)(\$\s*m{1,2}\b|\bm{1,2}\s*\$|\(\s*m{1,2}\s*\)|\bm(usd|eur|gbp)\b|"
    r"\b(usd|eur|gbp|€|£)\s*m{1,2}n?\b|\bin\s+millions\b|\bmillions?\b|\bmio\b|€\s*m\b|£\s*m\b)"
)


def money_scale(header: str) -> float:
    """What a money column's figures are multiplied by, from the units in its header
    ("Target ($k)" -> 1000); 1 when the header names no scale."""
    if _MILLIONS.search(header):
        return 1e6
    if _THOUSANDS.search(header):
        return 1e3
    return 1.0
