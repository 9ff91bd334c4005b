"""The reader's mapping judged by values: the value-blind mappings of real trackers,
company facts, a partner column found or suggested, units, Excel errors, one warning per
column and kind, and mapping profiles. Each on a small workbook built here."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from tierwise.cli import main
from tierwise.errors import TierwiseError
from tierwise.io.reader import read_tracker

NAMES = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Tyrell"]


def book(tmp_path: Path, header: list[str], *columns: list, name: str = "t.xlsx") -> Path:
    """A workbook whose first sheet holds `header` over the given columns."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Partners"
    ws.append(header)
    for row in zip(*columns, strict=True):
        ws.append(list(row))
    path = tmp_path / name
    wb.save(path)
    return path


def messages(tracker) -> str:
    return "\n".join(f"{w.where}: {w.message}" for w in tracker.warnings)


def test_tier_labels_in_a_category_column_are_the_tier_not_the_partner_type(
    tmp_path: Path,
) -> None:
    tiers = ["Gold", "Silver", "Gold", "Platinum", "Silver", "Bronze", "Gold", "Silver"]
    t = read_tracker(book(tmp_path, ["Partner", "Category"], NAMES, tiers))
    assert t.source.mapping == {"Partner": "partner", "Category": "designated_tier"}
    assert t.source.confidence["Category"] == "values"
    assert "Category: 8 of 8 values are not partner types" in messages(t)
    assert "read as designated_tier" in messages(t)
    assert t.frame.get_column("designated_tier").to_list() == tiers


def test_a_lifecycle_status_is_no_tier(tmp_path: Path) -> None:
    status = ["New", "Qualified", "Churned", "Customer", "New", "Qualified", "Gold", "New"]
    t = read_tracker(book(tmp_path, ["Partner", "Status"], NAMES, status))
    assert "designated_tier" not in t.frame.columns
    assert "Status" in t.source.unmapped
    text = messages(t)
    assert "Status: 7 of 8 values are not tier labels (New, Qualified, " in text
    assert "first at B2, B3, B4); not read as designated_tier" in text
    assert text.count("Status") == 1  # one summary, not one warning per cell
    assert t.warnings[0].where == "Partners!B2"


def test_an_ownership_type_is_no_partner_type(tmp_path: Path) -> None:
    kinds = ["Private", "Public Company", "Private", "Private", "Nonprofit", "Public Company"]
    t = read_tracker(book(tmp_path, ["Partner", "Type"], NAMES[:6], kinds))
    assert "partner_type" not in t.frame.columns
    assert "Type: 6 of 6 values are not partner types" in messages(t)


def test_tiers_numbered_and_partner_kinds_folded_into_other_keep_their_columns(
    tmp_path: Path,
) -> None:
    tiers = [1, 2, 3, 1, 2, 3]
    kinds = ["Referral", "Affiliate", "Reseller", "Referral Partner", "Technology", "Affiliate"]
    t = read_tracker(book(tmp_path, ["Partner", "Tier", "Type"], NAMES[:6], tiers, kinds))
    assert t.source.mapping == {
        "Partner": "partner",
        "Tier": "designated_tier",
        "Type": "partner_type",
    }
    assert t.frame.get_column("partner_type").to_list()[2:5] == ["reseller", "other", "product"]


def test_labels_with_the_programs_own_word_beside_them_are_tier_labels(tmp_path: Path) -> None:
    levels = ["Gold Partner", "Silver Partner", "Platinum Partner", "Gold Partner"]
    t = read_tracker(book(tmp_path, ["Partner", "Partner Level"], NAMES[:4], levels))
    assert t.source.mapping["Partner Level"] == "designated_tier"


def test_a_column_of_numbers_alone_is_not_taken_for_the_tier(tmp_path: Path) -> None:
    t = read_tracker(book(tmp_path, ["Partner", "Priority"], NAMES[:6], [1, 2, 3, 1, 2, 3]))
    assert t.source.mapping == {"Partner": "partner"}


