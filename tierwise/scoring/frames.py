"""Running the scoring passes: collecting lazy queries and lining small results up
with a frame's rows."""

from __future__ import annotations

import polars as pl


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
