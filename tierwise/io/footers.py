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


def footer_rows(table: pl.DataFrame, cells: Sequence[str], partners: pl.Expr) -> pl.Series:
    """The `row` numbers of `table`'s footer notes, below its last partner (see the
    module's docstring); `cells`: the table's columns, `partners`: the rows read as
    partners otherwise (named, not totals)."""
    # Below the last partner row of two filled cells or more, only one-cell rows are left.
    filled = pl.sum_horizontal(pl.col(c).is_not_null() for c in cells)
    full = table.filter(partners & (filled > 1)).select(pl.col("row").max()).item() or 0
    tail = table.filter(pl.col("row") > full)
    if tail.height == 0:
        return pl.Series("row", [], pl.Int64)
    written = [values.cleaned(pl.col(c)) for c in cells]
    text = pl.concat_str(written, separator=" ", ignore_nulls=True)
    marked = tail.select(
        pl.col("row"),
        partners.alias("partner"),
        (pl.sum_horizontal(w.is_not_null() for w in written) == 1).alias("one"),
        pl.when(text != "").then(text).alias("text"),
    )
    marked = marked.with_columns(
        paragraph=pl.col("text").is_null().cum_sum(),
        note=pl.col("one") & is_note(pl.col("text")),
    ).filter(pl.col("text").is_not_null())
    prose = (
        marked.group_by("paragraph")
        .agg(
            pl.col("text").str.join(" ").alias("joined"),
            pl.col("text").slice(1).str.contains(r"^[a-z]").all().alias("continued"),
            pl.len().alias("lines"),
        )
        .filter(
            (pl.col("lines") > 1) & pl.col("continued") & pl.col("joined").str.contains(_PARAGRAPH)
        )
        .get_column("paragraph")
    )
    marked = marked.with_columns(note=pl.col("note") | pl.col("paragraph").is_in(prose.implode()))
    last = marked.filter(pl.col("partner") & ~pl.col("note")).select(pl.col("row").max()).item()
    notes = marked.filter(pl.col("note") & (pl.col("row") > (last or full)))
    return notes.get_column("row")
