"""Hard portfolio cases as a VP of Partnerships would call them (issue 13's "Why"), each
through `tierwise score --json` on a tracker written by the test the way ops teams
type them."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import openpyxl
from click.testing import CliRunner

from tierwise.cli import main

AS_OF = "2026-10-31"
MOVES = {"promote", "demote", "withdraw", "exit"}
HEADERS = {
    "partner": "Partner",
    "partner_type": "Partner Type",
    "designated_tier": "Tier",
    "initiative": "Initiative",
    "target_market": "Target Market",
    "objective": "Objective",
    "partner_agenda": "Partner Agenda",
    "revenue_target": "Revenue Target",
    "pipeline": "Pipeline",
    "closed_revenue": "Closed Revenue",
    "deals_won": "Deals Won",
    "new_logos": "New Logos",
    "share_gain": "Share Gain",
    "cycle_days": "Sales Cycle (days)",
    "baseline_cycle_days": "Baseline Cycle",
    "integrations": "Integrations",
    "certifications": "Certifications",
    "exec_sponsor": "Exec Sponsor",
    "announced": "PR Date",
    "start_date": "Start Date",
    "last_activity": "Last Activity",
    "fte": "FTE",
    "budget": "MDF",
    "owner_team": "Team",
    "relationship": "Relationship",
}


def write_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    fields = list(dict.fromkeys(k for r in rows for k in r))
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow([HEADERS[k] for k in fields])
        for r in rows:
            out.writerow(["" if r.get(k) is None else r[k] for k in fields])
    return path


def run(path: Path, *extra: str) -> dict[str, Any]:
    result = CliRunner().invoke(main, ["score", str(path), "--json", "--as-of", AS_OF, *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def by_name(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["partner"]: p for p in doc["partners"]}


def proven(name: str, initiative: str, **extra: Any) -> dict[str, Any]:
    """A strategic-grade partner: $5M+ closed against target in a named market."""
    return {
        "partner": name,
        "partner_type": "Integrator",
        "designated_tier": "Strategic",
        "initiative": initiative,
        "target_market": "US hospitals",
        "revenue_target": "$5,000,000",
        "pipeline": "$2,000,000",
        "closed_revenue": "$5,250,000",
        "deals_won": 12,
        "new_logos": 14,
        "integrations": 6,
        "exec_sponsor": "COO",
        "start_date": "2024-01-15",
        "last_activity": "2026-10-20",
        "fte": 2,
        "budget": "$100k",
        **extra,
    }


def tactical(name: str, logos: int, initiative: str, **extra: Any) -> dict[str, Any]:
    return {
        "partner": name,
        "partner_type": "Reseller",
        "designated_tier": "Gold",
        "initiative": initiative,
        "target_market": "UK retail",
        "closed_revenue": "$400k",
        "deals_won": 4,
        "new_logos": logos,
        "integrations": 0,
        "exec_sponsor": "VP Sales",
        "start_date": "2024-06-01",
        "last_activity": "2026-10-01",
        "fte": 0.5,
        "budget": "$20k",
        **extra,
    }


def test_a_new_isv_never_takes_the_slot_of_a_proven_strategic_pair(tmp_path: Path) -> None:
    rows = [
        proven("Harbor SI", "Hospital Cloud", exec_sponsor="CEO"),
        proven("Bright ISV", "Hospital Cloud", partner_type="ISV"),
        {
            "partner": "Newco ISV",
            "partner_type": "ISV",
            "designated_tier": "Strategic",
            "initiative": "Edge AI",
            "start_date": "2026-10-01",
            "exec_sponsor": "CTO",
            "fte": 1,
            "closed_revenue": None,
            "new_logos": None,
        },
    ]
    p = by_name(run(write_csv(tmp_path / "t.csv", rows)))
    for name in ("Harbor SI", "Bright ISV"):
        assert (p[name]["recommended_tier"], p[name]["action"]) == ("strategic", "keep"), name
        assert not any("tactical bar" in w for w in p[name]["why"]), name
    newco = p["Newco ISV"]
    assert newco["recommended_tier"] != "strategic"
    text = " ".join(newco["why"])
    assert "the strategic initiative is 'Hospital Cloud' (proposed); it is on 'Edge AI'" in text
    # too new to judge: no motivation claimed from blanks
    assert "Share capped" not in text and newco["motivations"]["share"] is None


def test_brand_new_partners_never_push_out_proven_ones(tmp_path: Path) -> None:
    inits = ["Retail", "Cloud", "EMEA", "IoT", "Banks"]
    rows = [tactical(f"Proven {i}", 10 - i % 4, inits[i % 5]) for i in range(10)]
    rows += [
        {
            "partner": f"Fresh {i}",
            "partner_type": "Reseller",
            "designated_tier": "Gold",
            "initiative": inits[i],
            "start_date": "2026-09-20",
            "fte": 0.5,
        }
        for i in range(3)
    ]
    p = by_name(run(write_csv(tmp_path / "t.csv", rows)))
    for i in range(10):
        assert p[f"Proven {i}"]["recommended_tier"] == "tactical", i
    for i in range(3):
        fresh = p[f"Fresh {i}"]
        assert fresh["recommended_tier"] == "casual"
        text = " ".join(fresh["why"])
        assert "too early to judge, but the tactical slots are held by partners with evidence" in (
            text
        )
        assert "go to stronger partners" not in text


def test_the_strategic_initiative_follows_business_and_says_it_was_proposed(
    tmp_path: Path,
) -> None:
    big = proven("Big", "Hospital Cloud", designated_tier="Gold", revenue_target="$15M")
    big.update(closed_revenue="$12M", pipeline="$3M")
    small = proven("Small", "Retail Edge", designated_tier="Gold", revenue_target="$1M")
    small.update(closed_revenue="$1.8M", pipeline="$0.2M")
    doc = run(write_csv(tmp_path / "t.csv", [big, small]))
    strategy = doc["portfolio"]["strategy"]
    assert strategy["strategic_initiative"] == "Hospital Cloud"
    assert strategy["declared"] is False and "declare it" in strategy["detail"]
    p = by_name(doc)
    assert p["Big"]["motivations"]["share"] >= p["Small"]["motivations"]["share"]
    assert p["Big"]["score"] >= p["Small"]["score"]


def test_a_blank_target_is_no_loophole(tmp_path: Path) -> None:
    base = tactical("Same", 0, "Retail", closed_revenue="$3k", deals_won=0, fte=1)
    with_target = {**base, "revenue_target": "$500k"}
    without = {**base, "revenue_target": None}
    other = tactical("Other", 9, "Retail", revenue_target="$400k")
    a = by_name(run(write_csv(tmp_path / "a.csv", [with_target, other])))["Same"]
    b = by_name(run(write_csv(tmp_path / "b.csv", [without, other])))["Same"]
    assert a["action"] == b["action"] == "withdraw"
    assert b["motivations"]["share"] < 5


def test_no_evidence_columns_means_nobody_moves(tmp_path: Path) -> None:
    # A CRM export whose revenue columns Tierwise does not recognise.
    path = tmp_path / "crm.csv"
    with path.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["Account Name", "Partner Level", "Amount (Won) USD", "Opp Value", "FTE"])
        out.writerow(["Alpha Systems", "Platinum", "2,500,000", "900,000", "2"])
        out.writerow(["Beta Cloud", "Strategic", "0", "150,000", "1"])
        out.writerow(["Gamma Data", "Gold", "300,000", "0", "0.5"])
        out.writerow(["Delta IT", "Registered", "", "", ""])
    doc = run(path)
    actions = {p["partner"]: p["action"] for p in doc["partners"]}
    assert not MOVES & set(actions.values()), actions
    assert actions["Alpha Systems"] == actions["Beta Cloud"] == "collect"
    alpha = by_name(doc)["Alpha Systems"]
    # Of the judgment's twelve inputs only the pipeline is seen; every motivation to record.
    assert alpha["recommended_tier"] == "strategic" and alpha["evidence"] == round(1 / 12, 2)
    assert alpha["todo"].startswith("Record share, access, speed and ecosystem evidence")


def test_one_blank_cell_never_turns_a_verdict_into_a_move(tmp_path: Path) -> None:
    full = proven("Quick SI", "Hospital Cloud", cycle_days=60, baseline_cycle_days=150)
    # Pipeline counts toward share: blank it too, so two of four motivations are known.
    full.update(
        closed_revenue=None, deals_won=None, new_logos=None, revenue_target=None, pipeline=None
    )
    partner = proven("Anchor", "Hospital Cloud", cycle_days=90, baseline_cycle_days=150)
    before = by_name(run(write_csv(tmp_path / "a.csv", [full, partner])))["Quick SI"]
    assert before["action"] not in MOVES
    blanked = {**full, "cycle_days": None}
    after = by_name(run(write_csv(tmp_path / "b.csv", [blanked, partner])))["Quick SI"]
    assert after["action"] == "collect"
    assert "Sales Cycle (days)" in after["todo"]


def test_small_business_is_withdrawn_not_exited(tmp_path: Path) -> None:
    rows = [
        {
            "partner": f"Gold {i:02}",
            "partner_type": "Reseller",
            "designated_tier": "Gold",
            "target_market": "UK retail",
            "revenue_target": "$1M",
            "closed_revenue": f"${100 + i * 2}k",
            "deals_won": 2,
            "new_logos": 1,
            "integrations": 0,
            "start_date": "2024-01-01",
            "fte": 0.25,
            "budget": "$15k",
        }
        for i in range(30)
    ]
    p = run(write_csv(tmp_path / "t.csv", rows))["partners"]
    assert not [x["partner"] for x in p if x["action"] == "exit"]
    withdrawn = [x for x in p if x["action"] == "withdraw"]
    assert withdrawn and all("hand it to the field" in x["todo"] for x in withdrawn)


def test_promotions_are_on_merit_never_to_fill_a_slot(tmp_path: Path) -> None:
    rows = [
        {
            "partner": "Connectors Only",
            "partner_type": "ISV",
            "designated_tier": "Registered",
            "initiative": "Marketplace",
            "closed_revenue": "$0",
            "pipeline": "$0",
            "integrations": 12,
            "start_date": "2024-01-01",
        },
        {
            "partner": "Small Referral",
            "partner_type": "Reseller",
            "designated_tier": "Referral",
            "initiative": "Retail",
            "closed_revenue": "$60k",
            "new_logos": 6,
            "start_date": "2024-01-01",
        },
    ]
    p = by_name(run(write_csv(tmp_path / "t.csv", [{**r} for r in rows])))
    assert p["Connectors Only"]["recommended_tier"] != "strategic"
    assert p["Small Referral"]["action"] == "keep"
    assert "promoted on merit, never to fill a slot" in " ".join(p["Small Referral"]["why"])


def test_vague_text_is_vague_even_with_a_year_and_gains_are_read_as_typed(
    tmp_path: Path,
) -> None:
    rows = [
        tactical(
            "Synergy Co", 6, "Retail", objective="Leverage synergies and grow together in 2027"
        ),
        tactical("Winwin Co", 6, "Retail", partner_agenda="Win-win", share_gain="0.5"),
        tactical("Plain Co", 6, "Retail", partner_agenda="Resell to 40 UK grocers", share_gain="3"),
    ]
    p = by_name(run(write_csv(tmp_path / "t.csv", rows)))
    assert "VAGUE_AGENDA" in p["Synergy Co"]["flags"]
    assert "VAGUE_AGENDA" in p["Winwin Co"]["flags"]
    assert "VAGUE_AGENDA" not in p["Plain Co"]["flags"]
    assert any("+0.5 pts share gain" in w for w in p["Winwin Co"]["why"])


def test_one_failure_is_not_punished_three_times(tmp_path: Path) -> None:
    loud = tactical(
        "Loud Alliance",
        8,
        "Retail",
        target_market="Global",
        objective="Strategic alliance to leverage synergies",
        announced="2026-01-15",
        revenue_target="$2M",
        pipeline="$0",
        closed_revenue="$0",
        deals_won=0,
        integrations=10,
        partner_agenda="TBD",
    )
    path = write_csv(tmp_path / "t.csv", [loud])
    p = by_name(run(path))["Loud Alliance"]
    assert {"EXEC_LUNCH", "PRESS_RELEASE", "VAGUE_AGENDA"} <= set(p["flags"])
    # EXEC_LUNCH is our executives' promise: reset the number, do not punish the partner
    assert "for EXEC_LUNCH" not in p["why"][0]
    assert p["action"] == "fix"
    assert p["todo"].startswith("Reset the lunch number to what the pipeline supports")
    # heavier penalties still stop at the cap
    rubric = tmp_path / "harsh.toml"
    rubric.write_text("[score]\npenalty_press_release = 15.0\npenalty_vague_agenda = 15.0\n")
    harsh = by_name(run(path, "--rubric", str(rubric)))["Loud Alliance"]
    assert "(capped at 20)" in harsh["why"][0]
    assert harsh["score"] == p["score"]


def test_reallocation_is_net_and_todo_words_say_what_to_do(tmp_path: Path) -> None:
    rows = [
        proven("Keeper", "Hospital Cloud", fte=1.5),  # needs 0.5 FTE more
        proven("Keeper Two", "Hospital Cloud"),
        proven("Third", "Hospital Cloud", closed_revenue="$4M", deals_won=9),
        {**tactical("Sponsorless", 9, "Retail"), "designated_tier": "Platinum", "fte": 1},
    ]
    rows[3]["exec_sponsor"] = None
    doc = run(write_csv(tmp_path / "t.csv", rows))
    p = by_name(doc)
    third = p["Third"]
    assert (third["recommended_tier"], third["action"]) == ("tactical", "demote")
    realloc = doc["portfolio"]["reallocate"]
    # strategic -> tactical frees what is above the tactical norm (2 - 0.5), not all of it
    assert realloc["by_tier"]["strategic"]["fte"] == 2.0  # Third 1.5 + Sponsorless 0.5
    assert realloc["needed"]["fte"] == 0.5  # Keeper is under the strategic norm
    assert realloc["net"]["fte"] == realloc["freed"]["fte"] - realloc["needed"]["fte"]
    assert not any(w.startswith("Fix STRATEGIC") for w in p["Sponsorless"]["why"])


def test_a_supplier_is_listed_not_exited(tmp_path: Path) -> None:
    supplier = {
        "partner": "Chipmaker",
        "partner_type": "Product",
        "designated_tier": "Strategic",
        "relationship": "Supplier",
        "closed_revenue": "$0",
        "new_logos": 0,
        "integrations": 0,
        "start_date": "2020-01-01",
        "fte": 2,
        "budget": "$250k",
    }
    p = by_name(run(write_csv(tmp_path / "t.csv", [supplier, proven("SI", "Cloud")])))
    chip = p["Chipmaker"]
    assert chip["action"] == "keep" and "WHY_BOTHER" not in chip["flags"]
    assert chip["todo"].startswith("Consider acquiring or outsourcing")


def test_a_declared_strategy_on_the_strategy_sheet_drives_the_slots(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Partners"
    rows = [
        proven("On Strategy", "Retail Dominance", designated_tier="Gold"),
        proven("Off Strategy", "Hospital Cloud"),
        tactical("Tactic A", 9, "Co-sell"),
        tactical("Tactic B", 9, "Side Bet"),
    ]
    fields = list(dict.fromkeys(k for r in rows for k in r))
    ws.append([HEADERS[k] for k in fields])
    for r in rows:
        ws.append([r.get(k) for k in fields])
    strategy = wb.create_sheet("Strategy")
    strategy.append(["Our strategy for FY27"])
    strategy.append(["Strategic initiative:", "retail dominance"])
    strategy.append(["Tactical initiatives", "Co-sell", "Marketplace; Channel"])
    path = tmp_path / "declared.xlsx"
    wb.save(path)
    doc = run(path)
    declared = doc["portfolio"]["strategy"]
    assert declared["declared"] is True and declared["strategic_initiative"] == "retail dominance"
    assert declared["tactical_initiatives"] == ["Co-sell", "Marketplace", "Channel"]
    p = by_name(doc)
    assert p["On Strategy"]["recommended_tier"] == "strategic"
    assert p["Off Strategy"]["recommended_tier"] != "strategic"
    assert "the strategic initiative is 'retail dominance' (declared)" in " ".join(
        p["Off Strategy"]["why"]
    )
    assert p["Tactic A"]["recommended_tier"] == "tactical"
    assert p["Tactic B"]["recommended_tier"] == "casual"
    assert "not one of the declared tactical initiatives" in " ".join(p["Tactic B"]["why"])


def test_a_declared_initiative_nobody_is_on_is_said_to_be_so(tmp_path: Path) -> None:
    rubric = tmp_path / "ours.toml"
    rubric.write_text('[strategy]\nstrategic_initiative = "Quantum Retail"\n')
    doc = run(
        write_csv(tmp_path / "t.csv", [proven("SI", "Hospital Cloud")]), "--rubric", str(rubric)
    )
    strategy = doc["portfolio"]["strategy"]
    assert strategy["declared"] is True
    assert strategy["detail"] == "declared; no partner in the tracker is on it yet"
    assert by_name(doc)["SI"]["recommended_tier"] != "strategic"
