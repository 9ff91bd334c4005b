"""The reader's rules, each on a small workbook (or CSV) built here and read back."""

from __future__ import annotations

import json
import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from tierwise.errors import TierwiseError
from tierwise.io import columns
from tierwise.io.reader import read_tracker


def save(
    tmp_path: Path, rows: list[list], *, title: str = "Partners", at: str = "A1", name="t.xlsx"
):
    """A one-sheet workbook with `rows` written from cell `at` on."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    start = ws[at]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                ws.cell(start.row + r, start.column + c, value)
    path = tmp_path / name
    wb.save(path)
    return path


def where(tracker) -> dict[str, str]:
    return {w.where: w.message for w in tracker.warnings}


def test_a_plain_tracker_is_typed_per_field(tmp_path: Path) -> None:
    path = save(
        tmp_path,
        [
            ["Partner", "Type", "Tier", "Revenue Target", "Start Date", "Marketplace", "FTE"],
            ["Acme", "SI", " Gold ", "$1.2M", date(2025, 1, 31), "Y", 1.5],
            ["Beta", "ISV", "Bronze", "300k", "15/03/2026", "no", "n/a"],
        ],
    )
    t = read_tracker(path)
    assert dict(t.frame.schema) == {
        "row": pl.Int64,
        "partner": pl.String,
        "partner_type": pl.String,
        "designated_tier": pl.String,
        "revenue_target": pl.Float64,
        "marketplace": pl.Boolean,
        "start_date": pl.Date,
        "fte": pl.Float64,
    }
    assert t.frame.to_dicts() == [
        {"row": 2, "partner": "Acme", "partner_type": "integrator", "designated_tier": "Gold",
         "revenue_target": 1.2e6, "marketplace": True, "start_date": date(2025, 1, 31),
         "fte": 1.5},
        {"row": 3, "partner": "Beta", "partner_type": "isv", "designated_tier": "Bronze",
         "revenue_target": 3e5, "marketplace": False, "start_date": date(2026, 3, 15),
         "fte": None},
    ]  # fmt: skip
    assert t.source.header_row == 1 and t.source.sheet == "Partners"
    assert t.source.format == "xlsx"
    assert t.warnings == []
    assert t.decisions.height == 0 and t.setup == {}


def test_absent_fields_are_absent_columns(tmp_path: Path) -> None:
    t = read_tracker(save(tmp_path, [["Partner"], ["Acme"]]))
    assert t.frame.columns == ["row", "partner"]


def test_a_sheet_starting_at_c4_keeps_real_rows_and_cell_references(tmp_path: Path) -> None:
    path = save(
        tmp_path,
        [["Partner", "Pipeline", "Notes"], ["Acme", "lots", "x"], ["Beta", "100", None]],
        at="C4",
    )
    t = read_tracker(path)
    assert t.source.header_row == 4
    assert t.frame.get_column("row").to_list() == [5, 6]
    assert t.source.field_columns == {"partner": 3, "pipeline": 4, "notes": 5}
    assert t.source.header_columns == {"Partner": 3, "Pipeline": 4, "Notes": 5}
    assert t.source.last_column == 5
    assert where(t) == {"Partners!D5": "Pipeline: 'lots' is not an amount; left blank"}
    assert t.cell_ref(6, "pipeline") == "Partners!D6"


def test_each_unreadable_cell_is_a_warning_and_the_row_is_kept(tmp_path: Path) -> None:
    path = save(
        tmp_path,
        [
            ["Partner", "Pipeline", "Deals Won", "Sales Cycle", "Partner Sourced %",
             "Last Activity", "Marketplace", "Press Release", "Type", "FTE"],
            ["Acme", "plenty", "some", "soon", "most", "next week", "maybe", "someday",
             "Wizards", "a few"],
        ],
        title="My Partners",
    )  # fmt: skip
    t = read_tracker(path)
    assert t.frame.height == 1
    found = where(t)
    assert set(found) == {f"'My Partners'!{c}2" for c in "BCDEFGHIJ"}
    assert "'plenty'" in found["'My Partners'!B2"]
    assert "read as other" in found["'My Partners'!I2"]
    assert t.frame.row(0, named=True)["partner_type"] == "other"


def test_excel_percent_cells_become_points(tmp_path: Path) -> None:
    path = save(tmp_path, [["Partner", "Sourced Share"], ["Acme", 0.45], ["Beta", 0.05]])
    wb = openpyxl.load_workbook(path)
    for row in (2, 3):
        wb.active.cell(row, 2).number_format = "0%"
    wb.save(path)
    assert read_tracker(path).frame.get_column("sourced_share").to_list() == [45.0, 5.0]


def test_announced_gives_a_flag_and_the_date_when_there_is_one(tmp_path: Path) -> None:
    path = save(
        tmp_path,
        [["Partner", "Press Release"], ["A", date(2026, 1, 5)], ["B", "yes"], ["C", "No"]],
    )
    frame = read_tracker(path).frame
    assert frame.get_column("announced").to_list() == [True, True, False]
    assert frame.get_column("announced_on").to_list() == [date(2026, 1, 5), None, None]


def test_the_partner_sheet_is_the_best_matching_one_and_never_tierwise_own(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    readme = wb.active
    readme.title = "Read me"
    readme.append(["How to use this tracker"])
    portfolio = wb.create_sheet(columns.PORTFOLIO_SHEET)
    portfolio.append(["Partner", "Type", "Tier", "Pipeline", "Owner"])
    portfolio.append(["Ghost", "isv", "Gold", 1, "x"])
    lists = wb.create_sheet("Lists")
    lists.append(["Tier"])
    lists.append(["Gold"])
    partners = wb.create_sheet("Partners")
    partners.append(["Partner", "Tier", "Owner"])
    partners.append(["Acme", "Gold", "Sam"])
    path = tmp_path / "multi.xlsx"
    wb.save(path)
    t = read_tracker(path)
    assert (t.source.sheet, t.source.sheet_index) == ("Partners", 3)
    assert t.frame.get_column("partner").to_list() == ["Acme"]


def test_sheet_by_name_or_index(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "2025"
    wb.active.append(["Partner", "Tier", "Owner"])
    wb.active.append(["Old", "Gold", "Sam"])
    ws = wb.create_sheet("2026")
    ws.append(["Partner"])
    ws.append(["New"])
    path = tmp_path / "years.xlsx"
    wb.save(path)
    assert read_tracker(path).source.sheet == "2025"
    assert read_tracker(path, sheet="2026").frame.get_column("partner").to_list() == ["New"]
    assert read_tracker(path, sheet=1).source.sheet == "2026"
    with pytest.raises(TierwiseError, match="no sheet 'Nope'; its sheets are: 2025, 2026"):
        read_tracker(path, sheet="Nope")
    with pytest.raises(TierwiseError, match="--sheet 5 does not exist"):
        read_tracker(path, sheet=4)


def test_title_rows_and_a_merged_two_row_header(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Tracker"
    ws["A1"] = "Partner tracker FY26"
    ws["A2"] = "Confidential"
    ws.append([])
    ws.append(["Partner", "Revenue ($)", None, None, "Notes"])
    ws.append([None, "Target", "Pipeline", "Closed", None])
    ws.merge_cells("B4:D4")
    ws.merge_cells("A4:A5")
    ws.append(["Acme", "1,000", "200", "50", "hi"])
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    t = read_tracker(path)
    assert t.source.header_row == 5
    assert t.source.mapping == {
        "Partner": "partner",
        "Revenue ($) / Target": "revenue_target",
        "Revenue ($) / Pipeline": "pipeline",
        "Revenue ($) / Closed": "closed_revenue",
        "Notes": "notes",
    }
    assert t.frame.row(0, named=True) == {
        "row": 6, "partner": "Acme", "revenue_target": 1000.0, "pipeline": 200.0,
        "closed_revenue": 50.0, "notes": "hi",
    }  # fmt: skip


def test_unmapped_and_hidden_columns_are_kept(tmp_path: Path) -> None:
    path = save(tmp_path, [["Partner", "Region", "Tier"], ["Acme", "EMEA", "Gold"]])
    wb = openpyxl.load_workbook(path)
    wb.active.column_dimensions["C"].hidden = True
    wb.save(path)
    t = read_tracker(path)
    assert t.source.unmapped == ["Region"]
    assert t.frame.get_column("designated_tier").to_list() == ["Gold"]
    assert t.raw.to_dicts() == [{"row": 2, "Partner": "Acme", "Region": "EMEA", "Tier": "Gold"}]


def test_raw_holds_every_header_as_text(tmp_path: Path) -> None:
    path = save(tmp_path, [["Partner", "Pipeline", "Start"], ["Acme", 1200, date(2026, 3, 1)]])
    raw = read_tracker(path).raw
    assert raw.schema == {"row": pl.Int64, "Partner": pl.String, "Pipeline": pl.String,
                          "Start": pl.String}  # fmt: skip
    assert raw.row(0) == (2, "Acme", "1200", "2026-03-01")


def test_user_mapping_overrides_aliases(tmp_path: Path) -> None:
    path = save(tmp_path, [["Account", "Firm", "Level"], ["a1", "Acme", "Gold"]])
    t = read_tracker(path, mapping={"Firm": "partner"})
    assert t.frame.get_column("partner").to_list() == ["Acme"]
    assert t.source.mapping["Firm"] == "partner"
    assert "Account" in t.source.unmapped
    with pytest.raises(TierwiseError, match="no column 'Nope'"):
        read_tracker(path, mapping={"Nope": "partner"})
    with pytest.raises(TierwiseError, match="unknown field 'partnr'"):
        read_tracker(path, mapping={"Firm": "partnr"})


def test_a_mapped_header_finds_the_header_row_even_when_no_alias_matches(tmp_path: Path) -> None:
    path = save(tmp_path, [["Our list"], ["Ally", "Region"], ["Acme", "EMEA"]])
    t = read_tracker(path, mapping={"Ally": "partner"})
    assert t.source.header_row == 2
    assert t.frame.get_column("partner").to_list() == ["Acme"]


def test_aliases_can_be_given(tmp_path: Path) -> None:
    path = save(tmp_path, [["Ally", "Tier"], ["Acme", "Gold"]])
    t = read_tracker(path, aliases={"partner": ["ally"], "designated_tier": ["tier"]})
    assert t.source.mapping == {"Ally": "partner", "Tier": "designated_tier"}


def test_no_partner_column_is_one_line_saying_what_to_do(tmp_path: Path) -> None:
    path = save(tmp_path, [["Tier", "Pipeline"], ["Gold", "1"]])
    with pytest.raises(TierwiseError, match=r'--map "Your Header=partner"') as err:
        read_tracker(path)
    assert "\n" not in str(err.value)


def test_blank_total_and_nameless_rows(tmp_path: Path) -> None:
    path = save(
        tmp_path,
        [
            ["Partner", "Pipeline"],
            ["Acme", 100],
            [None, None],
            ["Beta", 200],
            [None, 300],
            ["Subtotal", 300],
            ["Grand Total", "=SUM(B2:B4)"],
            ["Total:", 600],
            ["Sum", 600],
        ],
    )
    t = read_tracker(path)
    assert t.frame.get_column("partner").to_list() == ["Acme", "Beta"]
    assert t.frame.get_column("row").to_list() == [2, 4]
    assert where(t) == {"Partners!A5": "row 5 has data but no partner name; skipped"}


def test_a_formula_without_a_cached_value_is_blank(tmp_path: Path) -> None:
    # openpyxl writes formulas without cached values, as a file never opened in Excel.
    path = save(tmp_path, [["Partner", "Pipeline"], ["Acme", "=1+1"]])
    t = read_tracker(path)
    assert t.frame.get_column("pipeline").to_list() == [None]
    assert t.warnings == []


def test_duplicate_partner_names_are_warned_about(tmp_path: Path) -> None:
    path = save(tmp_path, [["Partner"], ["Acme"], ["Beta"], ["ACME "]])
    t = read_tracker(path)
    assert t.frame.height == 3
    assert where(t) == {"Partners!A4": "partner 'Acme' appears more than once (rows 2, 4)"}


def annotated(tmp_path: Path, setup: dict | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Deals"
    ws.append(["Notes here"])
    ws.append(
        ["Company", "Level", "Tierwise: score", "Tierwise: decision", "Tierwise: decision note"]
    )
    ws.append(["Acme", "Gold", 71.5, "Strategic", "keep them close"])
    ws.append(["Beta", "Gold", 10, None, None])
    ws.append(["Gamma", "Gold", 20, "promote", None])
    other = wb.create_sheet("Partners")
    other.append(["Partner", "Tier", "Owner", "Pipeline"])
    other.append(["Decoy", "Gold", "x", 1])
    if setup is not None:
        hidden = wb.create_sheet(columns.SETUP_SHEET)
        hidden.append(["key", "value"])
        for key, value in setup.items():
            hidden.append([key, json.dumps(value)])
        hidden.sheet_state = "veryHidden"
    path = tmp_path / "annotated.xlsx"
    wb.save(path)
    return path


def test_decisions_are_restored_and_tierwise_columns_set_aside(tmp_path: Path) -> None:
    t = read_tracker(annotated(tmp_path), sheet="Deals")
    assert t.decisions.to_dicts() == [
        {"row": 3, "decision": "strategic", "decision_note": "keep them close"}
    ]
    assert t.source.tierwise_columns == {
        "Tierwise: score": 3,
        "Tierwise: decision": 4,
        "Tierwise: decision note": 5,
    }
    assert t.source.unmapped == []
    assert t.source.last_column == 2
    assert "Tierwise: score" not in t.raw.columns
    assert where(t) == {
        "Deals!D5": "decision 'promote' is not one of strategic, tactical, casual, exit; ignored"
    }


def test_the_stored_setup_picks_sheet_header_and_mapping(tmp_path: Path) -> None:
    setup = {
        "version": "0.1.0",
        "sheet": "Deals",
        "header_row": 2,
        "mapping": {"Company": "partner", "Level": "initiative"},
        "rubric": "",
    }
    t = read_tracker(annotated(tmp_path, setup))
    assert t.setup == setup
    assert [w.where for w in t.warnings] == ["Deals!D5"]  # the 'promote' decision only
    assert t.source.sheet == "Deals" and t.source.header_row == 2
    assert t.source.mapping == {"Company": "partner", "Level": "initiative"}
    assert t.frame.get_column("initiative").to_list() == ["Gold"] * 3
    # The caller's sheet and mapping win over the stored ones.
    t = read_tracker(annotated(tmp_path, setup), sheet="Partners")
    assert t.frame.get_column("partner").to_list() == ["Decoy"]


def test_a_stored_mapping_to_an_unknown_field_is_ignored_with_a_warning(tmp_path: Path) -> None:
    setup = {"sheet": "Deals", "header_row": 2, "mapping": {"Company": "partner", "Level": "x"}}
    t = read_tracker(annotated(tmp_path, setup))
    assert t.source.mapping == {"Company": "partner", "Level": "designated_tier"}
    assert [w.where for w in t.warnings] == [columns.SETUP_SHEET, "Deals!D5"]


def csv_file(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "t.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_csv_is_read_through_the_same_rules(tmp_path: Path) -> None:
    text = 'Partner tracker\n\nPartner,Pipeline,Tier\nAcme,"$1,200",Gold\nBeta,lots,Silver\n'
    t = read_tracker(csv_file(tmp_path, text))
    assert t.source.format == "csv" and t.source.header_row == 3 and t.source.sheet == "t"
    assert t.frame.get_column("pipeline").to_list() == [1200.0, None]
    assert where(t) == {"t!B5": "Pipeline: 'lots' is not an amount; left blank"}


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("\ufeffPartner;Pipeline\nZürich AG;100\n", "utf-8"),
        ("Partner;Pipeline\nZürich AG;100\n", "cp1252"),
        ("Partner\tPipeline\nZürich AG\t100\n", "utf-8"),
        ("sep=;\nPartner;Pipeline\nZürich AG;100\n", "utf-8"),
        ("Partner,Pipeline\r\nZürich AG,100\r\n", "utf-16"),
    ],
)
def test_csv_delimiters_and_encodings(tmp_path: Path, text: str, encoding: str) -> None:
    t = read_tracker(csv_file(tmp_path, text, encoding))
    assert t.frame.select("partner", "pipeline").row(0) == ("Zürich AG", 100.0)


def test_tsv_by_extension(tmp_path: Path) -> None:
    t = read_tracker(csv_file(tmp_path, "Partner\tTier\nAcme\tGold\n", name="t.tsv"))
    assert t.source.format == "tsv" and t.source.mapping == {
        "Partner": "partner",
        "Tier": "designated_tier",
    }


def test_a_missing_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(TierwiseError, match="does not exist"):
        read_tracker(tmp_path / "nope.xlsx")


def test_repeated_and_missing_headers_get_names_of_their_own(tmp_path: Path) -> None:
    path = save(tmp_path, [["Partner", "Notes", "Notes", None], ["Acme", "a", "b", "loose"]])
    t = read_tracker(path)
    assert t.source.header_columns == {"Partner": 1, "Notes": 2, "Notes (C)": 3, "Column D": 4}
    assert t.source.mapping == {"Partner": "partner", "Notes": "notes"}
    assert t.source.unmapped == ["Notes (C)", "Column D"]
    assert t.raw.row(0) == (2, "Acme", "a", "b", "loose")
    assert t.source.last_column == 4


def test_data_beyond_the_table_counts_for_the_last_column(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Partner", "Tier"])
    ws.append(["Acme", "Gold"])
    ws["F10"] = "a note far to the right, below the table"
    path = tmp_path / "wide.xlsx"
    wb.save(path)
    assert read_tracker(path).source.last_column == 6


ODS_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet><table:table table:name="Partners">
<table:table-row table:number-rows-repeated="3">
 <table:table-cell table:number-columns-repeated="5"/></table:table-row>
<table:table-row><table:table-cell table:number-columns-repeated="2"/>
 <table:table-cell office:value-type="string"><text:p>Partner</text:p></table:table-cell>
 <table:table-cell office:value-type="string"><text:p>Pipeline</text:p></table:table-cell>
</table:table-row>
<table:table-row><table:table-cell table:number-columns-repeated="2"/>
 <table:table-cell office:value-type="string"><text:p>Acme</text:p></table:table-cell>
 <table:table-cell office:value-type="string"><text:p>lots</text:p></table:table-cell>
</table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>"""


