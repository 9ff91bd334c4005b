"""The lock file beside a triage session's output: tells a second session who holds it.

`OUT.tierwise-lock` holds who opened the output for triage, on which host and process,
and since when. It does not stop a second session (their saves are merged, partner by
partner): it tells the second one that someone else is working on the same workbook. A
lock whose process is gone (a crash, `kill -9`) is stale and is taken over.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

SUFFIX = ".tierwise-lock"


def lock_path(output: Path) -> Path:
    return output.with_name(output.name + SUFFIX)


@dataclass(frozen=True)
class Holder:
    who: str
    host: str
    pid: int
    since: str

    def __str__(self) -> str:
        return f"{self.who} (process {self.pid} on {self.host}, since {self.since})"


class Lock:
    """The lock on one output; `held` once `acquire` took it."""

    def __init__(self, output: Path, who: str) -> None:
        self.path = lock_path(output)
        self.who = who
        self.held = False
        self._token = uuid.uuid4().hex  # tells this session's lock from another's

    def holder(self) -> Holder | None:
        """Who else holds the output now (None: nobody, or a stale lock)."""
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8"))
            holder = Holder(str(doc["who"]), str(doc["host"]), int(doc["pid"]), str(doc["since"]))
            mine = doc.get("token") == self._token
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        if mine or (holder.host == socket.gethostname() and not alive(holder.pid)):
            return None
        return holder

    def acquire(self) -> Holder | None:
        """Take the lock unless another live session holds it; return that session."""
        other = self.holder()
        if other is not None:
            return other
        doc = {
            "who": self.who,
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "since": datetime.now().replace(microsecond=0).isoformat(sep=" "),
            "token": self._token,
        }
        try:
            self.path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
            self.held = True
        except OSError:  # a read-only folder: saving there will say so
            self.held = False
        return None

    def release(self) -> None:
        """Remove the lock if this session holds it (never another session's)."""
        if self.held and self.holder() is None and self._ours_on_disk():
            with contextlib.suppress(OSError):
                self.path.unlink()
            self.held = False

    def _ours_on_disk(self) -> bool:
        try:
            return json.loads(self.path.read_text(encoding="utf-8")).get("token") == self._token
        except (OSError, ValueError, AttributeError):
            return False


def alive(pid: int) -> bool:
    """Whether process `pid` (on this host) is running."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True
