"""`tierwise triage` through the command line: its options reach the app (headless)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.app import App
from textual.pilot import Pilot

from tests.tui.conftest import write_tracker
from tierwise.cli import main
from tierwise.io import safety
from tierwise.tui.app import TriageApp


def padded(path: Path) -> Path:
    """A real tracker with one zero-filled part past the zip-bomb ratio cap: cheap to
    write (it compresses to ~60 kB), refused by the size guard unless --allow-large."""
    write_tracker(path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/padding.bin", b"\0" * (safety.MAX_RATIO_MIN_SIZE + 1_000_000))
    return path


@pytest.fixture
def headless(monkeypatch: pytest.MonkeyPatch) -> list[TriageApp]:
    """Run `tierwise triage` without a terminal: the app loads, then quits by itself."""
    started: list[TriageApp] = []

    async def quit_when_loaded(pilot: Pilot) -> None:
        app = pilot.app
        while app.is_running and app.session is None:
            await pilot.pause(0.05)
        app.exit()

    def run(self: TriageApp) -> None:
        started.append(self)
        return App.run(self, headless=True, size=(100, 30), auto_pilot=quit_when_loaded)

    monkeypatch.setattr(TriageApp, "run", run)
    return started


def test_allow_large_reaches_the_reader(tmp_path: Path, headless: list[TriageApp]) -> None:
    path = padded(tmp_path / "big.xlsx")
    refused = CliRunner().invoke(main, ["triage", str(path), "--as-of", "2026-10-31"])
    assert refused.exit_code == 1
    assert headless[-1].session is None
    # one line on stderr, however wide the message, as from every other command
    assert refused.stderr.count("\n") == 1 and "pass --allow-large" in refused.stderr
    opened = CliRunner().invoke(
        main, ["triage", str(path), "--as-of", "2026-10-31", "--allow-large"]
    )
    assert opened.exit_code == 0, opened.output
    app = headless[-1]
    assert app.allow_large and app.session is not None and len(app.session) == 8


def test_a_bad_file_name_is_printed_literally(tmp_path: Path, headless: list[TriageApp]) -> None:
    bad = tmp_path / "[bold red]x\x1b]0;owned\x07.xlsx"
    bad.write_text("not a workbook")
    result = CliRunner().invoke(main, ["triage", str(bad)])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("tierwise: ")
    assert "[bold red]x\ufffd]0;owned\ufffd.xlsx" in result.stderr
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr


def test_o_problems_fail_before_the_app_starts(tmp_path: Path, headless: list[TriageApp]) -> None:
    src = write_tracker(tmp_path / "tracker.xlsx")
    unrelated = write_tracker(tmp_path / "budget.xlsx")
    for bad, needle in (
        (src, "never overwrites"),
        (tmp_path / "missing" / "out.xlsx", "does not exist"),
        (src / "out.xlsx", "is not a folder"),
        (unrelated, "--force"),
    ):
        result = CliRunner().invoke(main, ["triage", str(src), "-o", str(bad)])
        assert result.exit_code == 1, (bad, result.output)
        assert result.stderr.count("\n") == 1 and needle in result.stderr, result.stderr
    assert headless == []  # refused before any app was made


def test_o_folder_slash_saves_inside_it(tmp_path: Path, headless: list[TriageApp]) -> None:
    src = write_tracker(tmp_path / "tracker.xlsx")
    folder = tmp_path / "triaged"
    result = CliRunner().invoke(
        main, ["triage", str(src), "-o", f"{folder}/", "--as-of", "2026-10-31"]
    )
    assert result.exit_code == 0, result.output
    assert folder.is_dir() and headless[-1].output == folder / "tracker.tierwise.xlsx"


def test_a_name_too_long_for_the_output_is_one_line(
    tmp_path: Path, headless: list[TriageApp]
) -> None:
    src = write_tracker(tmp_path / ("p" * 245 + ".xlsx"))
    result = CliRunner().invoke(main, ["triage", str(src)])
    assert result.exit_code == 1 and result.stderr.count("\n") == 1, result.output
    assert "too long" in result.stderr and "pass -o" in result.stderr
    assert headless == []
