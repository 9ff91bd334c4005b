"""The check an annotated workbook passes before it is renamed into place.

It re-opens the written file as a reader would: the package structure (content types,
the workbook, its relationships, every sheet's part and content type), every part
Tierwise changed or added parsed as XML and validated against the ECMA-376 schema
(openxml-audit, a port of the Open XML SDK's validator; streamed parts too big to parse
here are left to the test suite, which opens them with openpyxl and LibreOffice), no
cell past column XFD or row 1,048,576, and calamine (fastexcel) listing the sheets.
Parts copied from the input byte for byte are not re-checked: they are the user's, as
they were; a schema error a changed part already had in the input is not Tierwise's.
"""

from __future__ import annotations

import functools
import re
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

from tierwise.errors import TierwiseError
from tierwise.io import repair, xmlsafe
from tierwise.io.package import Package
from tierwise.io.safety import MAX_ROWS

if TYPE_CHECKING:
    from openxml_audit import OpenXmlValidator

# Changed parts bigger than this (the streamed partner sheet of a large tracker) are not
# parsed: a DOM of them would cost more than the rest of the write.
PARSE_LIMIT: Final = 4 << 20
# The schema check is pure Python (~5 s per MB): changed parts bigger than this (the
# partner sheet of all but small trackers, whose cells Tierwise writes from one
# template) are parsed, not validated; the test suite validates them.
SCHEMA_LIMIT: Final = 256 << 10
_XML_SUFFIXES: Final = (".xml", ".rels", ".vml")


def verify_workbook(
    path: Path, must_have: Sequence[str] = (), *, original: Path | None = None
) -> None:
    """Raise TierwiseError unless the workbook at `path` is a sound package that
    calamine opens, listing every sheet of `must_have`. `original` is the package it
    was made from: its untouched parts are not checked again."""
    try:
        unchanged = _unchanged(path, original)
        names = _package_sheets(path, unchanged)
        problems = [*_past_the_limits(path, unchanged), *schema_errors(path, unchanged, original)]
        listed = _calamine_sheets(path)
    except Exception as err:  # whatever a reader raises, the file is not fit to keep
        reason = " ".join(f"{type(err).__name__}: {err}".split())[:300]
        raise TierwiseError(
            f"the annotated workbook failed its check ({reason}); "
            "nothing was written; please report this file"
        ) from None
    if problems:
        raise TierwiseError(
            f"the annotated workbook failed its check ({problems[0]}"
            f"{f'; and {len(problems) - 1} more' if len(problems) > 1 else ''}); "
            "nothing was written; please report this file"
        )
    for name in must_have:
        if name not in names or name not in listed:
            raise TierwiseError(
                f"the annotated workbook lost the sheet {name!r}; nothing was written"
            )


def _calamine_sheets(path: Path) -> list[str]:
    """The sheets calamine lists; for a workbook with Excel 4 macro sheets, which
    calamine refuses, those of the repaired copy the reader reads too."""
    import fastexcel

    try:
        return list(fastexcel.read_excel(str(path)).sheet_names)
    except Exception:
        fixed = repair.repaired_copy(path)
        if fixed is None:
            raise
        return list(fastexcel.read_excel(fixed).sheet_names)


# A cell reference past column XFD, or a row number of 7 digits or more (checked below).
_PAST_XFD: Final = re.compile(
    rb"""\br\s*=\s*["'](?:XF[E-Z]|X[G-Z][A-Z]|[YZ][A-Z]{2}|[A-Z]{4,})\d""", re.I
)
_BIG_ROW: Final = re.compile(rb"""\br\s*=\s*["'][A-Z]{0,3}(\d{7,})["']""", re.I)
_DIMENSION: Final = re.compile(rb"""<(?:[\w.-]+:)?dimension\b[^>]*?\bref\s*=\s*["']([^"']*)""")


def _past_the_limits(path: Path, unchanged: set[str]) -> list[str]:
    """Changed worksheet parts with a cell or row past Excel's limits. Parts up to
    PARSE_LIMIT are searched cell by cell; for a bigger one (the streamed partner sheet)
    its <dimension>, which the writer widens over every cell it writes, is checked."""
    found = []
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if info.filename in unchanged or "worksheets/" not in info.filename.lower():
                continue
            with zf.open(info) as fh:
                data = fh.read(PARSE_LIMIT if info.file_size <= PARSE_LIMIT else 64 << 10)
            if info.file_size > PARSE_LIMIT:
                dim = _DIMENSION.search(data)
                data = b'r="%s"' % dim.group(1).split(b":")[-1] if dim else b""
            rows = (int(m.group(1)) for m in _BIG_ROW.finditer(data))
            if _PAST_XFD.search(data) or any(r > MAX_ROWS for r in rows):
                found.append(f"{info.filename} has a cell past XFD{MAX_ROWS}")
    return found


