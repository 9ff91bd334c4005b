"""Opening the same tracker again takes it from the read cache, and only while the file
is the one that was read (tierwise/tui/read_cache.py), through the app."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from tests.tui.conftest import HEADERS, ROWS, SIZE, make_app, row_of, settle
from tierwise import pipeline
from tierwise.tui.app import TriageApp


def entries(cache: Path) -> list[Path]:
    reads = cache / "tierwise" / "reads"
    return [p for p in reads.iterdir() if not p.name.startswith(".")] if reads.is_dir() else []


async def opened(path: Path, **kwargs) -> TriageApp:
    """The app, opened on `path` and left once the scores are in."""
    app = make_app(path, output=path.with_name("out.xlsx"), **kwargs)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
    assert app.return_code != 1, app.failure
    return app


def no_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, reading a tracker fails: what opens came from the cache."""

    def refuse(*args, **kwargs):
        raise AssertionError("the tracker was read again")

    monkeypatch.setattr(pipeline, "read_tracker", refuse)


def write_csv(path: Path, rows: list[list] = ROWS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([HEADERS, *rows])
    return path


async def test_a_second_opening_takes_the_tracker_as_read(
    tracker: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await opened(tracker)
    assert first.ev is not None
    assert len(entries(private_cache)) == 1
    no_reading(monkeypatch)
    again = await opened(tracker)
    assert again.ev is not None
    a, b = first.ev.tracker, again.ev.tracker
    assert b.frame.equals(a.frame) and b.raw.equals(a.raw) and b.decisions.equals(a.decisions)
    assert (b.source, b.warnings, b.setup) == (a.source, a.warnings, a.setup)
    assert again.ev.scored.partners.equals(first.ev.scored.partners)


async def test_a_csv_from_the_cache_keeps_its_rows_that_are_not_partners(
    tmp_path: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blank, total = [""] * len(HEADERS), ["TOTAL", *[""] * (len(HEADERS) - 1)]
    path = write_csv(tmp_path / "tracker.csv", [*ROWS, blank, total])
    first = await opened(path)
    no_reading(monkeypatch)
    again = await opened(path)
    assert first.ev is not None and again.ev is not None
    a, b = first.ev.tracker.other_rows, again.ev.tracker.other_rows
    assert a is not None and b is not None and b.equals(a)
    assert a.get_column("1").to_list() == ["Partner", None, "TOTAL"]  # header, blank, total


async def test_a_changed_file_is_read_again_even_with_its_size_and_time(
    tmp_path: Path, private_cache: Path
) -> None:
    path = write_csv(tmp_path / "tracker.csv")
    await opened(path)
    before = path.stat()
    # Same length, same modification time, other content: only the hash tells.
    rows = [["Acme Analytica", *ROWS[0][1:]], *ROWS[1:]]
    write_csv(path, rows)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    again = await opened(path)
    names = again.session.table["partner"].to_list() if again.session else []
    assert "Acme Analytica" in names and "Acme Analytics" not in names
    assert len(entries(private_cache)) == 1  # the entry replaced, not a second one


async def test_a_damaged_entry_is_read_past(
    tracker: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await opened(tracker)
    (entry,) = entries(private_cache)
    frame = entry / "frame.parquet"
    frame.write_bytes(frame.read_bytes()[: frame.stat().st_size // 2])
    again = await opened(tracker)  # read from the file: no error, nothing missing
    assert again.session is not None and len(again.session) == len(ROWS)
    assert row_of(again, "Wayne Services")
    no_reading(monkeypatch)  # and the entry was written anew
    assert (await opened(tracker)).session is not None


async def test_other_read_options_are_not_served_the_cached_read(
    tracker: Path, private_cache: Path
) -> None:
    await opened(tracker)
    again = await opened(tracker, mapping={"Team": ""})
    assert again.ev is not None and "owner_team" not in again.ev.tracker.frame.columns
    assert len(entries(private_cache)) == 2


async def test_the_cache_can_be_turned_off(
    tracker: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TIERWISE_NO_CACHE", "1")
    await opened(tracker)
    assert entries(private_cache) == []
