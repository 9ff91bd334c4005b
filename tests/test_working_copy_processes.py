"""The working copy with real processes: `tierwise triage` in real terminals (ptys),
killed with SIGKILL, run twice at once, and the README's day-1/day-2 workflow typed as a
user would. What counts is what lands in the files."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from tests.helpers_workbooks import HEADERS, ROWS, tracker
from tierwise.tui.journal import Journal
from tierwise.tui.lock import lock_path

REPO = Path(__file__).resolve().parents[1]
AS_OF = "2026-10-31"
MORE = [
    ["Hooli Cloud", "Tactical", "isv", 50_000, 0, ""],
    ["Wayne Services", "Casual", "integrator", 0, 0, "dormant"],
]


class Terminal:
    """`tierwise ARGS` running in a real terminal (a pty), driven by keystrokes."""

    def __init__(self, *args: str) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the real command
            os.chdir(REPO)
            os.environ.update(TERM="xterm-256color", COLUMNS="110", LINES="32")
            os.environ.pop("TIERWISE_DEBUG", None)
            os.execv(sys.executable, [sys.executable, "-m", "tierwise.cli", *args])
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 32, 110, 0, 0))
        self.seen = b""

    def read(self, seconds: float, want: bytes = b"") -> bytes:
        """Read the screen for `seconds`, or until `want` was drawn."""
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            ready, _, _ = select.select([self.fd], [], [], 0.1)
            if not ready:
                continue
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            self.seen += chunk
            if want and want in self.seen:
                break
        return self.seen

    def wait_until(self, done: Callable[[], bool], keys: bytes = b"", seconds: float = 60) -> None:
        """Send `keys` (again, after a pause, if nothing happened) until `done()`."""
        until = time.monotonic() + seconds
        while not done():
            assert time.monotonic() < until, self.seen[-3000:]
            if keys:
                os.write(self.fd, keys)
            self.read(2.0)

    def type(self, keys: bytes, pause: float = 0.5) -> None:
        os.write(self.fd, keys)
        self.read(pause)

    def decide(self, partner: str, key: bytes, journal: Journal) -> None:
        """Search for `partner`, put the cursor on it and press `key`, until its line is
        in the journal (a keystroke sent while the app is busy is sent again)."""

        def journaled() -> bool:
            return any(e.partner == partner for e in journal.read())

        until = time.monotonic() + 60
        while not journaled():
            assert time.monotonic() < until, self.seen[-3000:]
            self.type(b"\x1b", 0.5)  # whatever was open closes
            self.type(b"/", 1.0)  # the search field opens and takes the keys
            self.type(partner.encode(), 0.5)
            self.type(b"\r", 1.0)
            self.type(key, 1.5)

    def exited(self, seconds: float = 30) -> bool:
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            self.read(0.2)
            pid, _ = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.pid = 0
                return True
        return False

    def kill(self) -> None:
        if self.pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
            self.pid = 0
        with contextlib.suppress(OSError):
            os.close(self.fd)


@pytest.fixture
def terminals():
    started: list[Terminal] = []

    def start(*args: str) -> Terminal:
        term = Terminal(*args)
        started.append(term)
        return term

    yield start
    for term in started:
        term.kill()


def stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def save(term: Terminal, out: Path) -> None:
    before = stamp(out)
    term.wait_until(lambda: stamp(out) != before, b"\x13", seconds=90)  # ctrl+s
    term.read(1.0)


def decisions_in(path: Path) -> dict[str, str | None]:
    book = openpyxl.load_workbook(path, read_only=True)
    rows = list(book["Partners"].values)
    book.close()
    d = list(rows[0]).index("Tierwise: decision")
    return {r[0]: r[d] for r in rows[1:] if r[d]}


def log_in(path: Path) -> list[tuple[str, str]]:
    """(partner, to) of each Log row."""
    book = openpyxl.load_workbook(path, read_only=True)
    rows = [(r[2], r[5]) for r in list(book["Tierwise Log"].values)[1:]]
    book.close()
    return rows


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tierwise.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def test_readme_day_one_and_day_two_keep_every_decision_and_log_row(
    tmp_path: Path, terminals
) -> None:
    src = tracker(tmp_path / "tracker.xlsx", [*ROWS, *MORE])
    out = tmp_path / "tracker.tierwise.xlsx"
    args = ("triage", str(src), "--as-of", AS_OF)

    # Day 1: score, then triage three partners, save, quit.
    assert cli("score", "tracker.xlsx", "-q", "--as-of", AS_OF, cwd=tmp_path).returncode == 0
    day1 = terminals(*args)
    day1.read(30, b"Acme")
    day1.read(1.0)
    if b"Continue" in day1.seen:  # the scored copy holds nothing yet: no offer
        pytest.fail("offered to continue from a copy holding nothing")
    for partner, key in (
        ("Globex Consulting", b"x"),
        ("Hooli Cloud", b"s"),
        ("Wayne Services", b"c"),
    ):
        day1.decide(partner, key, Journal(out))
    save(day1, out)
    day1.type(b"q")
    assert day1.exited()
    assert len(log_in(out)) == 3

    # Day 2: the same command again: continue from the annotated copy, one more.
    day2 = terminals(*args)
    day2.read(30, b"Continue")
    day2.read(1.0)
    day2.type(b"\r", 1.5)  # "Continue from tracker.tierwise.xlsx" is the first button
    day2.decide("Initech Systems", b"t", Journal(out))
    save(day2, out)
    day2.type(b"q")
    assert day2.exited()

    # A re-score the next week keeps them all, and says so.
    again = cli("score", "tracker.xlsx", "-q", "--as-of", AS_OF, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "kept 4 decisions and 4 log rows from tracker.tierwise.xlsx" in again.stdout
    assert decisions_in(out) == {
        "Globex Consulting": "exit",
        "Hooli Cloud": "strategic",
        "Wayne Services": "casual",
        "Initech Systems": "tactical",
    }
    assert log_in(out) == [
        ("Globex Consulting", "exit"),
        ("Hooli Cloud", "strategic"),
        ("Wayne Services", "casual"),
        ("Initech Systems", "tactical"),
    ]


def test_a_row_inserted_between_a_crash_and_the_restore(tmp_path: Path, terminals) -> None:
    src = tracker(tmp_path / "tracker.xlsx", [*ROWS, *MORE])
    out = tmp_path / "out.xlsx"
    args = ("triage", str(src), "-o", str(out), "--as-of", AS_OF)
    first = terminals(*args)
    first.read(30, b"Acme")
    first.read(1.0)
    first.decide("Initech Systems", b"x", Journal(out))
    first.kill()  # SIGKILL: no save, no clean-up
    assert not out.exists()
    assert [e.row for e in Journal(out).read()] == [4]

    # Someone inserts a partner above the others before the next start.
    tracker(src, [["Newcomer Ltd", "Casual", "isv", 0, 0, ""], *ROWS, *MORE], HEADERS)
    second = terminals(*args)
    second.read(30, b"Restore")
    second.read(1.0)
    second.type(b"\r", 1.5)  # Restore
    save(second, out)
    second.type(b"q")
    assert second.exited()
    assert decisions_in(out) == {"Initech Systems": "exit"}


def test_two_triage_sessions_keep_both_sessions_decisions(tmp_path: Path, terminals) -> None:
    src = tracker(tmp_path / "tracker.xlsx", [*ROWS, *MORE])
    out = tmp_path / "tracker.tierwise.xlsx"
    args = ("triage", str(src), "--as-of", AS_OF)
    first = terminals(*args)
    first.read(30, b"Acme")
    first.read(1.0)
    assert lock_path(out).exists()
    second = terminals(*args)
    second.read(30, b"Acme")
    second.read(2.0)
    assert b"another" in second.seen  # told that a session holds the output

    first.decide("Hooli Cloud", b"s", Journal(out))
    second.decide("Wayne Services", b"x", Journal(out, str(second.pid)))  # its own journal
    save(first, out)
    save(second, out)
    first.type(b"q")
    second.type(b"q")
    assert first.exited() and second.exited()
    assert decisions_in(out) == {"Hooli Cloud": "strategic", "Wayne Services": "exit"}
    assert sorted(log_in(out)) == [("Hooli Cloud", "strategic"), ("Wayne Services", "exit")]
    assert not lock_path(out).exists()
