"""The bundled sample trackers read as their README says (samples/README.md)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from tierwise.io.reader import read_tracker


def sample(samples_dir: Path, name: str) -> Path:
    path = samples_dir / name
    if not path.exists():
        pytest.skip(f"samples/{name} has not been generated")
    return path


def test_the_messy_tracker_is_found_and_mapped(samples_dir: Path) -> None:
    t = read_tracker(sample(samples_dir, "messy_tracker.xlsx"))
    src = t.source
    assert (src.sheet, src.header_row) == ("FY26 Partners", 5)
    assert len(src.mapping) / len(src.header_columns) >= 0.9
    assert "partner" in src.mapping.values()
    assert "Internal ID" in src.unmapped  # the hidden column is read, kept as it is
    assert t.frame.height == 40
    assert not t.frame.get_column("partner").str.to_lowercase().str.contains("total").any()


def test_messy_clean_and_csv_trackers_hold_the_same_partners(samples_dir: Path) -> None:
    clean = read_tracker(sample(samples_dir, "partner_tracker.xlsx")).frame.drop("row")
    messy = read_tracker(sample(samples_dir, "messy_tracker.xlsx")).frame.drop("row")
    csv = read_tracker(sample(samples_dir, "partner_tracker.csv")).frame.drop("row")
    # Tier labels stay as written ("GOLD"); scoring folds their case.
    tiers = pl.col("designated_tier").str.to_lowercase()
    assert messy.with_columns(tiers).equals(clean.with_columns(tiers))
    assert csv.equals(clean)
