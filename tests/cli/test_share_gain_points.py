"""A share gain is read as typed, in points (0.5 is half a point, never 50), with one
warning for a column that looks like fractions; through `tierwise score --json`."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from tierwise.cli import main

HEADER = "Partner,Tier,Closed Revenue,Deals Won,Share Gain (pts)\n"


def scored(tmp_path: Path, rows: str, name: str = "tracker.csv") -> dict:
    path = tmp_path / name
    path.write_text(HEADER + rows, encoding="utf-8")
    result = CliRunner().invoke(main, ["score", str(path), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def by_name(out: dict) -> dict[str, dict]:
    return {p["partner"]: p for p in out["partners"]}


def share(partner: dict) -> float:
    return partner["motivations"]["share"]


def gain_words(partner: dict) -> list[str]:
    return [w for w in partner["why"] if "share gain" in w]


def fraction_warnings(out: dict) -> list[dict]:
    return [w for w in out["warnings"] if "between -1 and 1" in w["message"]]


def test_a_column_of_small_gains_is_read_as_points_with_one_warning(tmp_path: Path) -> None:
    out = scored(tmp_path, "Acme,Gold,0,0,0.5\nBeta,Silver,0,0,0.25\nGamma,Silver,0,0,-0.75\n")
    partners = by_name(out)
    assert "+0.5 pts share gain" in gain_words(partners["Acme"])[0]
    assert "-0.75 pts share gain" in gain_words(partners["Gamma"])[0]
    # The same gains typed with their unit score the same: nothing was scaled by 100.
    typed = by_name(
        scored(
            tmp_path,
            "Acme,Gold,0,0,0.5 pts\nBeta,Silver,0,0,0.25pp\nGamma,Silver,0,0,-0.75%\n",
            "typed.csv",
        )
    )
    for name in ("Acme", "Beta", "Gamma"):
        assert share(partners[name]) == share(typed[name])
    assert share(partners["Acme"]) < 50
    (warning,) = fraction_warnings(out)
    assert warning["where"].endswith("!E2")
    assert warning["message"].startswith("Share Gain (pts):")
    assert "'0.5'" in warning["message"]
    assert fraction_warnings(typed := scored(tmp_path, "Acme,Gold,0,0,0.5%\n", "pct.csv")) == []
    assert "+0.5 pts share gain" in gain_words(by_name(typed)["Acme"])[0]


def test_whole_points_beside_a_half_point_raise_no_warning(tmp_path: Path) -> None:
    out = scored(tmp_path, "Acme,Gold,0,0,3\nBeta,Silver,0,0,0.5\nGamma,Silver,0,0,\n")
    partners = by_name(out)
    assert "+3 pts share gain" in gain_words(partners["Acme"])[0]
    assert "+0.5 pts share gain" in gain_words(partners["Beta"])[0]
    assert fraction_warnings(out) == []


def test_whole_numbers_within_one_are_not_called_fractions(tmp_path: Path) -> None:
    out = scored(tmp_path, "Acme,Gold,0,0,1\nBeta,Silver,0,0,0\nGamma,Silver,0,0,-1\n")
    assert fraction_warnings(out) == []
    assert "+1 pts share gain" in gain_words(by_name(out)["Acme"])[0]
