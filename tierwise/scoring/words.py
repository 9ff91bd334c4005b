"""Text helpers shared by the rules: blank and vague text, regexes from rubric lists,
and money and numbers written the way a biz-dev lead reads them ($1.2M, $250k)."""

from __future__ import annotations

import re
from collections.abc import Iterable

import polars as pl


def normalised(text: pl.Expr) -> pl.Expr:
    """Lower-cased, trimmed, inner whitespace collapsed."""
    return text.str.to_lowercase().str.strip_chars().str.replace_all(r"\s+", " ")


def is_blank(text: pl.Expr, blank_words: Iterable[str]) -> pl.Expr:
    """Null, or one of the rubric's blank words ("", "TBD", "?")."""
    words = sorted({w.strip().lower() for w in blank_words})
    return text.is_null() | normalised(text).is_in(words)


def words_pattern(words: Iterable[str]) -> str | None:
    """A case-insensitive regex matching any of `words` at a word start; short words
    (three letters or fewer, e.g. "uk", "us") must be whole words."""
    parts = []
    for word in sorted({w.strip().lower() for w in words if w.strip()}, key=len, reverse=True):
        escaped = re.escape(word)
        if word[0].isalnum():
            escaped = r"\b" + escaped
        if len(word) <= 3 and word[-1].isalnum():
            escaped += r"\b"
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
    text = value.round(decimals).cast(pl.String)
    return text.str.replace(r"(\.\d*?)0+$", "$1").str.replace(r"\.$", "")


def money_text(value: pl.Expr) -> pl.Expr:
    """Money as $1.2M / $250k / $900; a blank cell reads as $0."""
    v = value.fill_null(0.0)
    size = v.abs()
    sign = pl.when(v < 0).then(pl.lit("-$")).otherwise(pl.lit("$"))
    body = (
        pl.when(size >= 999_950_000)
        .then(number_text(size / 1e9, 1) + pl.lit("B"))
        .when(size >= 999_950)
        .then(number_text(size / 1e6, 1) + pl.lit("M"))
        .when(size >= 1_000)
        .then(number_text(size / 1e3, 1) + pl.lit("k"))
        .otherwise(number_text(size, 0))
    )
    return sign + body


def quoted(text: pl.Expr, limit: int = 60) -> pl.Expr:
    """'text' in quotes, cut at `limit` characters."""
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
