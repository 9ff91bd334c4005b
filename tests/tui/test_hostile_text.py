"""Text from a workbook is shown, never obeyed: control characters are drawn as U+FFFD
and markup-looking text stays literal, in every pane and dialog of the triage app."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.tui.conftest import (
    HEADERS,
    ROWS,
    make_app,
    open_whatif,
    row_of,
    select,
    settle,
    write_tracker,
)
from tierwise.tui.app import TriageApp
from tierwise.tui.screens.note import NoteScreen
from tierwise.tui.screens.warnings import WarningsScreen
from tierwise.tui.screens.whatif import WhatIfScreen
from tierwise.tui.text import markup, printable

# As a real workbook carries them: OOXML's _xHHHH_ escapes, decoded by the reader.
ESCAPES = "Evil_x001B_]0;pwned_x0007__x001B_[2J_x009B_31m Co"
ESCAPES_SHOWN = "Evil\ufffd]0;pwned\ufffd\ufffd[2J\ufffd31m Co"
MARKUP = "[bold red]Globex[/]"
CLICK = "[@click=app.quit]Initech[/]"
OBJECTIVE = "synergy_x001B_[2J [@click=app.quit]go[/] $text-muted x\\"
OBJECTIVE_SHOWN = "synergy\ufffd[2J [@click=app.quit]go[/] $text-muted x\\"
BAD_AMOUNT = "[link=https://example.com]lots[/link]_x009B_2J"
BAD_AMOUNT_SHOWN = "[link=https://example.com]lots[/link]\ufffd2J"
NOTE = "[@click=app.quit]note[/]\x1b]0;t\x07 \x9b2J tail\\"
NOTE_SHOWN = "[@click=app.quit]note[/]\ufffd]0;t\ufffd \ufffd2J tail\\"
# What Textual itself writes: colours (SGR) and cursor moves. Anything else is a leak.
_OWN_SEQUENCES = re.compile("\x1b\\[[0-9;:]*m|\x1b\\[[0-9]+;[0-9]+H")


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    rows = [list(r) for r in ROWS]
    rows[0][0] = ESCAPES
    rows[1][0] = MARKUP
    rows[1][HEADERS.index("Objective")] = OBJECTIVE
    rows[2][0] = CLICK
    rows[3][HEADERS.index("Revenue Target")] = BAD_AMOUNT
    return write_tracker(tmp_path / "hostile.xlsx", rows)


def terminal(app: TriageApp) -> str:
    """What the app would write to the terminal for a full redraw of its screen."""
    update = app.screen._compositor.render_full_update()
    return update.render_segments(app.console)


def visible(raw: str) -> str:
    """The terminal output without Textual's own colour and cursor sequences."""
    return _OWN_SEQUENCES.sub("\n", raw)


def leaks(raw: str) -> list[str]:
    text = visible(raw)
    return [c for c in text if (ord(c) < 32 and c != "\n") or 0x7F <= ord(c) < 0xA0]


def detail_text(app: TriageApp) -> str:
    body = app.main_screen.query_one("#detail-body")
    return str(body.render())


async def show(pilot: Pilot, name: str) -> str:
    await select(pilot, name)
    await pilot.pause(0.1)
    return detail_text(pilot.app)


async def test_detail_pane_shows_cell_text_literally(hostile: Path) -> None:
    app = make_app(hostile, output=hostile.with_name("out.xlsx"))
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        reader_name = "Evil\x1b]0;pwned\x07\x1b[2J\x9b31m Co"  # what the reader gives
        text = await show(pilot, reader_name)
        assert text.startswith(ESCAPES_SHOWN)
        assert not leaks(text)
        assert ESCAPES_SHOWN in visible(terminal(app))
        assert not leaks(terminal(app))

        text = await show(pilot, MARKUP)
        assert text.startswith(MARKUP)
        assert f"Objective (F3): {OBJECTIVE_SHOWN}" in text
        assert not leaks(terminal(app))

        text = await show(pilot, CLICK)
        assert text.startswith(CLICK)
        assert app.is_running


