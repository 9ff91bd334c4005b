"""Real export headers a person maps and Tierwise left unmapped, through `inspect` and
`score --json`: Salesforce PRM's channel program level (Account.ChannelProgramLevelName,
labelled "Channel Program Level Name" in reports) is the partner's tier, and a press
release column named with a hyphenated qualifier ("Co-marketing press release date") is
the announcement."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tierwise.cli import main

AS_OF = "2026-11-30"


def write(tmp_path: Path, header: list[str], rows: list[list[str]]) -> Path:
    path = tmp_path / "export.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([header, *rows])
    return path


def inspect_json(path: Path) -> dict:
    result = CliRunner().invoke(main, ["inspect", str(path), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize(
    "level", ["Channel Program Level Name", "ChannelProgramLevelName", "Channel Program Level"]
)
def test_salesforces_channel_program_level_is_the_tier(tmp_path: Path, level: str) -> None:
    header = ["Account Name", "Account Owner", "Channel Program Name", level, "Industry"]
    rows = [
        ["Acme Consulting", "Dana", "Reseller Program", "Gold", "Retail"],
        ["Beta Systems", "Sam", "Reseller Program", "Platinum", "Banking"],
        ["Gamma IT", "Sam", "MSP Program", "Registered", "Healthcare"],
        ["Delta Labs", "Dana", "MSP Program", "Provider", "Retail"],  # unknown: warned
    ]
    doc = inspect_json(write(tmp_path, header, rows))
    assert doc["source"]["mapping"][level] == "designated_tier"
    assert doc["source"]["confidence"][level] in ("exact", "token")  # the header, not values
    assert "Channel Program Name" in doc["source"]["unmapped"]
    scored = CliRunner().invoke(
        main, ["score", str(write(tmp_path, header, rows)), "--json", "--as-of", AS_OF]
    )
    tiers = {p["partner"]: p["designated_tier"] for p in json.loads(scored.stdout)["partners"]}
    assert tiers == {
        "Acme Consulting": "tactical",
        "Beta Systems": "strategic",
        "Gamma IT": "casual",
        "Delta Labs": None,
    }


def test_a_co_marketing_press_release_date_is_the_announcement(tmp_path: Path) -> None:
    header = ["Partner", "Tier", "Pipeline", "Co-marketing press release date"]
    rows = [
        ["Acme", "Gold", "0", "2026-01-10"],
        ["Beta", "Silver", "$50k", ""],
        ["Gamma", "Platinum", "$10k", "2025-05-05"],
    ]
    path = write(tmp_path, header, rows)
    doc = inspect_json(path)
    assert doc["source"]["mapping"]["Co-marketing press release date"] == "announced"
    assert doc["source"]["confidence"]["Co-marketing press release date"] == "partial"
    scored = CliRunner().invoke(main, ["score", str(path), "--json", "--as-of", AS_OF])
    result = json.loads(scored.stdout)
    assert "PRESS_RELEASE" not in result["portfolio"]["flags_not_assessed"]
    acme = next(p for p in result["partners"] if p["partner"] == "Acme")
    assert "PRESS_RELEASE" in acme["flags"]  # announced in January, no pipeline since


@pytest.mark.parametrize(
    "header",
    [
        "Co-marketing budget owner email",  # a contact word: not the budget's owner
        "Co-marketing launch press release date",  # two words left, not one hyphenated
    ],
)
def test_the_hyphenated_word_rule_stays_narrow(tmp_path: Path, header: str) -> None:
    doc = inspect_json(write(tmp_path, ["Partner", "Tier", header], [["Acme", "Gold", "x"]] * 3))
    assert header in doc["source"]["unmapped"]
