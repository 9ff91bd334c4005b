"""Commands import only what they use: start-up is most of a small run's time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "partner_tracker.xlsx"

# Run in a fresh interpreter: the test process has imported everything already.
_PROBE = """
import sys
from tierwise.cli import main
try:
    main(sys.argv[1:])
except SystemExit as done:
    code = done.code
heavy = ("textual", "openpyxl", "tierwise.scoring.engine", "tierwise.tui", "lxml")
print(" ".join(m for m in heavy if m in sys.modules), file=sys.stderr)
sys.exit(code)
"""


def _imported(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return set(done.stderr.split())


@pytest.mark.skipif(not SAMPLE.exists(), reason="samples not generated")
def test_inspect_reads_without_the_scorer_the_writer_or_the_app() -> None:
    assert _imported("inspect", str(SAMPLE), "--json") == set()


@pytest.mark.skipif(not SAMPLE.exists(), reason="samples not generated")
def test_score_writes_a_workbook_without_openpyxl_or_the_app(tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    assert _imported("score", str(SAMPLE), "-o", str(out), "-q") == {
        "tierwise.scoring.engine",
        "lxml",
    }
    assert out.exists()


def test_every_exported_scoring_name_resolves() -> None:
    import tierwise.report
    import tierwise.scoring

    for package in (tierwise.scoring, tierwise.report):
        for name in package.__all__:
            assert getattr(package, name).__name__ == name
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = tierwise.scoring.nothing
