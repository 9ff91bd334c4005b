"""Text helpers shared by the rules: blank and vague text, regexes from rubric lists,
and money and numbers written the way a biz-dev lead reads them ($1.2M, $250k)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import polars as pl


def normalised(text: pl.Expr) -> pl.Expr:
    """Lower-cased, trimmed, inner whitespace collapsed."""
    return text.str.to_lowercase().str.strip_chars().str.replace_all(r"\s+", " ")


def is_blank(text: pl.Expr, blank_words: Iterable[str]) -> pl.Expr:
    """Null, or one of the rubric's blank words ("", "TBD", "?")."""
    words = sorted({" ".join(w.lower().split()) for w in blank_words})
    return text.is_null() | text.str.strip_chars().str.to_lowercase().is_in(words)


def words_pattern(words: Iterable[str]) -> str | None:
    """A case-insensitive regex matching any of `words` at a word start; short words
    (three letters or fewer, e.g. "uk", "us") must be whole words."""
    parts = []
    for word in sorted({w.strip().lower() for w in words if w.strip()}, key=len, reverse=True):
        escaped = re.escape(word)
        if word[0].isalnum():
            escaped = r"(?-u:\b)" + escaped
        if len(word) <= 3 and word[-1].isalnum():
            escaped += r"(?-u:\b)"
        parts.append(escaped)
    return "(?i)(?:" + "|".join(parts) + ")" if parts else None


def contains_any(text: pl.Expr, words: Iterable[str]) -> pl.Expr:
    """True where `text` mentions any of `words` (False for null text)."""
    pattern = words_pattern(words)
    if pattern is None:
        return pl.lit(False)
    return text.str.contains(pattern).fill_null(False)


def number_text(value: pl.Expr, decimals: int = 2) -> pl.Expr:
    """12 -> "12", 0.25 -> "0.25", 1.50 -> "1.5" (no trailing zeros)."""
    # A float always prints with a "." here (values stay far below exponent notation),
    # so trailing zeros and then a bare "." can be stripped without a regex.
    text = value.cast(pl.Float64).round(decimals).cast(pl.String)
    return text.str.strip_chars_end("0").str.strip_chars_end(".")


def money_text(value: pl.Expr) -> pl.Expr:
    """Money as $1.2M / $250k / $900; a blank cell reads as $0."""
    v = value.fill_null(0.0)
    size = v.abs()
    unit = (
        pl.when(size >= 999_950_000)
        .then(pl.lit(1e9))
        .when(size >= 999_950)
        .then(pl.lit(1e6))
        .when(size >= 1_000)
        .then(pl.lit(1e3))
        .otherwise(pl.lit(1.0))
    )
    suffix = unit.replace_strict({1e9: "B", 1e6: "M", 1e3: "k", 1.0: ""}, return_dtype=pl.String)
    scaled = pl.when(unit == 1.0).then(size.round(0)).otherwise((size / unit).round(1))
    sign = pl.when(v < 0).then(pl.lit("-$")).otherwise(pl.lit("$"))
    return sign + number_text(scaled, 1) + suffix


def sentence(text: pl.Expr) -> pl.Expr:
    """The text with its first letter upper-cased (null stays null, "" becomes null)."""
    return pl.when(text.str.len_chars() > 0).then(
        text.str.slice(0, 1).str.to_uppercase() + text.str.slice(1)
    )


def quoted(text: pl.Expr, limit: int = 60) -> pl.Expr:
    """'text' in quotes, cut at `limit` characters."""
    text = text.str.replace_all("\n", " ", literal=True)
    cut = (
        pl.when(text.str.len_chars() > limit)
        .then(text.str.slice(0, limit - 1) + pl.lit("…"))
        .otherwise(text)
    )
    return pl.lit("'") + cut + pl.lit("'")


def fmt_number(value: float | None, decimals: int = 2) -> str:
    """12.0 -> "12", 0.25 -> "0.25", 1.50 -> "1.5"."""
    if value is None:
        return "-"
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def fmt_money(value: float | None) -> str:
    """Money as $1.2M / $250k / $900 (None reads as $0)."""
    v = value or 0.0
    sign = "-$" if v < 0 else "$"
    size = abs(v)
    if size >= 999_950_000:
        return f"{sign}{fmt_number(size / 1e9, 1)}B"
    if size >= 999_950:
        return f"{sign}{fmt_number(size / 1e6, 1)}M"
    if size >= 1_000:
        return f"{sign}{fmt_number(size / 1e3, 1)}k"
    return f"{sign}{size:.0f}"


def and_join(items: list[str]) -> str:
    """["a", "b", "c"] -> "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def or_join(items: list[str]) -> str:
    """["a", "b", "c"] -> "a, b or c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


UNIT_SEPARATOR = "\x1f"  # never typed in a cell, so safe to split on


def text_list(parts: Sequence[pl.Expr | str]) -> pl.Expr:
    """The non-null strings of `parts` as a List(String), in order. (Joining and splitting
    is several times faster than concat_list + drop_nulls on wide lists of strings.)"""
    if not parts:
        return pl.lit([], pl.List(pl.String))
    joined = pl.concat_str(parts, separator=UNIT_SEPARATOR, ignore_nulls=True)
    return (
        pl.when(joined.str.len_bytes() == 0)
        .then(pl.lit([], pl.List(pl.String)))
        .otherwise(joined.str.split(UNIT_SEPARATOR))
    )
