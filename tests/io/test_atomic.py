"""Interrupted writes: a real process killed while it writes, with SIGTERM and SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tierwise.io.atomic import TEMP_PREFIX, remove_stale_temps, write_atomically

# Writes half a file, says so, then waits to be killed.
WRITER = """
import sys, time
from pathlib import Path
from tierwise.io.atomic import write_atomically

def write(tmp):
    tmp.write_bytes(b"half a workbook")
    Path(sys.argv[2]).write_text(tmp.name)
    time.sleep(60)

write_atomically(Path(sys.argv[1]), write)
"""


def _start_writer(tmp_path: Path) -> tuple[subprocess.Popen, Path, Path]:
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"the old workbook")
    ready = tmp_path.parent / f"{tmp_path.name}.ready"
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(target), str(ready)])
    for _ in range(600):
        if ready.exists() and ready.read_text():
            return proc, target, tmp_path / ready.read_text()
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    pytest.fail("the writer never started writing")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_sigterm_during_a_write_removes_the_temp_file(tmp_path: Path) -> None:
    proc, target, temp = _start_writer(tmp_path)
    assert temp.exists() and temp.name.startswith(f"{TEMP_PREFIX}{proc.pid}-")
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) == -signal.SIGTERM  # it still ends, as SIGTERM asks
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xlsx"]
    assert target.read_bytes() == b"the old workbook"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_the_temp_file_of_a_killed_write_is_removed_by_the_next_one(tmp_path: Path) -> None:
    proc, target, temp = _start_writer(tmp_path)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    assert temp.exists()  # nothing can clean up after SIGKILL ...
    assert target.read_bytes() == b"the old workbook"
    write_atomically(target, lambda tmp: tmp.write_bytes(b"new"))
    # ... so the next write into the folder does.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xlsx"]
    assert target.read_bytes() == b"new"


def test_temp_files_of_live_processes_and_other_files_are_left(tmp_path: Path) -> None:
    mine = tmp_path / f"{TEMP_PREFIX}{os.getpid()}-abc.xlsx"
    unrelated = tmp_path / ".~tierwise-notes.txt"
    for p in (mine, unrelated):
        p.write_bytes(b"x")
    assert remove_stale_temps(tmp_path) == []
    assert mine.exists() and unrelated.exists()


def test_the_new_file_is_synced_before_it_replaces_the_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (events.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(
        os, "replace", lambda a, b: (events.append("replace"), real_replace(a, b))[1]
    )
    write_atomically(tmp_path / "out.csv", lambda tmp: tmp.write_text("a,b\n"))
    assert events[:2] == ["fsync", "replace"]
    assert (tmp_path / "out.csv").read_text() == "a,b\n"
