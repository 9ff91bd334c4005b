"""The set-up stored in an annotated workbook: any size round-trips; damage is an error."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl

from tests.helpers_workbooks import run_cli
from tests.io.richbook import write_rich_workbook
from tierwise.io import columns
from tierwise.outputs import write_annotated
from tierwise.pipeline import evaluate

# Excel's limit on the text of one cell.
CELL_LIMIT = 32767


def _big_rubric(path: Path) -> Path:
    # 4,000 partner-name aliases with non-ASCII text: about 80,000 characters of TOML.
    names = ", ".join(f'"Partnerné {n:04d} ✓"' for n in range(4000))
    path.write_text(f'[aliases]\npartner = ["partner", {names}]\n', encoding="utf-8")
    return path


def test_a_rubric_longer_than_a_cell_round_trips(tmp_path: Path) -> None:
    src = write_rich_workbook(tmp_path / "rich.xlsx")
    rubric = _big_rubric(tmp_path / "big.toml")
    first = evaluate(src, rubric_path=rubric, mapping={"Double": "pipeline"})
    assert len(first.rubric.to_toml()) > 2 * CELL_LIMIT
    out = tmp_path / "out.xlsx"
    write_annotated(first, out)

    again = evaluate(out)  # no --rubric: the stored one must come back whole
    assert again.rubric.to_toml() == first.rubric.to_toml()
    assert again.rubric.aliases["partner"][-1] == "Partnerné 3999 ✓"
    setup = openpyxl.load_workbook(out)[columns.SETUP_SHEET]
    lengths = [len(str(c.value)) for row in setup.iter_rows() for c in row if c.value]
    assert max(lengths) <= CELL_LIMIT


def _damage_stored_rubric(path: Path, damaged: Path) -> None:
    """Cut the stored rubric's JSON as a 32,767-character cap used to."""
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(damaged, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if b">rubric<" in data:  # the set-up sheet: keep 40 characters of the value
                cut = rb'(>rubric<.*?<t[^>]*>)("[^<]{0,40})[^<]*'
                data = re.sub(cut, rb"\1\2", data, count=1, flags=re.S)
            zout.writestr(info, data)


def test_a_stored_set_up_that_cannot_be_used_is_an_error_not_the_defaults(
    tmp_path: Path,
) -> None:
    src = write_rich_workbook(tmp_path / "rich.xlsx")
    rubric = tmp_path / "r.toml"
    rubric.write_text("[flags.exec_lunch]\nmin_target = 12345\n")
    out = tmp_path / "out.xlsx"
    write_annotated(evaluate(src, rubric_path=rubric, mapping={"Double": "pipeline"}), out)
    damaged = tmp_path / "damaged.xlsx"
    _damage_stored_rubric(out, damaged)

    result = run_cli("score", str(damaged), "-o", str(tmp_path / "again.xlsx"))
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0
    assert "stored Tierwise set-up cannot be used" in result.stderr and "'rubric'" in result.stderr
    assert not (tmp_path / "again.xlsx").exists()
    # Giving the rubric again is the way out.
    ok = run_cli("score", str(damaged), "--rubric", str(rubric), "-o", str(tmp_path / "b.xlsx"))
    assert ok.exit_code == 0, ok.stderr