async def test_a_note_with_escapes_and_markup(hostile: Path) -> None:
    app = make_app(hostile, output=hostile.with_name("out.xlsx"))
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await select(pilot, CLICK)
        app._changed(app.session.set_note(row_of(app, CLICK), NOTE))
        await pilot.pause(0.1)
        assert f"✎ {NOTE_SHOWN}" in detail_text(app)
        assert not leaks(terminal(app))
        await pilot.press("n")  # the note editor is titled with the partner's name
        assert isinstance(app.screen, NoteScreen)
        await pilot.pause()
        shown = visible(terminal(app))
        assert CLICK in shown
        assert not leaks(terminal(app))
        await pilot.press("enter")  # kept unchanged: the note is not rewritten with U+FFFD
        assert app.session.state(row_of(app, CLICK))[1] == NOTE
        assert app.is_running


async def test_warnings_quote_cells_literally(hostile: Path) -> None:
    app = make_app(hostile)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        assert any(
            BAD_AMOUNT_SHOWN[:20] in w.message.replace("\x9b", "\ufffd") for w in app.ev.warnings
        )
        await pilot.press("w")
        assert isinstance(app.screen, WarningsScreen)
        await pilot.pause()
        raw = terminal(app)
        assert "[link=https://example.com]lots[/link]" in visible(raw)
        assert not leaks(raw)
        assert "\x1b]8;" not in raw  # no hyperlink made from cell text


async def test_whatif_lists_moved_partners_literally(hostile: Path) -> None:
    app = make_app(hostile)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        # no score reaches it: every tactical recommendation moves, names listed
        screen = await open_whatif(pilot, {"recommend.tactical_min_score": "101"})
        await pilot.pause(0.5)
        await settle(pilot)
        result = str(screen.query_one("#whatif-result").render())
        moved = [n for n in (MARKUP, CLICK, ESCAPES_SHOWN) if n in result]
        assert moved, result
        assert not leaks(terminal(app))
        assert app.is_running


async def test_title_and_status_show_names_literally(tmp_path: Path) -> None:
    path = write_tracker(tmp_path / "[b]odd\x1b[2J.xlsx")
    app = make_app(path)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"[b]")
        await pilot.press("enter")
        await pilot.pause()
        shown = visible(terminal(app))
        assert "[b]odd\ufffd[2J.xlsx" in shown
        assert 'search "[b]"' in shown
        assert not leaks(terminal(app))
        await pilot.press("escape", "R")  # the what-if screen offers a rubric file name
        assert isinstance(app.screen, WhatIfScreen)
        await pilot.pause()
        shown_path = app.screen.query_one("#whatif-path").value
        assert shown_path.endswith("[b]odd\ufffd[2J.rubric.toml")
        assert not leaks(terminal(app))
        await pilot.press("ctrl+s")  # saved under the real name, not the shown one
        await pilot.pause()
    assert (tmp_path / "[b]odd\x1b[2J.rubric.toml").is_file()


def test_markup_values_are_never_parsed() -> None:
    # textual.markup.escape loses the closing tag after a trailing backslash
    for text in ("x\\", "[b]x\\", "\\[@click=app.quit]q[/]", "$v0", "a\nb\x1b[2J\x85"):
        shown = markup("[b]$name[/] [i]after[/]", name=text)
        assert shown.plain == f"{printable(text, newlines=True)} after"
        assert [str(span.style) for span in shown.spans] == ["b", "i"]
    assert printable("a\nb\tc\x9b") == "a\ufffdb\ufffdc\ufffd"


async def test_pasted_control_characters_never_reach_the_terminal(hostile: Path) -> None:
    from textual import events

    app = make_app(hostile)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("/")
        search = app.main_screen.query_one("#search")
        search.post_message(events.Paste("Evil\x1b]0;pwned\x07\x9b2J"))
        await pilot.pause()
        assert search.value == "Evil\ufffd]0;pwned\ufffd\ufffd2J"
        assert leaks(terminal(app)) == []
        await pilot.press("escape")
        await select(pilot, "Hooli Cloud")
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NoteScreen)
        editor = app.screen.query_one("Input")
        editor.post_message(events.Paste(" \x1b[2Jwiped"))
        await pilot.pause()
        assert editor.value.endswith("\ufffd[2Jwiped")
        await pilot.press("enter")
        await settle(pilot)
        assert app.session.state(row_of(app, "Hooli Cloud"))[1].endswith("\ufffd[2Jwiped")
