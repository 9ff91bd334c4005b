"""`tierwise brief`: the one-page brief, through the CLI; printed to PDF by a headless
browser where one is installed (chromium, chrome), to check it fits one page."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from tierwise.cli import main

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
Q3, Q4 = SAMPLES / "quarter_q3.xlsx", SAMPLES / "quarter_q4.xlsx"
SINCE = ["--since", str(Q3), "--as-of", "2027-01-31", "--old-as-of", "2026-10-31"]
SECTIONS = (
    "Portfolio against the 1 / 3-5 / many model",
    "Strategic initiative",
    "Top moves",
    "Biggest risks",
)


def _run(*args: object) -> str:
    result = CliRunner().invoke(main, ["brief", *map(str, args)])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def samples() -> None:
    if not Q4.exists():
        pytest.skip("samples/quarter_q4.xlsx has not been generated")


def test_markdown_on_stdout_has_every_block(samples: None) -> None:
    text = _run(Q4, *SINCE)
    assert text.startswith("# Partner portfolio brief: quarter_q4.xlsx")
    for title in SECTIONS:
        assert f"## {title}" in text
    assert "## What changed since quarter_q3.xlsx (as of 2026-10-31)" in text
    assert "8 decisions: 4 carried out, 2 not carried out, 2 cannot tell" in text


def test_the_tier_numbers_are_the_portfolio_sheets(tmp_path: Path, samples: None) -> None:
    out = tmp_path / "q4.tierwise.xlsx"
    result = CliRunner().invoke(main, ["score", str(Q4), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out)["Tierwise Portfolio"]
    rows = [r for r in ws.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r[0] == "Partners per tier")
    sheet = {}
    for r in rows[start + 2 :]:
        if not isinstance(r[1], int):
            break
        sheet[str(r[0]).split()[0].lower()] = (r[1], r[2])
    brief = {
        m.group(1).split()[0].lower(): (int(m.group(2)), int(m.group(3)))
        for m in re.finditer(r"^\| ([\w ]+?) \| (\d+) \| (\d+) \|", _run(Q4), re.M)
    }
    assert brief == sheet


def test_without_since_a_rescored_workbook_uses_its_own_history(tmp_path: Path) -> None:
    if not Q3.exists():
        pytest.skip("samples not generated")
    saved = tmp_path / "q3.tierwise.xlsx"
    CliRunner().invoke(main, ["score", str(Q3), "-o", str(saved), "--as-of", "2026-10-31", "-q"])
    text = _run(saved, "--as-of", "2027-01-31")
    assert "## What changed since the snapshot of 2026-10-31" in text
    assert "What changed" not in _run(Q3, "--as-of", "2027-01-31")


def _hostile(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Partner", "Tier", "FTE", "Objective"])
    ws.append(["<script>x</script> | **Acme**", "Platinum", 3, "Leverage synergies"])
    ws.append(['=HYPERLINK("http://x")', "Gold", 1, None])
    wb.save(path)
    return path


def test_names_are_text_in_markdown_and_html(tmp_path: Path) -> None:
    src = _hostile(tmp_path / "t.xlsx")
    md = _run(src)
    assert "\\<script\\>" in md and "\\| \\*\\*Acme\\*\\*" in md
    out = tmp_path / "brief.html"
    _run(src, "-o", out)
    page = out.read_text("utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_output_suffix_and_inputs_are_checked(tmp_path: Path) -> None:
    src = _hostile(tmp_path / "t.xlsx")
    bad = CliRunner().invoke(main, ["brief", str(src), "-o", str(tmp_path / "b.pdf")])
    assert bad.exit_code == 2
    before = src.read_bytes()
    over = CliRunner().invoke(main, ["brief", str(src), "-o", str(src.with_suffix(".xlsx"))])
    assert over.exit_code == 2  # .xlsx is not a brief; the input is untouched
    same = tmp_path / "t.html"
    same.write_text("keep")
    refused = CliRunner().invoke(main, ["brief", str(src), "--since", str(same), "-o", str(same)])
    assert refused.exit_code != 0 and same.read_text() == "keep"
    assert src.read_bytes() == before


# -- one printed page -------------------------------------------------------------------


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def _print_to_pdf(html: Path, pdf: Path) -> bool:
    """Print `html` to `pdf` with a headless browser; False where there is none."""
    for name in ("chromium-headless-shell", "chromium", "chromium-browser", "google-chrome"):
        exe = shutil.which(name)
        if exe:
            subprocess.run(
                [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                 f"--print-to-pdf={pdf}", html.as_uri()],
                capture_output=True, timeout=120, check=False,
            )  # fmt: skip
            return pdf.exists()
    return False


def _big_portfolio(path: Path, n: int = 400) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Partner", "Tier", "Type", "FTE", "MDF", "Objective", "Exec Sponsor", "Pipeline"])
    for i in range(n):
        ws.append(
            [
                f"Very Long Partner Name Holdings International Worldwide Group {i} GmbH",
                ("Platinum", "Gold", "Bronze")[i % 3],
                "Reseller",
                2.5,
                150000,
                "Leverage synergies to better serve the market",
                "CEO" if i % 2 else None,
                0,
            ]
        )
    wb.save(path)
    return path


@pytest.mark.parametrize("case", ["samples", "large"])
def test_the_html_brief_prints_on_one_page(tmp_path: Path, case: str) -> None:
    if case == "samples":
        if not Q4.exists():
            pytest.skip("samples not generated")
        args = [Q4, *SINCE]
    else:
        old = _big_portfolio(tmp_path / "old.xlsx")
        args = [_big_portfolio(tmp_path / "new.xlsx", 380), "--since", old]
    html = tmp_path / "brief.html"
    _run(*args, "-o", html)
    pdf = tmp_path / "brief.pdf"
    if not _print_to_pdf(html, pdf):
        pytest.skip("no headless browser to print with")
    assert _pdf_pages(pdf.read_bytes()) == 1


def test_the_strategy_and_net_reallocation_are_the_jsons(samples: None) -> None:
    """The brief leads its strategic block with what the recommendation follows (declared
    or proposed) and costs the moves net, with the numbers `score --json` gives."""
    text = _run(Q4, "--as-of", "2027-01-31")
    result = CliRunner().invoke(main, ["score", str(Q4), "--json", "--as-of", "2027-01-31"])
    portfolio = json.loads(result.stdout)["portfolio"]
    strategy, net = portfolio["strategy"], portfolio["reallocate"]["net"]
    block = text.split("## Strategic initiative")[1].split("##")[0]
    first = block.strip().splitlines()[0]
    assert first.startswith(f"- Strategic initiative '{strategy['strategic_initiative']}'")
    assert "declare it" in first and not strategy["declared"]
    assert f"net {net['fte']:g} FTE" in text.split("## Top moves")[1].splitlines()[0]


# -- what the page says agrees with `score` ---------------------------------------------


def _revenue_only(path: Path) -> Path:
    """A CRM report: tiers, revenue and a stray total-less row the reader warns about."""
    with path.open("w", newline="", encoding="utf-8") as f:
        f.write("Account Name,Partner Level,Partner Type,Closed Won Amount,Open Pipeline\n")
        f.write('Big SI,Platinum,Integrator,"$1,600,000",$5.0M\n')
        f.write("Small SI,Platinum,Integrator,$50K,$200K\n")
        f.write("Reseller,Gold,Reseller,$0,$0\n")
        f.write("Newco,TBD,Reseller,$10K,\n")
        f.write("Odd,Gold,Astronaut,$20K,$1K\n")
    return path


def test_the_brief_says_what_tierwise_could_not_see(tmp_path: Path) -> None:
    src = _revenue_only(tmp_path / "crm.csv")
    text = _run(src, "--as-of", "2026-12-01")
    doc = json.loads(
        CliRunner().invoke(main, ["score", str(src), "--json", "--as-of", "2026-12-01"]).stdout
    )
    unseen = text.split("## What Tierwise could not see")[1]
    assert "Motivations not assessed (no column records them): access, speed and ecosystem" in (
        unseen
    )
    assert "Vague agenda (VAGUE_AGENDA)" in unseen
    # Every reading warning of the JSON is on the page (there are fewer than four).
    assert doc["warnings"]
    for w in doc["warnings"]:
        assert f"Reading warning, {w['where']}" in unseen
    html = tmp_path / "brief.html"
    _run(src, "--as-of", "2026-12-01", "-o", html)
    assert "<h2>What Tierwise could not see</h2>" in html.read_text("utf-8")


def test_the_top_moves_are_the_jsons_actions(tmp_path: Path) -> None:
    src = _revenue_only(tmp_path / "crm.csv")
    text = _run(src, "--as-of", "2026-12-01")
    doc = json.loads(
        CliRunner().invoke(main, ["score", str(src), "--json", "--as-of", "2026-12-01"]).stdout
    )
    names = {"collect": "Collect evidence", "withdraw": "Withdraw", "exit": "Exit"}
    rows = [r for r in text.split("## Top moves")[1].split("##")[0].splitlines() if "|" in r]
    shown = {r.split("|")[1].strip(): r.split("|")[3].strip() for r in rows[2:]}
    acted = {p["partner"]: p["action"] for p in doc["partners"] if p["action"] != "keep"}
    assert shown.keys() == acted.keys()
    for partner, action in acted.items():
        assert shown[partner] == names[action]
    assert acted["Newco"] == "collect"  # the tier written "TBD" is to decide


def test_no_initiative_is_said_once(tmp_path: Path) -> None:
    text = _run(_revenue_only(tmp_path / "crm.csv"), "--as-of", "2026-12-01")
    block = text.split("## Strategic initiative")[1].split("##")[0]
    assert block.count("the tracker records no initiative") == 1


def test_partners_with_no_tier_are_not_said_to_keep_it(corpus_dir: Path) -> None:
    """readxl's deaths.xlsx: people, not partners, and no tier column. The tier table
    shows them all going from no tier to casual; the page must not say they keep it."""
    text = _run(corpus_dir / "readxl" / "deaths.xlsx", "--as-of", "2026-12-01")
    assert "every partner keeps its tier" not in text
    # Ten people: the note typed under them ("Some / also like to write stuff / ...") is
    # no partner.
    assert "| No tier recorded | 10 | 0 | 0 |" in text and "| Casual | 0 | 10 | many |" in text
    moves = text.split("## Top moves")[1].split("##")[0]
    assert "no partner has a tier recorded, so all 10 partners count as casual" in moves
    unseen = text.split("## What Tierwise could not see")[1]
    assert "share, access, speed and ecosystem" in unseen
    assert "Reading warning, arts!A16: 4 rows below the partners read as notes" in unseen
