"""The rubric: every weight, threshold, label map and alias list the scorer uses.

The default lives in `default_rubric.toml` beside this module; a user's file is merged
over it (`--rubric FILE`).
"""

from __future__ import annotations

import copy
import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Final

from tierwise.errors import TierwiseError


def default_rubric_text() -> str:
    """The shipped default rubric, comments included."""
    return resources.files("tierwise.scoring").joinpath("default_rubric.toml").read_text("utf-8")


@dataclass(frozen=True)
class Rubric:
    """The merged rubric tree, and the user's overrides that produced it."""

    data: dict[str, Any]
    overrides: dict[str, Any] = field(default_factory=dict)

    @property
    def aliases(self) -> dict[str, list[str]]:
        """field -> header aliases."""
        return {k: list(v) for k, v in self.data.get("aliases", {}).items()}

    @property
    def profiles(self) -> dict[str, Any]:
        """The user's mapping profiles ([profiles.NAME]; the built-in ones live in io)."""
        return dict(self.data.get("profiles", {}))

    @property
    def labels(self) -> dict[str, list[str]]:
        """tier -> tracker labels that mean it; the tiers the user's file lists come first,
        so a label listed under two tiers (their "Gold" as strategic, the default's as
        tactical) means theirs."""
        merged = self.data.get("labels", {})
        theirs = [t for t in self.overrides.get("labels", {}) if t in merged]
        order = [*theirs, *(t for t in merged if t not in theirs)]
        return {t: list(merged[t]) for t in order}

    def get(self, dotted: str) -> Any:
        """A value by dotted key, e.g. rubric.get("flags.exec_lunch.min_target")."""
        node: Any = self.data
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                raise TierwiseError(f"rubric: unknown key '{dotted}' (see `tierwise rubric`)")
            node = node[part]
        return node

    def with_values(self, changes: Mapping[str, Any]) -> Rubric:
        """This rubric with some values changed by dotted key (validated like a file)."""
        over = copy.deepcopy(self.overrides)
        for dotted, value in changes.items():
            *tables, leaf = dotted.split(".")
            node = over
            for part in tables:
                child = node.setdefault(part, {})
                if not isinstance(child, dict):
                    raise TierwiseError(f"rubric: '{dotted}' is not a table key")
                node = child
            node[leaf] = value
        return Rubric(_merge(_default_data(), over), over)

    def to_toml(self) -> str:
        """The overrides (what differs from the default) as TOML text."""
        return _emit_tables(self.overrides, [])


# Tables whose keys are the user's own names (checked by whoever reads them).
_OPEN_TABLES = ("profiles.",)
# Keys an earlier version had and no rule reads any more: accepted and dropped, so a
# rubric file or a workbook's stored set-up written then still loads. ("text.date_words":
# a date no longer makes vague text specific, whatever its words.)
_RETIRED: Final = frozenset({"text.date_words"})


def _merge(base: dict[str, Any], over: Mapping[str, Any], path: str = "") -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        where = f"{path}{key}"
        if key not in base and path in _OPEN_TABLES:
            merged[key] = copy.deepcopy(value)  # a new name: checked where it is used
            continue
        if key not in base:
            raise TierwiseError(f"rubric: unknown key '{where}' (see `tierwise rubric`)")
        if isinstance(base[key], dict):
            if not isinstance(value, Mapping):
                raise TierwiseError(f"rubric: '{where}' must be a table")
            # alias and label lists are open tables: new fields/tiers are errors, but
            # their lists are replaced wholesale.
            merged[key] = _merge(base[key], value, where + ".")
        else:
            _check_type(where, base[key], value)
            merged[key] = value
    return merged


def _check_type(where: str, default: Any, value: Any) -> None:
    if isinstance(default, bool) or isinstance(value, bool):
        ok = isinstance(value, bool) and isinstance(default, bool)
    elif isinstance(default, int | float):
        ok = isinstance(value, int | float)
    elif isinstance(default, list):
        item = type(default[0]) if default else str
        ok = isinstance(value, list) and all(isinstance(v, item) for v in value)
    else:
        ok = isinstance(value, type(default))
    if not ok:
        raise TierwiseError(f"rubric: '{where}' must be {type(default).__name__}, got {value!r}")


def _parse(text: str, origin: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise TierwiseError(f"rubric: {origin} is not valid TOML: {err}") from None


def load_rubric(path: str | Path | None = None, *, overrides_toml: str | None = None) -> Rubric:
    """The default rubric, with a user's TOML file (or TOML text) merged over it."""
    data = _default_data()
    over: dict[str, Any] = {}
    if path is not None:
        try:
            text = Path(path).read_text("utf-8")
        except OSError as err:
            raise TierwiseError(f"rubric: cannot read {path}: {err.strerror}") from None
        over = _parse(text, str(path))
    elif overrides_toml:
        over = _parse(overrides_toml, "the rubric stored in the workbook")
    for dotted in _RETIRED:
        *tables, leaf = dotted.split(".")
        node: Any = over
        for part in tables:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict):
            node.pop(leaf, None)
    return Rubric(_merge(data, over), over)


@cache
def _default_tree() -> dict[str, Any]:
    # The flags are registered with their rules, which read the rubric: imported here,
    # once a rubric is loaded, and not when only its text is (`tierwise rubric`).
    from tierwise.scoring.flags import RULES

    tree = _parse(default_rubric_text(), "the default rubric")
    # A flag the default rubric gives no penalty costs no points; a rubric may set one.
    for code in RULES:
        tree["score"].setdefault(f"penalty_{code.lower()}", 0.0)
    return tree


def _default_data() -> dict[str, Any]:
    return copy.deepcopy(_default_tree())


def _emit_tables(table: Mapping[str, Any], path: list[str]) -> str:
    """TOML for a tree of tables whose leaves are numbers, strings, bools or string lists."""
    leaves = [(k, v) for k, v in table.items() if not isinstance(v, Mapping)]
    tables = [(k, v) for k, v in table.items() if isinstance(v, Mapping)]
    out: list[str] = []
    if leaves:
        if path:
            out.append(f"[{'.'.join(_key(p) for p in path)}]")
        out.extend(f"{_key(k)} = {_value(v)}" for k, v in leaves)
        out.append("")
    for key, sub in tables:
        out.append(_emit_tables(sub, [*path, key]))
    return "\n".join(part for part in out if part is not None)


def _key(key: str) -> str:
    bare = key.replace("_", "").replace("-", "").isalnum() and key.isascii()
    return key if bare else json.dumps(key)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TierwiseError(f"rubric: cannot write {value!r} as TOML")
