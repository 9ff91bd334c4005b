"""`tierwise template`: a blank partner tracker a team can start from.

The tracker sheet has the canonical columns under friendly headers (each maps back to
its field through the default aliases), a note on every header saying what to enter,
drop-downs for tier, partner type and marketplace, and one example row. A second sheet,
"Strategy", declares the strategic and tactical initiatives (read back by
tierwise.io.strategy); a third, "Rules of engagement", states what each tier gets and
owes (docs/PLAYBOOK.md). Every number a sheet states comes from the rubric in force, passed
in as plain data: the values of RUBRIC_KEYS (tierwise.outputs.write_template reads them
from a rubric); so do the catalogue's words it states (`TemplateWords`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any, Final, NamedTuple

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from tierwise.errors import TierwiseError
from tierwise.fields import TIERS
from tierwise.io.atomic import write_atomically
from tierwise.io.strategy import STRATEGY_SHEET

TRACKER_SHEET: Final = "Partners"
RULES_SHEET: Final = "Rules of engagement"
EXAMPLE_MARK: Final = "EXAMPLE - replace or delete this row"
DATA_ROWS: Final = 1000  # how far down the drop-downs reach
# The rubric values the template states, by dotted rubric key; notes name them in braces.
RUBRIC_KEYS: Final = (
    "tiers.strategic_initiatives_max",
    "tiers.strategic_partners_min",
    "tiers.strategic_partners_max",
    "tiers.strategic_types",
    "tiers.tactical_initiatives_min",
    "tiers.tactical_initiatives_max",
    "tiers.tactical_partners_min",
    "tiers.tactical_partners_max",
    "tiers.casual_max_fte",
    "tiers.casual_max_budget",
    "flags.strategic_in_name_only.min_fte",
    "flags.strategic_in_name_only.max_days_inactive",
    "flags.press_release.days_after_announcement",
    "thresholds.significant",
    "thresholds.grace_days",
    "recommend.strategic_min_score",
    "recommend.tactical_min_score",
    "recommend.promote_margin",
    "strategy.strategic_initiative",
    "strategy.tactical_initiatives",
    "strategy.dominance_markets",
)
_KEY: Final = re.compile(r"\{([a-z_.]+)\}")

TIER_CHOICES: Final = tuple(t.capitalize() for t in TIERS)
# Display names of PARTNER_TYPES, in the same order.
TYPE_CHOICES: Final = (
    "Consultancy",
    "Integrator",
    "ISV",
    "Product",
    "Service",
    "Reseller",
    "Distributor",
    "MSP",
    "Other",
)
YES_NO: Final = ("Yes", "No")
RELATIONSHIP_CHOICES: Final = (
    "Go-to-market",
    "Supplier",
    "Subcontractor",
    "Technology",
    "Acquisition candidate",
)


# field -> (header, what to enter, example value, number format, width)
COLUMNS: Final[tuple[tuple[str, str, str, str | float | date | None, str | None, float], ...]] = (
    (
        "partner",
        "Partner",
        "The partner company's name. Required: one row per partner.",
        "Contoso Data Services (EXAMPLE)",
        None,
        28,
    ),
    (
        "partner_type",
        "Partner Type",
        "Pick from the list: consultancy, integrator, ISV (the "
        "only types eligible for strategic), product, service, reseller, distributor, MSP.",
        "Integrator",
        None,
        14,
    ),
    (
        "designated_tier",
        "Tier",
        "Strategic, Tactical or Casual (see 'Rules of engagement'). "
        "At most {tiers.strategic_partners_max} strategic partners on "
        "{tiers.strategic_initiatives_max} initiative; {tiers.tactical_partners_min}-"
        "{tiers.tactical_partners_max} tactical partners.",
        "Tactical",
        None,
        11,
    ),
    (
        "initiative",
        "GTM Initiative",
        "The go-to-market initiative this partner serves. "
        "{tiers.strategic_initiatives_max} strategic initiative; "
        "{tiers.tactical_initiatives_min}-{tiers.tactical_initiatives_max} tactical ones. "
        "Leave blank for casual partners.",
        "Retail Analytics Co-sell",
        None,
        24,
    ),
    (
        "target_market",
        "Target Market",
        "A specific market or segment, e.g. 'UK grocery "
        "retail (50-400 stores)'. 'Global', 'All' or 'Enterprise' is not a market.",
        "UK grocery retail (50-400 stores)",
        None,
        26,
    ),
    (
        "market_need",
        "Market Need",
        "The customer problem you solve together, in the customer's words.",
        "Store-level demand forecasting without a data team",
        None,
        30,
    ),
    (
        "objective",
        "Our Objective",
        "What WE get: a number, a market and a date, e.g. 'Win 20 "
        "UK grocery chains by Q4 2027'. Avoid 'synergies' or 'better serve the market'.",
        "Win 20 UK grocery chains through their retail practice by Q4 2027",
        None,
        34,
    ),
    (
        "partner_agenda",
        "Partner Agenda",
        "What THEY want from us, honestly stated. Leaving it "
        "blank or 'TBD' is flagged for strategic and tactical partners.",
        "Attach $2M a year of forecasting projects to our licences",
        None,
        30,
    ),
    (
        "revenue_target",
        "Joint Revenue Target ($)",
        "The joint revenue goal for the year, in "
        "dollars. A big number with no pipeline behind it is flagged (EXEC_LUNCH).",
        800000,
        '"$"#,##0',
        15,
    ),
    (
        "pipeline",
        "Joint Pipeline ($)",
        "Open joint pipeline today, in dollars.",
        650000,
        '"$"#,##0',
        14,
    ),
    (
        "closed_revenue",
        "Closed Revenue ($)",
        "Revenue closed with this partner this year (evidences share).",
        420000,
        '"$"#,##0',
        14,
    ),
    ("deals_won", "Deals Won", "Joint deals won this year.", 6, "0", 9),
    (
        "new_logos",
        "New Logos",
        "Net-new customers the partner brought (evidences access).",
        9,
        "0",
        9,
    ),
    (
        "sourced_share",
        "Partner-Sourced %",
        "Share of this partner's deals that the partner found (evidences access).",
        0.45,
        "0%",
        10,
    ),
    (
        "new_markets",
        "New Markets",
        "Regions or verticals opened through the partner: a count "
        "or names, e.g. 'Ireland, Scotland' (evidences access).",
        "Ireland",
        None,
        14,
    ),
    (
        "share_gain",
        "Share Gain (pts)",
        "Change in our market share or win rate in the target market, in points (evidences share).",
        4,
        "0.0",
        10,
    ),
    (
        "cycle_days",
        "Sales Cycle With Partner (days)",
        "Average days to close with this partner (evidences speed, against the direct cycle).",
        85,
        "0",
        12,
    ),
    (
        "baseline_cycle_days",
        "Direct Sales Cycle (days)",
        "Our average days to close without a partner, in the same market.",
        150,
        "0",
        12,
    ),
    (
        "integrations",
        "Integrations",
        "Integrations, connectors or joint solutions live (evidences ecosystem).",
        2,
        "0",
        11,
    ),
    (
        "certifications",
        "Certified Staff",
        "People at the partner certified on our product (evidences ecosystem).",
        12,
        "0",
        10,
    ),
    (
        "marketplace",
        "Marketplace",
        "Yes if we are listed on their marketplace or they on ours (evidences ecosystem).",
        "Yes",
        None,
        11,
    ),
    (
        "exec_sponsor",
        "Executive Sponsor",
        "Our executive who owns the relationship. Required for a strategic partner.",
        "Dana Whitfield (COO)",
        None,
        20,
    ),
    (
        "origin",
        "How It Started",
        "How the partnership began, e.g. 'joint customer win', 'CEO dinner'.",
        "Joint customer win, 2025",
        None,
        22,
    ),
    (
        "announced",
        "Announced",
        "Date of the press release or public announcement, if any. "
        "An announcement with no market or pipeline after "
        "{flags.press_release.days_after_announcement} days is flagged.",
        None,
        "yyyy-mm-dd",
        12,
    ),
    (
        "agreement_date",
        "Agreement Signed",
        "Date the partner agreement was signed.",
        date(2025, 9, 1),
        "yyyy-mm-dd",
        12,
    ),
    (
        "start_date",
        "Partner Since",
        "Date the partnership started. New partners "
        "({thresholds.grace_days} days) are too early to judge.",
        date(2025, 9, 15),
        "yyyy-mm-dd",
        12,
    ),
    (
        "last_activity",
        "Last Joint Activity",
        "Date of the last joint meeting, deal or "
        "campaign. Strategic partners idle for "
        "{flags.strategic_in_name_only.max_days_inactive} days are flagged.",
        date(2026, 10, 1),
        "yyyy-mm-dd",
        12,
    ),
    (
        "fte",
        "Dedicated FTE",
        "Our people dedicated to this partner, in full-time "
        "equivalents (0.5 = half a person). Strategic needs at least "
        "{flags.strategic_in_name_only.min_fte}.",
        1,
        "0.0#",
        9,
    ),
    (
        "budget",
        "MDF Budget ($)",
        "Marketing development funds or other budget we spend on "
        "this partner this year, in dollars.",
        60000,
        '"$"#,##0',
        12,
    ),
    (
        "owner",
        "Partner Manager",
        "The person who manages the relationship day to day.",
        "Sofia Lindqvist",
        None,
        16,
    ),
    (
        "owner_team",
        "Owner Team",
        "Alliances for strategic and tactical partners; Field for "
        "casual, opportunity-by-opportunity partners.",
        "Alliances",
        None,
        12,
    ),
    (
        "relationship",
        "Relationship",
        "Go-to-market (blank) for a partner we sell with; or Supplier, Subcontractor, "
        "Technology or Acquisition candidate: those are listed, never judged for exit.",
        "Go-to-market",
        None,
        14,
    ),
    (
        "notes",
        "Notes",
        "Anything else worth knowing: context, next steps, risks.",
        EXAMPLE_MARK,
        None,
        30,
    ),
)

HEADER_FILL: Final = PatternFill("solid", fgColor="1F4E79")
EXAMPLE_FILL: Final = PatternFill("solid", fgColor="FFF2CC")
RULE_FILL: Final = PatternFill("solid", fgColor="DDEBF7")
THIN: Final = Side(style="thin", color="9BB7D4")


class TemplateWords(NamedTuple):
    """The catalogue's words the template states (tierwise.outputs.write_template takes
    them from tierwise.catalogue). `mistakes`: (flag code, meaning) of every flag, in
    order; `tactical_initiatives`: the label of the Strategy sheet's tactical row."""

    mistakes: tuple[tuple[str, str], ...]
    tactical_initiatives: str