def test_an_ods_sheet_starting_at_c4_keeps_real_cell_references(tmp_path: Path) -> None:
    path = tmp_path / "t.ods"
    mime = "application/vnd.oasis.opendocument.spreadsheet"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", mime, compress_type=zipfile.ZIP_STORED)
        zf.writestr("content.xml", re.sub(r">\s+<", "><", ODS_CONTENT))  # calamine: no gaps
        zf.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
            'manifest:1.0"><manifest:file-entry manifest:full-path="/" '
            f'manifest:media-type="{mime}"/></manifest:manifest>',
        )
    t = read_tracker(path)
    assert t.source.format == "ods" and t.source.header_row == 4
    assert t.source.field_columns == {"partner": 3, "pipeline": 4}
    assert [w.where for w in t.warnings] == ["Partners!D5"]


def test_decisions_come_back_from_an_annotated_tracker_with_a_two_row_header(
    tmp_path: Path,
) -> None:
    """Tierwise's headers sit on the last header row; a group header above them (the
    messy sample's "Ecosystem" group) must not swallow them."""
    from tierwise.outputs import write_annotated
    from tierwise.pipeline import evaluate

    sample = Path(__file__).resolve().parents[2] / "samples" / "messy_tracker.xlsx"
    ev = evaluate(sample, as_of=date(2026, 10, 31))
    row = ev.scored.partners["row"][0]
    decided = pl.DataFrame(
        {"row": [row], "decision": ["tactical"], "decision_note": ["Q3 review"]},
        schema={"row": pl.Int64, "decision": pl.String, "decision_note": pl.String},
    )
    out = tmp_path / "messy.tierwise.xlsx"
    write_annotated(ev, out, decisions=decided)

    again = read_tracker(out)
    assert "Tierwise: decision" in again.source.tierwise_columns
    assert not any(h.startswith("Tierwise") or "/ Tierwise" in h for h in again.source.unmapped)
    assert again.decisions.rows() == [(row, "tactical", "Q3 review")]
