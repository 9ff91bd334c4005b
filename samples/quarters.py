"""Two quarters of the same portfolio, for the "Quarterly review" walkthrough and tests.

`quarter_q3.xlsx` is `partner_tracker.xlsx` after last quarter's triage: the decisions
taken are in its "Tierwise: decision" column and its "Tierwise Log" sheet (as a saved
triage leaves them). `quarter_q4.xlsx` is the same tracker a quarter later, kept by the
same team, with planted changes: some decisions carried out and some not, partners
renamed (legal suffixes, "&"), dropped, added and split, numbers and FTE moved, and the
header wording changed ("Tier" became "Partner Level"). `quarter_q4.csv` is Q4 exported
with Q3's headers. Called by make_samples.py, which passes itself as `base`; judge Q3
as of the samples' date and Q4 --as-of Q4_AS_OF.
"""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

from openpyxl import load_workbook
from openpyxl.styles import Font

Q4_AS_OF = date(2027, 1, 31)
# Q4's header wording, where it differs from Q3's (each is read with its own mapping).
Q4_HEADERS = {
    "Partner": "Partner Name",
    "Tier": "Partner Level",
    "FTE": "Resources (FTE)",
    "MDF ($)": "Marketing Funds ($)",
    "Partner Manager": "Alliance Manager",
}
# Decisions of the Q3 review: partner -> (decision, note, in the column as well as the Log)
DECISIONS: dict[str, tuple[str, str, bool]] = {
    "Tessellate Digital": ("exit", "No motivation served in two years", True),
    "Ironbridge Consulting": ("exit", "Strategic in name only", True),
    "Crownpoint Resellers": ("casual", "Reseller, not a strategic partner", True),
    "Vantage Point Integration": ("tactical", "Good, but not our one strategic bet", True),
    "Brambleway IT": ("tactical", "Evidence earns Gold", False),
    "Redfern Solutions": ("exit", "Nothing behind the Platinum label", True),
    "Marlowe Digital Services": ("exit", "No evidence after 18 months", True),
    "Stratalink Platforms": ("casual", "Press release, no pipeline", True),
}
_LOG_WHEN = datetime(2026, 10, 28, 16, 30)


def _plant(plants: list[Any], name: str) -> Any:
    return next(p for p in plants if p.values["partner"] == name)


def q4_plants(q3: list[Any], q3_as_of: date) -> list[Any]:
    """Q3's partners a quarter later, with the planted changes."""
    plants = copy.deepcopy(q3)
    for p in plants:  # the team kept the tracker up to date: activity moved on
        if isinstance(p.values.get("last_activity"), date):
            p.values["last_activity"] = p.values["last_activity"] + (Q4_AS_OF - q3_as_of)
    tiers = {
        "Ironbridge Consulting": "Gold",  # exit not carried out: only demoted
        "Crownpoint Resellers": "Bronze",  # casual: carried out
        "Brambleway IT": "Gold",  # tactical (decided in the Log): carried out
        "Redfern Solutions": "Exited",  # exit: carried out, still listed
        "Stratalink Platforms": None,  # blank: cannot tell
        "Fernhill Cloud Services": "Platinum",  # promoted without a decision
    }
    for name, label in tiers.items():
        _plant(plants, name).values["designated_tier"] = label
    renames = {
        "Brightwater Clinical Software": "BRIGHTWATER CLINICAL SOFTWARE, INC.",
        "Hollins & Pratt IT": "Hollins and Pratt IT Ltd.",
    }
    for old, new in renames.items():
        _plant(plants, old).values["partner"] = new
    meridian = _plant(plants, "Meridian Global Technologies").values
    meridian.update(pipeline=18_000_000, closed_revenue=4_500_000, deals_won=6, new_logos=5)
    ashgrove = _plant(plants, "Ashgrove Consulting").values
    ashgrove["partner_agenda"] = "Grow their CFO advisory practice with board-pack projects"
    silverline = _plant(plants, "Silverline Analytics").values
    silverline.update(revenue_target=9_000_000, pipeline=0, closed_revenue=0)
    _plant(plants, "Ironbridge Consulting").values["fte"] = 2.5
    _plant(plants, "Crownpoint Resellers").values["fte"] = 0.2
    marlowe = _plant(plants, "Marlowe Digital Services")
    west = copy.deepcopy(marlowe)
    marlowe.values["partner"] = "Marlowe Digital Services UK"
    west.values["partner"] = "Marlowe Digital Services US"
    dropped = {"Tessellate Digital", "Foxglove IT Solutions"}
    plants = [p for p in plants if p.values["partner"] not in dropped]
    plants.insert(plants.index(marlowe) + 1, west)
    wexford = copy.deepcopy(_plant(plants, "Pinecrest Data Consulting"))
    wexford.values.update(
        partner="Wexford Cloud Analytics",
        designated_tier="Silver",
        exec_sponsor=None,
        owner="Hannah Cole",
        agreement_date=Q4_AS_OF - timedelta(days=70),
        start_date=Q4_AS_OF - timedelta(days=60),
        last_activity=Q4_AS_OF - timedelta(days=5),
        notes="Signed in November; first joint deals in the pipeline",
    )
    return [*plants, wexford]