def write_template(
    path: Path, numbers: Mapping[str, Any], words: TemplateWords, *, force: bool = False
) -> None:
    """Write a blank tracker to `path` (.xlsx) stating `numbers` (RUBRIC_KEYS -> value)
    and `words`. Refuses to replace an existing file unless `force`; writes a temporary
    file beside it, then renames it into place."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise TierwiseError(f"{path.name}: a template is an .xlsx workbook; name it OUT.xlsx")
    if path.exists() and not force:
        raise TierwiseError(f"{path} already exists; pass --force to replace it")
    if not path.parent.is_dir():
        raise TierwiseError(f"folder {path.parent} does not exist; create it first")
    wb = Workbook()
    _tracker_sheet(wb.worksheets[0], numbers)
    _strategy_sheet(wb.create_sheet(STRATEGY_SHEET), numbers, words.tactical_initiatives)
    _rules_sheet(wb.create_sheet(RULES_SHEET), numbers, words.mistakes)
    # Beside the target, renamed into place, with the permissions a normal save gives.
    write_atomically(path, lambda tmp: wb.save(tmp))


def _stated(note: str, numbers: Mapping[str, Any]) -> str:
    """`note` with each {rubric.key} replaced by its value."""
    return _KEY.sub(lambda m: f"{numbers[m[1]]:g}", note)


def _tracker_sheet(ws: Worksheet, numbers: Mapping[str, Any]) -> None:
    ws.title = TRACKER_SHEET
    for col, (_, header, note, example, fmt, width) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=col, value=header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.border = Border(bottom=THIN)
        comment = Comment(_stated(note, numbers), "Tierwise")
        comment.width, comment.height = 260, 110
        cell.comment = comment
        sample = ws.cell(row=2, column=col, value=example)
        sample.fill = EXAMPLE_FILL
        sample.font = Font(italic=True, color="7F6000")
        if fmt:
            sample.number_format = fmt
        # Wide enough for the header's longest word in bold: never broken mid-word.
        longest = max(len(word) for word in header.split())
        ws.column_dimensions[get_column_letter(col)].width = max(width, longest * 1.2 + 2)
    ws.row_dimensions[1].height = 45
    last = get_column_letter(len(COLUMNS))
    ws.freeze_panes = "B2"
    # Printed landscape, two pages wide, the header row and the partner column on each.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 2, 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = "1:1"
    ws.print_title_cols = "A:A"
    ws.auto_filter.ref = f"A1:{last}2"
    _drop_down(ws, "designated_tier", TIER_CHOICES, "Pick Strategic, Tactical or Casual")
    _drop_down(ws, "partner_type", TYPE_CHOICES, "Pick a partner type from the list")
    _drop_down(ws, "marketplace", YES_NO, "Yes or No")
    _drop_down(ws, "relationship", RELATIONSHIP_CHOICES, "Pick a kind of relationship")


def _title(ws: Worksheet, title: str, intro: str, last: str, height: float) -> None:
    """A sheet's title in A1 and its introduction in A2, merged across to `last`."""
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=16, color="1F4E79")
    ws["A2"] = intro
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(f"A2:{last}2")
    ws.row_dimensions[2].height = height


