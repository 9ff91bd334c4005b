"""One worksheet cell as XML, and text escaped the way Excel reads it."""

from __future__ import annotations

import re
from typing import Final

_ILLEGAL: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPED: Final = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
MAX_TEXT: Final = 32767


def xml_text(text: str) -> str:
    """Text escaped for an XML element or a double-quoted attribute (xml.sax.saxutils
    would do, but importing it imports urllib.request: ~13 ms on every save)."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def escape_text(text: str) -> bytes:
    """Text as an Excel string node: XML-escaped, illegal characters dropped, and a
    literal `_x0041_` protected so Excel does not decode it."""
    text = _ILLEGAL.sub("", text)[:MAX_TEXT]
    text = _ESCAPED.sub(r"_x005F_\1", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode("utf-8")


def cell_xml(ref: str, value: object, style: int) -> bytes:
    """One <c> element. Strings are inline strings, so text is never a formula (the
    texts of Tierwise's columns go to the shared strings: sharedstrings.py)."""
    s = b' s="%d"' % style if style else b""
    r = ref.encode("ascii")
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return b'<c r="%s"%s/>' % (r, s)
    if isinstance(value, bool):
        return b'<c r="%s"%s t="b"><v>%d</v></c>' % (r, s, int(value))
    if isinstance(value, int | float):
        if value in (float("inf"), float("-inf")):
            return b'<c r="%s"%s/>' % (r, s)
        return b'<c r="%s"%s><v>%s</v></c>' % (
            r,
            s,
            repr(value).encode() if isinstance(value, float) else str(value).encode(),
        )
    text = str(value)
    space = b' xml:space="preserve"' if text != text.strip() or "\n" in text else b""
    return b'<c r="%s"%s t="inlineStr"><is><t%s>%s</t></is></c>' % (r, s, space, escape_text(text))
