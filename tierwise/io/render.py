"""SheetSpec -> worksheet XML, plus a drawing part and native chart parts.

The named styles of sheetspec.STYLE_NAMES become cell formats appended to the
workbook's stylesheet (through styles.StyleBook, which reuses identical ones); the
charts (the markup openpyxl's BarChart writes), the drawing that anchors them, and
the relationships are written here.
"""

from __future__ import annotations

import math
import posixpath
from datetime import date, datetime
from typing import Final

from lxml import etree

from tierwise.io.cellxml import cell_xml, xml_text
from tierwise.io.package import (
    CT_CHART,
    CT_DRAWING,
    DOC_REL_NS,
    REL_NS,
    RT_CHART,
    Package,
    SheetEntry,
    rels_part_for,
)
from tierwise.io.sheetspec import STYLE_NAMES, ChartSpec, SheetSpec
from tierwise.io.styles import StyleBook, XfSpec
from tierwise.io.tracker import column_letter, column_number, quote_sheet

_HEADER_FILL: Final = "FFDDEBF7"
TIER_FILLS: Final = {
    "strategic": "FFC6E0B4",
    "tactical": "FFDDEBF7",
    "casual": "FFEDEDED",
    "exit": "FFF8CBAD",
}

NAMED_STYLES: Final[dict[str, XfSpec]] = {
    "text": XfSpec(vertical="top"),
    "wrap": XfSpec(wrap=True, vertical="top"),
    "muted": XfSpec(color="FF595959", wrap=True, vertical="top"),
    "title": XfSpec(bold=True, size=16, color="FF1F4E79"),
    "subtitle": XfSpec(bold=True, size=12, color="FF1F4E79"),
    "header": XfSpec(bold=True, fill=_HEADER_FILL, bottom_border=True, wrap=True, vertical="top"),
    "int": XfSpec(num_fmt="0", vertical="top"),
    "number": XfSpec(num_fmt="0.0", vertical="top"),
    "money": XfSpec(num_fmt='"$"#,##0', vertical="top"),
    "percent": XfSpec(num_fmt="0%", vertical="top"),
    "date": XfSpec(num_fmt="yyyy-mm-dd", vertical="top"),
    "datetime": XfSpec(num_fmt="yyyy-mm-dd hh:mm", vertical="top"),
    "pass": XfSpec(bold=True, fill="FFC6EFCE", color="FF006100", vertical="top"),
    "fail": XfSpec(bold=True, fill="FFFFC7CE", color="FF9C0006", vertical="top"),
    "tier_strategic": XfSpec(fill=TIER_FILLS["strategic"], vertical="top"),
    "tier_tactical": XfSpec(fill=TIER_FILLS["tactical"], vertical="top"),
    "tier_casual": XfSpec(fill=TIER_FILLS["casual"], vertical="top"),
    "tier_exit": XfSpec(fill=TIER_FILLS["exit"], vertical="top"),
    "flag": XfSpec(fill="FFFFEB9C", color="FF9C5700", vertical="top"),
}
assert set(NAMED_STYLES) == set(STYLE_NAMES), "every SheetSpec style must have a format"

_EMU_PER_CM: Final = 360_000
_MAIN: Final = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def style_indices(book: StyleBook) -> dict[str, int]:
    """Named style -> cellXfs index in this workbook."""
    return {name: book.xf(spec) for name, spec in NAMED_STYLES.items()}


def excel_serial(value: date | datetime, date1904: bool = False) -> float:
    """A date as Excel's serial day number (1900 or 1904 date system)."""
    epoch = datetime(1904, 1, 1) if date1904 else datetime(1899, 12, 30)
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    delta = value.replace(tzinfo=None) - epoch
    serial = delta.days + delta.seconds / 86400
    return float(serial) if isinstance(value, datetime) and delta.seconds else float(delta.days)


def cell_value(value: object, date1904: bool) -> object:
    if isinstance(value, date | datetime):
        return excel_serial(value, date1904)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def sheet_rows_xml(spec: SheetSpec, styles: dict[str, int], date1904: bool) -> bytes:
    out = []
    for r in sorted(spec.cells):
        row = spec.cells[r]
        cells = b"".join(
            cell_xml(
                f"{column_letter(c)}{r}",
                cell_value(row[c].value, date1904),
                styles.get(row[c].style, styles["text"]),
            )
            for c in sorted(row)
        )
        height = spec.row_heights.get(r)
        attrs = b' ht="%s" customHeight="1"' % f"{height:g}".encode() if height else b""
        out.append(b'<row r="%d"%s>%s</row>' % (r, attrs, cells))
    return b"".join(out)


def _extent(spec: SheetSpec) -> str:
    rows = [r for r, cells in spec.cells.items() if cells]
    if not rows:
        return "A1"
    cols = [c for r in rows for c in spec.cells[r]]
    return f"A1:{column_letter(max(cols))}{max(rows)}"


