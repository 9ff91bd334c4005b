"""Cell formats added to a workbook's stylesheet, reusing identical ones."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from lxml import etree

from tierwise.io.package import MAIN_NS


@dataclass(frozen=True)
class XfSpec:
    """A cell format to add: font/fill/border as XML in the main namespace (None = the
    workbook's default), a number format code (None = General), and alignment."""

    bold: bool = False
    italic: bool = False
    size: float | None = None
    color: str | None = None  # "FF595959"
    fill: str | None = None  # solid fill colour "FFDDEBF7"
    bottom_border: bool = False
    num_fmt: str | None = None
    wrap: bool = False
    vertical: str | None = None  # "top", "center"
    horizontal: str | None = None


_BUILTIN_FORMATS: Final = {
    "General": 0,
    "0": 1,
    "0.00": 2,
    "#,##0": 3,
    "#,##0.00": 4,
    "0%": 9,
    "0.00%": 10,
}


def _canon(el: etree._Element) -> tuple:
    """A comparable form of an element: local name, attributes, children (order kept)."""
    return (
        etree.QName(el).localname,
        tuple(sorted((etree.QName(k).localname, v) for k, v in el.attrib.items())),
        tuple(_canon(c) for c in el if isinstance(c.tag, str)),
    )


# The children of <styleSheet>, in the order the schema requires.
SECTION_ORDER: Final = (
    "numFmts",
    "fonts",
    "fills",
    "borders",
    "cellStyleXfs",
    "cellXfs",
    "cellStyles",
    "dxfs",
    "tableStyles",
    "colors",
    "extLst",
)
_DEFAULTS: Final = {
    "fonts": (b'<font xmlns="{ns}"><sz val="11"/><name val="Calibri"/></font>',),
    "fills": (
        b'<fill xmlns="{ns}"><patternFill patternType="none"/></fill>',
        b'<fill xmlns="{ns}"><patternFill patternType="gray125"/></fill>',
    ),
    "borders": (b'<border xmlns="{ns}"><left/><right/><top/><bottom/><diagonal/></border>',),
    "cellStyleXfs": (b'<xf xmlns="{ns}" numFmtId="0" fontId="0" fillId="0" borderId="0"/>',),
    "cellXfs": (b'<xf xmlns="{ns}" numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',),
}


class StyleBook:
    """Adds cell formats to a stylesheet, reusing an identical one when it exists, so
    existing indices never change and re-annotating adds nothing new."""

    def __init__(self, styles: etree._Element) -> None:
        self.root = styles
        self.ns = etree.QName(styles).namespace or MAIN_NS
        self._cache: dict[XfSpec, int] = {}

    def _m(self, tag: str) -> str:
        return f"{{{self.ns}}}{tag}"

    def _section(self, tag: str) -> etree._Element:
        """A section of the stylesheet, created in schema order when missing, and given
        the defaults every stylesheet needs (a font, the fills "none" and "gray125", a
        border, a cell format) when it has no entries."""
        el = self.root.find(self._m(tag))
        if el is None:
            el = etree.Element(self._m(tag))
            rank = SECTION_ORDER.index(tag)
            ranks = (
                (i, etree.QName(child).localname)
                for i, child in enumerate(self.root)
                if isinstance(child.tag, str)
            )
            later = (i for i, name in ranks if name in SECTION_ORDER[rank + 1 :])
            self.root.insert(next(later, len(self.root)), el)
        if not any(isinstance(c.tag, str) for c in el):
            for default in _DEFAULTS.get(tag, ()):
                el.append(etree.fromstring(default.replace(b"{ns}", self.ns.encode())))
        el.set("count", str(sum(1 for c in el if isinstance(c.tag, str))))
        return el

    def _add(self, section: etree._Element, item: etree._Element) -> int:
        key = _canon(item)
        children = [c for c in section if isinstance(c.tag, str)]
        for i, child in enumerate(children):
            if _canon(child) == key:
                return i
        section.append(item)
        section.set("count", str(len(children) + 1))
        return len(children)

    def _num_fmt(self, code: str | None) -> int:
        if code is None:
            return 0
        if code in _BUILTIN_FORMATS:
            return _BUILTIN_FORMATS[code]
        section = self._section("numFmts")
        used = []
        for nf in section:
            if not isinstance(nf.tag, str):
                continue
            if nf.get("formatCode") == code:
                return int(nf.get("numFmtId", "0"))
            used.append(int(nf.get("numFmtId", "0") or 0))
        new_id = max([163, *used]) + 1
        el = etree.SubElement(section, self._m("numFmt"))
        el.set("numFmtId", str(new_id))
        el.set("formatCode", code)
        section.set("count", str(len(used) + 1))
        return new_id

    def _font(self, spec: XfSpec) -> int:
        if not (spec.bold or spec.italic or spec.size or spec.color):
            return 0
        fonts = self._section("fonts")
        base = next((c for c in fonts if isinstance(c.tag, str)), None)
        font = etree.Element(self._m("font"))
        # Keep the workbook's own default face and size so added cells look native.
        name = base.find(self._m("name")) if base is not None else None
        sz = base.find(self._m("sz")) if base is not None else None
        family = base.find(self._m("family")) if base is not None else None
        if spec.bold:
            etree.SubElement(font, self._m("b")).set("val", "1")
        if spec.italic:
            etree.SubElement(font, self._m("i")).set("val", "1")
        size = spec.size or (float(sz.get("val", "11")) if sz is not None else 11.0)
        etree.SubElement(font, self._m("sz")).set("val", f"{size:g}")
        if spec.color:
            etree.SubElement(font, self._m("color")).set("rgb", spec.color)
        etree.SubElement(font, self._m("name")).set(
            "val", name.get("val", "Calibri") if name is not None else "Calibri"
        )
        if family is not None:
            etree.SubElement(font, self._m("family")).set("val", family.get("val", "2"))
        return self._add(fonts, font)

    def _fill(self, spec: XfSpec) -> int:
        if not spec.fill:
            return 0
        fill = etree.Element(self._m("fill"))
        pattern = etree.SubElement(fill, self._m("patternFill"))
        pattern.set("patternType", "solid")
        etree.SubElement(pattern, self._m("fgColor")).set("rgb", spec.fill)
        etree.SubElement(pattern, self._m("bgColor")).set("indexed", "64")
        return self._add(self._section("fills"), fill)

    def _border(self, spec: XfSpec) -> int:
        if not spec.bottom_border:
            return 0
        border = etree.Element(self._m("border"))
        for side in ("left", "right", "top", "bottom", "diagonal"):
            el = etree.SubElement(border, self._m(side))
            if side == "bottom":
                el.set("style", "thin")
                etree.SubElement(el, self._m("color")).set("rgb", "FF7F7F7F")
        return self._add(self._section("borders"), border)

    def xf(self, spec: XfSpec) -> int:
        """The cellXfs index of a format like `spec` (appended if none matches)."""
        if spec in self._cache:
            return self._cache[spec]
        for tag in ("fonts", "fills", "borders", "cellStyleXfs"):  # what an xf points at
            self._section(tag)
        num_fmt, font, fill, border = (
            self._num_fmt(spec.num_fmt),
            self._font(spec),
            self._fill(spec),
            self._border(spec),
        )
        xf = etree.Element(self._m("xf"))
        xf.set("numFmtId", str(num_fmt))
        xf.set("fontId", str(font))
        xf.set("fillId", str(fill))
        xf.set("borderId", str(border))
        xf.set("xfId", "0")
        for attr, on in (
            ("applyNumberFormat", num_fmt),
            ("applyFont", font),
            ("applyFill", fill),
            ("applyBorder", border),
        ):
            if on:
                xf.set(attr, "1")
        if spec.wrap or spec.vertical or spec.horizontal:
            xf.set("applyAlignment", "1")
            align = etree.SubElement(xf, self._m("alignment"))
            if spec.horizontal:
                align.set("horizontal", spec.horizontal)
            if spec.vertical:
                align.set("vertical", spec.vertical)
            if spec.wrap:
                align.set("wrapText", "1")
        index = self._add(self._section("cellXfs"), xf)
        self._cache[spec] = index
        return index
