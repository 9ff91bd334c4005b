"""The annotated workbook is the team's working copy: decisions belong to partners, a
second session or a later day carries them forward, and a refused save loses nothing."""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl

from tests.tui.conftest import (
    ROWS,
    SIZE,
    keys_for,
    make_app,
    row_of,
    select,
    settle,
    write_tracker,
)
from tierwise.tui.journal import Journal, journal_path
from tierwise.tui.lock import lock_path
from tierwise.tui.screens.choice import ChoiceScreen
from tierwise.tui.screens.save_as import SaveAsScreen

NEWCOMER = ["Newcomer Ltd", "isv", "Casual"]


def decisions_in(path: Path) -> dict[str, tuple[str | None, str | None]]:
    """Partner -> (decision, note) as the saved workbook holds them."""
    book = openpyxl.load_workbook(path, read_only=True)
    rows = list(book["Partners"].values)
    book.close()
    header = list(rows[0])
    d, n = header.index("Tierwise: decision"), header.index("Tierwise: decision note")
    return {r[0]: (r[d], r[n]) for r in rows[1:] if r[d] or r[n]}


def log_in(path: Path) -> list[tuple]:
    """(who, partner, from, to, note) of every Log row."""
    book = openpyxl.load_workbook(path, read_only=True)
    rows = [r[1:3] + r[4:7] for r in list(book["Tierwise Log"].values)[1:]]
    book.close()
    return rows


def notices(app) -> list[str]:
    return [n.message for n in app._notifications]


async def decide(pilot, name: str, key: str, note: str = "") -> None:
    await select(pilot, name)
    await pilot.press(key)
    if note:
        await pilot.press("n", *keys_for(note), "enter")
    await settle(pilot)


async def save(pilot) -> None:
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_saving_twice_keeps_both_saves_log_rows(tracker: Path) -> None:
    app = make_app(tracker)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await decide(pilot, "Umbrella Resellers", "x", "dormant")
        await save(pilot)
        await decide(pilot, "Hooli Cloud", "s")
        await save(pilot)
    log = log_in(app.output)
    assert [r[1] for r in log] == ["Umbrella Resellers", "Hooli Cloud"]


async def test_day_two_on_the_original_continues_from_the_annotated_copy(tracker: Path) -> None:
    day1 = make_app(tracker)
    async with day1.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await decide(pilot, "Umbrella Resellers", "x", "dormant")
        await decide(pilot, "Hooli Cloud", "s")
        await decide(pilot, "Wayne Services", "c")
        await save(pilot)
    out = day1.output
    assert out.name == "tracker.tierwise.xlsx"

    day2 = make_app(tracker)  # the README's `tierwise triage tracker.xlsx`, again
    async with day2.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert isinstance(day2.screen, ChoiceScreen)
        assert "3 decisions and 3 log rows" in str(day2.screen._question)
        await pilot.click("#continue")
        await settle(pilot)
        assert day2.session.state(row_of(day2, "Umbrella Resellers")) == ("exit", "dormant")
        assert not day2.session.dirty
        await decide(pilot, "Acme Labs", "t")
        await save(pilot)
    assert decisions_in(out) == {
        "Umbrella Resellers": ("exit", "dormant"),
        "Hooli Cloud": ("strategic", None),
        "Wayne Services": ("casual", None),
        "Acme Labs": ("tactical", None),
    }
    assert [r[1] for r in log_in(out)] == [
        "Umbrella Resellers",
        "Hooli Cloud",
        "Wayne Services",
        "Acme Labs",
    ]


async def test_starting_from_the_original_still_keeps_the_copys_decisions(
    tracker: Path,
) -> None:
    day1 = make_app(tracker)
    async with day1.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await decide(pilot, "Hooli Cloud", "s")
        await save(pilot)
    day2 = make_app(tracker)
    async with day2.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.click("#original")
        await settle(pilot)
        assert day2.session.state(row_of(day2, "Hooli Cloud")) == (None, "")
        await decide(pilot, "Wayne Services", "x")
        await save(pilot)
        assert day2.session.state(row_of(day2, "Hooli Cloud")) == ("strategic", "")
    assert decisions_in(day1.output) == {
        "Hooli Cloud": ("strategic", None),
        "Wayne Services": ("exit", None),
    }


