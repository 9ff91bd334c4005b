"""The check an annotated workbook passes before it is renamed into place.

It re-opens the written file as a reader would: the package structure (content types,
the workbook, its relationships, every sheet's part and content type), every part
Tierwise changed or added parsed as XML (except streamed parts too big to parse here,
which the test suite opens with openpyxl and LibreOffice), and calamine (fastexcel)
listing the sheets. Parts copied from the input byte for byte are not re-parsed: they
are the user's, as they were.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from tierwise.errors import TierwiseError
from tierwise.io import xmlsafe
from tierwise.io.package import Package

# Changed parts bigger than this (the streamed partner sheet of a large tracker) are not
# parsed: a DOM of them would cost more than the rest of the write.
PARSE_LIMIT: Final = 4 << 20
_XML_SUFFIXES: Final = (".xml", ".rels", ".vml")


def verify_workbook(
    path: Path, must_have: Sequence[str] = (), *, original: Path | None = None
) -> None:
    """Raise TierwiseError unless the workbook at `path` is a sound package that
    calamine opens, listing every sheet of `must_have`. `original` is the package it
    was made from: its untouched parts are not checked again."""
    try:
        names = _package_sheets(path, _unchanged(path, original))
        import fastexcel

        listed = list(fastexcel.read_excel(str(path)).sheet_names)
    except Exception as err:  # whatever a reader raises, the file is not fit to keep
        raise TierwiseError(
            f"the annotated workbook failed its check ({type(err).__name__}: {err}); "
            "nothing was written; please report this file"
        ) from None
    for name in must_have:
        if name not in names or name not in listed:
            raise TierwiseError(
                f"the annotated workbook lost the sheet {name!r}; nothing was written"
            )


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
