"""Typed cells as people type them, parsed as whole-column polars expressions.

Every parser takes a String expression (a column as read) and returns the typed
expression of a canonical field's kind (see `tierwise.fields`). A cell a parser cannot
read comes out null; `unread` tells such cells apart from blanks so the reader can
warn about them, quoting them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Final

import polars as pl

from tierwise.fields import ANNOUNCED_ON, FIELD_KINDS

if TYPE_CHECKING:
    from polars.expr.whenthen import ChainedThen, Then

# Cells people write to mean "nothing here" (compared lower-cased, stripped).
BLANKS: Final[tuple[str, ...]] = (
    "",
    "n/a",
    "na",
    "n.a.",
    "n.a",
    "-",
    "--",
    "---",
    "—",
    "–",
    "tbd",
    "tba",
    "tbc",
    "?",
    "??",
    "???",
    "none",
    "null",
    "nil",
    "not applicable",
    "unknown",
)

# Excel's error values: never read as a value, never silently blank (the reader warns,
# quoting the error and the cell).
EXCEL_ERRORS: Final[tuple[str, ...]] = (
    "#N/A",
    "#REF!",
    "#DIV/0!",
    "#VALUE!",
    "#NAME?",
    "#NULL!",
    "#NUM!",
    "#SPILL!",
    "#CALC!",
    "#GETTING_DATA",
)
_NOTHING: Final = (*BLANKS, *(e.lower() for e in EXCEL_ERRORS))

TRUE_WORDS: Final[tuple[str, ...]] = (
    "y",
    "yes",
    "true",
    "t",
    "x",
    "✓",
    "✔",
    "☑",
    "✅",
    "1",
    "1.0",
    "listed",
    "live",
    "done",
    "ok",
)
FALSE_WORDS: Final[tuple[str, ...]] = (
    "n",
    "no",
    "false",
    "f",
    "0",
    "0.0",
    "✗",
    "✘",
    "☐",
    "❌",
    "not listed",
    "unlisted",
    "not yet",
)

# Excel's day zero (serial 1 is 1900-01-01, with the 1900 leap-year bug folded in).
_EXCEL_EPOCH: Final = date(1899, 12, 30)
# Serial numbers read as dates only in a plausible range (1910..2100), so a stray "5"
# in a date column is a warning rather than 1900-01-04.
_SERIAL_MIN, _SERIAL_MAX = 3653, 73051

# Day first before month first: "15/03/2026" is unambiguous either way, and
# "03/04/2026" is read the way most of the world writes it. Two-digit years come first:
# "%Y" would read "15/03/26" as the year 26, while "%y" refuses "2026".
DATE_FORMATS: Final[tuple[str, ...]] = (
    "%d/%m/%y",
    "%d-%b-%y",
    "%d.%m.%y",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%b %d %Y",
    "%B %d %Y",
    "%d %b %Y",
    "%d %B %Y",
    "%d-%b-%Y",
    "%d %b, %Y",
)

_NUMBER: Final = r"(\d+(?:\.\d*)?|\.\d+)"
_MULTIPLIERS: Final[dict[str, float]] = {
    "k": 1e3,
    "thousand": 1e3,
    "thousands": 1e3,
    "m": 1e6,
    "mm": 1e6,
    "mn": 1e6,
    "mio": 1e6,
    "million": 1e6,
    "millions": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "billion": 1e9,
    "billions": 1e9,
}
# Currencies as ops teams write them (lower-cased) -> the name a warning gives them.
CURRENCY_NAMES: Final[dict[str, str]] = {
    "$": "$",
    "us$": "$",
    "usd": "$",
    "€": "€",
    "eur": "€",
    "£": "£",
    "gbp": "£",
    "¥": "¥",
    "jpy": "¥",
    "cny": "CNY",
    "rmb": "CNY",
    "₹": "₹",
    "inr": "₹",
    "chf": "CHF",
    "cad": "CAD",
    "c$": "CAD",
    "ca$": "CAD",
    "aud": "AUD",
    "a$": "AUD",
    "au$": "AUD",
    "nzd": "NZD",
    "nz$": "NZD",
    "sgd": "SGD",
    "s$": "SGD",
    "hkd": "HKD",
    "hk$": "HKD",
    "sek": "SEK",
    "nok": "NOK",
    "dkk": "DKK",
    "brl": "BRL",
    "r$": "BRL",
    "mxn": "MXN",
    "zar": "ZAR",
    "krw": "₩",
    "₩": "₩",
}
# Longest first: the regex takes the first alternative that matches ("us$" before "$").
CURRENCIES: Final = "|".join(re.escape(c) for c in sorted(CURRENCY_NAMES, key=len, reverse=True))
_DAY_UNITS: Final[dict[str, float]] = {
    "d": 1,
    "day": 1,
    "days": 1,
    "bd": 1,
    "w": 7,
    "wk": 7,
    "wks": 7,
    "week": 7,
    "weeks": 7,
    "mo": 30,
    "mos": 30,
    "month": 30,
    "months": 30,
    "y": 365,
    "yr": 365,
    "yrs": 365,
    "year": 365,
    "years": 365,
}

# partner_type: first pattern that matches wins (msp before service, isv before product).
PARTNER_TYPE_PATTERNS: Final[tuple[tuple[str, str], ...]] = (
    ("msp", r"\bmsps?\b|managed.?services?"),
    ("isv", r"\bisvs?\b|software.?vendor|software.?compan|independent.?software|\bsaas\b"),
    ("integrator", r"\b[grl]?sis?\b|integrator|integration.?partner"),
    ("consultancy", r"consult|advisory|\badvisor"),
    ("distributor", r"distribut|\bdisti\b|wholesal"),
    ("reseller", r"\bvars?\b|resell|solution.?provider|\bchannel\b"),
    ("product", r"\bproduct|\bhardware\b|\boem\b|\btechnology\b|\btech\b"),
    ("service", r"\bservices?\b|\bagency\b|\bsp\b"),
    ("other", r"\bother\b"),
)

_KIND_WORDS: Final[dict[str, str]] = {
    "money": "an amount",
    "count": "a number",
    "number": "a number",
    "percent": "a percentage",
    "days": "a number of days",
    "date": "a date",
    "bool": "yes or no",
    "announcement": "a date or yes/no",
    "markets": "a number or a list of markets",
    "category": "a known partner type",
}


def cleaned(text: pl.Expr) -> pl.Expr:
    """The cell stripped, with blank words ("n/a", "-", "TBD", ...) and Excel error
    values turned into nulls."""
    stripped = text.cast(pl.String).str.strip_chars()
    return pl.when(stripped.str.to_lowercase().is_in(_NOTHING)).then(None).otherwise(stripped)


def excel_error(text: pl.Expr) -> pl.Expr:
    """The Excel error value a cell holds ("#N/A"), upper-cased; null for any other cell."""
    upper = text.cast(pl.String).str.strip_chars().str.to_uppercase()
    return pl.when(upper.is_in(EXCEL_ERRORS)).then(upper)


# Each parser works on a whole column in stages, each stage a materialised column, so a
# regex runs once per cell however many times its result is used. A fast stage reads
# what spreadsheets store (numbers as "1200", dates as "2026-03-15"); only the cells it
# could not read go through the slower stages, the others being null there.


def _staged(column: pl.Series, *stages: dict[str, pl.Expr]) -> pl.DataFrame:
    frame = column.cast(pl.String).to_frame("cell")
    for stage in stages:
        frame = frame.with_columns(**stage)
    return frame


def _multiplier(word: pl.Expr, table: dict[str, float]) -> pl.Expr:
    return word.replace_strict(
        list(table), list(table.values()), default=None, return_dtype=pl.Float64
    )


def _plain_number(text: pl.Expr) -> pl.Expr:
    value = text.str.strip_chars().cast(pl.Float64, strict=False)
    return pl.when(value.is_finite()).then(value)


_CELL, _FAST, _REST, _PARTS = pl.col("cell"), pl.col("fast"), pl.col("rest"), pl.col("parts")


def _number_stages(column: pl.Series, squeeze: str, pattern: str) -> pl.DataFrame:
    """fast (a plain number), rest (the other cells, lower-cased, squeezed) and parts
    (sign, number, unit) of `pattern` matched on rest."""
    return _staged(
        column,
        {"fast": _plain_number(_CELL)},
        {
            "rest": pl.when(_FAST.is_null())
            .then(cleaned(_CELL))
            .str.to_lowercase()
            .str.replace_all(squeeze, "")
        },
        {"parts": _REST.str.extract_groups(pattern)},
    )


def _signed_value(factor: pl.Expr) -> pl.Expr:
    value = _PARTS.struct.field("2").cast(pl.Float64) * factor
    return pl.when(_PARTS.struct.field("1") == "-").then(-value).otherwise(value)


def _money_series(column: pl.Series) -> pl.Series:
    frame = _staged(
        column,
        {"fast": _plain_number(_CELL)},
        {
            "rest": pl.when(_FAST.is_null())
            .then(cleaned(_CELL))
            .str.to_lowercase()
            .str.replace_all(r"[\s\u00a0'’~]", "")
        },
        {"accounting": _REST.str.contains(r"^\(.*\)$")},
        {
            "rest": _REST.str.strip_prefix("(")
            .str.strip_suffix(")")
            .str.replace_all(CURRENCIES, "")
            # "2,5" is a decimal comma; "1,200" and "1,200,000" are thousands separators.
            .str.replace(r"^([-+]?\d+),(\d{1,2})([a-z]*)$", "$1.$2$3")
            .str.replace_all(",", "")
        },
        {"parts": _REST.str.extract_groups(rf"^([-+]?){_NUMBER}([a-z]*)$")},
    )
    unit = _PARTS.struct.field("3")
    value = _signed_value(pl.when(unit == "").then(1.0).otherwise(_multiplier(unit, _MULTIPLIERS)))
    value = pl.when(pl.col("accounting")).then(-value).otherwise(value)
    return frame.select(pl.coalesce(_FAST, value)).to_series()


def _number_series(column: pl.Series) -> pl.Series:
    frame = _number_stages(column, r"[\s\u00a0,'~]", rf"^([-+]?){_NUMBER}(k|m|[a-z]*)$")
    unit = _PARTS.struct.field("3")
    factor = pl.when(unit.is_in(["k", "m"])).then(_multiplier(unit, _MULTIPLIERS)).otherwise(1.0)
    return frame.select(pl.coalesce(_FAST, _signed_value(factor))).to_series()


def _days_series(column: pl.Series) -> pl.Series:
    frame = _number_stages(column, r"[\s\u00a0,~]", rf"^([-+]?){_NUMBER}([a-z]*)$")
    unit = _PARTS.struct.field("3")
    factor = pl.when(unit == "").then(1.0).otherwise(_multiplier(unit, _DAY_UNITS))
    return frame.select(pl.coalesce(_FAST, _signed_value(factor))).to_series()


def _percent_frame(column: pl.Series) -> pl.DataFrame:
    """`value` (the number, unit or not) and `plain` (where written without a unit)."""
    frame = _number_stages(
        column, r"[\s\u00a0,]", rf"^([-+]?){_NUMBER}(%|pp|pts?|points?|percent|pct)?$"
    )
    return frame.with_columns(
        value=pl.coalesce(_FAST, _signed_value(pl.lit(1.0))),
        plain=pl.coalesce(
            _FAST, pl.when(_PARTS.struct.field("3").is_null()).then(_signed_value(pl.lit(1.0)))
        ),
    )


# Whole-column test: every plain number within -1..1 and at least one fractional.
_FRACTIONS: Final = (pl.col("plain").abs().max() <= 1) & (
    pl.col("plain") != pl.col("plain").round()
).any()


def _percent_series(column: pl.Series) -> pl.Series:
    plain = pl.col("plain")
    # Rounded so 0.55 reads as 55, not 55.00000000000001.
    scaled = pl.when(plain.is_not_null() & _FRACTIONS).then((pl.col("value") * 100).round(9))
    return _percent_frame(column).select(scaled.otherwise(pl.col("value"))).to_series()


def _points_series(column: pl.Series) -> pl.Series:
    return _percent_frame(column).get_column("value")


def clearly_fractions(cells: pl.Series) -> bool:
    """Every number of a column written without a unit lies within -1..1 and one of
    them has a non-zero decimal part: the column probably holds fractions (0.05 for 5%)."""
    found = _percent_frame(cells.cast(pl.String)).select(_FRACTIONS).item()
    return bool(found)


# A column proves it writes the month first when one of its dates can only be read that
# way ("06/30/2026") and none can only be read day first ("30/06/2026"): its "10/02/2026"
# is then the 2nd of October, not the 10th of February.
_MONTH_FIRST: Final = ("%m/%d/%y", "%m/%d/%Y")
_ONLY_MONTH_FIRST: Final = r"^(0?[1-9]|1[0-2])/(1[3-9]|2\d|3[01])/\d{2}(\d{2})?$"
_ONLY_DAY_FIRST: Final = r"^(1[3-9]|2\d|3[01])[/.-](0?[1-9]|1[0-2])[/.-]\d{2}(\d{2})?$"


def _month_first(frame: pl.DataFrame) -> bool:
    found = frame.select(
        month=_REST.str.contains(_ONLY_MONTH_FIRST).any(),
        day=_REST.str.contains(_ONLY_DAY_FIRST).any(),
    )
    return bool(found.item(0, "month")) and not found.item(0, "day")


def _date_series(column: pl.Series) -> pl.Series:
    frame = _staged(
        column,
        {"fast": _CELL.str.strip_chars().str.to_date("%Y-%m-%d", strict=False)},
        {
            "rest": pl.when(_FAST.is_null())
            .then(cleaned(_CELL))
            .str.replace(r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$", "")
            .str.replace_all(r"\s+", " ")
            .str.replace(r"(\d)(st|nd|rd|th)\b", "$1")
        },
    )
    serial = _REST.str.extract(r"^(\d+(?:\.\d+)?)$").cast(pl.Float64)
    as_serial = pl.when(serial.is_between(_SERIAL_MIN, _SERIAL_MAX)).then(
        pl.lit(_EXCEL_EPOCH) + pl.duration(days=serial.floor().cast(pl.Int64))
    )
    order = _MONTH_FIRST + DATE_FORMATS if _month_first(frame) else DATE_FORMATS
    formats = [_REST.str.to_date(fmt, strict=False) for fmt in order]
    # A bare year ("Partner since: 2015") is the first of January of that year; as an
    # Excel serial it would be a day of 1905, outside the serial range read above.
    year = _REST.str.extract(r"^((?:19|20)\d\d)(?:\.0)?$").cast(pl.Int32)
    as_year = pl.when(year.is_not_null()).then(pl.date(year, 1, 1))
    return frame.select(pl.coalesce(_FAST, *formats, as_serial, as_year)).to_series()


def _per_value(
    parse_column: Callable[[pl.Series], pl.Series], dtype: pl.DataType
) -> Callable[[pl.Expr], pl.Expr]:
    """An expression that parses each distinct cell of a column once. Trackers repeat
    their values (types, tiers, yes/no, dates), so this is often far less work; every
    parser here reads a cell the same way whatever else the column holds, save percent's
    fraction test and the dates' month-first proof, which only look at the set of values."""

    def run(column: pl.Series) -> pl.Series:
        column = column.cast(pl.String)
        distinct = column.drop_nulls().unique()
        if len(distinct) * 2 > len(column):
            return parse_column(column)
        parsed = parse_column(distinct)
        return column.replace_strict(distinct, parsed, default=None, return_dtype=dtype)

    return lambda text: text.map_batches(run, return_dtype=dtype)


