"""Trackers as read, kept in the user's cache folder so that opening the same file
again in the triage app skips the reading (seconds at 100,000 partners).

An entry is a folder under `$XDG_CACHE_HOME/tierwise/reads` (default
`~/.cache/tierwise/reads`, private to the user) named by a key of the file's path, the
read options and the code that reads (Tierwise's own files, polars and fastexcel
versions). It holds the frames as parquet and the rest as JSON, with the file's size,
modification time and SHA-256 when it was read: an entry is used only when all three
still match, and anything unreadable in it is a miss, never an error. Entries are
published by renaming a finished folder, so a reader never sees half of one; the
least recently used beyond `KEEP` are removed. `TIERWISE_NO_CACHE=1` turns it off.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import uuid
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

from tierwise import __version__
from tierwise.io.tracker import SheetTail, SheetTails, Source, Tracker, TrackerWarning

KEEP = 8  # entries kept: a tracker or two, a few versions of each
_FRAMES = ("frame", "raw", "decisions")


def cache_root() -> Path | None:
    """Where entries go; None when caching is off."""
    if os.environ.get("TIERWISE_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or ""
    root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    return root / "tierwise" / "reads"


class ReadCache:
    """`get` and `put` trackers read from files (pipeline.read's `cache`), then `save`."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root if root is not None else cache_root()
        # The file as `get` found it (size, modification time, SHA-256), before it was read.
        self._seen: dict[str, tuple[list[int], str]] = {}
        self._pending: tuple[str, Tracker, tuple[list[int], str]] | None = None

    def get(self, path: Path, options: dict[str, Any]) -> Tracker | None:
        """The tracker read from `path` with `options`, if an entry holds it for the
        file as it is now."""
        if self.root is None:
            return None
        key = _key(path, options)
        entry = self.root / key
        try:
            seen = self._seen[key] = (_identity(path), _sha256(path))
            # Every file from the one folder opened here, even if another session
            # replaces the entry meanwhile (its folder renamed away, then removed).
            folder = os.open(entry, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            return None
        try:

            def opener(name: str, flags: int) -> int:
                return os.open(name, flags, dir_fd=folder)

            with open("meta.json", encoding="utf-8", opener=opener) as f:
                meta = json.load(f)
            if [meta["file"], meta["sha256"]] != list(seen):
                return None
            frames = {}
            # An entry written before other_rows were kept has no "other_rows" key: older.
            for name in (*_FRAMES, *(["other_rows"] if meta["other_rows"] else [])):
                with open(f"{name}.parquet", "rb", opener=opener) as data:
                    frames[name] = pl.read_parquet(data)
            tracker = Tracker(
                frames["frame"],
                frames["raw"],
                _source(meta["source"]),
                [TrackerWarning(**w) for w in meta["warnings"]],
                frames["decisions"],
                meta["setup"],
                meta["strategy"],
                other_rows=frames.get("other_rows"),
            )
            os.utime(folder)  # recently used
        except Exception:  # damaged, partial or older: read the file instead
            return None
        finally:
            os.close(folder)
        return tracker

    def put(self, path: Path, options: dict[str, Any], tracker: Tracker) -> None:
        """Remember `tracker`, just read from `path` with `options`, if the file is
        still the one `get` hashed before the read; `save` writes it (later, off the
        way to the screen)."""
        key = _key(path, options)
        seen = self._seen.pop(key, None)
        try:
            unchanged = seen is not None and _identity(path) == seen[0]
        except OSError:
            unchanged = False
        if self.root is not None and seen is not None and unchanged:
            self._pending = (key, tracker, seen)

    def save(self) -> None:
        """Write the tracker `put` last; failing to is no error (no cache, that is all)."""
        if self._pending is None or self.root is None:
            return
        key, tracker, seen = self._pending
        self._pending = None
        try:
            self._write(key, tracker, seen)
        except Exception:  # a full disk, a frame parquet cannot hold: the app goes on
            return

    def _write(self, key: str, tracker: Tracker, seen: tuple[list[int], str]) -> None:
        assert self.root is not None
        meta = {
            "file": seen[0],
            "sha256": seen[1],
            "source": dataclasses.asdict(tracker.source),
            "warnings": [dataclasses.asdict(w) for w in tracker.warnings],
            "setup": tracker.setup,
            "strategy": tracker.strategy,
            "other_rows": tracker.other_rows is not None,
        }
        text = json.dumps(meta, ensure_ascii=False)
        back = json.loads(text)
        if _source(back["source"]) != tracker.source or (back["setup"], back["strategy"]) != (
            tracker.setup,
            tracker.strategy,
        ):
            return  # something JSON does not carry back as it was: not cached
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = self.root / f".tmp-{uuid.uuid4().hex}"
        tmp.mkdir(mode=0o700)
        try:
            for name in _FRAMES:
                getattr(tracker, name).write_parquet(tmp / f"{name}.parquet")
            if tracker.other_rows is not None:
                tracker.other_rows.write_parquet(tmp / "other_rows.parquet")
            (tmp / "meta.json").write_text(text, encoding="utf-8")
            final = self.root / key
            if final.exists():  # an older read of the file: replace it
                old = self.root / f".old-{uuid.uuid4().hex}"
                final.rename(old)
                shutil.rmtree(old, ignore_errors=True)
            tmp.rename(final)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        self._evict()

    def _evict(self) -> None:
        assert self.root is not None
        entries = sorted(
            (p for p in self.root.iterdir() if not p.name.startswith(".")),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for old in entries[KEEP:]:
            shutil.rmtree(old, ignore_errors=True)


def _source(data: dict[str, Any]) -> Source:
    data = dict(data)
    tails = data.get("sheet_tails")
    if tails is not None:
        data["sheet_tails"] = SheetTails(
            (tails["stamp"][0], tails["stamp"][1]),
            {part: SheetTail(**tail) for part, tail in tails["parts"].items()},
        )
    return Source(**data)


def _key(path: Path, options: dict[str, Any]) -> str:
    what = json.dumps(
        [str(path.resolve()), options, _code()], sort_keys=True, default=str, ensure_ascii=False
    )
    return hashlib.sha256(what.encode()).hexdigest()[:32]


def _identity(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@cache
def _code() -> str:
    """What reading depends on: Tierwise's own files (a changed reader reads anew, even
    under the same version number) and the versions of polars and fastexcel."""
    import fastexcel

    digest = hashlib.sha256(f"{__version__} {pl.__version__} {fastexcel.__version__}".encode())
    package = Path(__file__).resolve().parent.parent
    for file in sorted(package.rglob("*")):
        if file.suffix in (".py", ".toml") and file.is_file():
            digest.update(file.relative_to(package).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()