def test_a_column_of_tier_labels_only_is_the_tier_by_its_values(tmp_path: Path) -> None:
    bands = ["Tier 1", "Tier 2", "Tier 3", "Tier 2", "Tier 1", "Tier 3", "Tier 2", "Tier 3"]
    t = read_tracker(book(tmp_path, ["Partner", "Band"], NAMES, bands))
    assert t.source.mapping["Band"] == "designated_tier"
    assert t.source.confidence["Band"] == "values"
    assert "column 'Band' holds only tier labels: read as designated_tier" in messages(t)


def test_a_header_tier_wins_over_a_column_placed_by_values(tmp_path: Path) -> None:
    tiers = ["Gold", "Silver"] * 4
    t = read_tracker(book(tmp_path, ["Partner", "Band", "Partner Tier"], NAMES, tiers, tiers))
    assert t.source.mapping == {"Partner": "partner", "Partner Tier": "designated_tier"}


def test_a_rejected_tier_column_leaves_the_field_to_the_next_header(tmp_path: Path) -> None:
    status = ["New", "Qualified", "Churned", "Customer"] * 2
    tiers = ["Gold", "Silver"] * 4
    t = read_tracker(book(tmp_path, ["Partner", "Status", "Level"], NAMES, status, tiers))
    assert t.source.mapping["Level"] == "designated_tier"


def test_the_accounts_own_revenue_is_not_revenue_closed_with_us(tmp_path: Path) -> None:
    own = [120, 4500, 80, 15, 300, 2200, 950, 40]
    t = read_tracker(
        book(tmp_path, ["Partner", "Annual Revenue ($M)", "Employees"], NAMES, own, own)
    )
    assert "closed_revenue" not in t.frame.columns and "fte" not in t.frame.columns
    text = messages(t)
    assert "'Annual Revenue ($M)' describes the company itself" in text
    assert "'Employees' describes the company itself" in text


def test_the_user_says_so_and_revenue_is_closed_revenue(tmp_path: Path) -> None:
    path = book(tmp_path, ["Partner", "Revenue ($k)"], NAMES[:3], [100, 200, 300])
    t = read_tracker(path, mapping={"Revenue ($k)": "closed_revenue"})
    assert t.frame.get_column("closed_revenue").to_list() == [100_000, 200_000, 300_000]
    assert t.source.confidence["Revenue ($k)"] == "user"
    assert t.source.scales == {"Revenue ($k)": 1000.0}


def test_money_is_scaled_by_the_units_in_the_header(tmp_path: Path) -> None:
    path = book(
        tmp_path,
        ["Partner", "Target ($k)", "Pipeline (USD m)", "MDF"],
        NAMES[:2],
        ["5,000", 250],
        [1.5, "2"],
        [10_000, 500],
    )
    frame = read_tracker(path).frame
    assert frame.get_column("revenue_target").to_list() == [5_000_000, 250_000]
    assert frame.get_column("pipeline").to_list() == [1_500_000, 2_000_000]
    assert frame.get_column("budget").to_list() == [10_000, 500]


def test_with_no_partner_header_a_named_distinct_column_is_taken(tmp_path: Path) -> None:
    path = book(tmp_path, ["Region", "Stockist Name", "Tier"], ["EU"] * 8, NAMES, ["Gold"] * 8)
    t = read_tracker(path)
    assert t.source.mapping["Stockist Name"] == "partner"
    assert t.source.confidence["Stockist Name"] == "fallback"
    assert "'Stockist Name' is read as the partner" in messages(t)
    assert t.frame.get_column("partner").to_list() == NAMES


def test_failing_that_the_error_names_a_ready_map(tmp_path: Path) -> None:
    path = book(tmp_path, ["Region", "Stockist", "Tier"], ["EU"] * 8, NAMES, ["Gold"] * 8)
    with pytest.raises(TierwiseError, match=r'--map "Stockist=partner"'):
        read_tracker(path)


