"""Mapping profiles: how the exports of common CRMs and partner platforms name their
columns (built in, in `profiles.toml`), plus the user's own from the rubric's
`[profiles.NAME]` tables. A profile is detected from the headers, or chosen by name."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Final

from tierwise.errors import TierwiseError
from tierwise.fields import FIELDS
from tierwise.io.headers import normalise

# A profile is detected when this many of its `detect` headers stand on the header row.
MIN_DETECT: Final = 3


@dataclass(frozen=True)
class Profile:
    """One profile: its name, what it is for, the headers that give it away, and its
    mapping ({header: field}; "" keeps a column unmapped)."""

    name: str
    label: str
    detect: tuple[str, ...]
    map: dict[str, str]
    min_detect: int = MIN_DETECT

    def hits(self, headers: Sequence[str]) -> int:
        """How many of the profile's telltale headers `headers` holds."""
        present = {normalise(h) for h in headers}
        return sum(1 for h in {normalise(d) for d in self.detect} if h in present)


@cache
def _builtin_tree() -> dict[str, Any]:
    text = resources.files("tierwise.io").joinpath("profiles.toml").read_text("utf-8")
    return tomllib.loads(text)


def _profile(name: str, table: Mapping[str, Any], origin: str) -> Profile:
    mapping = table.get("map", {})
    if not isinstance(mapping, Mapping):
        raise TierwiseError(f"{origin}: profiles.{name}.map must be a table of header = field")
    for header, field in mapping.items():
        if field and field not in FIELDS:
            raise TierwiseError(
                f"{origin}: profiles.{name}.map: {header!r} names an unknown field {field!r}"
            )
    return Profile(
        name=name,
        label=str(table.get("label", "")),
        detect=tuple(str(h) for h in table.get("detect", ())),
        map={str(h): str(f) for h, f in mapping.items()},
        min_detect=int(table.get("min_detect", MIN_DETECT)),
    )


def all_profiles(user: Mapping[str, Any] | None = None) -> dict[str, Profile]:
    """Built-in profiles, then the user's (a user's profile of the same name wins)."""
    found = {n: _profile(n, t, "profiles.toml") for n, t in _builtin_tree().items()}
    for name, table in (user or {}).items():
        if not isinstance(table, Mapping):
            raise TierwiseError(f"rubric: profiles.{name} must be a table")
        found[name] = _profile(name, table, "rubric")
    return found


def chosen(name: str, profiles: Mapping[str, Profile]) -> Profile:
    """The profile named by --profile; an unknown name is an error listing the others."""
    if name in profiles:
        return profiles[name]
    raise TierwiseError(
        f"--profile: no profile {name!r}; profiles are: {', '.join(profiles)} "
        "(see `tierwise profiles`)"
    )


def detected(headers: Sequence[str], profiles: Mapping[str, Profile]) -> Profile | None:
    """The profile whose telltale headers the sheet holds most of, if enough of them."""
    scored = [(p.hits(headers), p) for p in profiles.values()]
    scored = [(n, p) for n, p in scored if n >= p.min_detect]
    if not scored:
        return None
    best = max(n for n, _ in scored)
    top = [p for n, p in scored if n == best]
    return top[0] if len(top) == 1 else None
