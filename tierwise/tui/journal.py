"""The crash journal: every decision and note, appended and fsynced as it is made.

It lives beside the output workbook (`OUT.tierwise-journal.jsonl`), is offered back on
the next start if the app died before saving, and is deleted after a successful save.
Each line is one JSON object: the partner's name and row and the state it was set to,
so replaying the lines in order rebuilds the unsaved decisions (undo writes a line too).
Lines belong to partners, not rows: the name says whose decision it is (the row is a
hint), so a row inserted in the tracker before the journal is replayed moves nothing.
A what-if rubric applied to the session is a line of its own (`{"rubric": TOML, ...}`):
the last one is the rubric in use when the app stopped.
"""

from __future__ import annotations

import glob
import json
import os
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from tierwise.fields import DECISIONS
from tierwise.io.identity import Refused, Roster, partner_key

SUFFIX = ".tierwise-journal.jsonl"
_LAST_ROW = 1_048_576  # the last worksheet row a spreadsheet can have


def journal_path(output: Path, side: str = "") -> Path:
    """`OUT.tierwise-journal.jsonl`; a second session on the same output, while the
    first holds it, journals to `OUT.tierwise-journal-SIDE.jsonl` instead."""
    return output.with_name(
        output.name + (SUFFIX.replace(".jsonl", f"-{side}.jsonl") if side else SUFFIX)
    )


def adopt_side_journals(output: Path) -> None:
    """Append the journals of second sessions that ended (without saving) to the main
    journal, so the next session offers them back like its own. A second session
    still running keeps its own."""
    from tierwise.tui.lock import alive

    main = journal_path(output)
    prefix, suffix = journal_path(output, "\0").name.split("\0")
    for side in sorted(output.parent.glob(glob.escape(prefix) + "*" + glob.escape(suffix))):
        pid = side.name[len(prefix) : -len(suffix)]
        if side == main or (pid.isdigit() and alive(int(pid))):
            continue
        data = side.read_bytes()
        fd = os.open(main, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            os.write(fd, data if data.endswith(b"\n") or not data else data + b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)
        side.unlink()


@dataclass(frozen=True)
class Entry:
    row: int
    partner: str
    decision: str | None
    note: str
    when: str  # ISO time the change was made


@dataclass(frozen=True)
class RubricEntry:
    toml: str  # the whole applied rubric, as Rubric.to_toml writes it
    when: str


class Journal:
    """Append-only, fsynced record of unsaved changes for one output file."""

    def __init__(self, output: Path, side: str = "") -> None:
        self.path = journal_path(output, side)
        self.skipped = 0  # damaged lines left out by the last `read`
        self.rubric: RubricEntry | None = None  # the last rubric line `read` found

    def exists(self) -> bool:
        return self.path.is_file()

    def append(self, entry: Entry | RubricEntry) -> None:
        line = _line(entry)
        # Open, write, fsync, close each time: a crash right after a keypress loses nothing.
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)

    def read(self) -> list[Entry]:
        """The entries written so far. A line that is not one this class wrote (a torn
        last line after a crash mid-write, or a damaged file) is skipped and counted in
        `skipped`; reading never raises."""
        entries: list[Entry] = []
        self.skipped = 0
        self.rubric = None
        try:
            data = self.path.read_bytes()
        except OSError:
            return entries
        # Split on newline only: notes may hold U+2028 or U+0085, which
        # str.splitlines would treat as line ends.
        for line in data.split(b"\n"):
            if not line.strip():
                continue
            try:
                doc = json.loads(line, parse_constant=_no_constant)
                if isinstance(doc, dict) and "rubric" in doc:
                    self.rubric = _rubric_entry(doc)
                else:
                    entries.append(_entry(doc))
            except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
                self.skipped += 1
        return entries

    def final_states(self) -> list[Entry]:
        """The last entry per partner (by name; by row for a line without one): what
        the decisions were when the app stopped."""
        last = {partner_key(e.partner) or e.row: e for e in self.read()}
        return list(last.values())

    def rewrite(self, entries: list[Entry], rubric: RubricEntry | None = None) -> None:
        """Keep only `entries` and `rubric` (atomically: a temporary file, fsynced, then
        renamed)."""
        if not entries and rubric is None:
            self.delete()
            return
        tmp = self.path.with_name(self.path.name + ".tmp")
        text = (_line(rubric) if rubric else "") + "".join(_line(e) for e in entries)
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)

    def delete(self) -> None:
        self.path.unlink(missing_ok=True)


def place_entries(
    entries: list[Entry], partners: pl.DataFrame
) -> tuple[list[tuple[int, Entry]], list[tuple[Entry, Refused]]]:
    """Entries on the rows (of `partners`: `row`, `partner`) of the partners they were
    made for, by name, the row a hint; the ones that cannot be placed, refused."""
    roster = Roster(partners)
    placed: list[tuple[int, Entry]] = []
    refused: list[tuple[Entry, Refused]] = []
    for e in entries:
        where = roster.place(e.row, e.partner)
        if isinstance(where, Refused):
            refused.append((e, where))
        else:
            placed.append((where, e))
    return placed, refused


def _line(entry: Entry | RubricEntry) -> str:
    doc = (
        {"rubric": entry.toml, "when": entry.when}
        if isinstance(entry, RubricEntry)
        else entry.__dict__
    )
    return json.dumps(doc, ensure_ascii=False) + "\n"


def _rubric_entry(doc: dict) -> RubricEntry:
    toml, when = doc.get("rubric"), doc.get("when")
    if not isinstance(toml, str) or not isinstance(when, str | None):
        raise ValueError("a rubric line holds the rubric's TOML text")
    return RubricEntry(toml, when or "")


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a journal value")


def _entry(doc: object) -> Entry:
    """A journal line's object as an Entry; ValueError unless it has the types `append`
    writes: an int row within a worksheet, a known decision or null, and strings."""
    if not isinstance(doc, dict):
        raise ValueError("a journal line is an object")
    row = doc.get("row")
    # bool is an int to Python; 1e999 parses as a float (inf), 1.0 too: neither is a row
    if type(row) is not int or not 1 <= row <= _LAST_ROW:
        raise ValueError("row is not a worksheet row")
    decision = doc.get("decision")
    if decision is not None and decision not in DECISIONS:
        raise ValueError("unknown decision")
    text = {key: doc.get(key) for key in ("partner", "note", "when")}
    if any(value is not None and not isinstance(value, str) for value in text.values()):
        raise ValueError("partner, note and when are strings")
    return Entry(row, text["partner"] or "", decision, text["note"] or "", text["when"] or "")