def test_a_header_of_unknown_words_still_leads_to_the_partner_column(tmp_path: Path) -> None:
    towns = ["Leeds", "York", "Hull", "Bath", "Ely", "Wells", "Ripon", "Truro"]
    path = book(tmp_path, ["Stockist", "Town"], NAMES, towns)
    with pytest.raises(TierwiseError, match=r'--map "Stockist=partner"'):
        read_tracker(path)
    named = book(tmp_path, ["Name of Stockist (English)", "Town"], NAMES, towns, name="n.xlsx")
    t = read_tracker(named)
    assert t.source.mapping == {"Name of Stockist (English)": "partner"}
    assert t.source.header_row == 1 and t.frame.height == 8


def test_excel_error_values_are_warnings_quoting_the_error_and_the_cell(
    tmp_path: Path,
) -> None:
    path = book(tmp_path, ["Partner", "Pipeline", "Start Date"], NAMES[:3], [1, 2, 3], [None] * 3)
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    for ref, error in (("B3", "#N/A"), ("B4", "#DIV/0!"), ("C2", "#REF!")):
        ws[ref] = error
        ws[ref].data_type = "e"
    wb.save(path)
    t = read_tracker(path)
    text = messages(t)
    assert "Partners!B3: Pipeline: 2 cell(s) hold Excel errors (#N/A (B3), #DIV/0! (B4))" in text
    assert "Partners!C2: Start Date: 1 cell(s) hold Excel errors (#REF! (C2))" in text
    assert t.frame.get_column("pipeline").to_list() == [1, None, None]


