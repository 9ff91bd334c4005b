"""A tier written as a placeholder ("TBD", "pending", "?") is a decision the team has not
made: action collect, naming the tier cell and quoting what is written, never a quiet
`keep` as if no tier were meant. Through `tierwise score --json` on a CSV and a
workbook typed the way ops teams type them."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from tests.scoring.test_vp_cases import by_name, run

ROWS = [
    ["Acme", "TBD", "$120,000", "3"],
    ["Bolt", "tbc", "$80,000", "1"],
    ["Crux", "Pending", "$60,000", "2"],
    ["Dyno", "?", "$0", "0"],
    ["Echo", "n/a", "$10,000", "1"],
    ["Flux", "", "$20,000", "1"],
    ["Gale", "Silver", "$900,000", "9"],
]
HEADER = ["Company", "Partner Level", "Closed Won", "New Logos"]


def write(path: Path) -> Path:
    if path.suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow(HEADER)
            out.writerows(ROWS)
    else:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(HEADER)
        for row in ROWS:
            ws.append([cell or None for cell in row])
        wb.save(path)
    return path


@pytest.mark.parametrize("name", ["partners.csv", "partners.xlsx"])
def test_a_placeholder_tier_is_a_decision_to_make(tmp_path: Path, name: str) -> None:
    p = by_name(run(write(tmp_path / name)))
    for partner, written in (
        ("Acme", "TBD"),
        ("Bolt", "tbc"),
        ("Crux", "Pending"),
        ("Dyno", "?"),
        ("Echo", "n/a"),
    ):
        got = p[partner]
        assert got["designated_tier"] is None
        assert got["action"] == "collect", (partner, got["action"])
        assert got["todo"].startswith(f"Decide the tier (Partner Level reads '{written}')")
        assert (
            f"the tier is written as '{written}': the team has not decided it" in (got["why"][-1])
        )
    # A blank tier cell is no tier (casual), and a written tier is judged as usual.
    assert p["Flux"]["action"] == "keep"
    assert p["Gale"]["action"] != "collect"


def test_the_cells_to_fill_follow_the_tier_decision(tmp_path: Path) -> None:
    path = tmp_path / "partners.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        out.writerow(["Acme", "TBD", "", "3"])
    todo = by_name(run(path))["Acme"]["todo"]
    assert todo.startswith("Decide the tier (Partner Level reads 'TBD'); fill in Closed Won")
