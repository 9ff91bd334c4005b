"""No lost work: inputs are never overwritten, a failed or interrupted write leaves the
target as it was (and no temporary file), a full disk or a bad folder is one clear
line, and the triage journal survives `kill -9`.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import pty
import select
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
from datetime import date
from pathlib import Path

import pytest

from tests.helpers_workbooks import assert_one_line_error, run_cli, tracker
from tierwise.errors import TierwiseError
from tierwise.pipeline import evaluate
from tierwise.tui.journal import Journal, journal_path

AS_OF = date(2026, 10, 31)
REPO = Path(__file__).resolve().parents[1]
OLD = b"the previous output, which must survive"


@pytest.fixture
def src(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    return tracker(folder / "tracker.xlsx")


def leftovers(folder: Path) -> list[str]:
    """Temporary or partial files a write could leave behind."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith((".~", "tmp", "~$")))


# --- inputs are never overwritten ------------------------------------------------------


@pytest.mark.parametrize("fmt", [None, "csv", "json"])
def test_output_equal_to_the_input_is_refused(src: Path, fmt: str | None) -> None:
    before = src.read_bytes()
    extra = ["--format", fmt] if fmt else []
    for same in (src, src.parent / ".." / src.parent.name / src.name):
        result = run_cli("score", str(src), "-o", str(same), *extra)
        # (with --format csv|json, the .xlsx -o disagrees with the format first)
        assert_one_line_error(result, "never overwrites" if fmt is None else "agree")
        assert src.read_bytes() == before


def test_output_through_a_link_to_the_input_is_refused(src: Path) -> None:
    link = src.with_name("link.xlsx")
    link.symlink_to(src)
    before = src.read_bytes()
    assert_one_line_error(run_cli("score", str(src), "-o", str(link)), "never overwrites")
    assert src.read_bytes() == before and link.is_symlink()


def test_rescoring_an_annotated_file_never_writes_over_it(src: Path) -> None:
    first = run_cli("score", str(src), "-q", "--as-of", "2026-10-31")
    assert first.exit_code == 0, first.output
    annotated = src.with_name("tracker.tierwise.xlsx")
    before = annotated.read_bytes()
    again = run_cli("score", str(annotated), "-q", "--as-of", "2026-10-31")
    assert annotated.read_bytes() == before
    if again.exit_code != 0:
        assert_one_line_error(again, "-o")
    else:
        written = [p for p in src.parent.iterdir() if p not in (src, annotated)]
        assert written and all(p.name.startswith("tracker.tierwise") for p in written)


def test_the_annotated_default_output_is_never_the_input(src: Path) -> None:
    from tierwise.outputs import default_output

    annotated = src.with_name("tracker.tierwise.xlsx")
    annotated.write_bytes(src.read_bytes())
    assert default_output(src) == annotated
    assert default_output(annotated) != annotated


def test_write_annotated_refuses_its_own_input(src: Path) -> None:
    from tierwise.outputs import write_annotated

    before = src.read_bytes()
    with pytest.raises(TierwiseError, match="never overwrites"):
        write_annotated(evaluate(src, as_of=AS_OF), src)
    assert src.read_bytes() == before


# --- failed and interrupted writes -----------------------------------------------------


def _old_target(src: Path) -> Path:
    out = src.with_name("out.xlsx")
    out.write_bytes(OLD)
    return out


def test_a_failed_check_leaves_the_old_output_and_no_temp_file(
    src: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tierwise import outputs
    from tierwise.io import annotate

    out = _old_target(src)

    def broken(path: Path, *args: object, **kwargs: object) -> None:
        assert path != out and path.stat().st_size > 0  # the new file was written aside
        raise TierwiseError("the annotated workbook failed its check (simulated)")

    monkeypatch.setattr(annotate, "verify_workbook", broken)
    with pytest.raises(TierwiseError, match="simulated"):
        outputs.write_annotated(evaluate(src, as_of=AS_OF), out)
    assert out.read_bytes() == OLD
    assert leftovers(src.parent) == []


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, MemoryError, RuntimeError])
def test_an_interrupted_write_leaves_the_old_output_and_no_half_file(
    src: Path, monkeypatch: pytest.MonkeyPatch, interruption: type[BaseException]
) -> None:
    from tierwise import outputs
    from tierwise.io import annotate

    out = _old_target(src)
    real = annotate.annotate_package

    def half_then_stop(base, tmp, **kwargs) -> None:
        real(base, tmp, **kwargs)
        with open(tmp, "r+b") as fh:  # a torn file, as if the process stopped mid-write
            fh.truncate(fh.seek(0, 2) // 2)
        raise interruption("stopped mid-write")

    monkeypatch.setattr(annotate, "annotate_package", half_then_stop)
    with pytest.raises(interruption):
        outputs.write_annotated(evaluate(src, as_of=AS_OF), out)
    assert out.read_bytes() == OLD
    assert leftovers(src.parent) == []


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json"])
def test_full_disk_is_one_line_and_keeps_the_old_file(
    src: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    out = src.with_name(f"out.{fmt}")
    out.write_bytes(OLD)

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "replace", no_space)
    # --force: the old file is no workbook of ours, which -o replaces only when told
    result = run_cli("score", str(src), "-o", str(out), "-q", "--force")
    assert_one_line_error(result, "No space left on device", str(out))
    assert out.read_bytes() == OLD
    assert leftovers(src.parent) == []


@contextlib.contextmanager
def _tmpfs(mount: Path, options: str):
    """A small tmpfs at `mount` (needs root and mount rights; skips the test elsewhere)."""
    mount.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)