def _strategy_sheet(ws: Worksheet, numbers: Mapping[str, Any], tactical: str) -> None:
    """The company's strategy, declared before any partner is chosen (docs/PLAYBOOK.md
    section 4), in the rows tierwise.io.strategy reads back."""
    declared = {k.split(".")[1]: v for k, v in numbers.items() if k.startswith("strategy.")}
    _title(
        ws,
        STRATEGY_SHEET,
        "Our goals first, then the market-dominance strategy, and only then partners. "
        "Name the one strategic initiative and the 3-5 tactical ones exactly as the "
        "Initiative column writes them (one per cell); Tierwise fills the slots from them. "
        "Left blank, Tierwise proposes the strategic initiative and says so.",
        "F",
        60,
    )
    rows = (
        ("Strategic initiative", [declared["strategic_initiative"]]),
        (tactical, list(declared["tactical_initiatives"])),
        ("Dominance markets", list(declared["dominance_markets"])),
    )
    for r, (label, values) in enumerate(rows, start=4):
        head = ws.cell(row=r, column=1, value=label)
        head.font, head.fill = Font(bold=True), RULE_FILL
        for c, value in enumerate([v for v in values if v], start=2):
            ws.cell(row=r, column=c, value=value)
    ws.column_dimensions["A"].width = 24
    for letter in "BCDEF":
        ws.column_dimensions[letter].width = 30


