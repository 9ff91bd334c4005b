"""A workbook written part by part, carrying what a load-and-save would lose.

It holds: shared strings with rich text, a formula with a cached value, a cross-sheet
drop-down (x14:dataValidation in the sheet's extLst), a threaded comment (with its
persons part and the legacy comment Excel writes beside it), a drawing with a shape
(xdr:sp) and an image, an autoFilter, mc:Ignorable prefixes, a total row below the
partners, and a second sheet with the drop-down's list.
"""

from __future__ import annotations

import base64
import zipfile
from pathlib import Path

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_R = "http://schemas.openxmlformats.org/package/2006/relationships"
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# A 1x1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)

PARTNERS = [
    # name cell XML (A), tier (B), revenue (C), formula C*2 with cached value (D)
    ('<c r="A2" t="s"><v>4</v></c>', "Strategic", 100),
    ('<c r="A3" t="inlineStr"><is><t>=HYPERLINK("http://x","y")</t></is></c>', "Tactical", 200),
    ('<c r="A4" t="s"><v>5</v></c>', "Casual", 300),
]

SHARED = [
    "Partner",
    "Tier",
    "Revenue",
    "Double",
    None,  # rich text: "Acme Corp"
    "+Beta",
]


def _shared_strings() -> str:
    items = []
    for s in SHARED:
        if s is None:
            items.append(
                '<si><r><rPr><b/><sz val="11"/><color rgb="FFFF0000"/><rFont val="Calibri"/>'
                '</rPr><t xml:space="preserve">Acme </t></r><r><rPr><i/><sz val="11"/>'
                '<rFont val="Calibri"/></rPr><t>Corp</t></r></si>'
            )
        else:
            items.append(f"<si><t>{s}</t></si>")
    return (
        f'{DECL}<sst xmlns="{MAIN}" count="{len(SHARED)}" uniqueCount="{len(SHARED)}">'
        + "".join(items)
        + "</sst>"
    )


def _partner_sheet() -> str:
    rows = [
        '<row r="1" spans="1:4" x14ac:dyDescent="0.25">'
        '<c r="A1" s="1" t="s"><v>0</v></c><c r="B1" s="1" t="s"><v>1</v></c>'
        '<c r="C1" s="1" t="s"><v>2</v></c><c r="D1" s="1" t="s"><v>3</v></c></row>'
    ]
    for i, (name, tier, revenue) in enumerate(PARTNERS, start=2):
        rows.append(
            f'<row r="{i}" spans="1:4" x14ac:dyDescent="0.25">{name}'
            f'<c r="B{i}" t="inlineStr"><is><t>{tier}</t></is></c>'
            f'<c r="C{i}" s="2"><v>{revenue}</v></c>'
            f'<c r="D{i}" s="2"><f>C{i}*2</f><v>{revenue * 2}</v></c></row>'
        )
    rows.append(
        '<row r="6" spans="1:4"><c r="A6" t="inlineStr"><is><t>Total</t></is></c>'
        '<c r="C6" s="2"><f>SUM(C2:C4)</f><v>600</v></c></row>'
    )
    ext = (
        '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
        'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
        '<x14:dataValidations count="1" '
        'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
        '<x14:dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1">'
        "<x14:formula1><xm:f>Lists!$A$1:$A$3</xm:f></x14:formula1><xm:sqref>B2:B4</xm:sqref>"
        "</x14:dataValidation></x14:dataValidations></ext></extLst>"
    )
    return (
        f'{DECL}<worksheet xmlns="{MAIN}" xmlns:r="{R}" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'mc:Ignorable="x14ac xr xr2 xr3" '
        'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" '
        'xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" '
        'xmlns:xr2="http://schemas.microsoft.com/office/spreadsheetml/2015/revision2" '
        'xmlns:xr3="http://schemas.microsoft.com/office/spreadsheetml/2016/revision3" '
        'xr:uid="{00000000-0001-0000-0000-000000000000}">'
        '<dimension ref="A1:D6"/><sheetViews><sheetView tabSelected="1" workbookViewId="0"/>'
        '</sheetViews><sheetFormatPr defaultRowHeight="15" x14ac:dyDescent="0.25"/>'
        '<cols><col min="1" max="1" width="24" customWidth="1"/>'
        '<col min="2" max="16384" width="11" style="0"/></cols>'
        f"<sheetData>{''.join(rows)}</sheetData>"
        '<autoFilter ref="A1:D4"/>'
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        '<drawing r:id="rId1"/><legacyDrawing r:id="rId3"/>'
        f"{ext}</worksheet>"
    )


