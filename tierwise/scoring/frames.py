"""Running the scoring passes: collecting lazy queries and lining small results up
with a frame's rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import polars as pl

# Rows worked on at a time where the work is row by row but its intermediate columns
# are wide (a partner's reasons worded, about 1 KB): they are then held for half of
# 100k partners at a time, not for all of them. 25k rows kept ~30 MB less at 100k but
# cost ~5% more scoring CPU (each chunk repeats polars' fixed cost per query), which
# issue 13's single-threaded budget could not spare (benchmarks/RESULTS-scoring.md).
CHUNK: Final = 50_000


def collect(query: pl.LazyFrame) -> pl.DataFrame:
    """`query` run on the in-memory engine. Every frame here is already in memory, and
    on these wide text queries the streaming engine (polars 2's default) spends about a
    fifth more CPU (benchmarks/RESULTS-scoring.md)."""
    return query.collect(engine="in-memory")


def along(frame: pl.DataFrame, values: pl.DataFrame) -> pl.Series:
    """The one column of `values` (row, value) lined up with `frame`'s rows (null where
    absent). Joining the row numbers alone is far cheaper than joining a wide frame."""
    name = values.columns[1]
    return frame.select("row").join(values, on="row", how="left", maintain_order="left")[name]


def by_chunks(height: int, part: Callable[[int, int], pl.DataFrame]) -> pl.DataFrame:
    """`part(start, length)` for the CHUNK-row slices of `height` rows, stacked in order
    (one empty slice for no rows, so the result has its columns): row-by-row work gives
    the same frame as on all rows at once."""
    return pl.concat([part(start, CHUNK) for start in range(0, max(height, 1), CHUNK)])
