"""Write a file so that the target is either the old file or the new, checked one.

The new content goes to a temporary file in the target's own folder (so the final
rename is atomic on the same filesystem), is checked, and only then replaces the
target. On any failure the target is untouched and the temporary file is removed.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from tierwise.errors import TierwiseError


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name the same file (resolving links; False if either is absent)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return Path(a).resolve() == Path(b).resolve()


def write_atomically(
    target: Path,
    write: Callable[[Path], None],
    verify: Callable[[Path], None] | None = None,
) -> None:
    """Call `write(tmp)`, then `verify(tmp)`, then rename tmp over `target`.

    OS errors (read-only folder, full disk, ...) become one TierwiseError naming the target.
    """
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise TierwiseError(f"cannot write {target}: the folder {folder} does not exist")
    try:
        fd, name = tempfile.mkstemp(prefix=".~tierwise-", suffix=target.suffix, dir=folder)
    except OSError as err:
        raise _os_error(target, err) from None
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        if verify is not None:
            verify(tmp)
        _keep_mode(target, tmp)
        os.replace(tmp, target)
    except OSError as err:
        raise _os_error(target, err) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


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
