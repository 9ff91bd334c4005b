"""One catalogue of words: every code has an entry, each is declared once, and no view
spells one by hand."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import polars as pl
import pytest

from tierwise import catalogue, fields, vocabulary
from tierwise.report.score import ACTION_COLOURS

PACKAGE = Path(catalogue.__file__).parent
SAMPLE = PACKAGE.parent / "samples" / "partner_tracker.csv"
SOURCES = sorted(PACKAGE.rglob("*.py"))
VOCABULARY = Path(vocabulary.__file__)
TABLES = {
    "FLAGS": catalogue.FLAGS,
    "CHECKS": catalogue.CHECKS,
    "ACTIONS": catalogue.ACTIONS,
    "MOTIVATIONS": catalogue.MOTIVATIONS,
}
CODES = {code for entries in TABLES.values() for code in entries}


@pytest.mark.parametrize("table", TABLES)
def test_every_code_has_its_words(table: str) -> None:
    for code, entry in TABLES[table].items():
        assert entry.code == code
        assert all((entry.label, entry.name, entry.meaning, entry.todo)), code


def test_fields_take_the_fixed_codes_in_order() -> None:
    assert fields.ACTIONS == tuple(vocabulary.ACTIONS) == tuple(catalogue.ACTIONS)
    assert fields.MOTIVATIONS == tuple(vocabulary.MOTIVATIONS) == tuple(catalogue.MOTIVATIONS)


def test_flag_and_check_codes_are_the_playbooks() -> None:
    """The codes are public names (docs/CONTRACT.md): each stays as the playbook names it."""
    playbook = (PACKAGE.parent / "docs" / "PLAYBOOK.md").read_text(encoding="utf-8")
    for code in (*catalogue.FLAGS, *catalogue.CHECKS):
        assert code in playbook, code


def test_labels_tell_codes_apart() -> None:
    for entries in TABLES.values():
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


def _declarations(source: Path) -> list[ast.Call]:
    """The calls of tierwise.vocabulary's `Entry` in `source`: where a code's words are
    declared."""
    tree = ast.parse(source.read_text(encoding="utf-8"))
    names = {"Entry"} if source == VOCABULARY else set()
    names |= {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "tierwise.vocabulary"
        for alias in node.names
        if alias.name == "Entry"
    }
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names
    ] + [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "Entry"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "vocabulary"
    ]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_view_spells_the_catalogue_itself(source: Path) -> None:
    """A string of a catalogue entry outside its declaration (an `Entry(...)`), or a table
    of words keyed by codes, is a second wording that drifts: views read catalogue.py."""
    tree = ast.parse(source.read_text(encoding="utf-8"))
    declared = {
        (node.lineno, node.col_offset)
        for call in _declarations(source)
        for node in ast.walk(call)
        if isinstance(node, ast.Constant)
    }
    sentences = _sentences()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            assert (node.lineno, node.col_offset) in declared or node.value not in sentences, (
                f"{source.name}:{node.lineno} {node.value!r}"
            )
        if isinstance(node, ast.Dict):
            keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
            words = [
                v for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
            ]
            coded = [k for k in keys if k in CODES]
            assert not (len(coded) >= 2 and len(words) == len(node.values)), (
                f"{source.name}:{node.lineno}: words keyed by {coded}: read tierwise.catalogue"
            )


def test_each_code_is_declared_once() -> None:
    """One `Entry(...)` per code in the whole package: a second one is a second wording."""
    codes: Counter[str] = Counter()
    for source in SOURCES:
        for call in _declarations(source):
            first = call.args[0] if call.args else None
            assert isinstance(first, ast.Constant), f"{source.name}:{call.lineno}"
            codes[first.value] += 1
    assert set(codes) == CODES
    assert [code for code, n in codes.items() if n > 1] == []


def test_the_report_colours_every_action() -> None:
    assert set(ACTION_COLOURS) == set(catalogue.ACTIONS)


# A flag and a check declared the way scoring/flags.py and scoring/portfolio.py declare
# theirs, each in one place, before the command runs (as the package's own are).
_DECLARE_AND_RUN = """
import sys

import polars as pl

from tierwise.scoring.flags import NEVER, Rule, flag
from tierwise.scoring.portfolio import check
from tierwise.scoring.result import Check
from tierwise.vocabulary import Entry


@flag(
    Entry(
        "FOUND_BY_TEST",
        label="FT",
        name="Found by the test",
        meaning="A flag the test declares on every partner with a deal won.",
        todo="Nothing: the test declared it.",
    ),
    needs=(("deals_won",),),
    cells=("deals_won",),
)
def found_by_test(rubric, context):
    won = pl.col("deals_won").fill_null(0) > 0
    return Rule(won, pl.lit("won a deal"), pl.lit("nothing to do"))


@flag(
    Entry(
        "NEEDS_A_SPONSOR",
        label="NS",
        name="Needs a sponsor column",
        meaning="A flag the test declares on a column its tracker lacks.",
        todo="Nothing: the test declared it.",
    ),
    needs=(("exec_sponsor",),),
    cells=("exec_sponsor",),
)
def needs_a_sponsor(rubric, context):
    return NEVER


@check(
    Entry(
        "COUNTED_BY_TEST",
        label="Test count",
        name="Partners counted by the test",
        meaning="A check the test declares; it always fails.",
        todo="Nothing: the test declared it.",
    ),
    limit=lambda limits: "none",
)
def counted_by_test(code, tiers, limits):
    return Check(code, False, f"{tiers.frame.height} partners counted by the test")


from tierwise.cli import main  # after the declarations, as the package's come first

main(sys.argv[1:])
"""


@pytest.mark.skipif(not SAMPLE.exists(), reason="samples not generated")
def test_a_flag_and_a_check_declared_in_one_place_reach_every_view(tmp_path: Path) -> None:
    """CONTRIBUTING.md: a flag or a check is its registration in scoring; the catalogue,
    the engine, "not assessed", the JSON and the terminal report follow from it."""
    tracker = tmp_path / "no_sponsor.csv"
    pl.read_csv(SAMPLE, infer_schema=False).drop("Exec Sponsor").write_csv(tracker)

    def run(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", _DECLARE_AND_RUN, "score", str(tracker), *args],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    document = json.loads(run("--json", "--as-of", "2026-10-31"))
    won = [p for p in document["partners"] if "FOUND_BY_TEST" in p["flags"]]
    assert won and all(any("won a deal" in why for why in p["why"]) for p in won)
    portfolio = document["portfolio"]
    assert "NEEDS_A_SPONSOR" in portfolio["flags_not_assessed"]
    assert "FOUND_BY_TEST" not in portfolio["flags_not_assessed"]
    (counted,) = [c for c in portfolio["designated"]["checks"] if c["code"] == "COUNTED_BY_TEST"]
    assert not counted["ok"] and counted["assessed"]
    assert re.fullmatch(r"\d+ partners counted by the test", counted["detail"])

    report = " ".join(run("--as-of", "2026-10-31", "--top", "0").split())
    assert "FT Found by the test" in report  # the legend, from the flag's label and name
    assert "Found by the test: won a deal" in report  # a partner's reason, in words
    assert "Partners counted by the test (COUNTED_BY_TEST)" in report
    assert "Needs a sponsor column (NEEDS_A_SPONSOR)" in report  # not assessed, in words