def money(text: pl.Expr) -> pl.Expr:
    """ "$1.2M", "1,200,000", "EUR 300k", "(1,000)", "-500 €" -> Float64."""
    return _per_value(_money_series, pl.Float64())(text)


def _currency_series(column: pl.Series) -> pl.Series:
    token = _CELL.str.to_lowercase().str.extract(f"({CURRENCIES})")
    named = token.replace_strict(
        list(CURRENCY_NAMES), list(CURRENCY_NAMES.values()), default=None, return_dtype=pl.String
    )
    return column.to_frame("cell").select(named).to_series()


def currency(text: pl.Expr) -> pl.Expr:
    """The currency an amount is written in, as `CURRENCY_NAMES` names it ("USD 1.2M" and
    "$1.2M" -> "$", "1.2M EUR" -> "€", "CHF 300k" -> "CHF"); null when it names none."""
    return _per_value(_currency_series, pl.String())(text)


def number(text: pl.Expr) -> pl.Expr:
    """A count or quantity: "12", "1,200", "1.5k", "3 integrations", "2 FTE" -> Float64."""
    return _per_value(_number_series, pl.Float64())(text)


def days(text: pl.Expr) -> pl.Expr:
    """ "12", "12 days", "3 weeks", "2 months" -> Float64 days."""
    return _per_value(_days_series, pl.Float64())(text)


