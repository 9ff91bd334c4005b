"""Write a file so that the target is either the old file or the new, checked one.

The new content goes to a temporary file in the target's own folder (so the final
rename is atomic on the same filesystem), is checked, flushed to disk (fsync) and only
then replaces the target. On any failure, and on SIGTERM, the target is untouched and
the temporary file is removed. A run killed outright (SIGKILL, power loss) cannot clean
up: its temporary file is named `.~tierwise-PID-...`, and the next write into the same
folder removes the ones whose process is gone.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Final

from tierwise.errors import TierwiseError

TEMP_PREFIX: Final = ".~tierwise-"
_TEMP_NAME: Final = re.compile(re.escape(TEMP_PREFIX) + r"(\d+)-")


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name the same file (resolving links; False if either is absent)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return Path(a).resolve() == Path(b).resolve()


def check_writable(target: Path) -> Path:
    """The folder `target` would be written in; raises TierwiseError when it is missing
    or not writable, or `target` is a folder. Cheap: callers check before any work."""
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise TierwiseError(f"cannot write {target}: the folder {folder} does not exist")
    if target.is_dir():
        raise TierwiseError(f"cannot write {target}: it is a folder")
    if os.statvfs(folder).f_flag & os.ST_RDONLY:
        raise _os_error(target, OSError(errno.EROFS, os.strerror(errno.EROFS)))
    if not os.access(folder, os.W_OK):
        raise _os_error(target, OSError(errno.EACCES, os.strerror(errno.EACCES)))
    return folder


def write_atomically(
    target: Path,
    write: Callable[[Path], None],
    verify: Callable[[Path], None] | None = None,
) -> None:
    """Call `write(tmp)`, then `verify(tmp)`, then fsync tmp and rename it over `target`.

    OS errors (read-only folder, full disk, ...) become one TierwiseError naming the target.
    """
    target = Path(target)
    folder = check_writable(target)
    remove_stale_temps(folder)
    try:
        fd, name = tempfile.mkstemp(
            prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=target.suffix, dir=folder
        )
    except OSError as err:
        raise _os_error(target, err) from None
    os.close(fd)
    tmp = Path(name)
    try:
        with _removed_on_sigterm(tmp):
            write(tmp)
            if verify is not None:
                verify(tmp)
            _keep_mode(target, tmp)
            _fsync(tmp)
            os.replace(tmp, target)
            _fsync_folder(folder)
    except OSError as err:
        raise _os_error(target, err) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def remove_stale_temps(folder: Path) -> list[Path]:
    """Remove temporary files left in `folder` by Tierwise runs that no longer exist
    (killed mid-write); returns what was removed."""
    removed = []
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            m = _TEMP_NAME.match(entry.name)
            if m is None or _alive(int(m.group(1))) or not entry.is_file(follow_symlinks=False):
                continue
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


@contextlib.contextmanager
def _removed_on_sigterm(tmp: Path) -> Iterator[None]:
    """While the block runs, SIGTERM first removes `tmp`, then does what it did before
    (by default: ends the process). A write from another thread than the main one
    relies on the next run's `remove_stale_temps`."""
    before = signal.getsignal(signal.SIGTERM)
    # Only the main thread may set handlers; one set outside Python (None) cannot be
    # put back, so it is left alone.
    if threading.current_thread() is not threading.main_thread() or before is None:
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        signal.signal(signal.SIGTERM, before)
        if callable(before):
            before(signum, frame)
        elif before != signal.SIG_IGN:
            os.kill(os.getpid(), signal.SIGTERM)

    signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable; not every system can open a folder (Windows).
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _keep_mode(target: Path, tmp: Path) -> None:
    # mkstemp creates 0600 files; give the output the permissions a normal save would.
    try:
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask()
        os.chmod(tmp, mode)
    except OSError:
        pass


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _os_error(target: Path, err: OSError) -> TierwiseError:
    reason = err.strerror or str(err)
    return TierwiseError(
        f"cannot write {target}: {reason}; choose another output with -o, "
        "or free space / fix the folder's permissions"
    )
