"""Evidence before verdicts (docs/PLAYBOOK.md section 4) on trackers that record little:
a partner whose motivations are mostly unknown, counting those the tracker has no
column for, collects (naming what to record) instead of moving; an exit still rests on
evidence of nothing. Through `tierwise score --json` on trackers typed the way a CRM
report exports them."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from tests.scoring.test_vp_cases import by_name, run

# A Salesforce-style partner account report: revenue columns and nothing else to judge by.
CRM = ["Account Name", "Partner Level", "Closed Won Amount", "Open Pipeline", "FTE"]
TWO_MOTIVATIONS = ["Partner", "Tier", "Closed Revenue", "New Logos", "FTE"]


def judged(tmp_path: Path, rows: list[list[str]], header: list[str] = CRM) -> dict[str, Any]:
    """`tierwise score --json` on a CSV of `rows` under `header`."""
    path = tmp_path / "accounts.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(header)
        out.writerows(rows)
    return run(path)


def test_a_revenue_only_tracker_moves_no_one_on_share_alone(tmp_path: Path) -> None:
    rows = [
        ["Big SI", "Platinum", "$1,600,000", "$5.0M", "2"],
        ["Small SI", "Platinum", "$50K", "$200K", "1"],
        ["Reseller", "Gold", "$260K", "$700K", "0.5"],
        ["Agency", "Registered", "$900K", "$1.4M", ""],
        ["Dead Weight", "Gold", "$0", "$0", "1"],
        ["Idle", "Gold", "$0", "$40K", ""],
    ]
    doc = judged(tmp_path, rows)
    p = by_name(doc)
    # Share alone is 1 of 4 motivations: no demotion, withdrawal or promotion rests on it.
    for name in ("Big SI", "Small SI", "Reseller", "Agency"):
        assert p[name]["action"] == "collect", (name, p[name]["action"], p[name]["why"])
        assert p[name]["todo"].startswith("Record access, speed and ecosystem evidence")
        assert p[name]["why"][-1].startswith(
            "Collect before judging: 1 of 4 motivations known "
            "(access, speed and ecosystem not assessed)"
        )
    # What it would be on share alone is said, not done.
    assert "as known, it would be withdrawn" in p["Small SI"]["why"][-1]
    assert "as known, it would be promoted to" in p["Agency"]["why"][-1]
    assert "as known, it would be kept at strategic" in p["Big SI"]["why"][-1]
    # Evidence of nothing (revenue and pipeline known zeros, an FTE spent) still exits.
    assert p["Dead Weight"]["action"] == "exit"
    # ...and without FTE or budget recorded, a tier held on nothing is withdrawn.
    assert p["Idle"]["action"] == "withdraw"
    assert (
        "it brings no revenue, deals or logos, yet holds the tactical tier"
        in (p["Idle"]["why"][-1])
    )
    # Two of the twelve cells the judgment reads: evidence says so, never 1.0.
    assert p["Big SI"]["evidence"] == round(2 / 12, 2)
    # Dead Weight's FTE and Idle's tactical norm (0.5): none of the collecting partners'.
    assert doc["portfolio"]["reallocate"]["fte"] == 1.5


def test_a_blank_revenue_cell_never_exits_or_withdraws(tmp_path: Path) -> None:
    p = by_name(
        judged(tmp_path, [["Blank", "Gold", "", "$0", "1"], ["Zero", "Gold", "$0", "$0", "1"]])
    )
    assert p["Zero"]["action"] == "exit"
    assert p["Blank"]["action"] == "collect"
    assert "Closed Won Amount" in p["Blank"]["todo"]


def test_pipeline_counts_toward_share_with_closed_revenue_blank(tmp_path: Path) -> None:
    rows = [
        ["Blank closed", "Registered", "", "$2,000,000", ""],
        ["Zero closed", "Registered", "$0", "$2,000,000", ""],
        ["No pipeline", "Registered", "$0", "$0", ""],
    ]
    p = by_name(judged(tmp_path, rows))
    blank, zero = p["Blank closed"], p["Zero closed"]
    assert blank["motivations"]["share"] is not None
    assert blank["motivations"]["share"] > p["No pipeline"]["motivations"]["share"]
    # No loophole: a blank is never worth more than a known zero, and it stays to fill.
    assert blank["motivations"]["share"] == zero["motivations"]["share"]
    assert "$2M pipeline, closed revenue unknown" in " ".join(blank["why"])
    assert "$0 closed, $2M pipeline" in " ".join(zero["why"])


def test_known_motivations_still_give_verdicts(tmp_path: Path) -> None:
    # Share and access both recorded: half the motivations known is not "mostly unknown".
    rows = [["Faded", "Gold", "$20,000", "0", "1"], ["Leader", "Bronze", "$2,000,000", "12", ""]]
    p = by_name(judged(tmp_path, rows, TWO_MOTIVATIONS))
    assert p["Faded"]["action"] == "withdraw"
    assert p["Leader"]["action"] == "promote"


def test_a_score_between_the_bars_says_why_it_is_still_casual(tmp_path: Path) -> None:
    rows = [["Middling", "Gold", "$450,000", "4", "1"]]
    p = by_name(judged(tmp_path, rows, TWO_MOTIVATIONS))["Middling"]
    assert 40 <= p["score"] < 50 and "WHY_BOTHER" in p["flags"]
    assert p["recommended_tier"] == "casual"
    assert (
        "clears the tactical bar of 40, but no motivation reaches the significance bar of 50"
        in " ".join(p["why"])
    )
