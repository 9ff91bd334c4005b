"""The triage app driven as a user would, on real workbooks (pilot tests)."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest

from tests.tui.conftest import (
    SIZE,
    keys_for,
    make_app,
    open_whatif,
    row_of,
    select,
    selected_name,
    settle,
)
from tierwise.scoring.rubric import load_rubric
from tierwise.tui.journal import journal_path
from tierwise.tui.screens.choice import ChoiceScreen
from tierwise.tui.screens.help import HelpScreen
from tierwise.tui.screens.note import NoteScreen
from tierwise.tui.screens.whatif import WhatIfScreen, input_id, knobs
from tierwise.tui.session import Sort


async def test_opens_sorted_by_score_with_every_partner(tracker: Path) -> None:
    app = make_app(tracker)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        scores = [app.session.partner(p)["score"] for p in app.table.view]
        assert len(scores) == 8
        assert scores == sorted(scores, reverse=True)
        assert app.focused is app.table


async def test_decide_undo_redo(tracker: Path) -> None:
    app = make_app(tracker, output=tracker.with_name("out.xlsx"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, "Globex Consulting")
        row = row_of(app, "Globex Consulting")
        await pilot.press("x")
        assert app.session.state(row)[0] == "exit"
        assert app.session.dirty
        await pilot.press("c")
        await pilot.press("u")
        assert app.session.state(row)[0] == "exit"
        await pilot.press("u")
        assert app.session.state(row)[0] is None
        await pilot.press("U")
        assert app.session.state(row)[0] == "exit"
        await pilot.press("ctrl+y")
        assert app.session.state(row)[0] == "casual"
        await settle(pilot)
        # the portfolio panel was recomputed on the decided tiers
        assert app.portfolio is not None
        assert len(app.portfolio.recommended) == 7


async def test_decisions_change_the_portfolio_checks(tracker: Path) -> None:
    app = make_app(tracker, output=tracker.with_name("out.xlsx"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for name in ("Acme Analytics", "Globex Consulting", "Initech Systems"):
            await select(pilot, name)
            await pilot.press("s")
        await settle(pilot)
        three = {c.code: c for c in app.portfolio.recommended}["STRATEGIC_PARTNERS"]
        await pilot.press("c")  # Initech back to casual: two strategic partners
        await settle(pilot)
        two = {c.code: c for c in app.portfolio.recommended}["STRATEGIC_PARTNERS"]
        assert (three.ok, two.ok) == (False, True)


async def test_note_modal(tracker: Path) -> None:
    app = make_app(tracker, output=tracker.with_name("out.xlsx"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, "Hooli Cloud")
        await pilot.press("n")
        assert isinstance(app.screen, NoteScreen)
        await pilot.press(*keys_for("keep: marketplace deal"), "enter")
        row = row_of(app, "Hooli Cloud")
        assert app.session.state(row) == (None, "keep: marketplace deal")
        await pilot.press("e", "escape")  # cancelled edits change nothing
        assert app.session.state(row)[1] == "keep: marketplace deal"
        await pilot.press("u")
        assert app.session.state(row)[1] == ""


async def test_search_steps_with_f3_and_n_stays_the_note_key(tracker: Path) -> None:
    app = make_app(tracker)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *keys_for("acme"), "enter")
        assert app.focused is app.table
        first = selected_name(app)
        assert "acme" in first.lower()
        await pilot.press("f3")
        second = selected_name(app)
        assert "acme" in second.lower() and second != first
        await pilot.press("f3")
        assert selected_name(app) == first  # wraps round
        await pilot.press("shift+f3")
        assert selected_name(app) == second
        # The trap of issue 17: with a search active, n opened the next match and the
        # note's letters then decided partners. n is the note, whatever the search.
        await pilot.press("n")
        assert isinstance(app.screen, NoteScreen)
        await pilot.press(*keys_for("check casual"), "enter")
        row = row_of(app, second)
        assert app.session.state(row) == (None, "check casual")
        assert app.session.decided == 0
        assert "F3" in str(app.main_screen.query_one("#status").render())


async def test_filters_mismatches_and_clear(tracker: Path) -> None:
    app = make_app(tracker)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")
        shown = [app.session.partner(p) for p in app.table.view]
        assert 0 < len(shown) < 8
        assert all((p["designated_tier"] or "casual") != p["recommended_tier"] for p in shown)
        await pilot.press("escape")
        assert len(app.table.view) == 8
        # the filter dialog: only strategic by designation
        await pilot.press("f")
        app.screen.query_one("#filter-designated").value = "strategic"
        await pilot.click("#apply")
        await settle(pilot)
        shown = [app.session.partner(p) for p in app.table.view]
        assert len(shown) == 4  # Platinum maps to strategic too
        assert {p["designated_tier"] for p in shown} == {"strategic"}


async def test_sort_menu_reverse_and_header_click(tracker: Path) -> None:
    app = make_app(tracker)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        menu = app.screen.query_one("OptionList")
        menu.highlighted = 0  # Partner name
        await pilot.press("enter")
        names = [app.session.partner(p)["partner"] for p in app.table.view]
        assert names == sorted(names, key=str.lower)
        await pilot.press("O")
        assert app.sort == Sort("partner", True)
        names = [app.session.partner(p)["partner"] for p in app.table.view]
        assert names == sorted(names, key=str.lower, reverse=True)
        # clicking the Score header sorts by score, highest first
        x = sum(
            c.width + 1
            for c in app.table._columns[
                : app.table._columns.index(next(c for c in app.table._columns if c.key == "score"))
            ]
        )
        await pilot.click("#table", offset=(x + 1, 0))
        assert app.sort == Sort("score", True)


async def test_drill_down_from_a_flag_and_a_failing_check(tracker: Path) -> None:
    app = make_app(tracker)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        panel = app.query_one("#portfolio")
        flag = next(f for f, n in app._flag_counts.most_common() if n)
        await pilot.press("p")
        assert app.focused is panel
        panel.highlighted = panel.get_option_index(f"flag:{flag}")
        await pilot.press("enter")
        await settle(pilot)
        shown = [app.session.partner(p) for p in app.table.view]
        assert len(shown) == app._flag_counts[flag]
        assert all(flag in p["flags"] for p in shown)
        assert app.focused is app.table
        await pilot.press("escape")
        assert len(app.table.view) == 8
        # four partners labelled strategic: the designated check fails, naming them
        check = {c.code: c for c in app.portfolio.designated}["STRATEGIC_PARTNERS"]
        assert not check.ok
        await pilot.press("p")
        panel.highlighted = panel.get_option_index("check:STRATEGIC_PARTNERS")
        await pilot.press("enter")
        await settle(pilot)
        after = {c.code: c for c in app.portfolio.recommended}["STRATEGIC_PARTNERS"]
        expected = set(after.rows if not after.ok else check.rows)
        assert {app.session.partner(p)["row"] for p in app.table.view} == expected


async def test_save_then_reopen_restores_decisions_and_logs_them(tracker: Path) -> None:
    out = tracker.with_name("triaged.xlsx")
    app = make_app(tracker, output=out)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, "Umbrella Resellers")
        await pilot.press("x", "n", *keys_for("no activity since 2025"), "enter")
        await select(pilot, "Hooli Cloud")
        await pilot.press("s")
        await settle(pilot)
        assert journal_path(out).exists()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert out.exists()
        assert not app.session.dirty
        assert not journal_path(out).exists()
    umbrella, hooli = row_of(app, "Umbrella Resellers"), row_of(app, "Hooli Cloud")

    again = make_app(out, output=tracker.with_name("second.xlsx"))
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.session.state(umbrella) == ("exit", "no activity since 2025")
        assert again.session.state(hooli) == ("strategic", "")
        assert not again.session.dirty

    book = openpyxl.load_workbook(out, read_only=True)
    log = list(book["Tierwise Log"].values)
    book.close()
    entries = {row[2]: row for row in log[1:] if row[2]}
    # a decision and the note typed right after it make one entry
    assert len(entries) == len(log) - 1 == 2
    _when, who, _partner, row, before, after, note = entries["Umbrella Resellers"]
    assert (who, row, before, after, note) == (
        "tester",
        umbrella,
        "strategic",
        "exit",
        "no activity since 2025",
    )
    assert entries["Hooli Cloud"][4:6] == ("tactical", "strategic")


async def test_default_output_is_beside_the_input(tracker: Path) -> None:
    app = make_app(tracker)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t", "ctrl+s")
        await settle(pilot)
    assert app.output.parent == tracker.parent and app.output != tracker
    assert app.output.exists()


async def test_quit_asks_when_unsaved(tracker: Path) -> None:
    out = tracker.with_name("out.xlsx")
    app = make_app(tracker, output=out)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t", "q")
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("escape")  # cancel: still triaging
        assert not isinstance(app.screen, ChoiceScreen)
        assert app.is_running
        await pilot.press("q")
        await pilot.click("#discard")
        await pilot.pause()
        assert not app.is_running
    assert not out.exists()
    assert not journal_path(out).exists()


async def test_quit_without_changes_does_not_ask(tracker: Path) -> None:
    app = make_app(tracker)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_journal_is_offered_back_after_a_crash(tracker: Path) -> None:
    out = tracker.with_name("out.xlsx")
    app = make_app(tracker, output=out)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select(pilot, "Wayne Services")
        await pilot.press("x", "n", *keys_for("dormant"), "enter")
        row = row_of(app, "Wayne Services")
    # the app went away without saving or asking (as in a crash): the journal remains
    assert journal_path(out).exists() and not out.exists()

    again = make_app(tracker, output=out)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(again.screen, ChoiceScreen)
        await pilot.click("#restore")
        await settle(pilot)
        assert again.session.state(row) == ("exit", "dormant")
        assert again.session.dirty

    later = make_app(tracker, output=out)
    async with later.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.click("#cancel")  # decide later: a save keeps what was not restored
        await select(pilot, "Hooli Cloud")
        await pilot.press("t", "ctrl+s")
        await settle(pilot)
        assert out.exists() and later.session.state(row) == (None, "")
    assert journal_path(out).exists()

    declined = make_app(tracker, output=out)
    async with declined.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.click("#continue")  # the saved copy holds Hooli's decision
        await settle(pilot)
        assert isinstance(declined.screen, ChoiceScreen)
        await pilot.click("#discard")
        await settle(pilot)
        assert declined.session.state(row) == (None, "")
    assert not journal_path(out).exists()


async def test_whatif_rubric_rescored_live_and_saved(tracker: Path, tmp_path: Path) -> None:
    app = make_app(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_whatif(pilot)
        key = "recommend.tactical_min_score"
        assert key in dict(knobs(app.ev.rubric.data))
        before = app.ev.scored.partners["recommended_tier"].to_list()
        assert "tactical" in before
        new = 101  # no score reaches it: fewer partners can be recommended tactical
        screen.query_one(f"#{input_id(key)}").value = str(new)
        await pilot.pause(0.5)
        await settle(pilot)
        assert screen.rescored is not None
        assert screen.rubric.get(key) == new
        after = screen.rescored.partners["recommended_tier"].to_list()
        assert after.count("tactical") < before.count("tactical")
        # the session itself is not re-scored: what-if only shows
        assert app.ev.scored.partners["recommended_tier"].to_list() == before
        target = tmp_path / "adjusted.toml"
        screen.query_one("#whatif-path").value = str(target)
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert load_rubric(target).get(key) == new


async def test_help_lists_every_key_and_warnings_open(tracker: Path) -> None:
    app = make_app(tracker)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("w")
        assert type(app.screen).__name__ == "WarningsScreen"


async def test_bad_input_exits_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "nope.xlsx"
    bad.write_text("not a workbook")
    app = make_app(bad)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
    assert app.return_code == 1


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_sample_opens_at_small_and_large_sizes(samples_dir: Path, tmp_path, size) -> None:
    sample = samples_dir / "partner_tracker.xlsx"
    if not sample.exists():
        pytest.skip("samples/partner_tracker.xlsx not generated")
    app = make_app(sample, output=tmp_path / "out.xlsx")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert len(app.table.view) == len(app.session) > 0
        await pilot.press("s", "j", "t")
        assert app.session.decided == 2


async def test_panes_update_while_a_dialog_is_open(tracker: Path) -> None:
    """The portfolio worker and the detail pane finish under a dialog without error."""
    app = make_app(tracker)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "s", "n")  # decide, then open the note at once
        await settle(pilot)
        assert isinstance(app.screen, NoteScreen)
        await pilot.press("escape")
        await settle(pilot)
        row = int(app.session.table["row"][app.table.selected])
        assert app.session.state(row)[0] == "strategic"
        assert app.is_running


async def test_command_palette_runs_triage_actions(tracker: Path) -> None:
    app = make_app(tracker)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        row = int(app.session.table["row"][app.table.selected])
        await pilot.press("ctrl+p", *keys_for("tactical tier"))
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert app.session.state(row)[0] == "tactical"


async def test_whatif_applied_to_the_session_keeps_decisions(tracker: Path) -> None:
    out = tracker.with_name("out.xlsx")
    app = make_app(tracker, output=out)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await select(pilot, "Globex Consulting")
        await pilot.press("x")
        await select(pilot, "Acme Analytics")
        app._changed(app.session.set_note(row_of(app, "Acme Analytics"), "renew in Q3"))
        await settle(pilot)
        acme = app.session.partner(app.session.position(row_of(app, "Acme Analytics")))
        assert acme["flags"] == []
        tiers = app.session.table["recommended_tier"].to_list()
        tactical = {c.code: c for c in app.portfolio.recommended}["TACTICAL_PARTNERS"]
        in_name_only = flag_count(app, "STRATEGIC_IN_NAME_ONLY")

        edits = {
            "recommend.tactical_min_score": "101",  # no score reaches it: no tactical
            "thresholds.strategic_low_score": "99",  # Acme (96.9 on its best) becomes in name only
            "score.best_motivation_weight": "1",  # scores follow the best motivation
        }
        await open_whatif(pilot, edits)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert not isinstance(app.screen, WhatIfScreen)

        assert app.ev.rubric.get("recommend.tactical_min_score") == 101
        now = app.session.partner(app.session.position(row_of(app, "Acme Analytics")))
        assert now["flags"] == ["STRATEGIC_IN_NAME_ONLY"]
        assert now["score"] != acme["score"]
        assert "tactical" in tiers and "tactical" not in app.session.table["recommended_tier"]
        after = {c.code: c for c in app.portfolio.recommended}["TACTICAL_PARTNERS"]
        assert after.actual != tactical.actual
        assert flag_count(app, "STRATEGIC_IN_NAME_ONLY") > in_name_only
        # the user's decisions and notes are untouched; the cursor stayed on Acme
        assert app.session.state(row_of(app, "Globex Consulting"))[0] == "exit"
        assert app.session.state(row_of(app, "Acme Analytics"))[1] == "renew in Q3"
        assert selected_name(app) == "Acme Analytics"
        detail = str(app.main_screen.query_one("#detail-body").render())
        assert "renew in Q3" in detail and "STRATEGIC_IN_NAME_ONLY" in detail
        assert f"score {now['score']:.1f}" in detail
        assert app.unsaved
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not app.unsaved

    reopened = make_app(out, output=out.with_name("out-2.xlsx"))
    async with reopened.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        # the saved workbook carries the applied rubric and the decisions
        assert reopened.ev.rubric.get("recommend.tactical_min_score") == 101
        assert reopened.ev.rubric.get("thresholds.strategic_low_score") == 99
        assert reopened.session.state(row_of(reopened, "Globex Consulting"))[0] == "exit"
        assert "tactical" not in reopened.session.table["recommended_tier"]


def flag_count(app, flag: str) -> int:
    """The count the portfolio panel shows for `flag`."""
    prompt = str(app.main_screen.query_one("#portfolio").get_option(f"flag:{flag}").prompt)
    return int(re.search(r"\d+", prompt).group())


async def test_quit_asks_after_an_applied_rubric(tracker: Path) -> None:
    app = make_app(tracker, output=tracker.with_name("out.xlsx"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await pilot.press("ctrl+r")  # nothing changed: nothing to apply
        assert isinstance(app.screen, WhatIfScreen)
        first, second = (key for key, _ in knobs(app.ev.rubric.data)[:2])
        assert app.focused.id == input_id(first)
        await pilot.press("down")  # moves between the inputs, not only scrolls them
        assert app.focused.id == input_id(second)
        app.screen.query_one(f"#{input_id('recommend.tactical_min_score')}").value = "101"
        await pilot.click("#whatif-apply-button")
        await settle(pilot)
        assert app.rubric_unsaved and not app.session.dirty
        await pilot.press("q")
        assert isinstance(app.screen, ChoiceScreen)


async def test_a_damaged_journal_is_skipped_with_a_warning(tracker: Path) -> None:
    out = tracker.with_name("out.xlsx")
    journal = journal_path(out)
    journal.write_text('{"row": 1e999, "decision": "exit"}\n{"row": 2, "decision": "platinum"}\n')
    app = make_app(tracker, output=out)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.is_running and not isinstance(app.screen, ChoiceScreen)
        assert app.session.decided == 0
        messages = [n.message for n in app._notifications]
        assert any("2 damaged lines were skipped" in m for m in messages), messages
    assert not journal.exists()  # nothing in it could be restored

    row = 3  # Globex Consulting
    journal.write_text(
        '{"row": NaN}\n'
        f'{{"row": {row}, "partner": "Globex Consulting", "decision": "exit", "note": "",'
        ' "when": "2026-10-31T10:00:00"}\n'
    )
    again = make_app(tracker, output=out)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(again.screen, ChoiceScreen)
        await pilot.click("#restore")
        await settle(pilot)
        assert row_of(again, "Globex Consulting") == row
        assert again.session.state(row) == ("exit", "")
        messages = [n.message for n in again._notifications]
        assert any("1 damaged line was skipped" in m for m in messages), messages


async def test_an_applied_rubric_comes_back_after_a_crash(tracker: Path) -> None:
    out = tracker.with_name("out.xlsx")
    app = make_app(tracker, output=out)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await select(pilot, "Globex Consulting")
        await pilot.press("x")
        await open_whatif(pilot, {"recommend.tactical_min_score": "101"})
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.ev.rubric.get("recommend.tactical_min_score") == 101
    # gone without saving, as in a crash: the journal holds the decision and the rubric
    assert journal_path(out).exists() and not out.exists()

    again = make_app(tracker, output=out)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert again.ev.rubric.get("recommend.tactical_min_score") != 101
        assert isinstance(again.screen, ChoiceScreen)
        prompt = str(again.screen.query_one(".question").render())
        assert "1 change(s) and an applied what-if rubric" in prompt
        await pilot.click("#restore")
        await settle(pilot)
        assert again.ev.rubric.get("recommend.tactical_min_score") == 101
        assert "tactical" not in again.session.table["recommended_tier"]
        assert again.session.state(row_of(again, "Globex Consulting"))[0] == "exit"
        assert again.unsaved
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not again.unsaved
    assert not journal_path(out).exists()  # saved: nothing left to offer

    reopened = make_app(out, output=out.with_name("out-2.xlsx"))
    async with reopened.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert reopened.ev.rubric.get("recommend.tactical_min_score") == 101
        assert not isinstance(reopened.screen, ChoiceScreen)


async def test_the_status_line_says_what_the_load_is_doing(
    tracker: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from tierwise import pipeline

    # Scoring waits until the test has seen the status line: a big tracker's seconds.
    release = threading.Event()
    judge = pipeline._judge

    def slow_judge(*args, **kwargs):
        release.wait(10)
        return judge(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_judge", slow_judge)
    app = make_app(tracker)
    async with app.run_test(size=SIZE) as pilot:
        status = app.main_screen.query_one("#status")
        for _ in range(100):
            await pilot.pause(0.05)
            if "scoring" in str(status.render()):
                break
        # The partners are listed while they are scored (tests/tui/test_scoring_behind.py).
        assert str(status.render()) == "8 of 8 partners · 0 decided · scoring 8 partners…"
        release.set()
        await settle(pilot)
        assert len(app.table.view) == 8
        assert "scoring" not in str(status.render())
