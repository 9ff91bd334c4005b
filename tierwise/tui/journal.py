"""The crash journal: every decision and note, appended and fsynced as it is made.

It lives beside the output workbook (`OUT.tierwise-journal.jsonl`), is offered back on
the next start if the app died before saving, and is deleted after a successful save.
Each line is one JSON object: the partner's row and the state it was set to, so
replaying the lines in order rebuilds the unsaved decisions (undo writes a line too).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

SUFFIX = ".tierwise-journal.jsonl"


def journal_path(output: Path) -> Path:
    return output.with_name(output.name + SUFFIX)


@dataclass(frozen=True)
class Entry:
    row: int
    partner: str
    decision: str | None
    note: str
    when: str  # ISO time the change was made


class Journal:
    """Append-only, fsynced record of unsaved changes for one output file."""

    def __init__(self, output: Path) -> None:
        self.path = journal_path(output)

    def exists(self) -> bool:
        return self.path.is_file()

    def append(self, entry: Entry) -> None:
        line = json.dumps(entry.__dict__, ensure_ascii=False) + "\n"
        # Open, write, fsync, close each time: a crash right after a keypress loses nothing.
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)

    def read(self) -> list[Entry]:
        """The entries written so far; a torn last line (crash mid-write) is skipped."""
        entries: list[Entry] = []
        try:
            text = self.path.read_text("utf-8")
        except OSError:
            return entries
        for line in text.splitlines():
            try:
                doc = json.loads(line)
                entries.append(
                    Entry(
                        int(doc["row"]),
                        str(doc.get("partner", "")),
                        doc.get("decision"),
                        str(doc.get("note") or ""),
                        str(doc.get("when", "")),
                    )
                )
            except (ValueError, KeyError, TypeError):
                continue
        return entries

    def final_states(self) -> dict[int, Entry]:
        """The last entry per row: what the decisions were when the app stopped."""
        return {e.row: e for e in self.read()}

    def rewrite(self, entries: list[Entry]) -> None:
        """Keep only `entries` (atomically: a temporary file, fsynced, then renamed)."""
        if not entries:
            self.delete()
            return
        tmp = self.path.with_name(self.path.name + ".tmp")
        text = "".join(json.dumps(e.__dict__, ensure_ascii=False) + "\n" for e in entries)
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)

    def delete(self) -> None:
        self.path.unlink(missing_ok=True)
