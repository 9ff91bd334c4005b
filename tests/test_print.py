"""What Tierwise writes, opened and printed: LibreOffice headless turns the annotated
sample and the blank template into PDF, and the pages are read back with pdftotext.

Skipped where LibreOffice or poppler's pdftotext is not installed (.ci/run installs
LibreOffice)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from tests.helpers_workbooks import libreoffice_pdf
from tierwise.cli import main
from tierwise.io.columns import PORTFOLIO_SHEET
from tierwise.io.template import COLUMNS

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "partner_tracker.xlsx"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed"),
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed"),
]


def pages(pdf: Path) -> list[str]:
    """The text of each page, laid out as printed."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]  # the text ends with a form feed


def words(text: str) -> set[str]:
    return set(re.findall(r"[\w'%$-]+", text))


@pytest.fixture(scope="module")
def annotated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from click.testing import CliRunner

    out = tmp_path_factory.mktemp("print") / "annotated.xlsx"
    result = CliRunner().invoke(
        main, ["score", str(SAMPLE), "-o", str(out), "--as-of", "2026-10-31", "-q"]
    )
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def annotated_pages(annotated: Path) -> list[str]:
    return pages(libreoffice_pdf(annotated, annotated.parent))


def test_the_portfolio_sheet_prints_on_one_page_with_every_text_whole(
    annotated: Path, annotated_pages: list[str]
) -> None:
    ours = [i for i, page in enumerate(annotated_pages) if "Partner portfolio:" in page]
    assert len(ours) == 1
    page = annotated_pages[ours[0]]
    # One page: its first block and its last (the legend) are on it.
    assert "Tier discipline" in page and "Action list" in page and "PASS / FAIL" in page
    assert "…" not in page
    # Every word of every text the sheet holds is printed: nothing clipped by a row too
    # short for its wrapped text (the row heights are estimated, not measured).
    ws = openpyxl.load_workbook(annotated)[PORTFOLIO_SHEET]
    printed = words(page)
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                assert "…" not in cell.value
                missing = words(cell.value) - printed
                assert not missing, (cell.coordinate, cell.value, missing)


def test_budgets_print_with_their_currency(annotated_pages: list[str]) -> None:
    page = next(p for p in annotated_pages if "Partner portfolio:" in p)
    # The net reallocation table: freed, needed and net, FTE then budget in dollars.
    net = next(line for line in page.splitlines() if line.strip().startswith("Net "))
    assert "8.5" in net and "$1,010,000" in net


def test_the_workbook_opens_on_the_portfolio_sheet(annotated: Path) -> None:
    wb = openpyxl.load_workbook(annotated)
    assert wb.active is not None and wb.active.title == PORTFOLIO_SHEET
    # No other sheet stays selected: two selected tabs open grouped, and one edit
    # would change both.
    assert [ws.title for ws in wb.worksheets if ws.sheet_view.tabSelected] == [PORTFOLIO_SHEET]
    source = openpyxl.load_workbook(SAMPLE)
    for ws in source.worksheets:
        ours = wb[ws.title]
        assert [[c.value for c in r] for r in ws.iter_rows(max_col=ws.max_column)] == [
            [c.value for c in r] for r in ours.iter_rows(max_col=ws.max_column)
        ]


def test_the_template_prints_on_few_pages_with_no_word_broken(tmp_path: Path) -> None:
    from click.testing import CliRunner

    out = tmp_path / "tracker.xlsx"
    assert CliRunner().invoke(main, ["template", str(out)]).exit_code == 0
    printed = pages(libreoffice_pdf(out, tmp_path))
    # The tracker, the rules of engagement and the strategy sheet: two pages each at most.
    assert len(printed) <= 6, len(printed)
    found = words("\n".join(printed))
    for _, header, *_ in COLUMNS:
        # "Marketplace", never "Marketplac" over "e"
        assert words(header) <= found, header
