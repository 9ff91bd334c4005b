"""Checks on an output path made before any input is read: a bad `-o` fails at once, in
one line, not after minutes of scoring or at the end of a triage session."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from tierwise.errors import TierwiseError
from tierwise.io.atomic import same_file
from tierwise.io.columns import OWN_SHEETS

WORKBOOKS: Final = (".xlsx", ".xlsm", ".xltx", ".xltm")


def written_by_tierwise(path: Path) -> bool:
    """Whether the workbook at `path` has one of Tierwise's own sheets (read from the
    package's workbook part only, without opening the sheets)."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = {n.lower(): n for n in zf.namelist()}
            part = names.get("xl/workbook.xml")
            if part is None or zf.getinfo(part).file_size > 16 << 20:
                return False
            data = zf.read(part)
    except (OSError, zipfile.BadZipFile, ValueError):
        return False
    return any(f'name="{sheet}"'.encode() in data for sheet in OWN_SHEETS)


def name_too_long(path: Path) -> bool:
    folder = path.parent if str(path.parent) else Path(".")
    try:
        limit = os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    return len(os.fsencode(path.name)) > limit


def is_folder(out: str | Path) -> bool:
    """`-o DIR/` (or an existing folder) names a folder, created when missing. (Give
    the text as typed: a Path drops the trailing slash.)"""
    if str(out).endswith(("/", os.sep)):
        return True
    try:
        return Path(out).is_dir()
    except OSError:  # a name too long to look up: check_target says so
        return False


def in_folder(out: str | Path, name: str) -> Path:
    """`name` inside the folder `out`, which is created when missing."""
    try:
        Path(out).mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise TierwiseError(f"cannot make the folder {out}: {err.strerror or err}") from None
    return Path(out) / name


def check_target(out: str | Path, inputs: Sequence[Path], *, force: bool = False) -> Path:
    """The file to write for `-o out` (a link is followed to the file it names, as
    SECURITY.md says); TierwiseError when it cannot or must not be written."""
    out = Path(out)
    if name_too_long(out):
        raise TierwiseError(
            f"cannot write {out.name[:40]}…: the file name is too long "
            f"({len(out.name)} characters); choose a shorter one with -o"
        )
    if out.is_symlink():
        out = Path(os.path.realpath(out))
    if out.is_dir():
        raise TierwiseError(f"-o {out} is a folder: give a file name, or end it with /")
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise TierwiseError(f"cannot write {out}: the folder {folder} {what}")
    if not os.access(folder, os.W_OK | os.X_OK):
        readonly = os.statvfs(folder).f_flag & os.ST_RDONLY
        reason = "Read-only file system" if readonly else "Permission denied"
        raise TierwiseError(f"cannot write {out}: the folder {folder} is not writable ({reason})")
    for src in inputs:
        if same_file(out, src) or out.resolve() == Path(src).resolve():
            raise TierwiseError(
                f"{out} is an input; Tierwise never overwrites one: choose another -o"
            )
    if (
        not force
        and out.suffix.lower() in WORKBOOKS
        and out.is_file()
        and not written_by_tierwise(out)
    ):
        raise TierwiseError(
            f"{out} is a workbook Tierwise did not write; pass --force to replace it"
        )
    return out
