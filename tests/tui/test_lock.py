"""The lock beside a triage output, and the journals of second sessions."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

from tierwise.tui.journal import Entry, Journal, adopt_side_journals, journal_path
from tierwise.tui.lock import Lock, lock_path


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_second_lock_names_the_holder_and_never_removes_its_lock(tmp_path: Path) -> None:
    out = tmp_path / "[odd] name.tierwise.xlsx"
    first, second = Lock(out, "ana"), Lock(out, "bo")
    assert first.acquire() is None and first.held
    holder = second.acquire()
    assert holder is not None and holder.who == "ana" and holder.pid == os.getpid()
    assert "ana (process" in str(holder)
    second.release()
    assert lock_path(out).exists()
    first.release()
    assert not lock_path(out).exists()


def test_a_lock_left_by_a_dead_process_is_taken_over(tmp_path: Path) -> None:
    out = tmp_path / "t.tierwise.xlsx"
    stale = {"who": "gone", "host": socket.gethostname(), "pid": dead_pid(), "since": "x"}
    lock_path(out).write_text(json.dumps(stale))
    lock = Lock(out, "me")
    assert lock.acquire() is None and lock.held
    assert json.loads(lock_path(out).read_text())["who"] == "me"


def test_side_journals_of_ended_sessions_join_the_main_one(tmp_path: Path) -> None:
    out = tmp_path / "[odd] name.tierwise.xlsx"
    Journal(out).append(Entry(2, "Acme", "exit", "", "2026-10-31T10:00:00"))
    ended = Journal(out, str(dead_pid()))
    ended.append(Entry(3, "Globex", "casual", "", "2026-10-31T10:01:00"))
    running = Journal(out, str(os.getpid()))
    running.append(Entry(4, "Initech", "tactical", "", "2026-10-31T10:02:00"))
    adopt_side_journals(out)
    assert [e.partner for e in Journal(out).read()] == ["Acme", "Globex"]
    assert not ended.exists() and running.exists()
    assert journal_path(out).exists()
