"""The partners show as soon as the tracker is read; scoring finishes behind them.

Scoring is held back (pipeline._judge waits for the test) so that the moments between
the read and the scores can be driven through the pilot: the table lists the partners
with pending score cells, decisions and notes are taken and kept, keys that need the
scores say so (or wait, as ctrl+s does), and a scoring failure is shown.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.tui.conftest import SIZE, keys_for, make_app, row_of, select, settle
from tierwise import pipeline
from tierwise.errors import TierwiseError
from tierwise.tui.app import TriageApp
from tierwise.tui.journal import journal_path
from tierwise.tui.screens.choice import ChoiceScreen
from tierwise.tui.widgets.partner_table import PENDING


def hold(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> threading.Event:
    """`module.name` (a function) waits, when called, until the event is set."""
    release = threading.Event()
    function = getattr(module, name)

    def held(*args, **kwargs):
        if not release.wait(20):
            raise AssertionError(f"the test never released {name}")
        return function(*args, **kwargs)

    monkeypatch.setattr(module, name, held)
    return release


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Scoring waits until the event is set (a big tracker's seconds, on demand)."""
    release = hold(monkeypatch, pipeline, "_judge")
    yield release
    release.set()  # a failing test must not leave the worker waiting


async def listed(pilot: Pilot) -> TriageApp:
    """Wait until the read partners are on screen (scoring still held)."""
    app = pilot.app
    assert isinstance(app, TriageApp)
    for _ in range(200):
        if app.table.view:
            break
        await pilot.pause(0.05)
    assert app.session is not None and app.ev is None, "the partners were not listed"
    await pilot.pause()  # painted
    return app


def screen_text(app: TriageApp) -> str:
    return "\n".join(app.table.render_line(y).text for y in range(app.table.size.height))


def status(app: TriageApp) -> str:
    return str(app.main_screen.query_one("#status").render())


def journaled(out: Path) -> list[dict]:
    return [json.loads(line) for line in journal_path(out).read_text().splitlines()]


