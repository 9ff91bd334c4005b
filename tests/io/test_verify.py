"""The check a written workbook passes before it replaces anything."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from tierwise.cli import main
from tierwise.errors import TierwiseError
from tierwise.io.verify import verify_workbook

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "partner_tracker.xlsx"


@pytest.fixture(scope="module")
def annotated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("verify") / "out.xlsx"
    result = CliRunner().invoke(main, ["score", str(SAMPLE), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    return out


def _rewrite(src: Path, dst: Path, change: dict[str, bytes | None]) -> Path:
    """A copy of the package with parts replaced (bytes) or dropped (None)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = change.get(info.filename, zin.read(info))
            if data is not None:
                zout.writestr(info, data)
    return dst


def test_a_sound_workbook_passes(annotated: Path) -> None:
    verify_workbook(annotated, ["Partners", "Tierwise Portfolio"], original=SAMPLE)


def test_a_missing_sheet_part_fails(annotated: Path, tmp_path: Path) -> None:
    broken = _rewrite(annotated, tmp_path / "b.xlsx", {"xl/worksheets/sheet1.xml": None})
    with pytest.raises(TierwiseError, match=r"failed its check.*missing part"):
        verify_workbook(broken, ["Partners"], original=SAMPLE)


def test_a_malformed_part_tierwise_wrote_fails(annotated: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(annotated) as z:
        drawing = next(n for n in z.namelist() if n.startswith("xl/drawings/drawing"))
    broken = _rewrite(annotated, tmp_path / "b.xlsx", {drawing: b"<xdr:wsDr><unclosed>"})
    with pytest.raises(TierwiseError, match=r"failed its check.*not well-formed"):
        verify_workbook(broken, ["Partners"], original=SAMPLE)


def test_a_sheet_without_a_content_type_fails(annotated: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(annotated) as z:
        types = z.read("[Content_Types].xml")
    stripped = types.replace(b'PartName="/xl/worksheets/sheet1.xml"', b'PartName="/gone.xml"')
    assert stripped != types
    broken = _rewrite(annotated, tmp_path / "b.xlsx", {"[Content_Types].xml": stripped})
    with pytest.raises(TierwiseError, match="no sheet content type"):
        verify_workbook(broken, ["Partners"], original=SAMPLE)


def test_a_lost_sheet_is_named(annotated: Path) -> None:
    with pytest.raises(TierwiseError, match="lost the sheet 'Nowhere'"):
        verify_workbook(annotated, ["Nowhere"], original=SAMPLE)


def test_a_truncated_file_fails(annotated: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(annotated.read_bytes()[:-200])
    with pytest.raises(TierwiseError, match="failed its check"):
        verify_workbook(cut, ["Partners"])


CORPUS = Path(__file__).resolve().parents[2] / "../shared/corpus/xlsx-real"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus/xlsx-real is not present")
def test_a_package_whose_entries_use_backslashes_passes(tmp_path: Path) -> None:
    # PhpSpreadsheet's sample: every zip entry is named like "xl\\worksheets\\sheet1.xml".
    src = CORPUS / "phpspreadsheet" / "Zip-Windows-Directory-Separator.xlsx"
    out = tmp_path / "out.xlsx"
    result = CliRunner().invoke(
        main, ["score", str(src), "-o", str(out), "-q", "--map", "Key=partner"]
    )
    if "no column 'Key'" in result.output:
        pytest.skip("the sample's first header changed")
    assert result.exit_code == 0, result.output
    verify_workbook(out, ["Sheet"], original=src)
