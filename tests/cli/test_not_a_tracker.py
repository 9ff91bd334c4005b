"""A sheet that is not a partner tracker (a list of people, a test workbook) is said to be
one before any verdict: in `inspect`, `score` (text, JSON, the portfolio notes) and
`brief`. A real tracker, however thin, is not.

The people list uses Mockaroo's default schema (id, first_name, last_name, email, gender,
ip_address), the public mock-data generator's; the corpus is workbooks collected from
spreadsheet libraries' test suites, none of them a partner tracker."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tierwise.cli import main
from tierwise.errors import TierwiseError
from tierwise.io.reader import read_tracker

AS_OF = "2026-11-30"
DOUBT = "This does not look like a partner tracker"
MOCKAROO = ["id", "first_name", "last_name", "email", "gender", "ip_address"]
PEOPLE = [
    ["Bonnee", "Hucklesby", "Female"],
    ["Salvidor", "Gaffer", "Male"],
    ["Ardyth", "Kiddell", "Female"],
    ["Wendel", "Mapstone", "Male"],
    ["Tiebold", "Cornford", "Genderqueer"],
    ["Melloney", "Jorck", "Female"],
]


def people(tmp_path: Path) -> Path:
    path = tmp_path / "MOCK_DATA.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(MOCKAROO)
        for i, (first, last, gender) in enumerate(PEOPLE, start=1):
            email = f"{first[0].lower()}{last.lower()}{i}@example.com"
            out.writerow([i, first, last, email, gender, f"66.59.32.{i}"])
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_a_list_of_people_is_said_not_to_be_a_tracker_everywhere(tmp_path: Path) -> None:
    path = people(tmp_path)

    code, out, _ = run("inspect", str(path))
    assert code == 0
    warnings = out.split("Warnings (")[1]
    assert warnings.index(DOUBT) < warnings.index("no header names the partner column")
    assert "only 1 of its 6 columns is a partner field ('first_name' as partner, a guess)" in (
        " ".join(out.split())
    )

    code, out, _ = run("score", str(path), "--json", "--as-of", AS_OF)
    assert code == 0
    doc = json.loads(out)
    assert doc["warnings"][0]["message"].startswith(DOUBT)
    assert doc["portfolio"]["notes"][0].startswith(DOUBT)

    # The text report says it under the title, before the first partner.
    code, out, _ = run("score", str(path), "--as-of", AS_OF, "-o", str(tmp_path / "o.xlsx"))
    assert code == 0
    lines = out.splitlines()
    assert lines[1].startswith(DOUBT)
    assert " ".join(out.split()).count("its scores and tiers rest on nothing") == 2  # + warnings

    # The brief says it under its title, where its reader looks first, and once: the
    # person running it is told on stderr too.
    code, out, err = run("brief", str(path), "--as-of", AS_OF)
    assert code == 0
    assert err.startswith(f"Warning: {DOUBT}")
    title, _, _, _, warning, *rest = out.splitlines()
    assert title.startswith("# Partner portfolio brief")
    assert warning.startswith(f"> **Warning:** {DOUBT}")
    assert DOUBT not in "\n".join(rest)
    code, out, err = run("brief", str(path), "--as-of", AS_OF, "-o", str(path.with_suffix(".html")))
    assert code == 0
    page = path.with_suffix(".html").read_text()
    assert f'<p class="warn"><strong>Warning:</strong> {DOUBT}' in page


@pytest.mark.parametrize(
    ("header", "rows"),
    [
        (["Partner", "Tier"], [["Acme", "Gold"], ["Beta", "Silver"], ["Gamma", "Bronze"]]),
        (["Partner", "Pipeline"], [["Acme", "$10k"], ["Beta", "$5k"], ["Gamma", "0"]]),
        (
            ["Partner Name", "Partner Manager", "Open Pipeline", "Notes"],
            [["Acme", "Dana", "$10k", ""], ["Beta", "Sam", "$5k", "QBR in May"]],
        ),
    ],
)
def test_a_thin_tracker_is_still_a_tracker(
    tmp_path: Path, header: list[str], rows: list[list[str]]
) -> None:
    path = tmp_path / "thin.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([header, *rows])
    code, out, _ = run("score", str(path), "--json", "--as-of", AS_OF)
    assert code == 0, out
    doc = json.loads(out)
    assert not [w for w in doc["warnings"] if DOUBT in w["message"]]
    assert not [n for n in doc["portfolio"]["notes"] if DOUBT in n]


def test_an_account_list_with_one_partner_field_among_many_is_doubted(tmp_path: Path) -> None:
    """A CRM account list: the account's own revenue is no partner field, and one
    industry column among mostly unknown ones is not enough to judge partners by."""
    path = tmp_path / "accounts.csv"
    path.write_text(
        "Account Name,Industry,Annual Revenue,Website,Phone,Billing Country\n"
        "Acme,Retail,$1M,acme.io,555-0101,US\nBeta,Banking,$2M,beta.io,555-0102,DE\n",
        encoding="utf-8",
    )
    code, out, _ = run("inspect", str(path), "--json")
    assert code == 0
    (doubt,) = [w["message"] for w in json.loads(out)["warnings"] if DOUBT in w["message"]]
    assert "only 2 of its 6 columns are partner fields" in doubt
    assert "'Account Name' as partner; 'Industry' as target_market" in doubt


def test_mapping_the_evidence_with_map_lifts_the_doubt(tmp_path: Path) -> None:
    path = people(tmp_path)
    code, out, _ = run(
        "inspect",
        str(path),
        "--json",
        "--map",
        "last_name=partner",
        "--map",
        "gender=designated_tier",
    )
    assert code == 0
    assert not [w for w in json.loads(out)["warnings"] if DOUBT in w["message"]]


def test_the_samples_are_trackers(samples_dir: Path) -> None:
    for path in [*samples_dir.glob("*.xlsx"), *samples_dir.glob("*.csv")]:
        assert read_tracker(path).source.doubt == "", path.name


def test_the_corpus_workbooks_are_not_partner_trackers(corpus_dir: Path) -> None:
    """The corpus workbooks Tierwise reads a partner column from are libraries' test
    files: those with more columns than partner fields are said not to be trackers
    (a sheet of a name and one other column may be a thin tracker: it is not), and
    none with a tier column is."""
    read, doubted = 0, 0
    for path in sorted(corpus_dir.glob("*/*.xlsx")):
        try:
            source = read_tracker(path).source
        except TierwiseError:  # unreadable, or no partner column: not this test's
            continue
        read += 1
        if "designated_tier" in source.mapping.values():
            assert not source.doubt, path.name
        elif len(source.header_columns) > 2 * len(source.mapping):
            assert source.doubt.startswith(DOUBT), (path.name, source.mapping)
            doubted += 1
    assert read >= 10 and doubted >= read // 2
