"""Scoring works through a tracker's partners a chunk of rows at a time where the work
is row by row (to bound its memory): the judgment must not depend on the chunks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tierwise.pipeline import read
from tierwise.scoring import frames

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
AS_OF = date(2026, 10, 31)


@pytest.mark.parametrize("name", ["partner_tracker.xlsx", "messy_tracker.xlsx", "quarter_q4.csv"])
@pytest.mark.parametrize("chunk", [1, 7])
def test_scoring_in_small_chunks_judges_as_in_one(
    name: str, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"samples/{name} has not been generated")
    reading = read(path, as_of=AS_OF)
    whole = reading.judged().scored
    assert whole.partners.height > 2 * chunk  # several chunks, the last one short
    monkeypatch.setattr(frames, "CHUNK", chunk)
    chunked = reading.judged().scored
    assert chunked.partners.equals(whole.partners)
    assert chunked.portfolio.to_json() == whole.portfolio.to_json()
    assert chunked.warnings == whole.warnings
