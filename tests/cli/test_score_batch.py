"""`tierwise score` over several files: outputs, summaries, exit codes, CSV and JSON."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from tierwise.cli import main
from tierwise.outputs import FORMATS

HEADER = ["Partner", "Tier", "Type", "Target Market", "Pipeline", "Revenue Target", "FTE"]
ROWS = [
    ["Northwind Systems", "Strategic", "Integrator", "UK mid-market banks", 900_000, 2_000_000, 2],
    ["Contoso Consulting", "Gold", "Consultancy", "Nordic insurers", 300_000, 500_000, 1],
    ["Fabrikam", "Registered", "Reseller", "", 0, 0, 0],
]


def make_tracker(path: Path, rows: list[list] = ROWS) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Partners"
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    for line in ws.iter_rows():
        for cell in line:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text that looks like a formula, as a user typed it
    wb.save(path)
    return path


def run(*args: str):
    return CliRunner().invoke(main, ["score", *args, "--as-of", "2026-10-31"])


def test_each_input_gets_its_own_output_and_a_summary_line(tmp_path: Path) -> None:
    a = make_tracker(tmp_path / "a.xlsx")
    b = make_tracker(tmp_path / "b.xlsx")
    result = run(str(a), str(b))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "a.tierwise.xlsx").is_file()
    assert (tmp_path / "b.tierwise.xlsx").is_file()
    lines = [line for line in result.output.splitlines() if line.startswith(str(tmp_path))]
    assert len(lines) == 2
    assert "3 partners" in lines[0]


def test_globs_expand_and_skip_outputs_of_earlier_runs(tmp_path: Path) -> None:
    make_tracker(tmp_path / "a.xlsx")
    make_tracker(tmp_path / "b.xlsx")
    (tmp_path / "old.tierwise.xlsx").write_bytes(b"not read")
    out = tmp_path / "out"
    out.mkdir()
    result = run(str(tmp_path / "*.xlsx"), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["a.tierwise.xlsx", "b.tierwise.xlsx"]


def test_a_failed_file_does_not_stop_the_batch_but_sets_exit_1(tmp_path: Path) -> None:
    good = make_tracker(tmp_path / "good.xlsx")
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"\x00\x01 definitely not a workbook")
    result = run(str(bad), str(good))
    assert result.exit_code == 1
    assert (tmp_path / "good.tierwise.xlsx").is_file()
    assert f"tierwise: {bad}" in result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("tierwise: ")]
    assert len(errors) == 1 and errors[0].count(str(bad)) == 1, errors  # named once


def test_output_equal_to_an_input_is_refused_and_the_input_kept(tmp_path: Path) -> None:
    src = make_tracker(tmp_path / "a.xlsx")
    before = src.read_bytes()
    result = run(str(src), "-o", str(src))
    assert result.exit_code == 1
    assert "never overwrites" in result.output
    assert src.read_bytes() == before


def test_one_output_file_for_several_inputs_is_refused(tmp_path: Path) -> None:
    a = make_tracker(tmp_path / "a.xlsx")
    b = make_tracker(tmp_path / "b.xlsx")
    result = run(str(a), str(b), "-o", str(tmp_path / "both.xlsx"))
    assert result.exit_code == 1
    assert "must be a folder" in result.output


def test_json_is_one_document_on_stdout_and_writes_nothing(tmp_path: Path) -> None:
    src = make_tracker(tmp_path / "a.xlsx")
    result = CliRunner().invoke(main, ["score", str(src), "--json", "--as-of", "2026-10-31"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["as_of"] == "2026-10-31"
    assert doc["source"]["sheet"] == "Partners"
    assert {p["partner"] for p in doc["partners"]} == {r[0] for r in ROWS}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx"]


def test_format_csv_neutralises_formula_starts(tmp_path: Path) -> None:
    rows = [*ROWS, ['=HYPERLINK("http://x")', "Gold", "ISV", "@risk", 1, 2, 0]]
    src = make_tracker(tmp_path / "a.xlsx", rows)
    result = run(str(src), "--format", "csv")
    assert result.exit_code == 0, result.output
    with (tmp_path / "a.tierwise.csv").open(encoding="utf-8-sig") as fh:
        table = list(csv.DictReader(fh))
    names = {r["partner"] for r in table}
    assert '\'=HYPERLINK("http://x")' in names
    assert not any(v.startswith(("=", "+", "@")) for r in table for v in r.values() if v)


def test_format_json_writes_the_result_document(tmp_path: Path) -> None:
    src = make_tracker(tmp_path / "a.xlsx")
    result = run(str(src), "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "a.tierwise.json").read_text(encoding="utf-8"))
    assert len(doc["partners"]) == 3
    assert {c["code"] for c in doc["portfolio"]["designated"]["checks"]} >= {
        "STRATEGIC_PARTNERS",
        "EVERYONE_STRATEGIC",
    }


def test_a_pattern_that_matches_nothing_is_a_clear_error(tmp_path: Path) -> None:
    result = run(str(tmp_path / "*.xlsx"))
    assert result.exit_code == 1
    assert "no tracker matches" in result.output


def test_each_stage_of_one_file_is_announced_in_order(tmp_path: Path) -> None:
    from tierwise.batch import Options, score_one

    heard: list[str] = []
    src = make_tracker(tmp_path / "t.xlsx")
    done = score_one(src, Options(), tmp_path / "out.xlsx", heard.append)
    n = done.ev.scored.partners.height
    assert heard == ["reading t.xlsx", f"scoring {n:,} partners", "writing out.xlsx"]
    heard.clear()
    score_one(src, Options(), None, heard.append)  # nothing to write: no writing stage
    assert heard == ["reading t.xlsx", f"scoring {n:,} partners"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_of_the_table_is_a_choice_a_suffix_and_a_file(tmp_path: Path, fmt: str) -> None:
    """One row of outputs.FORMATS is the whole format: --format takes its name, -o's
    suffix names it, and the file written is that format; `-o -` works or refuses."""
    src = make_tracker(tmp_path / "book.xlsx")
    chosen = run(str(src), "--format", fmt, "-q")
    assert chosen.exit_code == 0, chosen.output
    first = tmp_path / f"book.tierwise{FORMATS[fmt].suffixes[0]}"
    for suffix in FORMATS[fmt].suffixes:
        named = run(str(src), "-o", str(tmp_path / f"named{suffix}"), "-q")
        assert named.exit_code == 0, named.output
        assert (tmp_path / f"named{suffix}").read_bytes()[:2] == first.read_bytes()[:2]
    zipped = first.read_bytes().startswith(b"PK")
    assert zipped == (fmt == "xlsx")
    piped = run(str(src), "--format", fmt, "-o", "-")
    assert (piped.exit_code == 0) == FORMATS[fmt].stdout, piped.output


@pytest.mark.parametrize(
    ("input_name", "fmt", "shown"),
    [
        ("t.xlsx", "json", False),
        ("t.xlsx", "xlsx", False),
        ("t.csv", "xlsx", True),  # a CSV's cells are written into a new workbook
        ("t.xlsx", "csv", True),
    ],
)
def test_the_tracker_cells_are_kept_only_for_an_output_that_shows_them(
    tmp_path: Path, input_name: str, fmt: str, shown: bool
) -> None:
    from tierwise.batch import Options, score_one

    src = make_tracker(tmp_path / "t.xlsx")
    if input_name.endswith(".csv"):
        src = tmp_path / input_name
        with src.open("w", newline="") as fh:
            csv.writer(fh).writerows([HEADER, *ROWS])
    out = tmp_path / f"out.{fmt}"
    done = score_one(src, Options(), out, fmt=fmt)
    raw = done.ev.tracker.raw
    assert raw.columns == (["row", *HEADER] if shown else ["row"])
    assert raw["row"].to_list() == [2, 3, 4]
    if fmt == "csv":
        with out.open(encoding="utf-8-sig") as fh:
            assert "Target Market" in next(csv.reader(fh))
    elif fmt == "xlsx" and shown:
        sheet = openpyxl.load_workbook(out, read_only=True).worksheets[0]
        assert [c.value for c in next(sheet.iter_rows(max_row=1))][: len(HEADER)] == HEADER