def _lists_sheet() -> str:
    cells = "".join(
        f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>{t}</t></is></c></row>'
        for i, t in enumerate(("Strategic", "Tactical", "Casual"), start=1)
    )
    return f'{DECL}<worksheet xmlns="{MAIN}"><sheetData>{cells}</sheetData></worksheet>'


def _drawing() -> str:
    xdr = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
    a = "http://schemas.openxmlformats.org/drawingml/2006/main"
    anchor = (
        "<xdr:from><xdr:col>5</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>1</xdr:row>"
        "<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>7</xdr:col><xdr:colOff>0"
        "</xdr:colOff><xdr:row>4</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>"
    )
    shape = (
        f'<xdr:twoCellAnchor>{anchor}<xdr:sp macro="" textlink=""><xdr:nvSpPr>'
        '<xdr:cNvPr id="2" name="Callout 1"/><xdr:cNvSpPr/></xdr:nvSpPr><xdr:spPr>'
        '<a:xfrm><a:off x="0" y="0"/><a:ext cx="1200000" cy="600000"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr><xdr:txBody><a:bodyPr/>'
        "<a:p><a:r><a:t>Review Q3</a:t></a:r></a:p></xdr:txBody></xdr:sp><xdr:clientData/>"
        "</xdr:twoCellAnchor>"
    )
    pic = (
        f"<xdr:twoCellAnchor>{anchor}<xdr:pic><xdr:nvPicPr>"
        '<xdr:cNvPr id="3" name="Logo"/><xdr:cNvPicPr/></xdr:nvPicPr><xdr:blipFill>'
        f'<a:blip xmlns:r="{R}" r:embed="rId1"/><a:stretch><a:fillRect/></a:stretch>'
        '</xdr:blipFill><xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="100000" cy="100000"/>'
        '</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic>'
        "<xdr:clientData/></xdr:twoCellAnchor>"
    )
    return f'{DECL}<xdr:wsDr xmlns:xdr="{xdr}" xmlns:a="{a}">{shape}{pic}</xdr:wsDr>'


def _rels(*rels: tuple[str, str, str]) -> str:
    body = "".join(
        f'<Relationship Id="{i}" Type="{R}/{t}" Target="{target}"/>' for i, t, target in rels
    )
    return f'{DECL}<Relationships xmlns="{PKG_R}">{body}</Relationships>'


