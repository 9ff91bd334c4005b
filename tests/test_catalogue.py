"""One catalogue of words: every code has an entry, and no view spells one by hand."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tierwise import catalogue, fields
from tierwise.report.score import ACTION_COLOURS
from tierwise.scoring import flags, portfolio

PACKAGE = Path(catalogue.__file__).parent
SOURCES = sorted(p for p in PACKAGE.rglob("*.py") if p.name not in ("catalogue.py", "fields.py"))
TABLES = {
    "FLAGS": (fields.FLAGS, catalogue.FLAGS),
    "CHECKS": (fields.CHECKS, catalogue.CHECKS),
    "ACTIONS": (fields.ACTIONS, catalogue.ACTIONS),
    "MOTIVATIONS": (fields.MOTIVATIONS, catalogue.MOTIVATIONS),
}
CODES = {code for codes, _ in TABLES.values() for code in codes}


@pytest.mark.parametrize("table", TABLES)
def test_every_code_has_its_words(table: str) -> None:
    codes, entries = TABLES[table]
    assert codes == tuple(entries), f"fields.{table} is not the catalogue's codes in order"
    for code in codes:
        entry = entries[code]
        assert entry.code == code
        assert all((entry.label, entry.name, entry.meaning, entry.todo)), code


@pytest.mark.parametrize(
    ("table", "rules"), [("FLAGS", flags.RULES), ("CHECKS", portfolio.CHECK_RULES)]
)
def test_every_flag_and_check_has_its_rule_and_every_rule_its_words(
    table: str, rules: dict[str, object]
) -> None:
    """A flag or check is its catalogue entry plus its rule registered under the code
    in scoring (`@flag` in flags.py, `@check` in portfolio.py): neither half alone."""
    codes, _ = TABLES[table]
    assert not set(codes) - set(rules), f"catalogue.{table} entries without a rule"
    assert not set(rules) - set(codes), f"rules without a catalogue.{table} entry"


def test_flag_and_check_codes_are_the_playbooks() -> None:
    """The codes are public names (docs/CONTRACT.md): each stays as the playbook names it."""
    playbook = (PACKAGE.parent / "docs" / "PLAYBOOK.md").read_text(encoding="utf-8")
    for code in (*fields.FLAGS, *fields.CHECKS):
        assert code in playbook, code


def test_labels_tell_codes_apart() -> None:
    for _, entries in TABLES.values():
        labels = [e.label for e in entries.values()]
        assert len(set(labels)) == len(labels)


def _sentences() -> set[str]:
    """The catalogue's words long enough that no view would write them by chance."""
    words = set()
    for entry in catalogue.ALL.values():
        words |= {entry.meaning, entry.todo}
        if len(entry.name) >= 15:
            words.add(entry.name)
    return words


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_view_spells_the_catalogue_itself(source: Path) -> None:
    """A string of a catalogue entry, or a table of words keyed by codes, outside
    catalogue.py is a second wording that drifts: views read catalogue.py."""
    tree = ast.parse(source.read_text(encoding="utf-8"))
    sentences = _sentences()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            assert node.value not in sentences, f"{source.name}:{node.lineno} {node.value!r}"
        if isinstance(node, ast.Dict):
            keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
            words = [
                v for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
            ]
            coded = [k for k in keys if k in CODES]
            assert not (len(coded) >= 2 and len(words) == len(node.values)), (
                f"{source.name}:{node.lineno}: words keyed by {coded}: read tierwise.catalogue"
            )


def test_the_report_colours_every_action() -> None:
    assert set(ACTION_COLOURS) == set(catalogue.ACTIONS)
