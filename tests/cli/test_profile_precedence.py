"""A detected mapping profile against the sheet's own headers, through `inspect`: a
column whose header is an alias of a field keeps it ("Target market" is the target
market, whatever the HubSpot profile says of "Industry"), and inspect says which
mappings came from the profile, which from the user.

Headers are HubSpot's default company properties as its export labels them (Record ID,
Company name, Company owner, Company Domain Name, Industry, Lifecycle Stage, Create Date,
Last Activity Date), beside the custom properties a partner team adds."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from tierwise.cli import main

HUBSPOT = [
    "Record ID",
    "Company name",
    "Company Domain Name",
    "Company owner",
    "Industry",
    "Lifecycle Stage",
    "Create Date",
    "Last Activity Date",
]


def export(tmp_path: Path, extra: dict[str, str]) -> Path:
    """A HubSpot companies export of four partners, with `extra` custom properties
    (header -> the value every row holds)."""
    path = tmp_path / "hubspot-companies.csv"
    rows = [
        ["901", "Brightwave", "brightwave.io", "Sam Lee", "COMPUTER_SOFTWARE", "customer"],
        ["902", "Northpeak", "northpeak.com", "Dana Kim", "INTERNET", "customer"],
        ["903", "Growth Labs", "growthlabs.co", "Sam Lee", "MARKETING_AND_ADVERTISING", "lead"],
        ["904", "Nimbus IT", "nimbusit.net", "Priya N", "COMPUTER_SOFTWARE", "customer"],
    ]
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow([*HUBSPOT, *extra])
        for row in rows:
            out.writerow([*row, "2024-03-01 10:22", "2026-11-02 09:00", *extra.values()])
    return path


def inspect(path: Path, *extra: str) -> tuple[str, dict]:
    text = CliRunner().invoke(main, ["inspect", str(path), *extra])
    assert text.exit_code == 0, text.output
    doc = CliRunner().invoke(main, ["inspect", str(path), "--json", *extra])
    assert doc.exit_code == 0, doc.output
    return text.output, json.loads(doc.output)


def how(text: str, header: str) -> str:
    """The confidence inspect shows beside a mapped header."""
    line = next(line for line in text.splitlines() if f"  {header}  " in line and "->" in line)
    return line.split()[-1]


def test_a_header_that_names_the_field_keeps_it_against_the_profile(tmp_path: Path) -> None:
    path = export(tmp_path, {"Partner tier": "Gold", "Target market": "Healthcare US"})
    text, doc = inspect(path)
    assert "Profile:     hubspot-companies" in text
    mapping = doc["source"]["mapping"]
    assert mapping["Target market"] == "target_market"
    assert "Industry" in doc["source"]["unmapped"]
    assert {
        "where": "'hubspot-companies'",
        "message": "column 'Industry' also looks like target_market; 'Target market' is used",
    } in doc["warnings"]
    # The profile still maps what no header of the sheet names better.
    assert mapping["Company name"] == "partner"
    assert mapping["Company owner"] == "owner"


def test_without_a_target_market_column_the_profile_maps_industry(tmp_path: Path) -> None:
    text, doc = inspect(export(tmp_path, {"Partner tier": "Gold"}))
    assert doc["source"]["mapping"]["Industry"] == "target_market"
    assert how(text, "Industry") == "profile"


def test_inspect_says_profile_for_the_profiles_mappings_and_user_for_yours(
    tmp_path: Path,
) -> None:
    path = export(tmp_path, {"Partner tier": "Gold", "Sponsor name": "VP Sales"})
    text, doc = inspect(path, "--map", "Sponsor name=exec_sponsor")
    assert how(text, "Company name") == "profile"
    assert how(text, "Create Date") == "profile"
    assert how(text, "Sponsor name") == "user"
    assert how(text, "Partner tier") == "exact"
    assert "profile: the export's mapping profile" in text
    assert "user: yours: --map or the stored set-up" in text
    # The JSON keeps the contract's words: a profile's mapping is "user" there.
    confidence = doc["source"]["confidence"]
    assert confidence["Company name"] == "user"
    assert confidence["Sponsor name"] == "user"
    assert confidence["Partner tier"] == "exact"


def test_a_chosen_profile_is_trusted_and_said_to_be_the_profiles(tmp_path: Path) -> None:
    path = export(tmp_path, {"Partner tier": "Gold"})
    text, doc = inspect(path, "--profile", "hubspot-companies")
    assert how(text, "Company name") == "profile"
    assert doc["source"]["mapping"]["Industry"] == "target_market"


def test_without_a_profile_the_fields_own_name_wins_over_another_alias(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    path.write_text(
        "Partner,Industry,Target Market,Tier\nAcme,Software,Retail EMEA,Gold\n"
        "Beta,Banking,Banks DACH,Silver\n",
        encoding="utf-8",
    )
    text, doc = inspect(path)
    assert "Profile:" not in text
    assert doc["source"]["mapping"]["Target Market"] == "target_market"
    assert "Industry" in doc["source"]["unmapped"]