def parts() -> dict[str, bytes]:
    threaded = (
        f"{DECL}<ThreadedComments "
        'xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments" '
        'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<threadedComment ref="A2" dT="2026-01-05T10:00:00.00" '
        'personId="{11111111-1111-1111-1111-111111111111}" '
        'id="{22222222-2222-2222-2222-222222222222}">'
        "<text>@Dana can we confirm the Q3 pipeline?</text>"
        "</threadedComment></ThreadedComments>"
    )
    persons = (
        f"{DECL}<personList "
        'xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments" '
        'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<person displayName="Dana Kim" id="{11111111-1111-1111-1111-111111111111}" '
        'userId="dana@example.com" providerId="AD"/></personList>'
    )
    comments = (
        f'{DECL}<comments xmlns="{MAIN}"><authors>'
        "<author>tc={22222222-2222-2222-2222-222222222222}</author></authors><commentList>"
        '<comment ref="A2" authorId="0" shapeId="0"><text><t>[Threaded comment] '
        "@Dana can we confirm the Q3 pipeline?</t></text></comment></commentList></comments>"
    )
    vml = (
        '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:'
        'office:office" xmlns:x="urn:schemas-microsoft-com:office:excel"><v:shape '
        'type="#_x0000_t202" style="position:absolute;visibility:hidden"><x:ClientData '
        'ObjectType="Note"><x:Row>1</x:Row><x:Column>0</x:Column></x:ClientData></v:shape></xml>'
    )
    types = (
        f'{DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="png" ContentType="image/png"/>'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.'
        'vmlDrawing"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        '<Override PartName="/xl/drawings/drawing1.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.drawing+xml"/>'
        '<Override PartName="/xl/comments1.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.comments+xml"/>'
        '<Override PartName="/xl/threadedComments/threadedComment1.xml" ContentType="'
        'application/vnd.ms-excel.threadedcomments+xml"/>'
        '<Override PartName="/xl/persons/person.xml" ContentType="application/vnd.ms-excel.'
        'person+xml"/></Types>'
    )
    workbook = (
        f'{DECL}<workbook xmlns="{MAIN}" xmlns:r="{R}" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'mc:Ignorable="x15 xr xr6 xr10 xr2" '
        'xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main" '
        'xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" '
        'xmlns:xr6="http://schemas.microsoft.com/office/spreadsheetml/2016/revision6" '
        'xmlns:xr10="http://schemas.microsoft.com/office/spreadsheetml/2016/revision10" '
        'xmlns:xr2="http://schemas.microsoft.com/office/spreadsheetml/2015/revision2">'
        '<workbookPr defaultThemeVersion="166925"/><bookViews><workbookView xWindow="0" '
        'yWindow="0" windowWidth="28800" windowHeight="12300"/></bookViews>'
        '<sheets><sheet name="Partners" sheetId="1" r:id="rId1"/>'
        '<sheet name="Lists" sheetId="2" r:id="rId2"/></sheets>'
        '<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
        "Partners!$A$1:$D$4</definedName></definedNames>"
        '<calcPr calcId="191029"/></workbook>'
    )
    styles = (
        f'{DECL}<styleSheet xmlns="{MAIN}" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'mc:Ignorable="x14ac" '
        'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">'
        '<numFmts count="1"><numFmt numFmtId="164" formatCode="&quot;$&quot;#,##0"/></numFmts>'
        '<fonts count="2" x14ac:knownFonts="1"><font><sz val="11"/><color theme="1"/>'
        '<name val="Calibri"/><family val="2"/><scheme val="minor"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        "</cellStyleXfs>"
        '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" '
        'applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        '<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium2" '
        'defaultPivotStyle="PivotStyleLight16"/></styleSheet>'
    )
    return {
        "[Content_Types].xml": types.encode(),
        "_rels/.rels": _rels(("rId1", "officeDocument", "xl/workbook.xml")).encode(),
        "xl/workbook.xml": workbook.encode(),
        "xl/_rels/workbook.xml.rels": _rels(
            ("rId1", "worksheet", "worksheets/sheet1.xml"),
            ("rId2", "worksheet", "worksheets/sheet2.xml"),
            ("rId3", "styles", "styles.xml"),
            ("rId4", "sharedStrings", "sharedStrings.xml"),
        )
        .replace(
            "</Relationships>",
            '<Relationship Id="rId5" Type="http://schemas.microsoft.com/office/2017/10/'
            'relationships/person" Target="persons/person.xml"/></Relationships>',
        )
        .encode(),
        "xl/worksheets/sheet1.xml": _partner_sheet().encode(),
        "xl/worksheets/sheet2.xml": _lists_sheet().encode(),
        "xl/worksheets/_rels/sheet1.xml.rels": _rels(
            ("rId1", "drawing", "../drawings/drawing1.xml"),
            ("rId2", "comments", "../comments1.xml"),
            ("rId3", "vmlDrawing", "../drawings/vmlDrawing1.vml"),
        )
        .replace(
            "</Relationships>",
            '<Relationship Id="rId4" Type="http://schemas.microsoft.com/office/2017/10/'
            'relationships/threadedComment" Target="../threadedComments/threadedComment1.xml"/>'
            "</Relationships>",
        )
        .encode(),
        "xl/drawings/drawing1.xml": _drawing().encode(),
        "xl/drawings/_rels/drawing1.xml.rels": _rels(
            ("rId1", "image", "../media/image1.png")
        ).encode(),
        "xl/drawings/vmlDrawing1.vml": vml.encode(),
        "xl/media/image1.png": PNG,
        "xl/comments1.xml": comments.encode(),
        "xl/threadedComments/threadedComment1.xml": threaded.encode(),
        "xl/persons/person.xml": persons.encode(),
        "xl/styles.xml": styles.encode(),
        "xl/sharedStrings.xml": _shared_strings().encode(),
    }


def write_rich_workbook(path: Path, *, macro: bool = False) -> Path:
    """Write the rich workbook to `path` (as a macro-enabled workbook when `macro`)."""
    data = parts()
    if macro:
        data["[Content_Types].xml"] = (
            data["[Content_Types].xml"]
            .replace(
                b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
            )
            .replace(
                b'<Default Extension="xml"',
                b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                b'<Default Extension="xml"',
            )
        )
        data["xl/_rels/workbook.xml.rels"] = data["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>",
            b'<Relationship Id="rId9" Type="http://schemas.microsoft.com/office/2006/'
            b'relationships/vbaProject" Target="vbaProject.bin"/></Relationships>',
        )
        data["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0fake-vba-project" + bytes(range(256))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in data.items():
            z.writestr(name, content)
    return path
