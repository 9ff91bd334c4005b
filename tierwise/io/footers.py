"""Notes under a table: the lines people type below their partners ("Confidential
Information - Do Not Distribute", "Source: CRM export", "Prepared by Jane Ops", a
sentence run across a few cells) are not partners.

Only rows after the last partner row are looked at: one whose only filled cell reads as
a note rather than a name (it starts the way notes start, or it is a long sentence), and
a paragraph of rows that reads as one sentence, its lines after the first starting in
lower case ("Some" / "also like to write stuff" / "at the bottom, too!"). A row holding
only a name ("Acme Corp") stays a partner wherever it is, and so does a note-like row
with a partner below it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import polars as pl

from tierwise.io import values

# How notes start, and what only notes say (case-insensitive).
_NOTE_START: Final = (
    r"^(?:[*†‡¹²³]|\(c\)|©|copyright\b|confidential\b|disclaimer\b|"
    r"do\s+not\s+(?:distribute|share|forward|copy)\b|notes?\s*[:\-–—]|note\s+(?:that|the)\b|"
    r"n\.?b\.?\s*[:\-–—]|sources?\s*[:\-–—]|data\s+sources?\b|prepared\s+(?:by|for|on)\b|"
    r"(?:report\s+)?(?:generated|run|printed|exported|created|downloaded|extracted|pulled)"
    r"(?:\s*:|\s+(?:(?:on|by|at|from|in)\b|\d))|"
    r"last\s+(?:updated|modified|refreshed|saved)\b|updated\s*(?:on|:)|(?:data\s+)?as\s+of\b|"
    r"for\s+internal\s+use\b|internal\s+use\s+only\b|proprietary\s+(?:and|&|information)\b)"
)
_NOTE_ANYWHERE: Final = (
    r"\b(?:do\s+not\s+distribute|internal\s+use\s+only|all\s+rights\s+reserved|"
    r"strictly\s+confidential|confidential\s+(?:and|&)\s+proprietary)\b"
)
# A sentence: eight words or more ending with a full stop, or twelve words or more.
_SENTENCE: Final = r"^\S+(?:\s+\S+){7,}[.!?]$|^\S+(?:\s+\S+){11,}$"
NOTE: Final = f"(?i){_NOTE_START}|{_NOTE_ANYWHERE}|{_SENTENCE}"


def is_note(text: pl.Expr) -> pl.Expr:
    """True where a cell reads as a note under a table, not a name."""
    return values.cleaned(text).str.contains(NOTE).fill_null(False)


# A paragraph of rows read as one sentence: six words or more ending a sentence.
_PARAGRAPH: Final = r"^\S+(?:\s+\S+){5,}[.!?]$"
# Notes are short: a row (or a paragraph of rows) longer than this is none.
NOTE_CHARS: Final = 1_000
# Notes are few: only the last rows of a table are looked at.
LAST_ROWS: Final = 100
_PARTNER: Final = "partner"  # the column of `footer_rows`' own frame saying so


def footer_rows(table: pl.DataFrame, cells: Sequence[str], partners: pl.Series) -> pl.Series:
    """The `row` numbers of `table`'s footer notes, below its last partner (see the
    module's docstring); `cells`: the table's columns, `partners`: true for each row read
    as a partner otherwise (named, not a total)."""
    table = table.select("row", *cells).with_columns(partners.alias(_PARTNER))
    partner = pl.col(_PARTNER)
    # Below the last partner row of two filled cells or more, only one-cell rows are left;
    # of those, the last LAST_ROWS are looked at.
    filled = pl.sum_horizontal(pl.col(c).is_not_null() for c in cells)
    full = table.filter(partner & (filled > 1)).select(pl.col("row").max()).item() or 0
    tail = table.filter(pl.col("row") > full).tail(LAST_ROWS)
    if tail.height == 0:
        return pl.Series("row", [], pl.Int64)
    written = [values.cleaned(pl.col(c)) for c in cells]
    # Lengths, counts and first cells first: the texts are looked at only where short.
    marked = (
        tail.select(
            pl.col("row"),
            partner,
            pl.sum_horizontal(w.is_not_null() for w in written).alias("filled"),
            pl.sum_horizontal(w.str.len_chars() for w in written).alias("chars"),
            pl.coalesce(written).str.contains(r"^[a-z]").alias("lower"),
        )
        .with_columns(paragraph=(pl.col("filled") == 0).cum_sum())
        .filter(pl.col("filled") > 0)
    )
    short = tail.join(marked.filter(pl.col("chars") <= NOTE_CHARS), on="row", how="semi")
    text = short.select(
        pl.col("row"), pl.concat_str(written, separator=" ", ignore_nulls=True).alias("text")
    )
    ones = marked.filter(pl.col("filled") == 1).select("row")
    noted = text.join(ones, on="row", how="semi").filter(is_note(pl.col("text")))
    paragraphs = (
        marked.group_by("paragraph")
        .agg(
            pl.col("row"),
            pl.len().alias("lines"),
            pl.col("chars").sum(),
            pl.col("lower").slice(1).all().alias("continued"),
        )
        .filter((pl.col("lines") > 1) & pl.col("continued") & (pl.col("chars") <= NOTE_CHARS))
        .explode("row")
        .join(text, on="row")
        .group_by("paragraph")
        .agg(pl.col("row"), pl.col("text").sort_by("row").str.join(" "))
        .filter(pl.col("text").str.contains(_PARAGRAPH))
        .explode("row")
    )
    notes = pl.concat([noted.get_column("row"), paragraphs.get_column("row")])
    marked = marked.with_columns(note=pl.col("row").is_in(notes.implode()))
    last = marked.filter(partner & ~pl.col("note")).select(pl.col("row").max()).item()
    return marked.filter(pl.col("note") & (pl.col("row") > (last or full))).get_column("row")