def worksheet_xml(
    spec: SheetSpec,
    styles: dict[str, int],
    *,
    date1904: bool = False,
    drawing_rid: str = "",
    main_ns: str = _MAIN,
    rel_ns: str = DOC_REL_NS,
) -> bytes:
    """The whole worksheet part for `spec` (charts are referenced through `drawing_rid`)."""
    parts = [
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
        b'<worksheet xmlns="%s" xmlns:r="%s">' % (main_ns.encode(), rel_ns.encode()),
    ]
    pr = b""
    if spec.tab_color:
        pr += b'<tabColor rgb="FF%s"/>' % spec.tab_color.upper().lstrip("#").encode()[-6:]
    if spec.fit_to_width or spec.fit_to_height:
        pr += b'<pageSetUpPr fitToPage="1"/>'
    if pr:
        parts.append(b"<sheetPr>%s</sheetPr>" % pr)
    parts.append(b'<dimension ref="%s"/>' % _extent(spec).encode())
    selected = b' tabSelected="1"' if spec.active else b""
    parts.append(b'<sheetViews><sheetView%s workbookViewId="0">' % selected)
    if spec.freeze and spec.freeze.upper() != "A1":
        letters = "".join(ch for ch in spec.freeze if ch.isalpha())
        digits = "".join(ch for ch in spec.freeze if ch.isdigit())
        xs, ys = column_number(letters) - 1, int(digits) - 1
        pane = "bottomRight" if xs and ys else ("bottomLeft" if ys else "topRight")
        split = (b' xSplit="%d"' % xs if xs else b"") + (b' ySplit="%d"' % ys if ys else b"")
        parts.append(
            b'<pane%s topLeftCell="%s" activePane="%s" state="frozen"/>'
            % (split, spec.freeze.upper().encode(), pane.encode())
        )
    parts.append(b"</sheetView></sheetViews>")
    parts.append(b'<sheetFormatPr defaultRowHeight="15"/>')
    if spec.col_widths:
        parts.append(b"<cols>")
        for col in sorted(spec.col_widths):
            parts.append(
                b'<col min="%d" max="%d" width="%s" customWidth="1"/>'
                % (col, col, f"{spec.col_widths[col]:g}".encode())
            )
        parts.append(b"</cols>")
    parts.append(b"<sheetData>%s</sheetData>" % sheet_rows_xml(spec, styles, date1904))
    if spec.merges:
        parts.append(b'<mergeCells count="%d">' % len(spec.merges))
        parts.extend(b'<mergeCell ref="%s"/>' % m.encode() for m in spec.merges)
        parts.append(b"</mergeCells>")
    parts.append(b'<printOptions horizontalCentered="1"/>')
    parts.append(
        b'<pageMargins left="0.4" right="0.4" top="0.5" bottom="0.5" header="0.3" footer="0.3"/>'
    )
    setup = b'<pageSetup orientation="%s"' % (b"landscape" if spec.landscape else b"portrait")
    if spec.fit_to_width or spec.fit_to_height:
        setup += b' fitToWidth="%d" fitToHeight="%d"' % (
            1 if spec.fit_to_width else 0,
            spec.fit_to_height,
        )
    parts.append(setup + b"/>")
    if drawing_rid:
        parts.append(b'<drawing r:id="%s"/>' % drawing_rid.encode())
    parts.append(b"</worksheet>")
    return b"".join(parts)


_C_NS: Final = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_A_NS: Final = "http://schemas.openxmlformats.org/drawingml/2006/main"


def _absolute(sheet_name: str, rng: str) -> str:
    """ "A5:B7" on `sheet_name` -> "'Sheet'!$A$5:$B$7"."""
    ends = []
    for end in rng.replace("$", "").split(":"):
        letters = "".join(ch for ch in end if ch.isalpha())
        digits = "".join(ch for ch in end if ch.isdigit())
        ends.append(f"${letters.upper()}${digits}")
    return f"{quote_sheet(sheet_name)}!{':'.join(ends)}"


def chart_xml(chart: ChartSpec, sheet_name: str) -> bytes:
    """A native clustered bar/column chart over ranges of `sheet_name`.

    The markup is what openpyxl's BarChart serialises (tests hold the two equal);
    written here so that saving a workbook does not import openpyxl, a fifth of a
    10k-partner `score -o`."""
    a = f'xmlns:a="{_A_NS}"'
    categories = xml_text(_absolute(sheet_name, chart.categories))
    series = "".join(
        f'<ser><idx val="{i}"/><order val="{i}"/><tx><v>{xml_text(title)}</v></tx>'
        f'<spPr><a:ln {a}><a:prstDash val="solid"/></a:ln></spPr>'
        f"<cat><strRef><f>{categories}</f></strRef></cat>"
        f"<val><numRef><f>{xml_text(_absolute(sheet_name, values))}</f></numRef></val></ser>"
        for i, (title, values) in enumerate(chart.series)
    )
    axis = '<scaling><orientation val="minMax"/></scaling><delete val="0"/><axPos val="l"/>'
    ticks = '<majorTickMark val="none"/><minorTickMark val="none"/>'
    legend = '<legend><legendPos val="b"/></legend>' if len(chart.series) > 1 else ""
    xml = (
        f'<chartSpace xmlns="{_C_NS}"><style val="10"/><chart>'
        f'<title><tx><rich><a:bodyPr {a}/><a:p {a}><a:pPr><a:defRPr sz="1200" b="1"/></a:pPr>'
        f"<a:r><a:t>{xml_text(chart.title)}</a:t></a:r></a:p></rich></tx></title>"
        f'<plotArea><barChart><barDir val="{chart.kind}"/><grouping val="clustered"/>'
        f'{series}<gapWidth val="150"/><axId val="10"/><axId val="100"/></barChart>'
        f'<catAx><axId val="10"/>{axis}{ticks}<crossAx val="100"/>'
        f'<lblOffset val="100"/></catAx>'
        f'<valAx><axId val="100"/>{axis}<majorGridlines/>{ticks}<crossAx val="10"/></valAx>'
        f'</plotArea>{legend}<plotVisOnly val="1"/><dispBlanksAs val="gap"/></chart>'
        "</chartSpace>"
    )
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + xml.encode()


