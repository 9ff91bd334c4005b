"""Issue 17's traps on the command line, one test each: what a new user meets between
the README's first command and the workbook sent to an executive."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from tests.cli.test_score_cli import HEADER, make_tracker
from tests.helpers_workbooks import bare_tracker
from tierwise import __version__
from tierwise.cli import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "partner_tracker.xlsx"


def run(*args: str, **kwargs) -> object:
    return CliRunner().invoke(main, list(args), **kwargs)


@pytest.mark.parametrize(
    "args",
    [
        ["score", "{missing}"],
        ["score", "{missing}", "--json"],
        ["inspect", "{missing}"],
        ["triage", "{missing}"],
        ["score", "{tracker}", "--rubric", "{missing}"],
        ["score", "{tracker}", "--compare", "{missing}"],
        ["triage", "{tracker}", "--rubric", "{missing}"],
    ],
)
def test_a_missing_file_exits_1_with_one_line_everywhere(tmp_path: Path, args) -> None:
    tracker = make_tracker(tmp_path / "t.xlsx")
    missing = tmp_path / "nope.xlsx"
    result = run(*(a.format(missing=missing, tracker=tracker) for a in args))
    assert result.exit_code == 1, result.output
    assert result.stderr == f"tierwise: {missing} does not exist or is not a file\n"
    assert result.stdout == ""


def test_a_wrong_option_is_a_usage_error_exit_2(tmp_path: Path) -> None:
    tracker = make_tracker(tmp_path / "t.xlsx")
    for args in (["triage", str(tracker), "--bogus"], ["score", str(tracker), "--top", "x"]):
        assert run(*args).exit_code == 2


def test_a_failed_score_json_prints_nothing_on_stdout(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook")
    result = run("score", str(bad), "--json")
    assert result.exit_code == 1
    assert result.stdout == ""  # not "[]": a script must not read an empty result
    assert result.stderr.startswith("tierwise: ") and result.stderr.count("\n") == 1


def test_score_json_over_several_files_lists_those_that_worked(tmp_path: Path) -> None:
    good = make_tracker(tmp_path / "good.xlsx")
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook")
    result = run("score", str(good), str(bad), "--json", "--as-of", "2026-10-31")
    assert result.exit_code == 1
    docs = json.loads(result.stdout)
    assert [Path(d["source"]["file"]).name for d in docs] == ["good.xlsx"]


def test_compare_with_an_output_says_it_writes_nothing(tmp_path: Path) -> None:
    tracker = make_tracker(tmp_path / "t.xlsx")
    rubric = tmp_path / "b.toml"
    rubric.write_text("[thresholds]\nsignificant = 40.0\n")
    for extra in (["-o", str(tmp_path / "out.xlsx")], ["--format", "csv"]):
        result = run("score", str(tracker), "--compare", str(rubric), *extra)
        assert result.exit_code == 2
        assert "--compare" in result.stderr and "writes no file" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.toml", "t.xlsx"]


def test_an_unreadable_sheet_names_the_file_once(tmp_path: Path) -> None:
    good = make_tracker(tmp_path / "good.xlsx")
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # cut mid-element: calamine cannot read it
            dst.writestr(item, data)
    for command in (["score", str(broken)], ["triage", str(broken)], ["inspect", str(broken)]):
        result = run(*command)
        assert result.exit_code == 1, command
        line = result.stderr.strip()
        assert line.startswith("tierwise: ") and "\n" not in line, command
        assert line.count("broken.xlsx") == 1, line


def test_the_template_gets_the_permissions_a_normal_save_gives(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        assert run("template", str(tmp_path / "a.xlsx")).exit_code == 0
        os.umask(0o002)
        assert run("template", str(tmp_path / "b.xlsx")).exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.xlsx").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "b.xlsx").stat().st_mode) == 0o664


def test_csv_output_holds_the_trackers_columns_then_tierwises(tmp_path: Path) -> None:
    tracker = make_tracker(tmp_path / "t.xlsx")
    out = tmp_path / "t.csv"
    assert run("score", str(tracker), "-o", str(out), "--as-of", "2026-10-31").exit_code == 0
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    columns = list(rows[0])
    assert columns[0] == "row"
    assert columns[1 : 1 + len(HEADER)] == HEADER  # as the tracker spells them
    assert {"recommended_tier", "action", "score", "flags", "why", "decision"} <= set(columns)
    northwind = next(r for r in rows if r["Partner"] == "Northwind Systems")
    assert northwind["Tier"] == "Platinum" and northwind["designated_tier"] == "strategic"


def test_make_run_opens_the_samples_as_of_their_own_date() -> None:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    script = (ROOT / "samples" / "make_samples.py").read_text(encoding="utf-8")
    y, m, d = re.search(r"^AS_OF = date\((\d+), (\d+), (\d+)\)", script, re.M).groups()
    dry = subprocess.run(
        ["make", "-n", "-C", str(ROOT), "run"], capture_output=True, text=True, check=True
    ).stdout
    command = next(line for line in dry.splitlines() if "tierwise triage" in line)
    assert f"--as-of {int(y):04d}-{int(m):02d}-{int(d):02d}" in command


def test_no_color_turns_the_reports_colours_off(tmp_path: Path) -> None:
    tracker = make_tracker(tmp_path / "t.xlsx")
    args = ["score", str(tracker), "--as-of", "2026-10-31", "--format", "json"]
    coloured = CliRunner().invoke(main, args, color=True)
    assert coloured.exit_code == 0 and "\x1b[" in coloured.stdout
    plain = CliRunner(env={"NO_COLOR": "1"}).invoke(main, args, color=True)
    assert plain.exit_code == 0 and "\x1b[" not in plain.stdout


def test_version_and_shell_completion() -> None:
    assert run("--version").stdout.strip() == f"tierwise, version {__version__}"
    for shell in ("bash", "zsh", "fish"):
        result = run("completion", shell)
        assert result.exit_code == 0 and "_TIERWISE_COMPLETE" in result.stdout, shell
    assert run("completion", "tcsh").exit_code == 2


def test_the_sample_workbook_is_not_touched_by_scoring_it(tmp_path: Path) -> None:
    before = SAMPLE.read_bytes()
    out = tmp_path / "out.xlsx"
    assert run("score", str(SAMPLE), "-o", str(out), "--as-of", "2026-10-31").exit_code == 0
    assert SAMPLE.read_bytes() == before
    assert openpyxl.load_workbook(out).active.title == "Tierwise Portfolio"


def test_the_report_never_ticks_what_it_cannot_judge(tmp_path: Path) -> None:
    path = bare_tracker(tmp_path / "bare.xlsx")
    result = run("score", str(path), "--as-of", "2026-10-31", "--format", "json")
    assert result.exit_code == 0
    report = result.stdout
    block = report[report.index("Strategic initiatives (STRATEGIC_INITIATIVES)") :]
    designated, recommended = block.splitlines()[1:3]
    assert "designated  – Not assessed" in designated and "✓" not in designated
    assert "recommended – Not assessed" in recommended
    unrecorded = report[report.index("What the tracker does not record") :]
    assert "Not assessed: Exec lunch (EXEC_LUNCH)" in unrecorded
    assert "Strategic initiatives (STRATEGIC_INITIATIVES)" in unrecorded
    written = json.loads((tmp_path / "bare.tierwise.json").read_text(encoding="utf-8"))
    check = written["portfolio"]["designated"]["checks"][0]
    assert check["code"] == "STRATEGIC_INITIATIVES" and check["assessed"] is False
    assert "EXEC_LUNCH" in written["portfolio"]["flags_not_assessed"]


def test_a_reader_that_stops_early_ends_the_output_quietly(tmp_path: Path) -> None:
    # `tierwise score T --json | head`: head goes after a few bytes; the rest of the
    # output meets a closed pipe, which is no error of the user's to print.
    tracker = tmp_path / "t.csv"
    rows = [f"Partner {i},Gold,${i}k,VP" for i in range(3000)]
    tracker.write_text("Partner,Tier,Closed Revenue,Exec Sponsor\n" + "\n".join(rows) + "\n")
    exe = Path(shutil.which("tierwise") or Path(sys.executable).parent / "tierwise")
    with subprocess.Popen(
        [str(exe), "score", str(tracker), "--json", "--as-of", "2026-03-31"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        assert proc.stdout.read(100).startswith(b"{")
        proc.stdout.close()
        stderr = proc.stderr.read()
        proc.wait(timeout=120)
    assert stderr == b""
    assert proc.returncode == 1
