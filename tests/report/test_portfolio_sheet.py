"""The "Tierwise Portfolio" sheet: the executive summary built from an evaluation."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from tests.helpers_workbooks import bare_tracker, libreoffice_pdf
from tierwise import catalogue
from tierwise.fields import MOTIVATIONS
from tierwise.io.sheetspec import SheetSpec
from tierwise.outputs import write_annotated
from tierwise.pipeline import Evaluation, evaluate
from tierwise.report.portfolio_sheet import (
    REALLOCATION_TITLE,
    action_list,
    build_portfolio_sheet,
)
from tierwise.scoring.portfolio import after_tiers

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "partner_tracker.xlsx"
AS_OF = date(2026, 10, 31)


@pytest.fixture(scope="module")
def ev() -> Evaluation:
    return evaluate(SAMPLE, as_of=AS_OF)


@pytest.fixture(scope="module")
def spec(ev: Evaluation) -> SheetSpec:
    return build_portfolio_sheet(ev)


def _find(spec: SheetSpec, text: str, col: int = 1) -> int:
    """The row whose cell in `col` holds exactly `text`."""
    rows = [r for r, cells in spec.cells.items() if col in cells and cells[col].value == text]
    assert rows, f"{text!r} not on the sheet"
    return rows[0]


def _value(spec: SheetSpec, ref: str):
    m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
    col = sum((ord(ch) - 64) * 26**i for i, ch in enumerate(reversed(m.group(1))))
    return spec.cells[int(m.group(2))][col].value


def _range(spec: SheetSpec, rng: str) -> list:
    start, end = rng.split(":")
    col = re.match(r"[A-Z]+", start).group(0)
    first, last = int(start[len(col) :]), int(end[len(col) :])
    return [_value(spec, f"{col}{r}") for r in range(first, last + 1)]


def _table(spec: SheetSpec, title: str, col: int = 1, width: int = 3) -> dict[str, list]:
    """A small table under a subtitle: first column -> the cells to its right."""
    top = _find(spec, title, col) + 2
    out = {}
    r = top
    while r in spec.cells and col in spec.cells[r]:
        cells = spec.cells[r]
        out[cells[col].value] = [
            cells[c].value if c in cells else None for c in range(col + 1, col + width)
        ]
        r += 1
    return out


def test_a_one_page_portrait_sheet_with_title_file_and_date(spec: SheetSpec) -> None:
    assert spec.name == "Tierwise Portfolio"
    assert not spec.landscape and spec.fit_to_width and spec.fit_to_height == 1
    assert "partner_tracker.xlsx" in spec.cells[1][1].value
    assert "2026-10-31" in spec.cells[2][1].value


def test_the_seven_checks_designated_vs_recommended_vs_limits(
    spec: SheetSpec, ev: Evaluation
) -> None:
    top = _find(spec, next(iter(catalogue.CHECKS.values())).name)
    for i, code in enumerate(catalogue.CHECKS):
        cells = spec.cells[top + i]
        assert cells[1].value == catalogue.CHECKS[code].name
        # the sample's designated tiers break every rule; the recommendation keeps them all
        assert cells[2].style == "fail" and cells[2].value.startswith("FAIL")
        assert cells[3].style == "pass" and cells[3].value.startswith("PASS")
        assert cells[4].value
    assert spec.cells[_find(spec, "Strategic partners")][4].value == "1-2"
    assert spec.cells[_find(spec, "Tactical partners")][2].value == "FAIL 16"


def test_tier_counts_before_and_after(spec: SheetSpec, ev: Evaluation) -> None:
    table = _table(spec, "Partners per tier")
    partners = ev.scored.partners
    for tier in ("strategic", "tactical", "casual"):
        designated = partners.filter(pl.col("designated_tier") == tier).height
        assert table[tier.capitalize()][0] == designated
    assert table["Strategic"][1] == 2 and table["Tactical"][1] == 10
    assert table["Exit"][1] == partners.filter(pl.col("action") == "exit").height == 9
    assert table["No tier recorded"] == [1, 0]
    assert sum(v[0] for v in table.values()) == sum(v[1] for v in table.values()) == 40


def test_flag_counts_with_the_playbooks_explanation(spec: SheetSpec, ev: Evaluation) -> None:
    table = _table(spec, "The four mistakes, and why bother", width=4)
    assert list(table) == [entry.name for entry in catalogue.FLAGS.values()]
    for code, entry in catalogue.FLAGS.items():
        carrying = ev.scored.partners.filter(pl.col("flags").list.contains(code)).height
        # the short code the partner sheet's table badges use sits beside the name
        assert table[entry.name] == [carrying, entry.label, entry.meaning]
        assert carrying > 0
    assert spec.cells[_find(spec, "Why bother?")][1].style == "flag"


def test_motivation_coverage_counts_partners_at_the_threshold(
    spec: SheetSpec, ev: Evaluation
) -> None:
    threshold = ev.rubric.get("thresholds.significant")
    table = _table(spec, f"Motivation coverage (score >= {threshold:g})", col=7)
    assert list(table) == [m.capitalize() for m in MOTIVATIONS]
    for m in MOTIVATIONS:
        count = ev.scored.partners.filter(pl.col(m) >= threshold).height
        assert table[m.capitalize()][0] == count
        assert table[m.capitalize()][1] == pytest.approx(count / 40)


def test_resources_to_reallocate(spec: SheetSpec, ev: Evaluation) -> None:
    table = _table(spec, REALLOCATION_TITLE)
    realloc = ev.scored.portfolio.reallocate
    assert table["Freed"] == [realloc.fte, realloc.budget]
    assert table["Needed"] == [realloc.needed["fte"], realloc.needed["budget"]]
    assert table["Net"] == [realloc.net["fte"], realloc.net["budget"]]
    assert table["Net"][0] == pytest.approx(realloc.fte - realloc.needed["fte"])


def test_action_list_by_impact(spec: SheetSpec, ev: Evaluation) -> None:
    header = _find(spec, "Partner")
    assert spec.cells[header][1].style == "header"
    rows = []
    r = header + 1
    while r in spec.cells and spec.cells[r].get(2) is not None:
        rows.append([spec.cells[r][c].value for c in (1, 2, 3, 4, 5, 6)])
        r += 1
    assert len(rows) == 10
    assert "6 more" in spec.cells[r][1].value
    # The executive-lunch promise frees the most (2 FTE, $400k): it leads.
    assert rows[0][:4] == ["Meridian Global Technologies", "tactical", "casual", "demote"]
    assert rows[0][5].startswith("Exec lunch: ")  # the flag in words, not its code
    assert all(r[3] in ("exit", "demote") for r in rows)
    ftes = [float(r[4].split(" FTE")[0]) for r in rows]
    assert ftes == sorted(ftes, reverse=True)
    halcyon = next(r for r in rows if r[0] == "Halcyon Software")
    assert halcyon[2:4] == ["exit", "exit"] and halcyon[5].startswith("Why bother?: ")


def test_charts_point_at_the_tables_on_the_sheet(spec: SheetSpec) -> None:
    tiers, motives = spec.charts
    assert _range(spec, tiers.categories) == [
        "Strategic",
        "Tactical",
        "Casual",
        "Exit",
        "No tier recorded",
    ]
    assert [t for t, _ in tiers.series] == ["Designated", "Recommended"]
    for _, values in tiers.series:
        assert sum(_range(spec, values)) == 40
    assert _range(spec, motives.categories) == [m.capitalize() for m in MOTIVATIONS]
    counts = _range(spec, motives.series[0][1])
    assert all(isinstance(c, int) for c in counts) and counts[0] > 0
    assert tiers.anchor != motives.anchor


def test_decisions_replace_recommendations(ev: Evaluation) -> None:
    rows = dict(ev.scored.partners.select("partner", "row").iter_rows())
    decisions = pl.DataFrame(
        {
            "row": [rows["Meridian Global Technologies"], rows["Brambleway IT"]],
            "decision": ["tactical", "casual"],
            "decision_note": ["CEO keeps it; pipeline review in Q1", None],
        }
    )
    spec = build_portfolio_sheet(ev, decisions)
    assert "2 triage decisions" in spec.cells[2][1].value
    table = _table(spec, "Partners per tier")
    assert spec.cells[_find(spec, "Partners per tier") + 1][3].value == "Decided"
    # Meridian stays tactical, Brambleway stays casual: the tactical count is unchanged.
    assert table["Tactical"][1] == 10 and table["Casual"][1] == 19
    actions = action_list(after_tiers(ev.scored.partners, decisions), decisions)
    meridian = actions.filter(pl.col("partner") == "Meridian Global Technologies").row(
        0, named=True
    )
    assert (meridian["from"], meridian["to"], meridian["action"]) == ("tactical", "tactical", "fix")
    assert meridian["reason"] == "Decision: CEO keeps it; pipeline review in Q1"
    assert "Brambleway IT" not in actions["partner"].to_list()


def test_a_tracker_without_evidence_says_not_assessed(tmp_path: Path) -> None:
    path = bare_tracker(tmp_path / "bare.xlsx")
    spec = build_portfolio_sheet(evaluate(path, as_of=AS_OF))
    table = _table(spec, "Motivation coverage (score >= 50)", col=7)
    assert all(v[1].startswith("not assessed") for v in table.values())
    assert spec.cells[_find(spec, "Strategic initiatives")][2].value == "not assessed"
    # Flags whose columns are missing are not a zero, and the notes name them.
    flags = _table(spec, "The four mistakes, and why bother", width=4)
    assert flags["Exec lunch"][0] == "not assessed"
    assert flags["Why bother?"][0] == "not assessed"
    assert flags["Strategic in name only"][0] == 0  # the tier column is there
    first_note = spec.cells[_find(spec, "What the tracker does not record") + 1][1].value
    assert first_note.startswith("Not assessed: Exec lunch (EL)")
    assert "Strategic initiatives" in first_note


def test_the_annotated_workbook_carries_the_sheet_and_its_charts(
    tmp_path: Path, ev: Evaluation
) -> None:
    out = tmp_path / "annotated.xlsx"
    write_annotated(ev, out)
    wb = openpyxl.load_workbook(out)
    ws = wb["Tierwise Portfolio"]
    assert ws["A1"].value == "Partner portfolio: partner_tracker.xlsx"
    texts = {c.value for row in ws.iter_rows() for c in row}
    assert {"Tier discipline: the seven checks", "Press-release partnering"} <= texts
    assert "Halcyon Software" in texts
    with zipfile.ZipFile(out) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 2
    assert all("'Tierwise Portfolio'!$" in c for c in charts)


def test_notes_on_missing_evidence_never_run_into_the_action_list(tmp_path: Path) -> None:
    path = tmp_path / "names.csv"
    path.write_text("Partner\nAcme\nGlobex\n", encoding="utf-8")
    spec = build_portfolio_sheet(evaluate(path, as_of=AS_OF))
    notes_at = _find(spec, "What the tracker does not record")
    actions_at = _find(spec, "Action list, by impact (0 partners)")
    notes = [r for r in range(notes_at + 1, actions_at) if 1 in spec.cells.get(r, {})]
    assert spec.cells[notes[0]][1].value.startswith("Not assessed: ")
    assert all(spec.cells[r][1].value.startswith("No evidence column") for r in notes[1:5])
    assert _find(spec, "Action list, by impact (0 partners)") > max(notes) + 1
    assert _find(spec, "Nothing to change: every partner keeps its tier.")


# -- print layout ------------------------------------------------------------------------

# Printable area of a portrait page inside the sheet's margins (0.4" sides, 0.5" top
# and bottom), in pixels at 96 dpi: US Letter and A4.
PAGES_PX = {
    "letter": ((8.5 - 0.8) * 96, (11 - 1.0) * 96),
    "a4": ((8.27 - 0.8) * 96, (11.69 - 1.0) * 96),
}
ROW_PX = 20  # Excel's default 15 pt row


def _col_px(width: float, font_scale: float) -> float:
    """A column's width in pixels: Calibri 11 gives 7 px a character plus 5 px padding;
    a wider substitute font (LibreOffice without Calibri: DejaVu Sans) about 4/3 of it."""
    return int(width * 7 + 5) * font_scale


def _ref(ref: str) -> tuple[int, int]:
    """ "D22" -> (22, 4)."""
    m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
    col = sum((ord(ch) - 64) * 26**i for i, ch in enumerate(reversed(m.group(1))))
    return int(m.group(2)), col


def _filled(spec: SheetSpec) -> set[tuple[int, int]]:
    """Every (row, col) holding a value or inside a merged span."""
    cells = {(r, c) for r, row in spec.cells.items() for c in row}
    for merge in spec.merges:
        (r1, c1), (r2, c2) = (_ref(end) for end in merge.split(":"))
        cells |= {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
    return cells


def _fit_scale(spec: SheetSpec, page: str, font_scale: float) -> float:
    """The zoom a one-page fit needs for everything printed: cells and charts."""
    filled = _filled(spec).union(*(_chart_cells(spec, c, font_scale) for c in spec.charts))
    last_row, last_col = max(r for r, _ in filled), max(c for _, c in filled)
    width = sum(_col_px(spec.col_widths.get(c, 8.43), font_scale) for c in range(1, last_col + 1))
    tall = sum(pt / 15 * ROW_PX - ROW_PX for pt in spec.row_heights.values())
    height = last_row * ROW_PX + tall + 8  # the 16 pt title row is a little taller
    page_w, page_h = PAGES_PX[page]
    return min(page_w / width, page_h / height, 1.0)


def _chart_cells(spec: SheetSpec, chart, font_scale: float = 1.0) -> set[tuple[int, int]]:
    """The (row, col) cells a chart covers, from its anchor and size."""
    col = sum(
        (ord(ch) - 64) * 26**i for i, ch in enumerate(reversed(chart.anchor.rstrip("0123456789")))
    )
    row = int(chart.anchor.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    width_px, height_px = chart.width_cm / 2.54 * 96, chart.height_cm / 2.54 * 96
    cols, x = [], 0.0
    while x < width_px:
        cols.append(col)
        x += _col_px(spec.col_widths.get(col, 8.43), font_scale)
        col += 1
    rows = range(row, row + int(-(-height_px // ROW_PX)))
    return {(r, c) for r in rows for c in cols}


@pytest.mark.parametrize("page", sorted(PAGES_PX))
@pytest.mark.parametrize("font_scale", [1.0, 4 / 3])
def test_the_page_prints_at_a_readable_scale(spec: SheetSpec, page: str, font_scale: float) -> None:
    # Every text whole (issue 17: no "…" inside a cell), the strategy line and the net
    # reallocation table make the page taller: printed portrait it keeps about two thirds
    # of Calibri's size (11 pt prints as 7.3 pt), and more than half with a wider font.
    assert _fit_scale(spec, page, font_scale) >= (0.66 if font_scale == 1.0 else 0.5)


@pytest.mark.parametrize("font_scale", [1.0, 4 / 3])
def test_charts_sit_inside_the_tables_width_and_cover_no_cell(
    spec: SheetSpec, font_scale: float
) -> None:
    filled = _filled(spec)
    last_col = max(c for _, c in filled)
    assert last_col == 10  # A-J, the width of the check and action tables
    covered = [_chart_cells(spec, chart, font_scale) for chart in spec.charts]
    for chart, cells in zip(spec.charts, covered, strict=True):
        assert not cells & filled, (chart.title, sorted(cells & filled))
        assert max(c for _, c in cells) <= last_col, chart.title
        assert max(r for r, _ in cells) < max(spec.cells), chart.title
    assert not covered[0] & covered[1]


def test_the_written_sheet_is_set_to_one_portrait_page(tmp_path: Path, ev: Evaluation) -> None:
    out = tmp_path / "annotated.xlsx"
    write_annotated(ev, out)
    ws = openpyxl.load_workbook(out)["Tierwise Portfolio"]
    assert ws.page_setup.orientation == "portrait"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 1)
    assert ws.print_options.horizontalCentered
    # No print area is set: what prints is the used range, which is A-J with the
    # charts inside it, so nothing to the right widens the page.
    assert not ws.print_area
    assert ws.max_column == 10
    assert len(ws._charts) == 2
    for chart in ws._charts:
        assert chart.anchor._from.col <= 9  # 0-based: anchored in A-J


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_prints_the_sheet_on_one_page_at_a_readable_scale(
    tmp_path: Path, ev: Evaluation
) -> None:
    out = tmp_path / "annotated.xlsx"
    write_annotated(ev, out)
    pdf_path = libreoffice_pdf(out, tmp_path)
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler) is not installed")
    pdf = str(pdf_path)
    pages = subprocess.run(
        ["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    # Blocks from the top, the middle and the bottom of the sheet share one page.
    ours = [
        i
        for i, text in enumerate(pages, start=1)
        if any(b in text for b in ("Tier discipline", "Motivation coverage", "Action list"))
    ]
    assert len(ours) == 1, ours
    page = pages[ours[0] - 1]
    assert "Tier discipline" in page and "Action list" in page and "6 more" in page
    words = subprocess.run(
        ["pdftotext", "-f", str(ours[0]), "-l", str(ours[0]), "-bbox", pdf, "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # Row pitch of the seven checks: 15 pt rows printed at the page's zoom.
    tops = [
        float(y)
        for y, text in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">(\w+)<', words)
        if text in {"Strategic", "Tactical", "Casual", "Share"}
    ][:7]
    pitch = (tops[-1] - tops[0]) / (len(tops) - 1)
    assert pitch / 15 >= 0.68, pitch
