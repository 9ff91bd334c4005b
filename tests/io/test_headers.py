"""Finding the header row and mapping headers to fields."""

from __future__ import annotations

import pytest

from tierwise.io import headers
from tierwise.scoring.rubric import load_rubric

INDEX = headers.alias_index(load_rubric().aliases)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Partner", "partner"),
        ("PARTNER NAME", "partner"),
        ("  Partner   name ", "partner"),
        ("Revenue Target ($)", "revenue_target"),
        ("Sales Cycle (days)", "cycle_days"),
        ("Partner-Sourced %", "sourced_share"),
        ("Partner sourced (%)", "sourced_share"),
        ("Resources (FTE)", "fte"),
        ("MDF (USD)", "budget"),
        ("# Integrations", "integrations"),
        ("No. of integrations", "integrations"),
        ("Exec. Sponsor", "exec_sponsor"),
        ("Last Joint Activity", "last_activity"),
        ("PR Date", "announced"),
        ("Pipeline Value", "pipeline"),
        ("target_market", "target_market"),
    ],
)
def test_headers_map_by_normalised_alias(header: str, field: str) -> None:
    assert headers.field_of(header, INDEX) == field


@pytest.mark.parametrize("header", ["Partner No", "Region", "Tierwise: score", ""])
def test_unrelated_headers_do_not_map(header: str) -> None:
    assert headers.field_of(header, INDEX) is None


def test_header_row_found_below_title_rows() -> None:
    grid = [
        ["Partner tracker FY26", None, None],
        ["Owner: alliances team", None, None],
        [None, None, None],
        ["Partner", "Tier", "Pipeline"],
        ["Acme", "Gold", "100"],
    ]
    found = headers.find_header(grid, INDEX)
    assert found is not None
    assert (found.row, found.rows) == (3, 1)
    assert found.texts == ["Partner", "Tier", "Pipeline"]


def test_two_row_header_fills_the_group_across_its_blanks() -> None:
    grid = [
        ["Partner", "Revenue", None, None, "Notes"],
        [None, "Target", "Pipeline", "Closed", None],
        ["Acme", "1", "2", "3", "x"],
    ]
    found = headers.find_header(grid, INDEX)
    assert found is not None
    assert (found.row, found.rows) == (1, 2)
    assert found.texts == [
        "Partner",
        "Revenue / Target",
        "Revenue / Pipeline",
        "Revenue / Closed",
        "Notes",
    ]
    mapped = headers.map_headers(found.texts, INDEX)
    assert mapped.mapping == {
        "Partner": "partner",
        "Revenue / Target": "revenue_target",
        "Revenue / Pipeline": "pipeline",
        "Revenue / Closed": "closed_revenue",
        "Notes": "notes",
    }
    assert mapped.unmapped == []


def test_a_title_directly_above_the_header_is_not_glued_onto_it() -> None:
    grid = [["Partners 2026", None], ["Partner", "Tier"], ["Acme", "Gold"]]
    found = headers.find_header(grid, INDEX)
    assert found is not None and found.texts == ["Partner", "Tier"]


def test_no_header_when_nothing_maps() -> None:
    assert headers.find_header([["a", "b"], ["1", "2"]], INDEX) is None


def test_overrides_win_and_each_field_is_taken_once() -> None:
    cols = ["Account", "Company", "Level", "Won Revenue", "Closed Revenue"]
    mapped = headers.map_headers(cols, INDEX, {"company": "partner"})
    assert mapped.mapping["Company"] == "partner"
    assert mapped.confidence["Company"] == "user"
    assert "Account" in mapped.unmapped  # would be partner, but the override took the field
    # Both name closed_revenue exactly; the header that is the field's own name takes it.
    assert mapped.mapping["Closed Revenue"] == "closed_revenue"
    assert "Won Revenue" in mapped.unmapped
    assert any("Won Revenue" in n and "'Closed Revenue' is used" in n for n in mapped.notes)


def test_missing_overrides_are_reported() -> None:
    assert headers.missing_overrides(["Partner"], {"Acct": "partner", "partner": "x"}) == ["Acct"]


def test_tierwise_columns_are_recognised() -> None:
    assert headers.is_tierwise("Tierwise: decision")
    assert not headers.is_tierwise("Decision")