async def test_journal_follows_the_partner_when_a_row_is_inserted(tracker: Path) -> None:
    out = tracker.with_name("out.xlsx")
    app = make_app(tracker, output=out)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await decide(pilot, "Wayne Services", "x", "dormant")
        await decide(pilot, "Acme Labs", "c")
    # the app went away without saving; someone inserts a partner above all the others
    # and deletes Acme Labs
    write_tracker(tracker, [NEWCOMER, *[r for r in ROWS if r[0] != "Acme Labs"]])

    again = make_app(tracker, output=out)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(again.screen, ChoiceScreen)
        question = str(again.screen._question)
        assert "'Acme Labs' was at row 9, which now holds 'Wayne Services'" in question
        await pilot.click("#restore")
        await settle(pilot)
        assert again.session.state(row_of(again, "Wayne Services")) == ("exit", "dormant")
        assert again.session.decided == 1  # nobody else got Acme Labs' decision
    # the refused line stays in the journal until the user discards it
    assert Journal(out).read()[0].partner == "Acme Labs"


async def test_input_changed_on_disk_reloads_and_saves_by_partner(tracker: Path) -> None:
    out = tracker.with_name("out.xlsx")
    app = make_app(tracker, output=out)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await decide(pilot, "Hooli Cloud", "x", "no pipeline")
        write_tracker(tracker, [NEWCOMER, *ROWS])  # a row inserted meanwhile
        later = os.stat(tracker).st_mtime + 5
        os.utime(tracker, (later, later))
        await save(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        assert "changed on disk" in str(app.screen._question)
        assert not out.exists() and journal_path(out).exists()
        await pilot.click("#reload")
        await settle(pilot)
        await settle(pilot)
    assert decisions_in(out) == {"Hooli Cloud": ("exit", "no pipeline")}


async def test_a_refused_save_offers_save_as_and_quit_keeps_the_journal(
    tracker: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.xlsx"
    app = make_app(tracker, output=out)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await decide(pilot, "Hooli Cloud", "s")
        out.mkdir()  # something now stands where the output goes: the save fails
        await save(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        assert "Not saved" in str(app.screen._question)
        await pilot.click("#cancel")
        await pilot.press("q")  # quitting now must not throw the work away
        assert isinstance(app.screen, ChoiceScreen)
        assert "discard" not in [b.id for b in app.screen.query("Button")]
        await pilot.click("#save_as")
        await pilot.pause()
        assert isinstance(app.screen, SaveAsScreen)
        elsewhere = tmp_path / "elsewhere.xlsx"
        app.screen.query_one("#save-as-path").value = str(elsewhere)
        await pilot.press("enter")
        await settle(pilot)
    assert not app.is_running  # saved, then quit as asked
    assert decisions_in(elsewhere) == {"Hooli Cloud": ("strategic", None)}
    assert not journal_path(out).exists() and not journal_path(elsewhere).exists()


async def test_quit_after_a_refused_save_keeps_the_journal(tracker: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    app = make_app(tracker, output=out)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await decide(pilot, "Hooli Cloud", "s")
        out.mkdir()
        await save(pilot)
        await pilot.click("#cancel")
        await pilot.press("q")
        await pilot.click("#keep")
        await pilot.pause()
    assert not app.is_running
    assert [(e.partner, e.decision) for e in Journal(out).read()] == [("Hooli Cloud", "strategic")]


async def test_a_second_session_is_told_who_holds_the_output_and_merges(tracker: Path) -> None:
    first = make_app(tracker, who="ana")
    second = make_app(tracker, who="bo")
    async with first.run_test(size=SIZE, notifications=True) as one:
        await settle(one)
        assert lock_path(first.output).exists()
        await decide(one, "Hooli Cloud", "s")
        await decide(one, "Wayne Services", "x")
        async with second.run_test(size=SIZE, notifications=True) as two:
            await settle(two)
            assert any("open in another triage session: ana" in m for m in notices(second))
            await decide(two, "Acme Labs", "t")
            await decide(two, "Wayne Services", "c", "keep for now")
            await save(two)
        # the first session saves after the second: Acme Labs is kept, Wayne asks
        await save(one)
        assert isinstance(first.screen, ChoiceScreen)
        question = str(first.screen._question)
        assert "Wayne Services" in question
        assert "\nYours:   exit\nTheirs:  casual, note: keep for now\n" in question
        await one.click("#theirs")
        await settle(one)
        assert first.session.state(row_of(first, "Acme Labs")) == ("tactical", "")
    assert not lock_path(first.output).exists()
    assert decisions_in(first.output) == {
        "Hooli Cloud": ("strategic", None),
        "Wayne Services": ("casual", "keep for now"),
        "Acme Labs": ("tactical", None),
    }
    assert sorted((r[0], r[1]) for r in log_in(first.output)) == [
        ("ana", "Hooli Cloud"),
        ("ana", "Wayne Services"),
        ("bo", "Acme Labs"),
        ("bo", "Wayne Services"),
    ]