def notices(app: TriageApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_partners_are_listed_before_they_are_scored(
    tracker: Path, held: threading.Event
) -> None:
    app = make_app(tracker)
    async with app.run_test(size=SIZE) as pilot:
        await listed(pilot)
        session = app.session
        assert session is not None and not session.scored
        assert len(app.table.view) == 8
        assert "scoring 8 partners…" in status(app)
        text = screen_text(app)
        assert "Score▼" not in text  # no order by score before there are scores
        assert "Globex Consulting" in text
        # The tracker's labels are already tiers ("Platinum" is strategic by default);
        # what scoring decides is pending.
        globex = text.splitlines()[app.table.view.index(session.position(3)) + 1]
        assert "strategic" in globex and PENDING in globex
        assert "Initech Systems" in text and "Platinum" not in text
        assert "keep" not in text and "exit" not in text
        detail = str(app.main_screen.query_one("#detail-body").render())
        assert "scoring…" in detail and "Motivations" not in detail
        listing = ["row", "partner", "partner_type", "designated_tier"]
        shown = session.table.select(listing).sort("row")
        await pilot.press("j")  # the table is usable: the cursor moves
        await pilot.pause()
        assert app.table.cursor == 1

        held.set()
        await settle(pilot)
        assert session.scored and app.ev is not None
        assert session.table.select(listing).sort("row").equals(shown)  # as scoring has it
        assert PENDING not in screen_text(app) and "Score▼" in screen_text(app)
        assert "scoring" not in status(app)
        scores = [session.partner(p)["score"] for p in app.table.view]
        assert scores == sorted(scores, reverse=True)  # the score order once it is in
        assert "Motivations" in str(app.main_screen.query_one("#detail-body").render())


async def test_a_decision_made_while_scoring_is_kept_and_saved(
    tracker: Path, held: threading.Event
) -> None:
    out = tracker.with_name("triaged.xlsx")
    app = make_app(tracker, output=out)
    async with app.run_test(size=SIZE) as pilot:
        await listed(pilot)
        await select(pilot, "Wayne Services")
        await pilot.press("x", "n", *keys_for("dormant since 2024"), "enter")
        await pilot.pause()
        wayne = row_of(app, "Wayne Services")
        assert app.session is not None
        assert app.session.state(wayne) == ("exit", "dormant since 2024")
        assert journaled(out)[-1]["decision"] == "exit"  # journaled at once, as after scoring

        held.set()
        await settle(pilot)
        assert app.session.scored
        assert app.session.state(wayne) == ("exit", "dormant since 2024")
        assert app.session.dirty
        # The cursor stays on the partner decided, wherever the scores put it.
        assert app.session.partner(app.table.selected)["partner"] == "Wayne Services"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not app.session.dirty
    again = make_app(out, output=tracker.with_name("second.xlsx"))
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.session is not None
        assert again.session.state(wayne) == ("exit", "dormant since 2024")


async def test_keys_that_need_the_scores_say_so_and_a_save_waits(
    tracker: Path, held: threading.Event
) -> None:
    out = tracker.with_name("triaged.xlsx")
    app = make_app(tracker, output=out)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await listed(pilot)
        await pilot.press("m", "R")  # the mismatches and the what-if need the scores
        await pilot.pause()
        assert not app.filters.active
        assert not isinstance(app.screen, ChoiceScreen) and app.screen is app.main_screen
        said = notices(app)
        assert any("Still scoring 8 partners: the mismatches show" in m for m in said)
        assert any("Still scoring 8 partners: what-if opens" in m for m in said)
        await pilot.press("t", "ctrl+s")  # decided, then saved: the save waits
        await pilot.pause()
        assert "saving…" in status(app)
        assert not out.exists()

        held.set()
        await settle(pilot)  # the scores in: the save starts
        await settle(pilot)
        assert out.exists()
        assert app.session is not None and not app.session.dirty
        assert app.session.decided == 1
        assert any(m.startswith("Saved 1 decision") for m in notices(app))


async def test_a_scoring_failure_with_nothing_decided_ends_like_a_failed_load(
    tracker: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(*args, **kwargs):
        raise TierwiseError("the rubric's weights do not add up")

    monkeypatch.setattr(pipeline, "_judge", failing)
    app = make_app(tracker)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
    assert app.return_code == 1
    assert app.failure == "the rubric's weights do not add up"


async def test_a_scoring_failure_after_a_decision_is_shown_and_the_decision_kept(
    tracker: Path, held: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    judge = pipeline._judge

    def failing(*args, **kwargs):
        judge(*args, **kwargs)  # held until released
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(pipeline, "_judge", failing)
    out = tracker.with_name("triaged.xlsx")
    app = make_app(tracker, output=out)
    async with app.run_test(size=SIZE) as pilot:
        await listed(pilot)
        await select(pilot, "Hooli Cloud")
        await pilot.press("s")
        held.set()
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        shown = str(app.screen.query_one(".question").render())
        assert "unexpected error: ZeroDivisionError: division by zero" in shown
        assert journal_path(out).name in shown
        assert app.is_running  # not swallowed, not gone before it was read
        await pilot.click("#quit")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 1
    assert app.failure == "unexpected error: ZeroDivisionError: division by zero"
    hooli = journaled(out)
    assert hooli[-1]["partner"] == "Hooli Cloud" and hooli[-1]["decision"] == "strategic"

    # Opened again (scoring as usual), the decision is offered back.
    monkeypatch.setattr(pipeline, "_judge", judge)
    again = make_app(tracker, output=out)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(again.screen, ChoiceScreen)
        await pilot.click("#restore")
        await settle(pilot)
        assert again.session is not None
        assert again.session.state(row_of(again, "Hooli Cloud")) == ("strategic", "")


@pytest.fixture
def held_copy(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Reading what the output holds waits until the event is set: the partners are
    listed before it, so changes can be made before its offer comes."""
    from tierwise.tui import app as app_module

    release = hold(monkeypatch, app_module, "read_copy")
    yield release
    release.set()


async def decide_before_the_offer(
    pilot: Pilot, held_copy: threading.Event, name: str, key: str
) -> None:
    """Decide `name` (`key`) while the copy is being read, then let its offer come."""
    await listed(pilot)
    await select(pilot, name)
    await pilot.press(key)
    held_copy.set()
    await settle(pilot)
    assert isinstance(pilot.app.screen, ChoiceScreen)


async def test_continuing_from_the_copy_keeps_a_change_made_before_its_offer(
    tracker: Path, held_copy: threading.Event
) -> None:
    out = tracker.with_name("triaged.xlsx")
    held_copy.set()
    first = make_app(tracker, output=out)
    async with first.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for name, key in (("Hooli Cloud", "s"), ("Wayne Services", "x")):
            await select(pilot, name)
            await pilot.press(key)
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert out.exists()
    hooli, wayne = row_of(first, "Hooli Cloud"), row_of(first, "Wayne Services")

    held_copy.clear()
    again = make_app(tracker, output=out)
    async with again.run_test(size=SIZE) as pilot:
        await decide_before_the_offer(pilot, held_copy, "Hooli Cloud", "c")
        await pilot.click("#continue")
        await settle(pilot)
        assert again.session is not None
        assert again.session.state(hooli) == ("casual", "")  # mine, made here
        assert again.session.state(wayne) == ("exit", "")  # from the copy
        assert [(e["partner"], e["decision"]) for e in journaled(out)] == [
            ("Hooli Cloud", "casual")
        ]


async def test_discarding_an_old_journal_keeps_the_changes_made_before_its_offer(
    tracker: Path, held_copy: threading.Event
) -> None:
    out = tracker.with_name("triaged.xlsx")
    held_copy.set()
    crashed = make_app(tracker, output=out)
    async with crashed.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, "Wayne Services")
        await pilot.press("x")  # then gone without saving: its journal stays
    assert journal_path(out).exists()

    held_copy.clear()
    again = make_app(tracker, output=out)
    async with again.run_test(size=SIZE) as pilot:
        await decide_before_the_offer(pilot, held_copy, "Hooli Cloud", "t")
        await pilot.click("#discard")  # the crashed session's change
        await settle(pilot)
        assert again.session is not None
        assert again.session.state(row_of(again, "Wayne Services")) == (None, "")
        assert again.session.state(row_of(again, "Hooli Cloud")) == ("tactical", "")
        assert [(e["partner"], e["decision"]) for e in journaled(out)] == [
            ("Hooli Cloud", "tactical")
        ]
