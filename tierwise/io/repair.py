"""In-memory repairs for workbooks Excel opens but calamine refuses.

Used only after calamine has failed on the file as it is, and never written anywhere:
the reader retries on the repaired bytes, the user's file is untouched.
- XML parts saved as UTF-16 (some PHP and .NET writers): re-encoded as UTF-8.
- Excel 4 macro sheets (`xlMacrosheet` relationships): presented as worksheets, which
  they are in layout, so calamine lists them instead of refusing the whole workbook.
- An .ods without its `mimetype` entry (LibreOffice opens it): the entry is added.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Final

_MACROSHEET: Final = b"http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet"
_WORKSHEET: Final = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
_ODS_MIME: Final = b"application/vnd.oasis.opendocument.spreadsheet"
_DECLARED_ENCODING: Final = re.compile(rb"""(<\?xml[^>]*?encoding\s*=\s*["'])[^"']*(["'])""")


def _utf8(data: bytes) -> bytes | None:
    """A UTF-16 XML part as UTF-8 (None if it is not UTF-16)."""
    for marks, codec in (
        ((b"\xfe\xff", b"\x00<"), "utf-16-be"),
        ((b"\xff\xfe", b"<\x00"), "utf-16-le"),
    ):
        if data.startswith(marks):
            try:
                text = data.decode(codec).lstrip("\ufeff").encode("utf-8")
            except UnicodeDecodeError:
                return None
            return _DECLARED_ENCODING.sub(rb"\1UTF-8\2", text, count=1)
    return None


def repaired_copy(path: Path) -> bytes | None:
    """The workbook's bytes with the repairs above, or None when none applies.

    Called after the safety checks, so the zip's sizes are already known to be sane."""
    changed = False
    out = io.BytesIO()
    try:
        with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                data = zin.read(info)
                if info.filename.lower().endswith((".xml", ".rels")):
                    fixed = _utf8(data)
                    if fixed is not None:
                        data, changed = fixed, True
                    if info.filename.lower().endswith(".rels") and _MACROSHEET in data:
                        data, changed = data.replace(_MACROSHEET, _WORKSHEET), True
                zout.writestr(info, data)
            names = {i.filename.lower() for i in zin.infolist()}
            if "content.xml" in names and "mimetype" not in names:
                zout.writestr(zipfile.ZipInfo("mimetype"), _ODS_MIME)
                changed = True
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return None
    return out.getvalue() if changed else None
