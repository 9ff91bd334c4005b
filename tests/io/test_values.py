"""Cells as people type them: each parser, on a whole column at once."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from tierwise.io import values


def parsed(field: str, cells: list[str | None]) -> list:
    frame = pl.DataFrame({"cell": cells}, schema={"cell": pl.String})
    return frame.select(values.parse(field, pl.col("cell"))).to_series().to_list()


def unreadable(field: str, cells: list[str | None]) -> list[bool]:
    frame = pl.DataFrame({"cell": cells}, schema={"cell": pl.String})
    cell = pl.col("cell")
    return frame.select(values.unread(field, cell, values.parse(field, cell))).to_series().to_list()


@pytest.mark.parametrize(
    ("cell", "amount"),
    [
        ("$1.2M", 1_200_000.0),
        ("1,200,000", 1_200_000.0),
        ("EUR 300k", 300_000.0),
        ("(1,000)", -1_000.0),
        ("-500 €", -500.0),
        ("£2bn", 2e9),
        ("1.5 million", 1_500_000.0),
        ("2,5", 2.5),
        ("750000", 750_000.0),
        ("0", 0.0),
    ],
)
def test_money_reads_what_people_type(cell: str, amount: float) -> None:
    assert parsed("revenue_target", [cell]) == [amount]


@pytest.mark.parametrize("blank", ["n/a", "N/A", "-", "TBD", "?", "none", "", "  ", None, "—"])
def test_blank_words_are_blank_not_unreadable(blank: str | None) -> None:
    assert parsed("pipeline", [blank]) == [None]
    assert unreadable("pipeline", [blank]) == [False]


@pytest.mark.parametrize(
    ("field", "cell"),
    [
        ("revenue_target", "lots"),
        ("revenue_target", "1.2.3"),
        ("deals_won", "several"),
        ("cycle_days", "soon"),
        ("sourced_share", "most"),
        ("start_date", "next spring"),
        ("start_date", "5"),  # a serial number far outside any plausible date
        ("marketplace", "maybe"),
        ("announced", "someday"),
        ("fte", "half a person"),
    ],
)
def test_unreadable_cells_are_null_and_flagged(field: str, cell: str) -> None:
    assert parsed(field, [cell]) == [None]
    assert unreadable(field, [cell]) == [True]


def test_counts_and_numbers() -> None:
    assert parsed("deals_won", ["12", "1,200", "3 deals", "1.5k"]) == [12.0, 1200.0, 3.0, 1500.0]
    assert parsed("fte", ["0.5", "2 FTE"]) == [0.5, 2.0]


def test_days_with_units() -> None:
    assert parsed("cycle_days", ["12 days", "90", "3 weeks", "2 months"]) == [
        12.0,
        90.0,
        21.0,
        60.0,
    ]


def test_percent_strings_are_points() -> None:
    assert parsed("sourced_share", ["45%", "12.5 %", "30"]) == [45.0, 12.5, 30.0]


def test_a_column_of_fractions_is_scaled_to_points() -> None:
    # Excel stores 45% as 0.45.
    assert parsed("sourced_share", ["0.45", "0.3", "1", None]) == [45.0, 30.0, 100.0, None]


def test_fractions_beside_percent_strings_are_scaled_and_strings_kept() -> None:
    assert parsed("sourced_share", ["0.05", "7%"]) == [5.0, 7.0]


def test_whole_points_are_not_scaled() -> None:
    assert parsed("share_gain", ["1", "0", "3"]) == [1.0, 0.0, 3.0]


@pytest.mark.parametrize(
    "cell",
    [
        "2026-03-15",
        "2026-03-15 00:00:00",
        "2026-03-15T09:30:00",
        "15/03/2026",
        "03/15/2026",
        "Mar 15, 2026",
        "March 15, 2026",
        "15 Mar 2026",
        "15-Mar-26",
        "15.03.2026",
        "March 15th, 2026",
        "46096",  # Excel serial
    ],
)
def test_dates(cell: str) -> None:
    assert parsed("last_activity", [cell]) == [date(2026, 3, 15)]


def test_a_bare_year_is_the_first_of_january() -> None:
    assert parsed("start_date", ["2015", "1999", "5", "2150"]) == [
        date(2015, 1, 1),
        date(1999, 1, 1),
        None,
        None,
    ]


def test_day_first_when_ambiguous() -> None:
    assert parsed("start_date", ["03/04/2026"]) == [date(2026, 4, 3)]


def test_a_column_that_proves_month_first_is_read_month_first() -> None:
    # A US export: "06/30/2026" can only be June 30th, so "10/02/2026" beside it is
    # October 2nd, not February 10th.
    cells = ["10/02/2026", "06/30/2026", "2026-01-05", "3/4/26"]
    assert parsed("last_activity", cells) == [
        date(2026, 10, 2),
        date(2026, 6, 30),
        date(2026, 1, 5),
        date(2026, 3, 4),
    ]


def test_a_column_with_both_orders_keeps_day_first() -> None:
    # "30/06/2026" can only be read day first: the column is not proven month first.
    cells = ["10/02/2026", "06/30/2026", "30/06/2026"]
    assert parsed("last_activity", cells) == [
        date(2026, 2, 10),
        date(2026, 6, 30),
        date(2026, 6, 30),
    ]


@pytest.mark.parametrize(
    ("cell", "flag"),
    [
        ("Y", True),
        ("yes", True),
        ("x", True),
        ("TRUE", True),
        ("✓", True),
        ("1", True),
        ("N", False),
        ("No", False),
        ("false", False),
        ("0", False),
    ],
)
def test_yes_no(cell: str, flag: bool) -> None:
    assert parsed("marketplace", [cell]) == [flag]


def test_announcement_takes_a_date_or_yes_no() -> None:
    cells = ["2026-01-10", "yes", "no", None]
    assert parsed("announced", cells) == [True, True, False, None]
    frame = pl.DataFrame({"cell": cells})
    dates = frame.select(values.announced_on(pl.col("cell"))).to_series().to_list()
    assert dates == [date(2026, 1, 10), None, None, None]


def test_new_markets_counts_names_or_takes_a_number() -> None:
    cells = ["DACH, Nordics", "3", "UK; France; Spain", "Benelux", "DACH and Nordics", "n/a"]
    assert parsed("new_markets", cells) == [2.0, 3.0, 3.0, 1.0, 2.0, None]


@pytest.mark.parametrize(
    ("cell", "kind"),
    [
        ("System Integrator", "integrator"),
        ("SI", "integrator"),
        ("GSI", "integrator"),
        ("ISV", "isv"),
        ("Software vendor", "isv"),
        ("Consulting", "consultancy"),
        ("Consultancy", "consultancy"),
        ("VAR", "reseller"),
        ("Reseller", "reseller"),
        ("MSP", "msp"),
        ("Managed service provider", "msp"),
        ("Distributor", "distributor"),
        ("Services", "service"),
        ("isv", "isv"),
        ("Other", "other"),
    ],
)
def test_partner_types_fold_onto_the_contract_categories(cell: str, kind: str) -> None:
    assert parsed("partner_type", [cell]) == [kind]
    assert unreadable("partner_type", [cell]) == [False]


def test_an_unknown_partner_type_is_other_and_flagged() -> None:
    assert parsed("partner_type", ["Wizardry"]) == ["other"]
    assert unreadable("partner_type", ["Wizardry"]) == [True]


def test_text_and_labels_are_stripped_as_written() -> None:
    assert parsed("designated_tier", ["  Gold "]) == ["Gold"]
    assert parsed("partner_agenda", ["TBD", " grow EMEA "]) == [None, "grow EMEA"]