def schema_errors(
    path: Path, unchanged: set[str], original: Path | None = None, *, limit: int = SCHEMA_LIMIT
) -> list[str]:
    """ECMA-376 schema errors in the XML parts of `path` Tierwise changed (up to `limit`
    bytes each), less the ones the same part already had in `original`."""
    with zipfile.ZipFile(path) as zf:
        parts = [
            i.filename
            for i in zf.infolist()
            if i.filename not in unchanged
            and i.filename.lower().endswith(".xml")
            and i.file_size <= limit
        ]
    errors = _schema_errors_in(path, parts)
    if errors and original is not None:
        # Only the parts with errors are checked again, as they were in the input.
        errors -= _schema_errors_in(original, sorted({part for part, _ in errors}))
    return sorted(f"{part}: {message}" for part, message in errors)


def _schema_errors_in(path: Path, parts: Sequence[str]) -> set[tuple[str, str]]:
    """(part, error) of the schema check of `parts` alone: they are copied, with the
    parts that say what they are, into a probe package, so the user's other (perhaps
    huge) parts are not validated again."""
    from openxml_audit import ValidationErrorType

    wanted = {p.lower().lstrip("/") for p in parts}
    with tempfile.TemporaryDirectory(prefix="tierwise-check-") as scratch:
        probe = Path(scratch) / "probe.xlsx"
        with zipfile.ZipFile(path) as zin, zipfile.ZipFile(probe, "w") as zout:
            for info in zin.infolist():
                name = info.filename.lower()
                # The changed parts, and the package's map: what each part is.
                if name in wanted or name.endswith(".rels") or name == "[content_types].xml":
                    zout.writestr(info, zin.read(info))
        try:
            result = _validator().validate(probe)
        except Exception:  # the validator's own failure says nothing about the file
            return set()
    return {
        (e.part_uri.lstrip("/"), f"{e.path} {e.description}".strip())
        for e in result.errors
        if e.error_type == ValidationErrorType.SCHEMA and e.part_uri.lower().lstrip("/") in wanted
    }


@functools.cache
def _validator() -> OpenXmlValidator:
    """One validator per process: building one loads its schema tables (~0.4 s)."""
    from openxml_audit import OpenXmlValidator

    return OpenXmlValidator(max_errors=200, semantic_validation=False)


def _unchanged(path: Path, original: Path | None) -> set[str]:
    """Entries of `path` identical (name, size, CRC) to an entry of `original`."""
    if original is None:
        return set()
    try:
        with zipfile.ZipFile(original) as zf:
            before = {(i.filename, i.file_size, i.CRC) for i in zf.infolist()}
    except (zipfile.BadZipFile, OSError):
        return set()
    with zipfile.ZipFile(path) as zf:
        return {i.filename for i in zf.infolist() if (i.filename, i.file_size, i.CRC) in before}


def _package_sheets(path: Path, unchanged: set[str]) -> list[str]:
    """The workbook's sheet names, after checking the structure that leads to them and
    parsing every changed XML part."""
    with Package(path) as pkg:  # parses content types, the workbook and its rels
        types = _content_types(pkg)
        sheets = pkg.sheets()
        for sheet in sheets:
            if not sheet.part or not pkg.has(sheet.part):
                raise TierwiseError(f"sheet {sheet.name!r} points at a missing part")
            name = "/" + sheet.part.lower()  # Package names parts with "/" whatever the zip does
            kind = types.get(name, types.get(name.rsplit(".", 1)[-1], ""))
            if not kind.endswith("sheet+xml"):  # worksheet, chartsheet, macrosheet...
                raise TierwiseError(f"sheet {sheet.name!r} has no sheet content type")
        for info in pkg.entries():
            name = info.filename
            if name in unchanged or not name.lower().endswith(_XML_SUFFIXES):
                continue
            if info.file_size <= PARSE_LIMIT:
                xmlsafe.parse(pkg.read(name), name)
        return [s.name for s in sheets]


def _content_types(pkg: Package) -> dict[str, str]:
    """Content types by lower-cased "/part/name" (Overrides) and extension (Defaults)."""
    found: dict[str, str] = {}
    for el in pkg.content_types:
        key = el.get("PartName") or el.get("Extension")
        if key:
            found[key.lower()] = el.get("ContentType", "")
    return found