def percent(text: pl.Expr) -> pl.Expr:
    """Percent points 0-100: "45%", "45", "+5pp"; a column of plain fractions (as Excel
    stores 45%: 0.45) is scaled by 100."""
    return _per_value(_percent_series, pl.Float64())(text)


def points(text: pl.Expr) -> pl.Expr:
    """Percent points read as typed: "0.5" is half a point, as are "0.5%" and "+0.5pp"
    (a share gain; see `clearly_fractions` for the warning on columns of fractions)."""
    return _per_value(_points_series, pl.Float64())(text)


def date_value(text: pl.Expr) -> pl.Expr:
    """Excel dates, serials and date strings ("2026-03-15", "15/03/2026", "Mar 15, 2026",
    "2026-03-15 00:00:00") -> Date."""
    return _per_value(_date_series, pl.Date())(text)


def boolean(text: pl.Expr) -> pl.Expr:
    """Y/N/Yes/No/x/TRUE/✓ ... -> Boolean."""
    s = cleaned(text).str.to_lowercase()
    return pl.when(s.is_in(TRUE_WORDS)).then(True).when(s.is_in(FALSE_WORDS)).then(False)


def _markets_series(column: pl.Series) -> pl.Series:
    counted = _staged(column, {"rest": cleaned(_CELL)}).select(
        _REST.str.replace_all(r"(?i)\s+and\s+|[;/&+|\n]", ",")
        .str.split(",")
        .list.eval(pl.element().str.strip_chars().filter(pl.element() != ""))
        .list.len()
        .cast(pl.Float64)
    )
    return pl.select(pl.coalesce(_number_series(column), counted.to_series())).to_series()


