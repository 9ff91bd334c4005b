"""Amounts written in another currency than their column's: read as unknown, with one
warning per column (workbooks and CSVs written here, read back through the reader and
the CLI)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.helpers_workbooks import one_sheet, text_file
from tierwise.cli import main
from tierwise.io.reader import read_tracker


def amounts(path: Path, field: str) -> dict[str, float | None]:
    frame = read_tracker(path).frame
    return dict(zip(frame["partner"], frame[field], strict=True))


def currency_warnings(path: Path) -> list[dict]:
    result = CliRunner().invoke(main, ["inspect", str(path), "--json"])
    assert result.exit_code == 0, result.output
    return [w for w in json.loads(result.stdout)["warnings"] if "left out" in w["message"]]


# A Salesforce-style report: most amounts in dollars, a few typed in the partner's own.
ACCOUNTS = [
    ["Account Name", "Partner Level", "Revenue Target", "Open Pipeline", "Closed Won Amount"],
    ["Accenture Federal", "Gold", "$2M", "$2.4M", "$1.1M"],
    ["Atos", "Gold", "$2M", "€150K", "0"],
    ["Capgemini", "Gold", "$2M", "€1.2M", "€480K"],
    ["Wipro", "Silver", "$1M", "$60K", "$0"],
    ["NTT Data", "Silver", "$2M", "¥45M", ""],
    ["Ingram Micro", "Gold", "$2M", "$2.0M", "$1.8M"],
]


def test_amounts_in_another_currency_are_left_out_with_one_warning_per_column(
    tmp_path: Path,
) -> None:
    path = one_sheet(tmp_path / "accounts.xlsx", ACCOUNTS)
    pipeline = amounts(path, "pipeline")
    assert pipeline["NTT Data"] is None and pipeline["Atos"] is None
    assert pipeline["Capgemini"] is None
    assert pipeline["Accenture Federal"] == 2_400_000 and pipeline["Wipro"] == 60_000
    closed = amounts(path, "closed_revenue")
    assert closed["Capgemini"] is None
    assert closed["Atos"] == 0  # no symbol: read as written
    found = {w["where"]: w["message"] for w in currency_warnings(path)}
    assert found == {
        "Partners!D3": (
            "Open Pipeline: 3 values in € or ¥ in a $ column were left out "
            "('€150K' (D3), '€1.2M' (D4), '¥45M' (D6)); convert them to $ to count them"
        ),
        "Partners!E4": (
            "Closed Won Amount: 1 value in € in a $ column was left out ('€480K' (E4)); "
            "convert it to $ to count it"
        ),
    }


def test_a_yen_pipeline_is_not_counted_against_a_dollar_target(tmp_path: Path) -> None:
    path = one_sheet(tmp_path / "accounts.xlsx", ACCOUNTS)
    result = CliRunner().invoke(main, ["score", str(path), "--json", "--as-of", "2026-11-15"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    ntt = next(p for p in doc["partners"] if p["partner"] == "NTT Data")
    assert ntt["action"] != "promote", ntt
    assert not any("45" in line for line in ntt["why"]), ntt["why"]
    assert any("¥45M" in w["message"] for w in doc["warnings"])


def test_an_amount_left_out_for_its_currency_is_to_convert_not_to_fill_in(
    tmp_path: Path,
) -> None:
    path = one_sheet(tmp_path / "accounts.xlsx", ACCOUNTS)
    result = CliRunner().invoke(main, ["score", str(path), "--json", "--as-of", "2026-11-15"])
    assert result.exit_code == 0, result.output
    todo = {p["partner"]: p["todo"] for p in json.loads(result.stdout)["partners"]}
    # Capgemini's closed revenue holds €480K: converted, it would count.
    assert "Convert Closed Won Amount to its column's currency" in todo["Capgemini"]
    assert "Fill in Closed Won Amount" not in todo["Capgemini"]
    # NTT Data's is blank: that one is to fill in.
    assert todo["NTT Data"].startswith("Fill in Closed Won Amount"), todo["NTT Data"]


def test_iso_codes_and_symbols_name_the_same_currency(tmp_path: Path) -> None:
    path = one_sheet(
        tmp_path / "iso.xlsx",
        [
            ["Partner", "Pipeline"],
            ["A", "USD 1.2M"],
            ["B", "$300k"],
            ["C", "US$ 5,000"],
            ["D", "1.2M EUR"],
            ["E", "CHF 300k"],
            ["F", "£40,000"],
            ["G", "750000"],
            ["H", "-"],
        ],
    )
    pipeline = amounts(path, "pipeline")
    assert pipeline == {
        "A": 1_200_000,
        "B": 300_000,
        "C": 5_000,
        "D": None,
        "E": None,
        "F": None,
        "G": 750_000,
        "H": None,
    }
    (warning,) = currency_warnings(path)
    assert warning["message"].startswith(
        "Pipeline: 3 values in €, CHF or £ in a $ column were left out ('1.2M EUR' (B5), "
        "'CHF 300k' (B6), '£40,000' (B7)); convert them to $"
    )


@pytest.mark.parametrize(
    "cells",
    [
        ["€1.2M", "EUR 300k", "450.000 €", "90000"],  # one currency, however written
        ["1,200,000", "300000", "45k", "n/a"],  # no currency at all
    ],
)
def test_a_column_of_one_currency_is_read_whole_without_a_warning(
    tmp_path: Path, cells: list[str]
) -> None:
    rows = [["Partner", "Budget"], *([f"P{i}", c] for i, c in enumerate(cells))]
    path = one_sheet(tmp_path / "one.xlsx", rows)
    assert currency_warnings(path) == []
    budget = amounts(path, "budget")
    assert sum(v is not None for v in budget.values()) == sum(c != "n/a" for c in cells)


def test_unreadable_cells_are_still_told_apart_from_other_currencies(tmp_path: Path) -> None:
    path = text_file(
        tmp_path / "hub.csv",
        "Company name,Partner Sourced Pipeline\n"
        'Brightwave,"$120,000"\nNorthpeak,$900K\nHarbor,lots\nMeridian,€450K\n',
    )
    result = CliRunner().invoke(main, ["inspect", str(path), "--json"])
    messages = [w["message"] for w in json.loads(result.stdout)["warnings"]]
    assert "Partner Sourced Pipeline: 'lots' is not an amount; left blank" in messages
    assert (
        "Partner Sourced Pipeline: 1 value in € in a $ column was left out ('€450K' (B5)); "
        "convert it to $ to count it"
    ) in messages
    assert amounts(path, "pipeline") == {
        "Brightwave": 120_000,
        "Northpeak": 900_000,
        "Harbor": None,
        "Meridian": None,
    }


def test_a_tie_takes_the_currency_written_first(tmp_path: Path) -> None:
    path = one_sheet(
        tmp_path / "tie.xlsx", [["Partner", "Revenue Target"], ["NTT", "¥10M"], ["Atos", "€1M"]]
    )
    assert amounts(path, "revenue_target") == {"NTT": 10_000_000, "Atos": None}
    (warning,) = currency_warnings(path)
    assert "1 value in € in a ¥ column" in warning["message"]


def test_a_tie_goes_to_the_currency_the_header_names(tmp_path: Path) -> None:
    path = one_sheet(
        tmp_path / "eur.xlsx",
        [
            ["Partner", "Pipeline (EUR k)", "Academy (Cadence)"],
            ["Wipro", "$60", "x"],
            ["Atos", "€150", "y"],
            ["Snow", "300", "z"],
        ],
    )
    # In thousands of euros, as the header says: the dollar amount is the odd one.
    assert amounts(path, "pipeline") == {"Wipro": None, "Atos": 150_000, "Snow": 300_000}
    (warning,) = currency_warnings(path)
    assert "1 value in $ in a € column was left out" in warning["message"]


def test_most_amounts_outweigh_the_header(tmp_path: Path) -> None:
    path = one_sheet(
        tmp_path / "usd.xlsx",
        [["Partner", "Pipeline (USD)"], ["A", "€1M"], ["B", "€2M"], ["C", "$3M"]],
    )
    assert amounts(path, "pipeline") == {"A": 1_000_000, "B": 2_000_000, "C": None}
    (warning,) = currency_warnings(path)
    assert "1 value in $ in a € column was left out" in warning["message"]


def test_a_currency_column_beside_plain_amounts_names_their_currency(tmp_path: Path) -> None:
    # Salesforce exports a multi-currency amount as "<field> Currency" and the figure.
    src = text_file(
        tmp_path / "salesforce.csv",
        "Account Name,Partner Level,Open Pipeline Currency,Open Pipeline,Revenue Target\n"
        "Accenture,Gold,USD,2400000.00,$2M\nNTT Data,Silver,JPY,45000000,$2M\n"
        "Atos,Gold,EUR,150000,$1M\nOkta,Gold,USD,1400000,$1M\nWipro,Silver,,60000,$1M\n",
    )
    assert amounts(src, "pipeline") == {
        "Accenture": 2_400_000,
        "NTT Data": None,
        "Atos": None,
        "Okta": 1_400_000,
        "Wipro": 60_000,
    }
    (warning,) = currency_warnings(src)
    assert warning["message"] == (
        "Open Pipeline: 2 values in ¥ or € (by 'Open Pipeline Currency') in a $ column were "
        "left out ('45000000' (D3), '150000' (D4)); convert them to $ to count them"
    )


def test_one_currency_column_names_the_currency_of_every_amount_on_its_row(
    tmp_path: Path,
) -> None:
    # HubSpot's "Currency" property, exported beside the amounts it applies to.
    src = text_file(
        tmp_path / "hubspot.csv",
        "Company name,Partner tier,Currency,Partner Sourced Pipeline,Budget\n"
        "Brightwave,Gold Partner,USD,120000,5000\nNorthpeak,Platinum Partner,GBP,900000,£7000\n"
        "Harbor,Gold Partner,USD,1600000,$9000\n",
    )
    assert amounts(src, "pipeline") == {
        "Brightwave": 120_000,
        "Northpeak": None,
        "Harbor": 1_600_000,
    }
    assert amounts(src, "budget") == {"Brightwave": 5_000, "Northpeak": None, "Harbor": 9_000}
    messages = [w["message"] for w in currency_warnings(src)]
    assert len(messages) == 2 and all("1 value in £" in m for m in messages)
    assert any("(by 'Currency')" in m for m in messages)  # said only where no cell said it
    assert any("£ in a $ column was left out ('£7000'" in m for m in messages)