def _drop_down(ws: Worksheet, field: str, choices: tuple[str, ...], error: str) -> None:
    letter = get_column_letter(column_of(field))
    dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
    dv.error, dv.errorTitle, dv.showErrorMessage = error, "Not in the list", True
    dv.add(f"{letter}2:{letter}{DATA_ROWS + 1}")
    ws.add_data_validation(dv)


def column_of(field: str) -> int:
    """1-based column of a canonical field on the template's tracker sheet."""
    return next(i for i, c in enumerate(COLUMNS, start=1) if c[0] == field)


def _rules_sheet(
    ws: Worksheet, numbers: Mapping[str, Any], mistakes: tuple[tuple[str, str], ...]
) -> None:
    t = numbers.__getitem__
    strategic_types = ", ".join(t("tiers.strategic_types"))
    rows: list[tuple[str, str, str, str]] = [
        (
            "What it is",
            "An intimate partnership on our single market-dominance initiative: the "
            "partner helps us win a specified target market.",
            "A product or service partner on one of a few tactical programs: it brings "
            "customers, speed or platform reach we measure.",
            "An opportunity-by-opportunity relationship: a referral, a deal, a "
            "registration. Any number of them.",
        ),
        (
            "Limits",
            f"Exactly {t('tiers.strategic_initiatives_max')} strategic initiative; "
            f"{t('tiers.strategic_partners_min')}-{t('tiers.strategic_partners_max')} "
            f"strategic partners, each a {strategic_types}.",
            f"{t('tiers.tactical_initiatives_min')}-{t('tiers.tactical_initiatives_max')} "
            f"tactical initiatives; {t('tiers.tactical_partners_min')}-"
            f"{t('tiers.tactical_partners_max')} tactical partners in total.",
            f"No cap. At most {t('tiers.casual_max_fte'):g} FTE and "
            f"${t('tiers.casual_max_budget'):,.0f} budget each.",
        ),
        (
            "Who owns it",
            "An executive sponsor, plus an alliance manager.",
            "An alliance or partner manager.",
            "The field (account executives), not alliance staff.",
        ),
        (
            "What it gets from us",
            f"At least {t('flags.strategic_in_name_only.min_fte'):g} dedicated FTE, a joint "
            "plan and budget, executive attention, joint roadmap.",
            "A named partner manager, enablement and certification, MDF tied to the "
            "initiative's numbers, co-marketing.",
            "Deal registration and standard partner terms; no dedicated people or funds.",
        ),
        (
            "What it owes us",
            "Evidence on our agenda in the target market: closed revenue against the "
            "joint target, share gain, new logos, shorter cycles, integrations.",
            "Evidence on at least one motivation: new logos or partner-sourced deals "
            "(access), shorter cycles (speed), integrations, certified staff, "
            "marketplace listing (ecosystem).",
            "Deals, when they come.",
        ),
        (
            "Honest agendas",
            "Our objective names a market, a number and a date; the partner's agenda is "
            "written down, not 'TBD'.",
            "Same as strategic.",
            "Optional.",
        ),
        (
            "Review",
            f"Quarterly. Joint activity at least every "
            f"{t('flags.strategic_in_name_only.max_days_inactive')} days.",
            "Half-yearly, against the initiative's numbers.",
            "Yearly clean-up of dormant registrations.",
        ),
        (
            "Moves up when",
            "(top tier)",
            "It is on the strategic initiative (Strategy sheet), brings business, and its "
            f"score clears the strategic bar of {t('recommend.strategic_min_score'):g} by "
            f"{t('recommend.promote_margin'):g}: on merit, never because a slot is free.",
            "Its evidence clears the tactical bar of "
            f"{t('recommend.tactical_min_score'):g} by {t('recommend.promote_margin'):g} "
            "and it is on a tactical initiative: on merit, never because a slot is free.",
        ),
        (
            "Moves down or out when",
            f"No sponsor, under {t('flags.strategic_in_name_only.min_fte'):g} FTE, idle for "
            f"{t('flags.strategic_in_name_only.max_days_inactive')} days, or a low score: it is "
            "strategic in name only. Demote to tactical or casual; a demotion names the "
            "partners holding the slots.",
            f"No motivation reaches {t('thresholds.significant'):g}/100 after "
            f"{t('thresholds.grace_days')} days: ask 'why bother?'. Withdraw (stop "
            "investing, hand it to the field) if it brings some business; exit (end it) "
            "if it brings no revenue, deals or logos and still costs FTE or budget.",
            "Exit when it consumes resources with nothing to show for them.",
        ),
        (
            "Never on unknowns",
            "A blank cell is unknown, not 0. Where the move would rest on blanks, the "
            "action is collect: fill the named cells first.",
            "Same as strategic. A partner too new to judge keeps its tier but never "
            "takes a slot from a partner with evidence.",
            "Suppliers, subcontractors, technology alliances and acquisition candidates "
            "are listed, never exited as go-to-market partners.",
        ),
    ]
    _title(
        ws,
        RULES_SHEET,
        "Partnering serves our own agenda: increase share in a specified market, gain "
        "access to customers we cannot reach alone, accelerate sales cycles, or build "
        "power in our ecosystem. A partner that significantly advances none of these is "
        "not worth the investment.",
        "D",
        48,
    )
    for col, text in enumerate(("", "Strategic", "Tactical", "Casual"), start=1):
        cell = ws.cell(row=4, column=col, value=text or None)
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), HEADER_FILL
    for r, row in enumerate(rows, start=5):
        for col, text in enumerate(row, start=1):
            cell = ws.cell(row=r, column=col, value=text)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = Border(bottom=THIN)
            if col == 1:
                cell.font, cell.fill = Font(bold=True), RULE_FILL
        ws.row_dimensions[r].height = 50
    mistakes_row = 5 + len(rows) + 1
    ws.cell(row=mistakes_row, column=1, value="The four mistakes, and why bother").font = Font(
        bold=True, size=12, color="1F4E79"
    )
    for i, (code, text) in enumerate(mistakes, start=mistakes_row + 1):
        ws.cell(row=i, column=1, value=code).font = Font(bold=True)
        ws.cell(row=i, column=2, value=text).alignment = Alignment(wrap_text=True)
        ws.merge_cells(start_row=i, start_column=2, end_row=i, end_column=4)
        ws.row_dimensions[i].height = 32
    ws.column_dimensions["A"].width = 26
    for letter in "BCD":
        ws.column_dimensions[letter].width = 42
    ws.freeze_panes = "B5"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 1
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
