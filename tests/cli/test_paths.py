"""`score`'s output paths and options: names that never clash, -o forms (file, folder,
stdout, link), --format against the -o suffix, --force, long names, duplicate inputs,
globs, terminal-safe names, and the working copy carried into a re-scored output."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl

from tests.helpers_workbooks import ROWS, assert_one_line_error, rewrite_parts, run_cli, tracker
from tierwise.io.working_copy import read_copy

AS_OF = ("--as-of", "2026-10-31")


def score(*args: str):
    return run_cli("score", *args, *AS_OF)


def set_decision(path: Path, partner: str, decision: str, note: str = "") -> None:
    """Type a decision into an annotated workbook, as a user in Excel would."""
    book = openpyxl.load_workbook(path)
    sheet = book["Partners"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == partner:
            row[header.index("Tierwise: decision")].value = decision
            row[header.index("Tierwise: decision note")].value = note or None
    book.save(path)


def test_csv_and_xlsx_inputs_of_one_name_get_their_own_outputs(tmp_path: Path) -> None:
    book = tracker(tmp_path / "partner_tracker.xlsx")
    text = tmp_path / "partner_tracker.csv"
    text.write_text("Partner,Tier\nAcme Analytics,Strategic\nOnly In Csv,Casual\n")
    result = score(str(book), str(text), "-q")
    assert result.exit_code == 0, result.output
    from_book = read_copy(tmp_path / "partner_tracker.tierwise.xlsx")
    from_text = read_copy(tmp_path / "partner_tracker.csv.tierwise.xlsx")
    assert from_book is not None and from_text is not None
    for fmt in ("csv", "json"):
        both = score(str(book), str(text), "-q", "--format", fmt)
        assert both.exit_code == 0, both.output
        assert (tmp_path / f"partner_tracker.tierwise.{fmt}").is_file()
        assert (tmp_path / f"partner_tracker.csv.tierwise.{fmt}").is_file()


def test_rescoring_a_numbered_output_never_writes_over_an_earlier_one(tmp_path: Path) -> None:
    src = tracker(tmp_path / "tracker.xlsx")
    assert score(str(src), "-q").exit_code == 0
    first = tmp_path / "tracker.tierwise.xlsx"
    assert score(str(first), "-q").exit_code == 0
    second = tmp_path / "tracker.tierwise-2.xlsx"
    before = {p: p.read_bytes() for p in (first, second)}
    result = score(str(second), "-q")
    assert result.exit_code == 0, result.output
    assert "tracker.tierwise-3.xlsx" in result.output
    assert {p: p.read_bytes() for p in (first, second)} == before


def test_rescoring_keeps_the_decisions_typed_into_the_output(tmp_path: Path) -> None:
    src = tracker(tmp_path / "tracker.xlsx")
    out = tmp_path / "tracker.tierwise.xlsx"
    assert score(str(src), "-q").exit_code == 0
    set_decision(out, "Globex Consulting", "exit", "no pipeline in a year")
    # someone inserts a partner at the top of the tracker meanwhile
    tracker(src, [["Newcomer Ltd", "Casual", "isv", 0, 0, ""], *ROWS])
    result = score(str(src), "-q")
    assert result.exit_code == 0, result.output
    assert "kept 1 decision and 0 log rows from tracker.tierwise.xlsx" in result.output
    copy = read_copy(out)
    assert copy is not None
    assert copy.decisions == {(4, "Globex Consulting"): ("exit", "no pipeline in a year")}


def test_a_decision_whose_partner_is_gone_is_refused_naming_both(tmp_path: Path) -> None:
    src = tracker(tmp_path / "tracker.xlsx")
    out = tmp_path / "tracker.tierwise.xlsx"
    assert score(str(src), "-q").exit_code == 0
    set_decision(out, "Initech Systems", "exit")
    before = out.read_bytes()
    tracker(src, [r for r in ROWS if r[0] != "Initech Systems"])
    result = score(str(src), "-q")
    assert_one_line_error(result, "'Initech Systems'", "row 4", "no longer in the tracker")
    assert out.read_bytes() == before


def test_format_and_the_o_suffix_must_agree(tmp_path: Path) -> None:
    src = tracker(tmp_path / "tracker.xlsx")
    assert_one_line_error(score(str(src), "-o", str(tmp_path / "r.csv"), "--format", "json"))
    assert not (tmp_path / "r.csv").exists()
    plain = tmp_path / "results"
    assert score(str(src), "-o", str(plain), "--format", "csv", "-q").exit_code == 0
    assert next(csv.reader(io.StringIO(plain.read_text("utf-8-sig"))))[0] == "row"
    assert score(str(src), "-o", str(tmp_path / "r.json"), "-q").exit_code == 0
    assert json.loads((tmp_path / "r.json").read_text())["partners"]


def test_o_folder_slash_is_made_and_holds_the_outputs(tmp_path: Path) -> None:
    a = tracker(tmp_path / "a.xlsx")
    b = tracker(tmp_path / "b.xlsx")
    one = score(str(a), "-o", f"{tmp_path / 'new'}/", "-q")
    assert one.exit_code == 0, one.output
    assert (tmp_path / "new" / "a.tierwise.xlsx").is_file()
    both = score(str(a), str(b), "-o", f"{tmp_path / 'deep' / 'er'}/", "--format", "csv")
    assert both.exit_code == 0, both.output
    assert sorted(p.name for p in (tmp_path / "deep" / "er").iterdir()) == [
        "a.tierwise.csv",
        "b.tierwise.csv",
    ]


def test_o_dash_is_stdout_for_csv_and_json(tmp_path: Path) -> None:
    src = tracker(tmp_path / "tracker.xlsx")
    as_csv = score(str(src), "-o", "-", "--format", "csv")
    assert as_csv.exit_code == 0, as_csv.output
    rows = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert rows[0][0] == "row" and len(rows) == 1 + len(ROWS)
    as_json = score(str(src), "-o", "-", "--format", "json")
    assert json.loads(as_json.stdout)["source"]["sheet"] == "Partners"
    assert not (tmp_path / "-").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tracker.xlsx"]
    assert_one_line_error(score(str(src), "-o", "-"), "--format csv or json")


def test_an_unrelated_workbook_is_replaced_only_with_force(tmp_path: Path) -> None:
    src = tracker(tmp_path / "tracker.xlsx")
    theirs = tracker(tmp_path / "budget.xlsx", [["Not a partner", "", "", 1, 2, ""]])
    before = theirs.read_bytes()
    assert_one_line_error(score(str(src), "-o", str(theirs)), "--force")
    assert theirs.read_bytes() == before
    assert score(str(src), "-o", str(theirs), "--force", "-q").exit_code == 0
    assert read_copy(theirs).ours
    # an output Tierwise wrote is its own: replaced (and carried forward) without --force
    assert score(str(src), "-o", str(theirs), "-q").exit_code == 0


def test_an_o_link_is_followed_to_the_file_it_names(tmp_path: Path) -> None:
    src = tracker(tmp_path / "tracker.xlsx")
    real = tmp_path / "shared" / "tracker-annotated.xlsx"
    real.parent.mkdir()
    link = tmp_path / "latest.xlsx"
    link.symlink_to(real)
    assert score(str(src), "-o", str(link), "-q").exit_code == 0
    assert link.is_symlink() and real.is_file()
    assert read_copy(real).ours


def test_o_problems_fail_before_any_input_is_read(tmp_path: Path) -> None:
    damaged = tmp_path / "tracker.xlsx"
    damaged.write_bytes(b"PK\x03\x04 not really a workbook")
    for bad, needle in (
        (tmp_path / "missing" / "out.xlsx", "does not exist"),
        (damaged, "never overwrites"),
        (tmp_path / ("x" * 300 + ".xlsx"), "too long"),
    ):
        assert_one_line_error(score(str(damaged), "-o", str(bad)), needle)


def test_a_long_input_name_is_one_clear_line(tmp_path: Path) -> None:
    src = tracker(tmp_path / ("p" * 245 + ".xlsx"))
    assert_one_line_error(score(str(src), "-q"), "too long")


def test_an_input_given_twice_is_scored_once_and_said(tmp_path: Path) -> None:
    src = tracker(tmp_path / "tracker.xlsx")
    link = tmp_path / "same.xlsx"
    link.symlink_to(src)
    result = score(str(src), str(tmp_path / "." / "tracker.xlsx"), str(link))
    assert result.exit_code == 0, result.output
    said = [line for line in result.stderr.splitlines() if "more than once" in line]
    assert len(said) == 2, result.stderr
    assert result.stderr.count(": 3 partners,") == 1  # one summary: scored once


def test_globs_skip_excel_lock_files_and_tierwise_outputs(tmp_path: Path) -> None:
    tracker(tmp_path / "a.xlsx")
    (tmp_path / "~$a.xlsx").write_bytes(b"\x00" * 165)  # Excel's owner file while open
    assert score(str(tmp_path / "*.xlsx"), "-q").exit_code == 0
    again = score(str(tmp_path / "*.xlsx"), "-q")  # a.tierwise.xlsx is there now
    assert again.exit_code == 0, again.output
    assert [line.split(":")[0] for line in again.stdout.splitlines()] == [str(tmp_path / "a.xlsx")]


def test_bidi_controls_never_reach_the_terminal(tmp_path: Path) -> None:
    evil = "Acme \u202eevil\u202c \u2066x\u2069 \u200f"
    src = tracker(tmp_path / "tracker.xlsx", [[evil, "Strategic", "isv", 9, 9, ""]])
    result = score(str(src), "--top", "0")
    assert result.exit_code == 0, result.output
    for ch in "\u202e\u202c\u2066\u2069\u200f":
        assert ch not in result.stdout and ch not in result.stderr
    assert "Acme \ufffdevil" in result.stdout


def test_an_unreadable_earlier_output_is_never_written_over(tmp_path: Path) -> None:
    src = tracker(tmp_path / "tracker.xlsx")
    out = tmp_path / "tracker.tierwise.xlsx"
    assert score(str(src), "-q").exit_code == 0
    damaged = rewrite_parts(out, tmp_path / "d.xlsx", {"xl/worksheets/sheet1.xml": lambda _: b"<"})
    damaged.replace(out)
    before = out.read_bytes()
    assert_one_line_error(score(str(src), "-q"), "holds earlier Tierwise work")
    assert out.read_bytes() == before
