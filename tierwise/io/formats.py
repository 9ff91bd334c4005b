"""The input formats Tierwise reads: one entry each in `FORMATS`, from which the rest follows.

An entry names its format, the extensions that name it, its `Content` (how a file of it
is recognised and which bounds are checked before calamine opens it) and the book that
reads its cells: none for a format calamine reads (fastexcel's book, `reader._ExcelBook`),
else a class such as `delimited.DelimitedBook`. `safety.check_file` detects formats
from this table and refuses what is unsafe, `read_tracker` opens the entry's book, and
`READABLE` (the list a refusal and `tierwise --help` name) and `OOXML_FORMATS` derive
from it. This module stays light: the CLI reads `READABLE` before anything heavy loads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Final

from tierwise.io.delimited import DelimitedBook

if TYPE_CHECKING:
    from tierwise.io.book import Book
    from tierwise.io.safety import FileCheck


class Container(Enum):
    """What a file's first bytes say it is. `safety.check_file` checks each container
    before anything in it is read (a zip's directory against the zip-bomb caps, an OLE
    file's sector chains) and lists the names it holds for the sniffs."""

    ZIP = "zip package"  # "PK": its entry names, lower case, "/" separated
    OLE = "OLE2 compound file"  # its stream names, lower case
    TEXT = "delimited text"  # text in a common encoding: no names


class Bounds(Enum):
    """A check, in `safety.py`, of how many cells calamine would allocate for a file's
    sheets, made before calamine opens it (skipped with --allow-large)."""

    SHEET_EXTENTS = "the rectangle each sheet's cell references span"  # OOXML
    ODS_TABLES = "the rectangle of filled cells the repeat counts ask for"  # ODS


@dataclass(frozen=True)
class Content:
    """How files of a format (or of formats told apart only by extension) are recognised."""

    container: Container
    sniff: Callable[[frozenset[str]], bool] | None  # on the container's names; None: any
    renamed: str  # the warning when the name says otherwise ({file}, {format}: read as)
    bounds: Bounds | None = None
    mimetype: str = ""  # ZIP: what a "mimetype" entry declares (ODF), before any sniff
    needs_name: bool = False  # the content alone proves nothing: only under a known extension


@dataclass(frozen=True)
class InputFormat:
    name: str  # as `Source.format` and `FileCheck.format` say it
    extensions: tuple[str, ...]  # lower case, no dot
    content: Content
    book: Callable[[Path, FileCheck], Book] | None = None  # None: calamine (fastexcel)
    listed: bool = True  # named in READABLE


def _ooxml(names: frozenset[str]) -> bool:
    """An OOXML package with an XML workbook (a binary one is .xlsb's)."""
    if _binary(names):
        return False
    return "[content_types].xml" in names or any(n.startswith("xl/") for n in names)


def _binary(names: frozenset[str]) -> bool:
    return any(n.endswith("workbook.bin") for n in names)


def _odf(names: frozenset[str]) -> bool:
    return "content.xml" in names and "meta-inf/manifest.xml" in names


def _workbook_stream(names: frozenset[str]) -> bool:
    return "workbook" in names or "book" in names  # BIFF8, BIFF5


_REALLY: Final = "{file} is really an .{format} file; read as such"
OOXML: Final = Content(Container.ZIP, _ooxml, _REALLY, Bounds.SHEET_EXTENTS)
XLSB: Final = Content(Container.ZIP, _binary, _REALLY)
ODS: Final = Content(
    Container.ZIP,
    _odf,
    _REALLY,
    Bounds.ODS_TABLES,
    mimetype="application/vnd.oasis.opendocument.spreadsheet",
)
XLS: Final = Content(
    Container.OLE, _workbook_stream, "{file} is a legacy .xls workbook; read as .xls"
)
TEXT: Final = Content(
    Container.TEXT, None, "{file} is a text (CSV) file; read as CSV", needs_name=True
)

# Within a container, the first entry whose content matches wins; entries sharing a
# content are told apart by extension (the first of them when none names the file).
FORMATS: Final = (
    InputFormat("xlsx", ("xlsx",), OOXML),
    InputFormat("xlsm", ("xlsm",), OOXML),
    InputFormat("xltx", ("xltx",), OOXML, listed=False),
    InputFormat("xltm", ("xltm",), OOXML, listed=False),
    InputFormat("xls", ("xls",), XLS),
    InputFormat("xlsb", ("xlsb",), XLSB),
    InputFormat("ods", ("ods",), ODS),
    InputFormat("csv", ("csv", "txt", "tab"), TEXT, DelimitedBook),
    InputFormat("tsv", ("tsv",), TEXT, DelimitedBook, listed=False),
)

READABLE: Final = ", ".join(f.name for f in FORMATS if f.listed)
OOXML_FORMATS: Final = tuple(f.name for f in FORMATS if f.content is OOXML)


def named(name: str) -> InputFormat:
    """The entry of a format name (as `FileCheck.format` gives it)."""
    return next(f for f in FORMATS if f.name == name)


@dataclass(frozen=True)
class Detected:
    format: InputFormat
    renamed: bool  # the file's extension names another format, or none

    def warnings(self, file: str) -> list[str]:
        """The warning to give about a file's name (none when it says the truth)."""
        content = self.format.content
        return [content.renamed.format(file=file, format=self.format.name)] if self.renamed else []


def detect(
    container: Container, ext: str, names: frozenset[str] = frozenset(), mimetype: str = ""
) -> Detected | None:
    """The format of a file of `container` holding `names` (`mimetype`: what a zip's
    "mimetype" entry declares) and named with extension `ext`; None if no entry's
    content matches."""
    contents = [f.content for f in FORMATS if f.content.container is container]
    declared = [c for c in contents if c.mimetype and mimetype.startswith(c.mimetype)]
    sniffed = [c for c in contents if c.sniff is None or c.sniff(names)]
    content = next(iter(declared or sniffed), None)
    if content is None:
        return None
    family = [f for f in FORMATS if f.content is content]
    by_name = next((f for f in family if ext in f.extensions), None)
    if by_name is None and content.needs_name and not any(ext in f.extensions for f in FORMATS):
        return None
    return Detected(by_name or family[0], renamed=by_name is None)