def markets(text: pl.Expr) -> pl.Expr:
    """A count ("3"), or names counted ("DACH, Nordics" -> 2)."""
    return _per_value(_markets_series, pl.Float64())(text)


def _partner_type_series(column: pl.Series) -> pl.Series:
    s = cleaned(_CELL).str.to_lowercase()
    known = known_partner_type(s)
    typed = pl.when(s.is_null()).then(None).otherwise(pl.coalesce(known, pl.lit("other")))
    return column.to_frame("cell").select(typed).to_series()


def partner_type(text: pl.Expr) -> pl.Expr:
    """Lower-cased and folded onto the contract's categories; anything else is "other"."""
    return _per_value(_partner_type_series, pl.String())(text)


def known_partner_type(s: pl.Expr) -> pl.Expr:
    """The contract's partner type a lower-cased cell names; null when it names none."""
    chain: Then | ChainedThen = pl.when(s.is_in([p for p, _ in PARTNER_TYPE_PATTERNS])).then(s)
    for name, pattern in PARTNER_TYPE_PATTERNS:
        chain = chain.when(s.str.contains(pattern)).then(pl.lit(name))
    return chain.otherwise(None)


def _announcement_series(column: pl.Series) -> pl.Series:
    dated = _date_series(column).is_not_null()
    said = pl.select(boolean(pl.lit(column))).to_series()
    return pl.select(pl.when(pl.lit(dated)).then(True).otherwise(pl.lit(said))).to_series()