def drawing_xml(charts: list[ChartSpec], rel_ids: list[str]) -> bytes:
    xdr = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
    a = "http://schemas.openxmlformats.org/drawingml/2006/main"
    c = "http://schemas.openxmlformats.org/drawingml/2006/chart"
    out = [
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
        b'<xdr:wsDr xmlns:xdr="%s" xmlns:a="%s">' % (xdr.encode(), a.encode()),
    ]
    for i, (chart, rid) in enumerate(zip(charts, rel_ids, strict=True), start=1):
        letters = "".join(ch for ch in chart.anchor if ch.isalpha())
        digits = "".join(ch for ch in chart.anchor if ch.isdigit())
        col, row = column_number(letters) - 1, int(digits) - 1
        cx, cy = int(chart.width_cm * _EMU_PER_CM), int(chart.height_cm * _EMU_PER_CM)
        out.append(
            b"<xdr:oneCellAnchor><xdr:from><xdr:col>%d</xdr:col><xdr:colOff>0</xdr:colOff>"
            b"<xdr:row>%d</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
            b'<xdr:ext cx="%d" cy="%d"/><xdr:graphicFrame macro="">'
            b'<xdr:nvGraphicFramePr><xdr:cNvPr id="%d" name="Chart %d"/><xdr:cNvGraphicFramePr/>'
            b"</xdr:nvGraphicFramePr>"
            b'<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>'
            b'<a:graphic><a:graphicData uri="%s"><c:chart xmlns:c="%s" xmlns:r="%s" r:id="%s"/>'
            b"</a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:oneCellAnchor>"
            % (
                col,
                row,
                cx,
                cy,
                i + 1,
                i,
                c.encode(),
                c.encode(),
                DOC_REL_NS.encode(),
                rid.encode(),
            )
        )
    out.append(b"</xdr:wsDr>")
    return b"".join(out)


def _rels_xml(rels: list[tuple[str, str, str]]) -> bytes:
    root = etree.Element(f"{{{REL_NS}}}Relationships", nsmap={None: REL_NS})
    for rid, rel_type, target in rels:
        el = etree.SubElement(root, f"{{{REL_NS}}}Relationship")
        el.set("Id", rid)
        el.set("Type", rel_type)
        el.set("Target", target)
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + etree.tostring(
        root, encoding="UTF-8"
    )


def put_sheet(
    pkg: Package, spec: SheetSpec, styles: dict[str, int], *, state: str = "visible"
) -> SheetEntry:
    """Add `spec` as a sheet, or replace the sheet of that name (same place, same id),
    with its charts as a drawing and chart parts."""
    entry = pkg.sheet(spec.name)
    if entry is None or not entry.part:
        entry = pkg.add_sheet(spec.name, state=state)
    else:
        pkg.drop_sheet_children(entry)
        pkg.set_sheet_state(entry, state)
    drawing_rid = ""
    if spec.charts:
        drawing = pkg.free_name("xl/drawings/drawing%d.xml")
        chart_rids = []
        chart_rels = []
        for i, chart in enumerate(spec.charts, start=1):
            part = pkg.free_name("xl/charts/chart%d.xml")
            pkg.put(part, chart_xml(chart, spec.name))
            pkg.set_content_type(part, CT_CHART)
            chart_rids.append(f"rId{i}")
            chart_rels.append(
                (f"rId{i}", RT_CHART, posixpath.relpath(part, posixpath.dirname(drawing)))
            )
        pkg.put(drawing, drawing_xml(spec.charts, chart_rids))
        pkg.set_content_type(drawing, CT_DRAWING)
        pkg.put(rels_part_for(drawing), _rels_xml(chart_rels))
        drawing_rid = "rId1"
        target = posixpath.relpath(drawing, posixpath.dirname(entry.part))
        rel_type = pkg.rel_ns + "/drawing"
        pkg.put(rels_part_for(entry.part), _rels_xml([(drawing_rid, rel_type, target)]))
    pkg.put(
        entry.part, worksheet_xml(spec, styles, date1904=pkg.date1904(), drawing_rid=drawing_rid)
    )
    if spec.active:
        pkg.activate(entry)
    return entry
