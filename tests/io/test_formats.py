"""The table of input formats: every entry is detected and read, from a file its tool wrote.

`data/formats/` holds one small tracker per format (README.md there says which program
wrote each). A format added to `formats.FORMATS` without an example, without a detection
that recognises its files, or without a book that reads them fails here.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tierwise.cli import main
from tierwise.errors import TierwiseError
from tierwise.io import formats, safety
from tierwise.io.delimited import DelimitedBook
from tierwise.io.formats import Container, InputFormat
from tierwise.io.reader import read_tracker

EXAMPLES = Path(__file__).parent / "data" / "formats"
PARTNERS = ["Acme Corp", "Globex", "Initech"]


def example(name: str) -> Path:
    return EXAMPLES / f"partners.{name}"


def test_every_format_has_an_example_and_every_example_a_format() -> None:
    written = {p.suffix.lstrip(".") for p in EXAMPLES.glob("partners.*")}
    assert written == {f.name for f in formats.FORMATS}


@pytest.mark.parametrize("fmt", [f.name for f in formats.FORMATS])
def test_each_format_is_detected_and_read_by_its_book(fmt: str) -> None:
    check = safety.check_file(example(fmt))
    assert (check.format, check.renamed, check.warnings) == (fmt, False, [])
    tracker = read_tracker(example(fmt))
    assert tracker.source.format == fmt
    assert tracker.frame.get_column("partner").to_list() == PARTNERS
    assert tracker.frame.get_column("pipeline").to_list() == [120_000, 45_000, None]
    assert tracker.warnings == []


@pytest.mark.parametrize(
    ("fmt", "named", "read_as", "warning"),
    [
        ("xls", "xlsx", "xls", "partners.xlsx is a legacy .xls workbook; read as .xls"),
        ("xlsb", "xlsx", "xlsb", "partners.xlsx is really an .xlsb file; read as such"),
        ("ods", "xls", "ods", "partners.xls is really an .ods file; read as such"),
        ("xlsx", "ods", "xlsx", "partners.ods is really an .xlsx file; read as such"),
        ("xlsm", "dat", "xlsx", "partners.dat is really an .xlsx file; read as such"),
        ("csv", "xlsx", "csv", "partners.xlsx is a text (CSV) file; read as CSV"),
        ("tsv", "ods", "csv", "partners.ods is a text (CSV) file; read as CSV"),
    ],
)
def test_a_file_named_as_another_format_is_read_as_what_it_is(
    tmp_path: Path, fmt: str, named: str, read_as: str, warning: str
) -> None:
    path = tmp_path / f"partners.{named}"
    shutil.copyfile(example(fmt), path)
    check = safety.check_file(path)
    assert (check.format, check.renamed, check.warnings) == (read_as, True, [warning])
    tracker = read_tracker(path)
    assert tracker.frame.get_column("partner").to_list() == PARTNERS
    assert [w.message for w in tracker.warnings] == [warning]


@pytest.mark.parametrize(("fmt", "named"), [("xlsx", "xltm"), ("xlsm", "xlsx"), ("csv", "tsv")])
def test_formats_of_one_content_are_told_apart_by_extension(
    tmp_path: Path, fmt: str, named: str
) -> None:
    path = tmp_path / f"partners.{named}"
    shutil.copyfile(example(fmt), path)
    check = safety.check_file(path)
    assert (check.format, check.renamed, check.warnings) == (named, False, [])


def test_text_under_a_name_no_format_has_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "partners.dat"
    shutil.copyfile(example("csv"), path)
    with pytest.raises(TierwiseError, match="is not a spreadsheet Tierwise can read"):
        safety.check_file(path)


@pytest.mark.parametrize(
    ("names", "mimetype", "found"),
    [
        # A real .xlsb package has content types as well as its binary workbook.
        ({"[content_types].xml", "xl/workbook.bin"}, "", "xlsb"),
        ({"[content_types].xml", "content.xml", "meta-inf/manifest.xml"}, "", "xlsx"),
        ({"content.xml", "meta-inf/manifest.xml"}, "", "ods"),
        # What the "mimetype" entry declares settles it before any part's name.
        ({"mimetype", "xl/workbook.bin"}, "application/vnd.oasis.opendocument.spreadsheet", "ods"),
        ({"mimetype", "xl/workbook.xml"}, "application/epub+zip", "xlsx"),
        ({"readme.txt"}, "", None),
    ],
)
def test_a_zip_package_is_the_first_format_its_parts_fit(
    names: set[str], mimetype: str, found: str | None
) -> None:
    detected = formats.detect(Container.ZIP, "zip", frozenset(names), mimetype)
    assert (detected.format.name if detected else None) == found


def test_the_readable_list_is_the_listed_formats_in_table_order(tmp_path: Path) -> None:
    assert formats.READABLE == "xlsx, xlsm, xls, xlsb, ods, csv"
    path = tmp_path / "photo.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    with pytest.raises(TierwiseError) as err:
        safety.check_file(path)
    assert str(err.value).endswith(f"({formats.READABLE})")
    help_text = CliRunner().invoke(main, ["--help"]).output
    assert f"({formats.READABLE})" in " ".join(help_text.split())


def test_the_table_loads_without_polars() -> None:
    """`tierwise --help` names the formats: the table must not make it slow."""
    probe = "import sys, tierwise.cli; print('polars' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr


def test_a_new_format_is_one_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Excel add-ins, which calamine reads, and pipe-separated text, read by the text
    book: each a format of its own by one entry."""
    xlam = InputFormat("xlam", ("xlam",), formats.OOXML, listed=False)
    psv = InputFormat("psv", ("psv",), formats.TEXT, DelimitedBook, listed=False)
    monkeypatch.setattr(formats, "FORMATS", (*formats.FORMATS, xlam, psv))
    add_in = tmp_path / "partners.xlam"
    shutil.copyfile(example("xlsx"), add_in)
    piped = tmp_path / "partners.psv"
    piped.write_text("Partner|Tier\nAcme Corp|Gold\nGlobex|Silver\nInitech|Bronze\n", "utf-8")
    for path, fmt in ((add_in, "xlam"), (piped, "psv")):
        tracker = read_tracker(path)
        assert (tracker.source.format, tracker.warnings) == (fmt, [])
        assert tracker.frame.get_column("partner").to_list() == PARTNERS