def _retitle(ws, as_of: date) -> None:
    ws["A2"] = f"Maintained by Partner Ops. Figures as of {as_of:%d %b %Y}. USD."


def write_q3(base: ModuleType, path: Path, partners: list[Any]) -> None:
    """The Q3 tracker with the review's decisions in Tierwise's decision columns and Log."""
    base.write_tidy(path, partners)
    wb = load_workbook(path)
    ws = wb["Partners"]
    col = len(base.COLUMNS) + 1
    for offset, title in enumerate(("Tierwise: decision", "Tierwise: decision note")):
        cell = ws.cell(row=3, column=col + offset, value=title)
        cell.font = Font(bold=True)
        ws.column_dimensions[cell.column_letter].width = 18 + 14 * offset
    rows = {p.values["partner"]: r for r, p in enumerate(partners, start=4)}
    log = wb.create_sheet("Tierwise Log")
    log.append(["When", "Who", "Partner", "Row", "From", "To", "Note"])
    for i, (name, (decision, note, in_column)) in enumerate(DECISIONS.items()):
        row = rows[name]
        if in_column:
            ws.cell(row=row, column=col, value=decision)
            ws.cell(row=row, column=col + 1, value=note)
        tier = _plant(partners, name).values["designated_tier"]
        when = _LOG_WHEN + timedelta(minutes=3 * i)
        log.append([when, "Priya Raman", name, row, str(tier).lower(), decision, note])
        log.cell(row=log.max_row, column=1).number_format = "yyyy-mm-dd hh:mm"
    log["A1"].font = Font(bold=True)
    log.column_dimensions["A"].width = 18
    log.column_dimensions["C"].width = 30
    wb.save(path)


def write_q4(base: ModuleType, path: Path, partners: list[Any]) -> None:
    """The Q4 tracker, with Q4's header wording."""
    base.write_tidy(path, partners)
    wb = load_workbook(path)
    ws = wb["Partners"]
    for cell in ws[3]:
        cell.value = Q4_HEADERS.get(cell.value, cell.value)
    _retitle(ws, Q4_AS_OF)
    wb.save(path)


def generate(base: ModuleType, out: Path, partners: list[Any]) -> list[Path]:
    """Write quarter_q3.xlsx, quarter_q4.xlsx and quarter_q4.csv into `out`."""
    q4 = q4_plants(partners, base.AS_OF)
    files = [out / "quarter_q3.xlsx", out / "quarter_q4.xlsx", out / "quarter_q4.csv"]
    write_q3(base, files[0], partners)
    write_q4(base, files[1], q4)
    base.write_csv(files[2], q4)
    return files