def announcement(value: pl.Expr) -> pl.Expr:
    """A press release: a date (announced, on that day) or yes/no -> Boolean."""
    return _per_value(_announcement_series, pl.Boolean())(value)


def text(value: pl.Expr) -> pl.Expr:
    """Free text, stripped; blank words become null."""
    return cleaned(value)


# Percent fields read as typed, never scaled from fractions: a share gain of 0.5 is half
# a point, not 50 (a fraction is a share of something; a gain in points has no whole).
AS_TYPED: Final = ("share_gain",)

_PARSERS: Final[dict[str, Callable[[pl.Expr], pl.Expr]]] = {
    "text": text,
    "label": text,
    "category": partner_type,
    "money": money,
    "count": number,
    "number": number,
    "percent": percent,
    "days": days,
    "markets": markets,
    "bool": boolean,
    "date": date_value,
    "announcement": announcement,
}


def parse(field: str, value: pl.Expr) -> pl.Expr:
    """The typed expression of a canonical field, from its cells as text."""
    if field in AS_TYPED:
        return points(value)
    return _PARSERS[FIELD_KINDS[field]](value)


def announced_on(value: pl.Expr) -> pl.Expr:
    """The date of an announcement cell that holds one (the `announced_on` column)."""
    return date_value(value).alias(ANNOUNCED_ON)


def unread(field: str, value: pl.Expr, typed: pl.Expr) -> pl.Expr:
    """True where a cell holds something that is not blank yet could not be read, given
    its typed value: a partner type read as "other" without saying so, or any other
    cell left null though not blank."""
    written = cleaned(value)
    if FIELD_KINDS[field] == "category":
        said_other = written.str.to_lowercase().str.contains(r"\bother\b")
        return (typed == "other") & ~said_other
    return written.is_not_null() & typed.is_null()


def expected(field: str) -> str:
    """How a warning describes what a field's cell should hold ("an amount")."""
    return _KIND_WORDS.get(FIELD_KINDS[field], "text")
