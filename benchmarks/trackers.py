"""Deterministic partner trackers of any size, written the way people keep them.

A title block above the header row, ~30 columns with the headers people actually
type (mapped to the canonical fields through the default rubric's aliases, plus a
few that map to nothing), money both as numbers and as typed strings ("$1.2M",
"EUR 300k", "n/a"), percents as formatted fractions and as "45%", dates as real
dates and as strings, free-text notes, and a Lists sheet feeding the drop-downs.

    python benchmarks/trackers.py 1000 10000 100000   # writes benchmarks/data/

Other benchmarks call `ensure_tracker(n)`, which writes the file once and reuses it.
The same `n` and `seed` always give the same cells.
"""

from __future__ import annotations

import os
import random
import re
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
SEED = 20260331
# Bump when the cells change, so cached trackers are regenerated rather than reused.
GENERATOR_VERSION = 4

HEADERS: tuple[str, ...] = (
    "Partner Name",  # partner
    "Partner ID",  # unmapped
    "Partner Type",  # partner_type
    "Partner Level",  # designated_tier
    "GTM Initiative",  # initiative
    "Target Market",  # target_market
    "Joint Value Proposition",  # market_need
    "Our Objective",  # objective
    "Partner Agenda",  # partner_agenda
    "Revenue Target ($)",  # revenue_target
    "Open Pipeline",  # pipeline
    "Closed Revenue ($)",  # closed_revenue
    "Deals Won",  # deals_won
    "New Logos",  # new_logos
    "Partner-Sourced %",  # sourced_share
    "New Regions",  # new_markets
    "Win Rate Change",  # share_gain
    "Sales Cycle (days)",  # cycle_days
    "Direct Cycle (days)",  # baseline_cycle_days
    "Integrations",  # integrations
    "Certified Consultants",  # certifications
    "Marketplace",  # marketplace
    "Exec Sponsor",  # exec_sponsor
    "How It Started",  # origin
    "Press Release",  # announced
    "Agreement Signed",  # agreement_date
    "Partner Since",  # start_date
    "Last Activity",  # last_activity
    "Resources (FTE)",  # fte
    "MDF Budget",  # budget
    "Partner Manager",  # owner
    "Team",  # owner_team
    "Region",  # unmapped
    "Notes",  # notes
)

TIER_LABELS = (
    ["Platinum"] * 2
    + ["Strategic"] * 2
    + ["Gold"] * 8
    + ["Silver"] * 10
    + ["Bronze"] * 25
    + ["Registered"] * 25
    + ["Referral"] * 10
    + ["", "Tier X", "Pending"]  # blank, and two labels the label map does not know
)
PARTNER_TYPES = (
    "ISV",
    "Integrator",
    "Consultancy",
    "Reseller",
    "MSP",
    "Distributor",
    "Product",
    "Service",
    "Systems Integrator",
    "other",
)
INITIATIVES = (
    "Retail Cloud Dominance",
    "FinServ Compliance Suite",
    "Healthcare Data Platform",
    "SMB Marketplace Push",
    "Public Sector Framework",
    "Manufacturing IoT",
    "Partner-Led Growth",
    "",
)
MARKETS = (
    "UK mid-market retail",
    "DACH manufacturing",
    "US regional banks",
    "Nordic public sector",
    "APAC telco",
    "US healthcare payers",
    "French insurers",
    "Benelux logistics",
    "All",
    "Global",
    "Enterprise",
    "TBD",
    "",
)
NEEDS = (
    "Cut month-end close from 10 to 3 days for retailers",
    "PCI-compliant payments for regional banks",
    "Real-time inventory across 200+ stores",
    "Better serve the market",
    "Synergy across our portfolios",
    "Claims triage in under 24h",
    "",
)
OBJECTIVES = (
    "Win 20 logos in UK retail by Q4",
    "Reach EUR 5M bookings in DACH by FY27",
    "Shorten cycle to 60 days in banking",
    "Strategic alliance to leverage synergies",
    "Explore opportunities together",
    "World-class win-win partnership",
    "Open the Nordic public sector",
    "",
)
AGENDAS = (
    "Sell more services hours",
    "Get listed on our marketplace",
    "Access our install base",
    "TBD",
    "?",
    "",
)
ORIGINS = (
    "Exec dinner at Davos",
    "CEO lunch",
    "Inbound via marketplace",
    "Joint customer request",
    "Field referral",
    "Conference",
    "",
)
SPONSORS = ("J. Alvarez (CRO)", "M. Chen (CEO)", "S. Patel (VP Sales)", "", "", "TBD")
MANAGERS = ("Dana Fox", "Lee Park", "Ana Ruiz", "Tom Berg", "Ivy Moss", "Raj Rao", "")
TEAMS = ("Alliances", "Field", "Channel", "Field", "Field", "")
REGIONS = ("EMEA", "NA", "APAC", "LATAM")
BLANKS = ("n/a", "-", "TBD", "", None)
UNREADABLE = ("ask finance", "see deck", "soon", "tbc w/ Dana")
NOTE_BITS = (
    "QBR booked",
    "waiting on legal",
    "joint webinar done",
    "needs exec sponsor",
    "pipeline review slipped",
    "renewal due",
    "co-sell motion live",
    "=not a formula",
    "see email thread 12/03",
)
SYLLABLES = ("ac", "me", "no", "va", "tri", "dex", "lo", "gi", "co", "sys", "ly", "tek", "ra")
SUFFIXES = ("Ltd", "GmbH", "Inc", "LLC", "AG", "SA", "BV", "Partners", "Group", "Labs")