@pytest.fixture
def tiny_disk(tmp_path: Path):
    with _tmpfs(tmp_path / "tiny", "size=64k") as mount:
        yield mount


def test_a_read_only_folder_is_one_line(src: Path, tmp_path: Path) -> None:
    # chmod does not stop root, so the folder is a read-only filesystem instead.
    with _tmpfs(tmp_path / "ro", "size=64k,ro") as folder:
        for name in ("out.xlsx", "out.csv", "out.json"):
            result = run_cli("score", str(src), "-o", str(folder / name), "-q")
            assert_one_line_error(result, "Read-only file system")
        assert list(folder.iterdir()) == []


def test_a_really_full_disk_is_one_line_and_keeps_the_old_file(src: Path, tiny_disk: Path) -> None:
    out = tiny_disk / "out.xlsx"
    out.write_bytes(OLD)
    filler = tiny_disk / "filler"
    with contextlib.suppress(OSError), filler.open("wb") as fh:
        while True:
            fh.write(b"\0" * 4096)
            fh.flush()
    result = run_cli("score", str(src), "-o", str(out), "-q", "--force")
    assert_one_line_error(result, str(out))
    assert "No space left" in result.stderr
    assert out.read_bytes() == OLD
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["filler", "out.xlsx"]


def test_output_in_a_missing_folder_or_inside_a_file_is_one_line(src: Path) -> None:
    assert_one_line_error(
        run_cli("score", str(src), "-o", str(src.parent / "nowhere" / "out.xlsx")),
        "does not exist",
    )
    assert_one_line_error(run_cli("score", str(src), "-o", str(src / "out.xlsx")))
    for fmt in ("csv", "json"):
        target = src.parent / "nowhere" / f"out.{fmt}"
        assert_one_line_error(run_cli("score", str(src), "-o", str(target)))
    assert sorted(p.name for p in src.parent.iterdir()) == ["tracker.xlsx"]


# --- the triage journal and kill -9 ----------------------------------------------------


def _read_screen(fd: int, until: float, want: tuple[bytes, ...] = ()) -> bytes:
    """Read what the app draws until one of `want` appears (or time runs out)."""
    seen = b""
    while time.monotonic() < until:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            if want and any(w in seen for w in want):
                return seen
    return seen


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


async def test_journal_survives_kill_9_and_is_offered_back(src: Path) -> None:
    out = src.with_name("out.xlsx")
    pid, fd = pty.fork()
    if pid == 0:  # the child: the real command, in a real terminal
        os.chdir(REPO)
        os.environ.update(TERM="xterm-256color", COLUMNS="100", LINES="30")
        os.environ.pop("TIERWISE_DEBUG", None)
        args = ["triage", str(src), "-o", str(out), "--as-of", AS_OF.isoformat()]
        os.execv(sys.executable, [sys.executable, "-m", "tierwise.cli", *args])
    try:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        names = (b"Acme Analytics", b"Globex Consulting", b"Initech Systems")
        screen = _read_screen(fd, time.monotonic() + 60, names)
        assert any(n in screen for n in names), screen[-2000:]
        _read_screen(fd, time.monotonic() + 1.0)  # let the table take focus
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not Journal(out).read():
            os.write(fd, b"x")  # again if a slow start dropped it: deciding twice is idempotent
            _read_screen(fd, time.monotonic() + 3)
        _kill(pid)  # no save, no clean-up: SIGKILL
    finally:
        _kill(pid)
        os.close(fd)

    assert not out.exists()
    entries = Journal(out).final_states()
    assert journal_path(out).is_file() and len(entries) == 1, journal_path(out)
    (entry,) = entries
    row = entry.row
    assert entry.decision == "exit"

    # A new session offers the decision back, and restores it.
    from tierwise.tui.app import TriageApp
    from tierwise.tui.screens.choice import ChoiceScreen

    app = TriageApp(src, output=out, as_of=AS_OF, who="tester")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.click("#restore")
        await pilot.pause()
        assert app.session.state(row) == ("exit", "")
        assert app.session.dirty
