"""Partner identity: saved decisions find their partner by name, the row only a hint."""

from __future__ import annotations

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from tierwise.io.identity import Refused, Roster, partner_key, refused_line


def roster(*names: str | None, first_row: int = 2) -> Roster:
    return Roster(pl.DataFrame({"row": range(first_row, first_row + len(names)), "partner": names}))


def test_case_punctuation_and_spacing_do_not_change_who_it_is() -> None:
    same = [
        "Acme Analytics, Inc.",
        "ACME  analytics inc",
        " acme-analytics  INC ",
        "Ａｃｍｅ Analytics Inc",
    ]
    assert len({partner_key(n) for n in same}) == 1
    assert partner_key("Acme Analytics") != partner_key("Acme Analytica")
    assert partner_key(None) == partner_key("") == partner_key(" , ") == ""


def test_a_partner_that_moved_is_found_by_name() -> None:
    now = roster("Newcomer", "Acme", "Globex")
    assert now.place(2, "acme") == 3  # was row 2; a row was inserted above
    assert now.place(3, "Acme") == 3


def test_the_row_settles_which_of_two_partners_with_one_name() -> None:
    now = roster("Acme", "Globex", "Acme", "Initech")
    assert now.place(4, "Acme") == 4
    assert now.place(5, "Acme") == 4  # the nearest Acme to where it was


def test_a_partner_that_is_gone_is_refused_naming_both() -> None:
    now = roster("Acme", "Globex")
    refused = now.place(3, "Initech")
    assert refused == Refused(3, "Initech", "Globex")
    assert "'Initech' was at row 3, which now holds 'Globex'" in str(refused)
    gone = now.place(9, "Initech")
    assert isinstance(gone, Refused) and "no longer in the tracker" in str(gone)
    line = refused_line([refused, gone])
    assert line.startswith("2 decisions not carried over: ") and "(and 1 more)" in line
    assert now.place(2, "") == 2  # a line without a name: the row is all there is


@given(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=12, unique_by=partner_key))
def test_every_partner_is_found_after_any_reordering(names: list[str]) -> None:
    names = [n for n in names if partner_key(n)]
    before = roster(*names)
    after = roster(*reversed(names), first_row=10)
    for row, name in enumerate(names, start=2):
        assert before.place(row, name) == row
        assert after.name(after.place(row, name)) == name  # type: ignore[arg-type]