TODAY = date(2026, 3, 31)


def tracker_path(n: int, seed: int = SEED) -> Path:
    """Where the tracker of `n` partners is cached."""
    return DATA_DIR / f"tracker_{n}_s{seed}_v{GENERATOR_VERSION}.xlsx"


def ensure_tracker(n: int, seed: int = SEED) -> Path:
    """The tracker of `n` partners, written on first use (concurrent callers are safe)."""
    path = tracker_path(n, seed)
    if not path.exists():
        write_tracker(path, n, seed)
    return path


def write_tracker(path: Path, n: int, seed: int = SEED) -> Path:
    """Write a tracker of `n` partners to `path` (atomically: temp file, then rename)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Partners")
    lists = wb.create_sheet("Lists")

    widths = {1: 28, 6: 22, 7: 36, 8: 34, 34: 40}
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "B5"

    header_row = 4
    last = header_row + n
    ncols = len(HEADERS)
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(ncols)}{last}"
    for header, options in (("Partner Level", TIER_LABELS), ("Partner Type", PARTNER_TYPES)):
        col = get_column_letter(HEADERS.index(header) + 1)
        list_col = "A" if header == "Partner Level" else "B"
        count = len(dict.fromkeys(o for o in options if o))
        dv = DataValidation(
            type="list", formula1=f"Lists!${list_col}$2:${list_col}${count + 1}", allow_blank=True
        )
        dv.add(f"{col}{header_row + 1}:{col}{last}")
        ws.data_validations.append(dv)

    title = WriteOnlyCell(ws, value="FY26 Partner Portfolio Tracker")
    title.font = Font(bold=True, size=14)
    ws.append([title])
    ws.append([f"Owner: Alliances · {n:,} partners · updated {TODAY:%d %b %Y}"])
    ws.append([])
    bold = Font(bold=True)
    header_cells = []
    for header in HEADERS:
        cell = WriteOnlyCell(ws, value=header)
        cell.font = bold
        header_cells.append(cell)
    ws.append(header_cells)

    for values in _rows(ws, n, seed):
        # An empty string is a blank cell, as in a spreadsheet, not an empty text cell.
        ws.append([None if v == "" else v for v in values])

    levels = list(dict.fromkeys(o for o in TIER_LABELS if o))
    types = list(dict.fromkeys(PARTNER_TYPES))
    lists.append(["Partner Level", "Partner Type"])
    for i in range(max(len(levels), len(types))):
        lists.append([levels[i] if i < len(levels) else None, types[i] if i < len(types) else None])

    fd, tmp = tempfile.mkstemp(suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        last_list_row = 1 + max(len(levels), len(types))
        _as_excel_saves(
            Path(tmp),
            {
                "xl/worksheets/sheet1.xml": f"A1:{get_column_letter(ncols)}{last}",
                "xl/worksheets/sheet2.xml": f"A1:B{last_list_row}",
            },
        )
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


_INLINE = re.compile(
    rb'<c r="([A-Z]+[0-9]+)"((?: s="[0-9]+")?) t="inlineStr">'
    rb"(?:<is><t(?: xml:space=\"preserve\")?>(.*?)</t></is>|<is><t/></is>)?</c>"
)
_SST_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def _as_excel_saves(path: Path, dimensions: dict[str, str]) -> None:
    """Rewrite openpyxl's write-only output the way Excel saves a workbook.

    Write-only mode stores text inline and leaves out the `<dimension>` element; Excel
    always writes a shared-string table and the dimension. Readers differ a lot on
    both (openpyxl's read-only mode parses a whole sheet to find a missing dimension),
    so the benchmark trackers must look like Excel's.
    """
    with zipfile.ZipFile(path) as zin:
        parts = {info.filename: zin.read(info) for info in zin.infolist()}
    strings: dict[bytes, int] = {}
    total = 0

    def shared(m: re.Match[bytes]) -> bytes:
        nonlocal total
        ref, style, text = m.group(1), m.group(2), m.group(3)
        if not text:
            return b'<c r="' + ref + b'"' + style + b"/>" if style else b""
        total += 1
        index = strings.setdefault(text, len(strings))
        return b'<c r="' + ref + b'"' + style + b' t="s"><v>' + str(index).encode() + b"</v></c>"

    for name, ref in dimensions.items():
        xml = _INLINE.sub(shared, parts[name])
        dim = b'<dimension ref="' + ref.encode() + b'"/>'
        at = xml.find(b"</sheetPr>")
        at = at + len(b"</sheetPr>") if at >= 0 else xml.find(b">", xml.find(b"<worksheet")) + 1
        parts[name] = xml[:at] + dim + xml[at:]
    sst = [
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.'
        b'openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">'
        % (total, len(strings))
    ]
    sst += [b'<si><t xml:space="preserve">' + text + b"</t></si>" for text in strings]
    sst.append(b"</sst>")
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="' + _SST_TYPE + b'"/></Types>',
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Type="' + _SST_REL + b'" Target="sharedStrings.xml" Id="rIdSst"/>'
        b"</Relationships>",
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
            if name == "xl/styles.xml":
                zout.writestr("xl/sharedStrings.xml", b"".join(sst))


def _rows(ws, n: int, seed: int) -> Iterator[list]:
    """The partner rows: one seeded stream, so every size is reproducible."""
    from openpyxl.cell import WriteOnlyCell

    rng = random.Random(seed)
    pick = rng.choice
    rand = rng.random

    def styled(value: object, fmt: str):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = fmt
        return cell

    def money(scale: float) -> object:
        """Money as people type it: mostly numbers, sometimes "$1.2M", "EUR 300k", blanks."""
        amount = round(rng.lognormvariate(0, 1.2) * scale, -3)
        roll = rand()
        if roll < 0.70:
            return amount
        if roll < 0.80:
            return f"${amount / 1e6:.1f}M" if amount >= 1e6 else f"${amount / 1e3:.0f}k"
        if roll < 0.88:
            return f"{amount:,.0f}"
        if roll < 0.92:
            return f"EUR {amount / 1e3:.0f}k"
        if roll < 0.995:
            return pick(BLANKS)
        return pick(UNREADABLE)  # the odd cell no parser can read: a warning each

    def count(mean: float) -> object:
        value = int(rng.expovariate(1 / mean))
        roll = rand()
        if roll < 0.9:
            return value
        return str(value) if roll < 0.96 else pick(BLANKS)

    def day_between(start: date, end: date) -> date:
        return start + timedelta(days=rng.randrange((end - start).days))

    def a_date(start: date, end: date) -> object:
        """Real dates mostly; some typed as text in the formats people use."""
        d = day_between(start, end)
        roll = rand()
        if roll < 0.80:
            return datetime(d.year, d.month, d.day)
        if roll < 0.88:
            return d.isoformat()
        if roll < 0.94:
            return f"{d.month:02d}/{d.day:02d}/{d.year}"
        if roll < 0.995:
            return pick(BLANKS)
        return pick(UNREADABLE)

    def days(mean: float) -> object:
        value = max(5, int(rng.gauss(mean, mean / 3)))
        roll = rand()
        if roll < 0.8:
            return value
        return f"{value} days" if roll < 0.93 else pick(BLANKS)

    for i in range(n):
        level = pick(TIER_LABELS)
        invested = level in ("Platinum", "Strategic", "Gold", "Silver")
        name = "".join(pick(SYLLABLES) for _ in range(rng.randint(2, 3))).title()
        share = rng.betavariate(2, 5)
        roll = rand()
        if roll < 0.75:
            sourced: object = styled(round(share, 3), "0%")
        elif roll < 0.9:
            sourced = f"{share * 100:.0f}%"
        else:
            sourced = pick(BLANKS)
        if rand() < 0.5:
            new_markets: object = ", ".join(rng.sample(REGIONS, rng.randint(1, 3)))
        else:
            new_markets = count(1.5)
        announced_roll = rand()
        if announced_roll < 0.35:
            announced: object = a_date(date(2022, 1, 1), TODAY)
        elif announced_roll < 0.7:
            announced = pick(("Yes", "No", "Y", "N", "x", "TRUE", ""))
        else:
            announced = None
        marketplace = pick(("Y", "N", "Yes", "No", "x", "TRUE", "FALSE", "", None))
        fte_roll = rand()
        fte: object = (
            round(rng.uniform(0.5, 3.0), 1)
            if invested and fte_roll < 0.8
            else (round(rng.uniform(0, 0.5), 2) if fte_roll < 0.6 else pick(("0", "-", None)))
        )
        notes = "; ".join(rng.sample(NOTE_BITS, rng.randint(0, 3))) or None
        revenue_target = money(2_000_000 if invested else 250_000)
        yield [
            f"{name} {pick(SUFFIXES)} #{i + 1}",
            f"P-{100000 + i}",
            pick(PARTNER_TYPES),
            level,
            pick(INITIATIVES),
            pick(MARKETS),
            pick(NEEDS),
            pick(OBJECTIVES),
            pick(AGENDAS),
            styled(revenue_target, '"$"#,##0')
            if isinstance(revenue_target, float)
            else revenue_target,
            money(300_000 if invested else 40_000),
            money(500_000 if invested else 30_000),
            count(4 if invested else 0.8),
            count(3 if invested else 0.5),
            sourced,
            new_markets,
            round(rng.gauss(2, 4), 1) if rand() < 0.7 else pick(("+3pp", "-1.5%", "n/a")),
            days(75),
            days(110),
            count(2 if invested else 0.4),
            count(5 if invested else 0.7),
            marketplace,
            pick(SPONSORS) if invested else pick(("", "", SPONSORS[2])),
            pick(ORIGINS),
            announced,
            a_date(date(2018, 1, 1), TODAY),
            a_date(date(2016, 1, 1), TODAY),
            a_date(date(2025, 1, 1), TODAY),
            fte,
            money(80_000 if invested else 5_000),
            pick(MANAGERS),
            pick(TEAMS),
            pick(REGIONS),
            notes,
        ]


def main(argv: list[str]) -> None:
    import time

    for arg in argv or ["1000", "10000", "100000"]:
        n = int(arg.replace("k", "000"))
        start = time.perf_counter()
        path = write_tracker(tracker_path(n), n)
        size = path.stat().st_size / 1e6
        print(f"{path.name}: {n:,} partners, {size:.1f} MB in {time.perf_counter() - start:.1f}s")


if __name__ == "__main__":
    main(sys.argv[1:])