def test_excel_errors_written_into_a_csv_are_warnings_too(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("Partner,Pipeline,Notes\nAcme,#VALUE!,#NAME?\nGlobex,10,ok\n", "utf-8")
    t = read_tracker(path)
    assert "t!B2: Pipeline: 1 cell(s) hold Excel errors (#VALUE! (B2))" in messages(t)
    assert "t!C2: Notes: 1 cell(s) hold Excel errors (#NAME? (C2))" in messages(t)
    assert t.frame.get_column("notes").to_list() == [None, "ok"]


def test_negative_pipeline_revenue_and_fte_are_warnings(tmp_path: Path) -> None:
    path = book(tmp_path, ["Partner", "Pipeline", "FTE"], NAMES[:3], [10, -5, 3], [1, 0.5, -1])
    text = messages(read_tracker(path))
    assert "Partners!B3: Pipeline: 1 negative value(s) ('-5' (B3))" in text
    assert "Partners!C4: FTE: 1 negative value(s) ('-1' (C4))" in text


def test_bad_cells_are_one_warning_per_column_with_counts_and_first_cells(
    tmp_path: Path,
) -> None:
    n = 3000
    names = [f"Partner {i}" for i in range(n)]
    tiers = ["Gold" if i % 5 else ["Champion", "Ally"][i % 2] for i in range(n)]
    pipeline = [str(i) if i % 100 else "see deck" for i in range(n)]
    t = read_tracker(book(tmp_path, ["Partner", "Tier", "Pipeline"], names, tiers, pipeline))
    assert len(t.warnings) == 2
    tier, pipe = t.warnings
    assert tier.where == "Partners!B2"
    assert tier.message.startswith(
        "Tier: 600 cells hold 2 tier label(s) the label map does not know: "
        "'Champion' (B2, B12, B22, ...), 'Ally' (B7, B17, B27, ...); treated as no tier"
    )
    assert pipe.message.startswith("Pipeline: 30 values are not an amount ('see deck' (C2)")


def test_inspect_json_says_how_sure_each_mapping_is(tmp_path: Path) -> None:
    tiers = ["Gold", "Silver"] * 4
    path = book(tmp_path, ["Parnter Name", "Band", "Pipe Value"], NAMES, tiers, [1] * 8)
    result = CliRunner().invoke(main, ["inspect", str(path), "--json", "--map", "Pipe Value="])
    assert result.exit_code == 0, result.output
    source = json.loads(result.output)["source"]
    assert source["confidence"] == {"Parnter Name": "spelling", "Band": "values"}
    assert list(source["confidence"]) == ["Band", "Parnter Name"]  # least sure first
    assert source["unmapped"] == ["Pipe Value"]


def test_inspect_lists_the_least_sure_mappings_first(tmp_path: Path) -> None:
    tiers = ["Gold", "Silver"] * 4
    path = book(tmp_path, ["Partner", "Pipeline", "Band"], NAMES, [1] * 8, tiers)
    result = CliRunner().invoke(main, ["inspect", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    mapped = lines[lines.index(next(x for x in lines if x.startswith("Mapped"))) + 1 :][:3]
    assert [line.split()[1] for line in mapped] == ["Band", "Partner", "Pipeline"]
    assert "values" in mapped[0] and "exact" in mapped[1]


def test_inspect_shows_the_unknown_tier_labels_score_shows(tmp_path: Path) -> None:
    tiers = ["Gold", "Champion", "Silver", "Gold"]
    path = book(tmp_path, ["Partner", "Tier"], NAMES[:4], tiers)
    inspect = CliRunner().invoke(main, ["inspect", str(path)])
    score = CliRunner().invoke(main, ["score", str(path), "--json"])
    assert "Tier: Unknown tier label 'Champion'; treated as no tier" in inspect.output
    shown = [w["message"] for w in json.loads(score.output)["warnings"]]
    assert shown == ["Tier: Unknown tier label 'Champion'; treated as no tier"]


SALESFORCE = ["Account Name", "Type", "Industry", "Account Owner", "BillingCountry", "Rating"]


def test_a_salesforce_account_export_is_read_through_its_profile(tmp_path: Path) -> None:
    types = ["Channel Partner / Reseller", "Technology Partner"] * 4
    path = book(
        tmp_path,
        [*SALESFORCE, "Description"],
        NAMES,
        types,
        ["Banking"] * 8,
        ["Dana"] * 8,
        ["US"] * 8,
        ["Hot"] * 8,
        ["met at a fair"] * 8,
    )
    t = read_tracker(path)
    assert t.source.profile == "salesforce-account"
    assert t.source.mapping == {
        "Account Name": "partner",
        "Type": "partner_type",
        "Industry": "target_market",
        "Account Owner": "owner",
        "Description": "notes",
    }
    assert set(t.source.confidence.values()) == {"profile"}
    # The JSON result keeps the contract's word for it.
    assert set(t.source.to_json()["confidence"].values()) == {"user"}
    assert t.frame.get_column("partner_type").to_list() == ["reseller", "product"] * 4


def test_a_detected_profile_is_still_checked_against_the_values(tmp_path: Path) -> None:
    types = ["Customer - Direct", "Prospect"] * 4
    path = book(tmp_path, SALESFORCE, NAMES, types, *[["x"] * 8] * 4)
    t = read_tracker(path)
    assert "Type" in t.source.unmapped


def test_profile_option_chooses_one_and_rubric_profiles_are_the_users(tmp_path: Path) -> None:
    path = book(tmp_path, ["Acct", "Lvl", "Ref"], NAMES[:2], ["Gold", "Silver"], ["a", "b"])
    rubric = tmp_path / "mine.toml"
    rubric.write_text(
        '[profiles.ours]\nlabel = "Our CRM"\ndetect = ["Acct", "Lvl"]\nmin_detect = 2\n'
        '[profiles.ours.map]\nAcct = "partner"\nLvl = "designated_tier"\n',
        "utf-8",
    )
    listed = CliRunner().invoke(main, ["profiles", "--rubric", str(rubric)])
    assert "ours: Our CRM" in listed.output and "salesforce-account" in listed.output
    scored = CliRunner().invoke(main, ["score", str(path), "--json", "--rubric", str(rubric)])
    assert scored.exit_code == 0, scored.output
    assert json.loads(scored.output)["source"]["mapping"] == {
        "Acct": "partner",
        "Lvl": "designated_tier",
    }
    unknown = CliRunner().invoke(main, ["inspect", str(path), "--profile", "nope"])
    assert unknown.exit_code == 1
    assert "no profile 'nope'; profiles are: salesforce-account" in unknown.output
