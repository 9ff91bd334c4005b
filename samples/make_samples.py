"""Generate Tierwise's sample partner trackers, deterministically.

    python samples/make_samples.py [--out DIR] [--as-of 2026-10-31]

Writes partner_tracker.xlsx (a tidy ops-team tracker), messy_tracker.xlsx (the same
partners kept the way people really keep them) and partner_tracker.csv (an export of
the first) into DIR (default: this folder), plus README.md describing the planted
cases. Every date is relative to the reference date AS_OF, so a tracker judged
`--as-of 2026-10-31` gives the judgments README.md lists. Running twice gives the same
cell values: the only randomness is a seeded generator for incidental details.
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from lxml import etree
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

AS_OF = date(2026, 10, 31)  # the reference date every sample date is counted back from
SEED = 20261031
HERE = Path(__file__).resolve().parent
COMPANY = "Quillstone Software"

TIER_LABELS = ("Strategic", "Platinum", "Gold", "Silver", "Bronze", "Registered", "Referral")
TYPE_LABELS = (
    "Consultancy",
    "Systems Integrator",
    "ISV",
    "Product",
    "Service",
    "Reseller",
    "Distributor",
    "MSP",
    "Other",
)

# (field, header in partner_tracker.xlsx, kind). Headers are the contract's wording.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("partner", "Partner", "text"),
    ("partner_type", "Partner Type", "text"),
    ("designated_tier", "Tier", "text"),
    ("initiative", "GTM Initiative", "text"),
    ("target_market", "Target Market", "text"),
    ("market_need", "Market Need", "wrap"),
    ("objective", "Objective", "wrap"),
    ("partner_agenda", "Partner Agenda", "wrap"),
    ("revenue_target", "Revenue Target ($)", "money"),
    ("pipeline", "Pipeline ($)", "money"),
    ("closed_revenue", "Closed Revenue ($)", "money"),
    ("deals_won", "Deals Won", "int"),
    ("new_logos", "New Logos", "int"),
    ("sourced_share", "Partner-Sourced %", "percent"),
    ("new_markets", "New Markets", "text"),
    ("share_gain", "Share Gain (pp)", "number"),
    ("cycle_days", "Sales Cycle (days)", "int"),
    ("baseline_cycle_days", "Baseline Cycle (days)", "int"),
    ("integrations", "Integrations", "int"),
    ("certifications", "Certifications", "int"),
    ("marketplace", "Marketplace", "text"),
    ("exec_sponsor", "Exec Sponsor", "text"),
    ("origin", "Origin", "wrap"),
    ("announced", "PR Date", "date"),
    ("agreement_date", "Agreement Signed", "date"),
    ("start_date", "Start Date", "date"),
    ("last_activity", "Last Activity", "date"),
    ("fte", "FTE", "number"),
    ("budget", "MDF ($)", "money"),
    ("owner", "Partner Manager", "text"),
    ("owner_team", "Owner Team", "text"),
    ("relationship", "Relationship", "text"),
    ("notes", "Notes", "wrap"),
)

FORMATS = {
    "money": '"$"#,##0',
    "percent": "0%",
    "int": "0",
    "number": "0.0#",
    "date": "d-mmm-yyyy",
}
BASELINE_CYCLE = 150  # our direct sales cycle, days: the same for every partner


@dataclass
class Plant:
    """One sample partner: its cells (field -> value) and the judgment it plants."""

    case: str
    flags: tuple[str, ...]
    tier: str  # intended recommended tier
    action: str  # intended action
    values: dict[str, object] = field(default_factory=dict)
    why: str = ""


def ago(days: int) -> date:
    return AS_OF - timedelta(days=days)


# Evidence profiles: every motivation column, so a partner carries only the evidence
# of its intended judgment. Nothing: all zero or blank.
NO_EVIDENCE: dict[str, object] = {
    "closed_revenue": 0,
    "deals_won": 0,
    "new_logos": 0,
    "sourced_share": 0.0,
    "new_markets": None,
    "share_gain": None,
    "cycle_days": None,
    "integrations": 0,
    "certifications": 0,
    "marketplace": "No",
}


def evidence(**kv: object) -> dict[str, object]:
    return {**NO_EVIDENCE, **kv}


def plants() -> list[Plant]:
    """The planted partners of partner_tracker.xlsx, in sheet order."""
    rng = random.Random(SEED)
    out: list[Plant] = []

    def add(case: str, flags: tuple[str, ...], tier: str, action: str, why: str, **v: object):
        v.setdefault("baseline_cycle_days", BASELINE_CYCLE)
        out.append(Plant(case, flags, tier, action, v, why))

    # --- The clean strategic pair: one initiative, one specific market, everything evidenced.
    hospital = "US Hospital Cloud Analytics"
    hospitals = "US mid-size hospitals (200-1,000 beds)"
    add(
        "clean strategic pair",
        (),
        "strategic",
        "keep",
        "integrator on the one strategic initiative; share, access, speed and ecosystem evidenced",
        partner="Harborview Systems Integration",
        partner_type="Systems Integrator",
        designated_tier="Strategic",
        initiative=hospital,
        target_market=hospitals,
        market_need="Move on-prem EHR reporting to the cloud without a reporting blackout",
        objective="Win 30% of US mid-size hospital analytics migrations by FY2027",
        partner_agenda="Grow their healthcare cloud practice to $40M a year",
        revenue_target=6_000_000,
        pipeline=5_200_000,
        **evidence(
            closed_revenue=6_300_000,
            deals_won=14,
            new_logos=16,
            sourced_share=0.55,
            new_markets="Canada, Puerto Rico, Mexico",
            share_gain=11,
            cycle_days=70,
            integrations=5,
            certifications=38,
            marketplace="Yes",
        ),
        exec_sponsor="Dana Whitfield (COO)",
        origin="Joint win at Mercy Regional Health, 2024",
        agreement_date=ago(715),
        start_date=ago(698),
        last_activity=ago(10),
        fte=3.0,
        budget=250_000,
        owner="Priya Raman",
        owner_team="Alliances",
        notes="QBR held 21 Oct; 4 joint deals in legal review",
    )
    add(
        "clean strategic pair",
        (),
        "strategic",
        "keep",
        "ISV on the same initiative and market; share, access, speed and ecosystem evidenced",
        partner="Brightwater Clinical Software",
        partner_type="ISV",
        designated_tier="Strategic",
        initiative=hospital,
        target_market=hospitals,
        market_need="Clinicians need bed-capacity analytics inside the EHR workflow",
        objective="Embed our analytics in their EHR and take 25% of their installed base by 2027",
        partner_agenda="Close the analytics gap that loses them RFPs to larger EHR vendors",
        revenue_target=4_000_000,
        pipeline=3_100_000,
        **evidence(
            closed_revenue=4_200_000,
            deals_won=12,
            new_logos=11,
            sourced_share=0.52,
            new_markets="3",
            share_gain=10,
            cycle_days=72,
            integrations=6,
            certifications=24,
            marketplace="Yes",
        ),
        exec_sponsor="Marcus Feld (CPO)",
        origin="Customer advisory board request, 2024",
        agreement_date=ago(649),
        start_date=ago(635),
        last_activity=ago(4),
        fte=1.5,
        budget=150_000,
        owner="Priya Raman",
        owner_team="Alliances",
        notes="Joint roadmap signed off by both CPOs",
    )

    # --- Good tactical partners: four tactical initiatives, two motivations each.
    retail, cloud, market_ = "Retail Analytics Co-sell", "Mid-market Cloud Migration", None
    marketplace_init, emea = "Marketplace & Integrations", "EMEA Channel Expansion"
    del market_
    tactical = [
        dict(
            why="access (14 new logos, 55% partner-sourced) and speed (70 vs 150 days)",
            partner="Pinecrest Data Consulting",
            partner_type="Consultancy",
            designated_tier="Gold",
            initiative=retail,
            target_market="UK grocery and convenience retail",
            market_need="Store-level demand forecasting for chains with 50-400 stores",
            objective="Reach 40 UK grocery chains through Pinecrest's retail practice in FY26",
            partner_agenda="Attach forecasting projects worth $2M a year to our licences",
            revenue_target=800_000,
            pipeline=650_000,
            **evidence(
                closed_revenue=720_000,
                deals_won=9,
                new_logos=14,
                sourced_share=0.55,
                new_markets="Ireland",
                cycle_days=70,
            ),
            fte=1.0,
            budget=60_000,
        ),
        dict(
            why="access (18 new logos, 62% sourced, 2 new markets) and ecosystem (22 certified)",
            partner="Fernhill Cloud Services",
            partner_type="MSP",
            designated_tier="Gold",
            initiative=cloud,
            target_market="DACH Mittelstand manufacturers",
            market_need="Run analytics as a managed service for firms without a data team",
            objective="Open Austria and Switzerland through Fernhill's managed-service base",
            partner_agenda="Add a managed analytics SKU to their hosting contracts",
            revenue_target=700_000,
            pipeline=480_000,
            **evidence(
                closed_revenue=610_000,
                deals_won=8,
                new_logos=18,
                sourced_share=0.62,
                new_markets="Austria, Switzerland",
                integrations=4,
                certifications=22,
                marketplace="Yes",
            ),
            fte=1.0,
            budget=50_000,
        ),
        dict(
            why="ecosystem (8 integrations, 15 certified, listed) and speed (80 vs 150 days)",
            partner="Quayside Connectors",
            partner_type="Product",
            designated_tier="Silver",
            initiative=marketplace_init,
            target_market="North American mid-market SaaS finance teams",
            market_need="Finance teams need billing data in our dashboards without exports",
            objective="Ship 8 certified connectors and a marketplace bundle by Q3 2026",
            partner_agenda="Sell their connector bundle to our 600 mid-market customers",
            revenue_target=300_000,
            pipeline=220_000,
            **evidence(
                closed_revenue=260_000,
                deals_won=6,
                cycle_days=80,
                integrations=8,
                certifications=15,
                marketplace="Yes",
            ),
            fte=0.5,
            budget=20_000,
        ),
        dict(
            why="access (12 new logos, 48% sourced, 2 new markets) and speed (85 vs 150 days)",
            partner="Oakridge Reseller Group",
            partner_type="Reseller",
            designated_tier="Gold",
            initiative=emea,
            target_market="Benelux public sector and utilities",
            market_need="Framework-contract buyers cannot buy from a US vendor directly",
            objective="Win 12 Benelux framework customers via Oakridge's contracts in FY26",
            partner_agenda="Margin on a product their framework buyers already ask for",
            revenue_target=650_000,
            pipeline=540_000,
            **evidence(
                closed_revenue=590_000,
                deals_won=10,
                new_logos=12,
                sourced_share=0.48,
                new_markets="Belgium, Luxembourg",
                cycle_days=85,
            ),
            fte=1.0,
            budget=45_000,
        ),
        dict(
            why="speed (65 vs 150 days) and ecosystem (3 integrations, 18 certified)",
            partner="Silverline Analytics",
            partner_type="Service",
            designated_tier="Silver",
            initiative=retail,
            target_market="US specialty retail (50-500 stores)",
            market_need="Merchandisers wait weeks for assortment reports",
            objective="Cut specialty-retail sales cycles below 70 days with their accelerators",
            partner_agenda="Services revenue from packaged retail dashboards",
            revenue_target=450_000,
            pipeline=380_000,
            **evidence(
                closed_revenue=410_000,
                deals_won=7,
                cycle_days=65,
                integrations=3,
                certifications=18,
                marketplace="Yes",
            ),
            fte=0.5,
            budget=25_000,
        ),
        dict(
            why="access (20 new logos, 58% sourced, 2 new markets) and ecosystem (25 certified)",
            partner="Kestrel Distribution",
            partner_type="Distributor",
            designated_tier="Gold",
            initiative=emea,
            target_market="Nordic mid-market (SE, NO, DK, FI)",
            market_need="Nordic resellers need local-currency billing and Nordic-language support",
            objective="Recruit 15 Nordic resellers and 20 new logos through Kestrel in FY26",
            partner_agenda="A growing analytics line card for their 300 resellers",
            revenue_target=750_000,
            pipeline=600_000,
            **evidence(
                closed_revenue=700_000,
                deals_won=11,
                new_logos=20,
                sourced_share=0.58,
                new_markets="Norway, Finland",
                integrations=2,
                certifications=25,
                marketplace="Yes",
            ),
            fte=1.0,
            budget=70_000,
        ),
    ]
    managers = ["Tom Okafor", "Sofia Lindqvist", "Jamal Reyes", "Hannah Cole"]
    for i, t in enumerate(tactical):
        why = t.pop("why")
        add(
            "good tactical partner",
            (),
            "tactical",
            "keep",
            why,
            exec_sponsor=None,
            origin=rng.choice(["Partner recruitment drive, 2024", "Inbound partner request"]),
            agreement_date=ago(400 + 37 * i),
            start_date=ago(380 + 37 * i),
            last_activity=ago(6 + 5 * i),
            owner=managers[i % len(managers)],
            owner_team="Alliances",
            notes=None,
            **t,
        )

    add(
        "tactical partner with a blank partner agenda",
        ("VAGUE_AGENDA",),
        "tactical",
        "fix",
        "strong ecosystem and access, but the partner agenda is 'TBD': ask what they want",
        partner="Ashgrove Consulting",
        partner_type="Consultancy",
        designated_tier="Gold",
        initiative=marketplace_init,
        target_market="North American mid-market SaaS finance teams",
        market_need="CFOs want board packs built from live billing and CRM data",
        objective="Certify 20 Ashgrove consultants and co-deliver 10 board-pack projects in FY26",
        partner_agenda="TBD",
        revenue_target=400_000,
        pipeline=310_000,
        **evidence(
            closed_revenue=350_000,
            deals_won=6,
            new_logos=9,
            sourced_share=0.40,
            integrations=4,
            certifications=20,
            marketplace="Yes",
        ),
        exec_sponsor=None,
        origin="Met at our user conference, 2024",
        agreement_date=ago(420),
        start_date=ago(410),
        last_activity=ago(12),
        fte=0.5,
        budget=30_000,
        owner="Sofia Lindqvist",
        owner_team="Alliances",
        notes="Ask their MD what Ashgrove wants out of this at the next QBR",
    )
    add(
        "brand-new partner",
        (),
        "tactical",
        "keep",
        "started 47 days before the as-of date: too early to judge, no WHY_BOTHER",
        partner="Nimbus Ridge Software",
        partner_type="Product",
        designated_tier="Silver",
        initiative=retail,
        target_market="US specialty retail (50-500 stores)",
        market_need="Retailers want loyalty data joined to store sales",
        objective="Co-sell a loyalty-plus-sales bundle to 10 US specialty retailers by Q4 2027",
        partner_agenda="Bundle their loyalty app with our dashboards in RFPs",
        revenue_target=350_000,
        pipeline=90_000,
        **evidence(),
        exec_sponsor=None,
        origin="Inbound partner request",
        agreement_date=ago(60),
        start_date=ago(47),
        last_activity=ago(11),
        fte=0.5,
        budget=30_000,
        owner="Tom Okafor",
        owner_team="Alliances",
        notes="Onboarding; enablement session booked for November",
    )
    add(
        "casual partner that earns a promotion",
        (),
        "tactical",
        "promote",
        "registered field partner with strong access (10 logos, 50% sourced) and speed (75 days)",
        partner="Brambleway IT",
        partner_type="Reseller",
        designated_tier="Registered",
        initiative=cloud,
        target_market="Polish mid-market manufacturers",
        market_need="Manufacturers moving off spreadsheets need a local implementation partner",
        objective="Sell into Polish mid-market manufacturing through Brambleway's installed base",
        partner_agenda=None,
        revenue_target=None,
        pipeline=300_000,
        **evidence(
            closed_revenue=420_000,
            deals_won=8,
            new_logos=10,
            sourced_share=0.50,
            new_markets="Poland",
            cycle_days=75,
        ),
        exec_sponsor=None,
        origin="Field referral, 2025",
        agreement_date=None,
        start_date=ago(300),
        last_activity=ago(9),
        fte=None,
        budget=None,
        owner="Chris Dunn",
        owner_team="Field",
        notes="Outperforming half our Gold partners",
    )

    # --- The four mistakes, each planted on its own.
    add(
        "press-release alliance",
        ("PRESS_RELEASE",),
        "casual",
        "demote",
        "announced 233 days ago, target market 'Global', no pipeline and no deals since; "
        "ecosystem evidenced, so no WHY_BOTHER",
        partner="Stratalink Platforms",
        partner_type="ISV",
        designated_tier="Gold",
        initiative="Global Alliances",
        target_market="Global",
        market_need="Their suite customers ask for embedded analytics",
        objective="Get listed in their app marketplace and certify 10 consultants by Q2 2026",
        partner_agenda="Add an analytics module to their suite",
        revenue_target=500_000,
        pipeline=0,
        **evidence(integrations=5, certifications=24, marketplace="Yes"),
        exec_sponsor="Ellen Marsh (VP Marketing)",
        origin="Announced at their user conference",
        announced=ago(233),
        agreement_date=ago(240),
        start_date=ago(235),
        last_activity=ago(52),
        fte=1.0,
        budget=120_000,
        owner="Jamal Reyes",
        owner_team="Alliances",
        notes="Press release got great coverage",
    )
    add(
        "executive-lunch promise",
        ("EXEC_LUNCH",),
        "casual",
        "demote",
        "$200M joint target with $150k pipeline and nothing closed, agreed at a CEO dinner; "
        "ecosystem evidenced, so no WHY_BOTHER",
        partner="Meridian Global Technologies",
        partner_type="Product",
        designated_tier="Gold",
        initiative="Enterprise Alliance",
        target_market="Enterprise",
        market_need="Joint solution for large enterprises",
        objective="Reach $200M joint revenue in three years",
        partner_agenda="Bundle our analytics into their ERP suite",
        revenue_target=200_000_000,
        pipeline=150_000,
        **evidence(integrations=5, certifications=24, marketplace="Yes"),
        exec_sponsor="Rob Hale (CEO)",
        origin="CEO dinner at Davos",
        agreement_date=ago(240),
        start_date=ago(228),
        last_activity=ago(26),
        fte=2.0,
        budget=400_000,
        owner="Jamal Reyes",
        owner_team="Alliances",
        notes="Legal and PR took most of Q2; CEO wants Platinum once the number lands",
    )
    add(
        "vague agenda",
        ("VAGUE_AGENDA",),
        "casual",
        "demote",
        "objective 'Leverage synergies to better serve the market', partner agenda 'TBD'; "
        "access evidenced, so no WHY_BOTHER",
        partner="Lumina Partners Group",
        partner_type="Service",
        designated_tier="Gold",
        initiative="Public Sector Digital",
        target_market="UK local government (councils)",
        market_need=None,
        objective="Leverage synergies to better serve the market",
        partner_agenda="TBD",
        revenue_target=500_000,
        pipeline=260_000,
        **evidence(
            closed_revenue=180_000,
            deals_won=3,
            new_logos=8,
            sourced_share=0.35,
            new_markets="Wales",
        ),
        exec_sponsor=None,
        origin="Introduced by a board member",
        agreement_date=ago(500),
        start_date=ago(480),
        last_activity=ago(33),
        fte=1.0,
        budget=40_000,
        owner="Hannah Cole",
        owner_team="Alliances",
        notes=None,
    )

    # --- Sprawl: labelled strategic in name only.
    sino = [
        dict(
            flags=("STRATEGIC_IN_NAME_ONLY",),
            action="demote",
            tier="tactical",
            why="Platinum reseller: no sponsor, 0.5 FTE, idle for 180 days; not a strategic "
            "type; $240k closed and 9 new logos, so it takes the fifth tactical initiative",
            partner="Crownpoint Resellers",
            partner_type="Reseller",
            designated_tier="Platinum",
            initiative="FinServ Risk Platform",
            target_market="US regional banks",
            market_need="Risk teams need regulator-ready liquidity dashboards",
            objective="Sell liquidity dashboards to 20 US regional banks via their contracts",
            partner_agenda="Add a risk analytics line to their banking catalogue",
            revenue_target=600_000,
            pipeline=200_000,
            ev=evidence(
                closed_revenue=240_000,
                deals_won=4,
                new_logos=9,
                sourced_share=0.40,
                new_markets="Canada",
            ),
            fte=0.5,
            budget=60_000,
            last_activity=ago(180),
        ),
        dict(
            flags=("STRATEGIC_IN_NAME_ONLY",),
            action="demote",
            why="Strategic integrator: no sponsor, 0.25 FTE, no activity for 199 days; ecosystem "
            "evidenced but no business, and its initiative is not among the five strongest",
            partner="Vantage Point Integration",
            partner_type="Systems Integrator",
            designated_tier="Strategic",
            initiative="Manufacturing IoT",
            target_market="US Midwest discrete manufacturers",
            market_need="Plant managers need machine data next to ERP numbers",
            objective="Build 5 certified IoT connectors for Midwest plants by Q1 2027",
            partner_agenda="Use our dashboards in their plant-floor projects",
            revenue_target=500_000,
            pipeline=120_000,
            ev=evidence(integrations=5, certifications=24, marketplace="Yes"),
            fte=0.25,
            budget=40_000,
            last_activity=ago(199),
        ),
        dict(
            flags=("STRATEGIC_IN_NAME_ONLY", "WHY_BOTHER"),
            action="exit",
            why="Platinum: no sponsor, 0.5 FTE, idle for 230 days, no motivation evidenced",
            partner="Ironbridge Consulting",
            partner_type="Consultancy",
            designated_tier="Platinum",
            initiative="FinServ Risk Platform",
            target_market="US regional banks",
            market_need="Banks need stress-test reporting in days, not weeks",
            objective="Co-deliver stress-test reporting projects at 10 regional banks",
            partner_agenda="Pull-through for their risk advisory practice",
            revenue_target=500_000,
            pipeline=60_000,
            ev=evidence(),
            fte=0.5,
            budget=80_000,
            last_activity=ago(230),
        ),
        dict(
            flags=("STRATEGIC_IN_NAME_ONLY", "WHY_BOTHER"),
            action="exit",
            why="Strategic services firm: no sponsor, 0.5 FTE, no activity for 150 days, "
            "no motivation evidenced",
            partner="Tessellate Digital",
            partner_type="Service",
            designated_tier="Strategic",
            initiative="APAC Expansion",
            target_market="Australian mid-market insurers",
            market_need="Insurers need claims analytics without a data warehouse project",
            objective="Land 5 Australian insurers through Tessellate's Sydney office by 2027",
            partner_agenda="A product to anchor their insurance analytics practice",
            revenue_target=400_000,
            pipeline=45_000,
            ev=evidence(),
            fte=0.5,
            budget=35_000,
            last_activity=ago(150),
        ),
        dict(
            flags=("STRATEGIC_IN_NAME_ONLY", "WHY_BOTHER"),
            action="exit",
            why="Platinum integrator: no sponsor, 0.5 FTE, no activity for 270 days, "
            "no motivation evidenced",
            partner="Redfern Solutions",
            partner_type="Systems Integrator",
            designated_tier="Platinum",
            initiative="Public Sector Digital",
            target_market="UK central government departments",
            market_need="Departments must publish performance data monthly",
            objective="Win 3 central-government framework lots with Redfern by 2027",
            partner_agenda="Our licences inside their framework bids",
            revenue_target=700_000,
            pipeline=80_000,
            ev=evidence(),
            fte=0.5,
            budget=50_000,
            last_activity=ago(270),
        ),
    ]
    for i, s in enumerate(sino):
        flags, action, why, ev = s.pop("flags"), s.pop("action"), s.pop("why"), s.pop("ev")
        add(
            "strategic in name only",
            flags,
            s.pop("tier", "casual"),
            action,
            why,
            **s,
            **ev,
            exec_sponsor=None,
            origin=["Signed at a partner summit", "Legacy agreement from FY22"][i % 2],
            agreement_date=ago(900 + 40 * i),
            start_date=ago(880 + 40 * i),
            owner=managers[(i + 1) % len(managers)],
            owner_team="Alliances",
            notes=["Tier set by previous alliance lead", None][i % 2],
        )

    # --- Gold/Silver sprawl: resources and no evidenced motivation.
    why_bother = [
        (
            "Halcyon Software",
            "ISV",
            "Gold",
            "APAC Expansion",
            "Singapore logistics firms",
            1.0,
            90_000,
        ),
        (
            "Marlowe Digital Services",
            "Service",
            "Silver",
            "Manufacturing IoT",
            "Ohio tier-2 auto suppliers",
            0.5,
            25_000,
        ),
        (
            "Copperleaf Systems",
            "Product",
            "Gold",
            "FinServ Risk Platform",
            "US credit unions",
            1.0,
            60_000,
        ),
        ("Bluewater MSP", "MSP", "Silver", cloud, "UK mid-market law firms", 0.5, 20_000),
        (
            "Ardent Cloud Partners",
            "Service",
            "Silver",
            "Public Sector Digital",
            "Scottish councils",
            0.5,
            15_000,
        ),
    ]
    for i, (name, ptype, tier, init, market, fte, mdf) in enumerate(why_bother):
        add(
            "invested partner with no evidenced motivation",
            ("WHY_BOTHER",),
            "casual",
            "exit",
            f"{tier}, {fte:g} FTE and ${mdf:,} MDF, but no motivation evidenced after "
            f"{420 + 30 * i} days",
            partner=name,
            partner_type=ptype,
            designated_tier=tier,
            initiative=init,
            target_market=market,
            market_need="Customers in this segment ask for packaged dashboards",
            objective=f"Co-sell packaged dashboards to {market} in FY26",
            partner_agenda="Resell our product alongside their own",
            revenue_target=500_000,
            pipeline=rng.choice([40_000, 55_000, 70_000]),
            **evidence(),
            exec_sponsor=None,
            origin=rng.choice(["Partner recruitment drive, 2024", "Inbound partner request"]),
            agreement_date=ago(440 + 30 * i),
            start_date=ago(420 + 30 * i),
            last_activity=ago(20 + 9 * i),
            fte=fte,
            budget=mdf,
            owner=managers[i % len(managers)],
            owner_team="Alliances",
            notes=["Enablement done; waiting for first deal", None][i % 2],
        )
    add(
        "casual partner that costs money",
        ("WHY_BOTHER",),
        "casual",
        "exit",
        "Bronze but run by Alliances with 0.2 FTE and $25,000 MDF, no motivation evidenced",
        partner="Foxglove IT Solutions",
        partner_type="Reseller",
        designated_tier="Bronze",
        initiative=None,
        target_market="Irish SMB retailers",
        market_need=None,
        objective="Resell to Irish SMB retailers",
        partner_agenda=None,
        revenue_target=None,
        pipeline=15_000,
        **evidence(),
        exec_sponsor=None,
        origin="Partner portal sign-up",
        agreement_date=ago(520),
        start_date=ago(510),
        last_activity=ago(140),
        fte=0.2,
        budget=25_000,
        owner="Hannah Cole",
        owner_team="Alliances",
        notes="MDF approved before the Bronze tier had a cap",
    )

    # --- Casual field referrals: deal by deal, no FTE, no budget, nothing to flag.
    referrals = [
        "Ambergate IT",
        "Birchfield Technology",
        "Cobalt Bay Systems",
        "Dunmore Data",
        "Elmstead Solutions",
        "Fairhaven Networks",
        "Glenrock Software Services",
        "Hollins & Pratt IT",
        "Juniper Vale Consulting",
        "Kingsmere Tech",
        "Larchmont Systems",
        "Millbrook Digital",
        "Northgate Computing",
        "Orchard Lane IT",
        "Pembury Solutions",
    ]
    regions = ["Texas", "Ontario", "Bavaria", "Lombardy", "Catalonia", "Victoria", "Scotland"]
    kinds = ["Reseller", "Service", "Consultancy", "MSP", "Reseller", "Other"]
    reps = ["Chris Dunn", "Maya Patel", "Luis Ortega", "Greta Holm"]
    for i, name in enumerate(referrals):
        label = None if i == 14 else ("Registered", "Referral", "Bronze")[i % 3]
        deals = rng.randint(0, 2)
        add(
            "casual field referral",
            (),
            "casual",
            "keep",
            "opportunity-by-opportunity, owned by the field, no FTE and no budget"
            + ("; no tier recorded (judged as casual)" if label is None else ""),
            partner=name,
            partner_type=kinds[i % len(kinds)],
            designated_tier=label,
            initiative=None,
            target_market=f"{rng.choice(regions)} SMB",
            market_need=None,
            objective=None,
            partner_agenda=None,
            revenue_target=None,
            pipeline=rng.choice([0, 25_000, 40_000, 60_000, 85_000]),
            **evidence(
                closed_revenue=deals * rng.choice([18_000, 24_000, 30_000]),
                deals_won=deals,
                new_logos=min(deals, 1),
            ),
            exec_sponsor=None,
            origin="Field referral",
            agreement_date=None,
            start_date=ago(rng.randint(200, 1100)),
            last_activity=ago(rng.randint(15, 300)),
            fte=None,
            budget=None,
            owner=reps[i % len(reps)],
            owner_team="Field",
            notes=["Referred one deal last year", None, None][i % 3],
        )
    # Interleave so the sheet is not sorted by case, the way a real tracker grows.
    order = list(range(len(out)))
    random.Random(SEED + 1).shuffle(order)
    return [out[i] for i in order]


# --------------------------------------------------------------------------- tidy xlsx

THIN = Side(style="thin", color="B7C9E2")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
BAND_FILL = PatternFill("solid", fgColor="EEF3FA")


def write_tidy(path: Path, partners: list[Plant]) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Partners"
    last = get_column_letter(len(COLUMNS))
    ws["A1"] = f"{COMPANY} - Partner Portfolio Tracker FY26"
    ws["A1"].font = Font(bold=True, size=16, color="1F4E79")
    ws["A2"] = f"Maintained by Partner Ops. Figures as of {AS_OF:%d %b %Y}. USD."
    ws["A2"].font = Font(italic=True, color="666666")
    ws.merge_cells(f"A1:{last}1")
    ws.row_dimensions[1].height = 26
    for col, (_, header, _) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=3, column=col, value=header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.border = Border(bottom=THIN)
    ws.row_dimensions[3].height = 32
    for r, plant in enumerate(partners, start=4):
        for col, (name, _, kind) in enumerate(COLUMNS, start=1):
            cell = ws.cell(row=r, column=col, value=plant.values.get(name))
            if kind in FORMATS:
                cell.number_format = FORMATS[kind]
            if kind == "wrap":
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            if r % 2 == 0:
                cell.fill = BAND_FILL
    last_row = 3 + len(partners)
    ws.freeze_panes = "B4"
    ws.auto_filter.ref = f"A3:{last}{last_row}"
    widths = {"text": 18, "wrap": 34, "money": 15, "percent": 11, "int": 10, "number": 9}
    for col, (name, _, kind) in enumerate(COLUMNS, start=1):
        width = 30 if name == "partner" else widths.get(kind, 13)
        ws.column_dimensions[get_column_letter(col)].width = width

    lists = wb.create_sheet("Lists")
    lists["A1"], lists["B1"] = "Tier", "Partner Type"
    for i, label in enumerate(TIER_LABELS, start=2):
        lists.cell(row=i, column=1, value=label)
    for i, label in enumerate(TYPE_LABELS, start=2):
        lists.cell(row=i, column=2, value=label)
    lists["A1"].font = lists["B1"].font = Font(bold=True)
    lists.column_dimensions["A"].width = lists.column_dimensions["B"].width = 20
    _validation(ws, "designated_tier", f"=Lists!$A$2:$A${1 + len(TIER_LABELS)}", last_row)
    _validation(ws, "partner_type", f"=Lists!$B$2:$B${1 + len(TYPE_LABELS)}", last_row)

    # The comments an ops team leaves on the cells that need explaining.
    rows = {p.values["partner"]: r for r, p in enumerate(partners, start=4)}
    _comment(
        ws,
        rows["Meridian Global Technologies"],
        "revenue_target",
        "Number agreed by the two CEOs at Davos. Not in the CRM forecast.",
    )
    _comment(
        ws,
        rows["Stratalink Platforms"],
        "announced",
        "Joint press release 'strategic alliance'. Link in the shared drive.",
    )
    _comment(ws, 3, "designated_tier", "Pick from the list (Lists sheet).")
    wb.save(path)


def _col(field_name: str) -> int:
    return next(i for i, (f, _, _) in enumerate(COLUMNS, start=1) if f == field_name)


def _validation(ws, field_name: str, formula: str, last_row: int) -> None:
    dv = DataValidation(type="list", formula1=formula, allow_blank=True)
    dv.error, dv.errorTitle = "Pick a value from the Lists sheet", "Not in the list"
    letter = get_column_letter(_col(field_name))
    dv.add(f"{letter}4:{letter}{last_row + 200}")
    ws.add_data_validation(dv)


def _comment(ws, row: int, field_name: str, text: str) -> None:
    comment = Comment(text, "Partner Ops")
    comment.width, comment.height = 240, 80
    ws.cell(row=row, column=_col(field_name)).comment = comment


# --------------------------------------------------------------------------- csv


def shown(value: object, kind: str) -> str:
    """A value as the tidy tracker's number format shows it (what Excel exports)."""
    if value is None:
        return ""
    if kind == "money":
        return f"${value:,.0f}"
    if kind == "percent":
        return f"{value * 100:.0f}%"
    if kind == "date":
        return f"{value.day}-{value:%b-%Y}"
    if kind == "number":
        text = f"{value:.2f}".rstrip("0")
        return text + "0" if text.endswith(".") else text
    return str(value)


def write_csv(path: Path, partners: list[Plant]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow([header for _, header, _ in COLUMNS])
        for plant in partners:
            writer.writerow([shown(plant.values.get(n), kind) for n, _, kind in COLUMNS])


# --------------------------------------------------------------------------- messy xlsx

# (group header or None, sub-header, field or None, how the cell is typed)
MESSY_COLUMNS: tuple[tuple[str | None, str, str | None, str], ...] = (
    (None, "Internal ID", None, "id"),  # hidden
    (None, "Account Name", "partner", "text"),
    (None, "Partner Category", "partner_type", "abbrev"),
    (None, "Partner Level", "designated_tier", "label"),
    (None, "GTM Motion", "initiative", "text"),
    (None, "Target Segment", "target_market", "text"),
    (None, "Customer pain", "market_need", "text"),
    (None, "Why we're doing this", "objective", "text"),
    (None, "What's in it for them", "partner_agenda", "text"),
    ("Revenue ($)", "Target", "revenue_target", "money_text"),
    ("Pipeline", "Open ($)", "pipeline", "money_text"),
    ("Pipeline", "Won ($)", "closed_revenue", "money_num"),
    (None, "# Deals Won", "deals_won", "num"),
    (None, "Net-new logos", "new_logos", "num"),
    (None, "% Sourced by partner", "sourced_share", "pct_text"),
    (None, "Markets opened", "new_markets", "text"),
    (None, "Win-rate change (pts)", "share_gain", "num"),
    ("Sales cycle", "With partner (days)", "cycle_days", "days_text"),
    ("Sales cycle", "Direct (days)", "baseline_cycle_days", "num"),
    ("Ecosystem", "Integrations", "integrations", "num"),
    ("Ecosystem", "Certified people", "certifications", "num"),
    ("Ecosystem", "On marketplace?", "marketplace", "yn"),
    (None, "Exec sponsor (name)", "exec_sponsor", "text"),
    (None, "How did it start?", "origin", "text"),
    (None, "PR / Announcement", "announced", "date_text"),
    (None, "Date signed", "agreement_date", "date_text"),
    (None, "Partner since", "start_date", "date_mixed"),
    (None, "Last touch", "last_activity", "date_mixed"),
    (None, "Dedicated FTE", "fte", "num"),
    (None, "MDF budget", "budget", "money_num"),
    (None, "PAM", "owner", "text"),
    (None, "Owning team", "owner_team", "text"),
    (None, "Relationship type", "relationship", "text"),
    (None, "Comments / next steps", "notes", "text"),
)
ABBREVIATIONS = {
    "Systems Integrator": "SI",
    "Consultancy": "Consulting",
    "Reseller": "VAR",
    "Distributor": "Disti",
    "Service": "Services",
    "Product": "Tech partner",
}
MESSY_FIRST_ROW = 6  # group header on row 4, sub-headers on row 5
SUM_FIELDS = ("closed_revenue", "deals_won", "new_logos", "fte", "budget")


def messy_cell(value: object, how: str, i: int) -> object:
    """The same value, typed the way a person would have typed it."""
    if how == "abbrev":
        return ABBREVIATIONS.get(value, value) if value else value
    if how == "label":
        return [value, str(value).upper(), f"{value} "][i % 3] if value else value
    if value is None:
        return ["", "n/a", "TBD", "-"][i % 4] if how != "text" else None
    if how == "money_text":
        v = float(value)
        if v >= 1e6 and v % 1e5 == 0:
            return f"${v / 1e6:g}M"
        if v >= 1e3 and v % 1e3 == 0 and i % 2:
            return f"{v / 1e3:g}k"
        return f"${v:,.0f}" if i % 3 else v
    if how == "pct_text":
        return f"{value * 100:.0f}%"
    if how == "days_text":
        return f"{value} days" if i % 2 else value
    if how == "yn":
        return {"Yes": ["Y", "yes", "x"][i % 3], "No": ["N", "no", "No"][i % 3]}[value]
    if how == "date_text":
        return value.strftime("%d/%m/%Y")
    if how == "date_mixed":
        return [value, value.strftime("%d/%m/%Y"), f"{value:%b} {value.day}, {value.year}"][i % 3]
    return value


def write_messy(path: Path, partners: list[Plant]) -> None:
    wb = Workbook()
    readme = wb.active
    readme.title = "Read me"
    for r, line in enumerate(
        [
            "Partner portfolio - READ ME FIRST",
            "",
            "One row per partner on the 'FY26 Partners' sheet. Please do not sort the sheet.",
            "Money in USD; '$1.2M' and '450k' are fine. Percentages as '45%'.",
            "Leave a cell as n/a or TBD when you do not know yet.",
            "Totals at the bottom are formulas: do not type over them.",
            f"Last clean-up by Partner Ops on {AS_OF:%d/%m/%Y}.",
        ],
        start=1,
    ):
        readme.cell(row=r, column=1, value=line)
    readme["A1"].font = Font(bold=True, size=14)
    readme.column_dimensions["A"].width = 90

    ws = wb.create_sheet("FY26 Partners")
    wb.create_sheet("Old FY25 list")["A1"] = "Archived - see FY26 Partners"
    ws["A1"] = "PARTNER PORTFOLIO FY26 (do not sort!)"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = f"updated {AS_OF:%d/%m/%Y} - ask Partner Ops before adding columns"
    group_fill = PatternFill("solid", fgColor="FCE4D6")
    sub_fill = PatternFill("solid", fgColor="FFF2CC")
    groups: dict[str, list[int]] = {}
    for col, (group, sub, _, _) in enumerate(MESSY_COLUMNS, start=1):
        if group:
            groups.setdefault(group, []).append(col)
        cell = ws.cell(row=5, column=col, value=sub)
        cell.font, cell.fill = Font(bold=True), sub_fill
        cell.alignment = Alignment(wrap_text=True)
    for group, cols in groups.items():
        cell = ws.cell(row=4, column=cols[0], value=group)
        cell.font, cell.fill = Font(bold=True), group_fill
        cell.alignment = Alignment(horizontal="center")
        if len(cols) > 1:
            ws.merge_cells(start_row=4, start_column=cols[0], end_row=4, end_column=cols[-1])

    sums: dict[int, float] = {}
    for i, plant in enumerate(partners):
        r = MESSY_FIRST_ROW + i
        for col, (_, _, name, how) in enumerate(MESSY_COLUMNS, start=1):
            if how == "id":
                value: object = f"P-{1001 + i}"
            else:
                value = messy_cell(plant.values.get(name), how, i)
            cell = ws.cell(row=r, column=col, value=value)
            if isinstance(value, date):
                cell.number_format = "dd/mm/yyyy"
            if name in SUM_FIELDS and isinstance(value, int | float):
                sums[col] = sums.get(col, 0) + value
    last_row = MESSY_FIRST_ROW + len(partners) - 1
    total_row = last_row + 2  # a blank row, then the totals
    ws.cell(row=total_row, column=2, value="TOTAL").font = Font(bold=True)
    cached: dict[str, float] = {}
    for col, (_, _, name, _) in enumerate(MESSY_COLUMNS, start=1):
        if name in SUM_FIELDS:
            letter = get_column_letter(col)
            ref = f"{letter}{total_row}"
            ws[ref] = f"=SUM({letter}{MESSY_FIRST_ROW}:{letter}{last_row})"
            ws[ref].font = Font(bold=True)
            cached[ref] = round(sums.get(col, 0.0), 6)
    ws.column_dimensions["A"].hidden = True
    ws.column_dimensions["B"].width = 30
    wb.save(path)
    _cache_formula_values(path, "xl/worksheets/sheet2.xml", cached)


def _cache_formula_values(path: Path, part: str, cached: dict[str, float]) -> None:
    """Give each formula cell the cached value Excel would have saved (`<v>`), so readers
    that never calculate (calamine, pandas) see the totals."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    with zipfile.ZipFile(path) as zin:
        root = etree.fromstring(zin.read(part))
        for c in root.iter(f"{{{ns}}}c"):
            ref = c.get("r")
            if ref not in cached or c.find(f"{{{ns}}}f") is None:
                continue
            for old in c.findall(f"{{{ns}}}v"):
                c.remove(old)
            c.attrib.pop("t", None)  # a number: no type attribute
            v = etree.SubElement(c, f"{{{ns}}}v")
            value = cached[ref]
            v.text = str(int(value)) if float(value).is_integer() else repr(value)
        data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        tmp = path.with_suffix(".tmp")
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                zout.writestr(info, data if info.filename == part else zin.read(info.filename))
    tmp.replace(path)


# --------------------------------------------------------------------------- README


def write_readme(path: Path, partners: list[Plant]) -> None:
    rows = [
        "| row | partner | designated | case | intended flags | recommended tier | action | why |",
        "|---:|---|---|---|---|---|---|---|",
    ]
    for r, p in enumerate(partners, start=4):
        flags = ", ".join(f"`{f}`" for f in p.flags) or "none"
        label = p.values.get("designated_tier") or "(blank)"
        rows.append(
            f"| {r} | {p.values['partner']} | {label} | {p.case} | {flags} | "
            f"{p.tier} | {p.action} | {p.why} |"
        )
    text = README_TEMPLATE.format(as_of=AS_OF.isoformat(), seed=SEED, table="\n".join(rows))
    path.write_text(text, encoding="utf-8")


README_TEMPLATE = """\
# Sample partner trackers

Generated by `make_samples.py` (deterministic: seed {seed}, reference date
**AS_OF = {as_of}**; every date in the files is counted back from it). Judge them
`--as-of {as_of}`:

    .venv/bin/python samples/make_samples.py            # rewrite the files here
    .venv/bin/tierwise score samples/partner_tracker.xlsx --as-of {as_of}

- `partner_tracker.xlsx`: 40 partners of Quillstone Software, a mid-size software
  company, kept by an ops team: title rows, coloured header on row 3, frozen panes,
  filter, Notes column, tier and type drop-downs pointing at the `Lists` sheet, real
  dates, money as numbers in a `$` format, cell comments. Headers are the contract's
  wording and cover every canonical field.
- `partner_tracker.csv`: the `Partners` sheet exported as shown (header + data rows):
  `$1,200,000`, `55%`, `21-Oct-2026`.
- `messy_tracker.xlsx`: the same 40 partners with the same values, kept the way people
  keep them: a `Read me` sheet first, title and blank rows, a two-row header on rows 4-5
  (merged `Pipeline`, `Sales cycle`, `Ecosystem` groups), odd wording (`Why we're
  doing this`, `% Sourced by partner`, `PAM`), `$5.2M` / `650k` / `55%` / `70 days` /
  `n/a` / `TBD`, dates typed as `25/03/2026` or `Mar 10, 2026`, abbreviations (`SI`,
  `VAR`, `Disti`), upper-case tier labels, a hidden `Internal ID` column, and a `TOTAL` row of `SUM`
  formulas (with cached values) below a blank row. Scoring it gives the same
  judgments as `partner_tracker.xlsx`.

## How the cases are planted
Each partner carries only the evidence of its intended judgment:
- "evidenced" means strong numbers in the motivation's columns (share: closed revenue
  against target, share gain and deals in a named market; access: new logos,
  partner-sourced %, new markets; speed: sales cycle with the partner against the
  150-day direct baseline; ecosystem: integrations, certifications, marketplace).
- "no motivation evidenced" means every evidence cell is 0, "No" or blank.
- Only partners meant to be `EXEC_LUNCH` have a revenue target >= $1M with pipeline +
  closed < 10% of it, beside the strategic pair whose pipeline covers its target.
- Only the press-release alliance has a PR date; only it has target market "Global".
- Only the vague-agenda partners have a vague objective or a blank/"TBD" partner agenda
  (casual partners leave the agenda blank, which the playbook does not flag).
- Labelled strategic (Strategic/Platinum): the clean pair (sponsor, >= 1 FTE, activity
  in the last 10 days, high scores) and five in name only (no sponsor, < 1 FTE, no
  activity for 150-270 days).
- Tactical slots (10 partners, 5 initiatives) go by score: the good tactical partners
  have two motivations evidenced and take 4 initiatives; Crownpoint Resellers
  (access and share evidenced, no flag penalty for STRATEGIC_IN_NAME_ONLY) takes the
  fifth (FinServ Risk Platform); Vantage Point Integration (ecosystem only, no
  business) and the other flagged single-motivation partners sit on further
  initiatives (Global Alliances, Enterprise Alliance, Manufacturing IoT, Public Sector
  Digital) and drop to casual (demote).
- The brand-new partner started 47 days before AS_OF (grace period 120 days): "too
  early to judge", kept at its designated tier.

Designated tiers: 7 strategic labels (17.5%), 16 tactical (Gold/Silver) on 10
initiatives, 17 casual (one with no tier): every one of the seven portfolio checks
fails on the designated tiers (`CASUAL_OWNED_BY_FIELD` through Foxglove IT Solutions,
a Bronze partner run by Alliances with FTE and MDF). Recommended: 2 strategic on one
initiative (integrator + ISV), 10 tactical on 5 initiatives (Retail Analytics Co-sell,
Mid-market Cloud Migration, Marketplace & Integrations, EMEA Channel Expansion,
FinServ Risk Platform), the rest casual: all seven checks pass on the recommended
tiers. No strategy is declared, so the strategic initiative (US Hospital Cloud
Analytics, the clean pair's) is *proposed*, and every view says "declare it". The
resources to reallocate are net of the tier norms (rubric `[resources]`): what the
demoted, withdrawn and exited partners hold above their new tier's norm, less what
Brambleway's promotion needs.

## What the revised playbook (strategy first, evidence before verdicts) changed
- Crownpoint Resellers and Vantage Point Integration swap places: within a motivation
  the strongest piece of evidence now counts in full (more evidence never lowers a
  motivation), and a strategic market partner is judged on business, so Crownpoint's
  $240k closed and 9 new logos outrank Vantage Point's connectors with no revenue.
  Crownpoint takes the fifth tactical initiative; Vantage Point drops to casual. Both
  are still demoted from strategic for the same reasons.
- Blank cells are unknown, not 0: the casual referrals' blank cycle and share-gain
  cells are listed as `unknown`; no verdict rests on them, none changes.
- A demotion frees only what sits above the new tier's norm (Crownpoint keeps its
  0.5 FTE as a tactical partner) and promotions are costed, so the net reallocation
  is smaller than the old "everything the demoted and exited partners hold".
- A `Relationship` column (blank = go-to-market) was added, so the tracker still
  covers every canonical field.

## The planted partners (`partner_tracker.xlsx`, worksheet rows)
{table}
"""


# --------------------------------------------------------------------------- main


def generate(out: Path) -> list[Path]:
    """Write the three sample files and README.md into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    partners = plants()
    files = [out / "partner_tracker.xlsx", out / "messy_tracker.xlsx", out / "partner_tracker.csv"]
    with tempfile.TemporaryDirectory(dir=out) as tmp:
        staged = [Path(tmp) / f.name for f in files]
        write_tidy(staged[0], partners)
        write_messy(staged[1], partners)
        write_csv(staged[2], partners)
        for src, dst in zip(staged, files, strict=True):
            shutil.move(src, dst)
    write_readme(out / "README.md", partners)
    import quarters  # two quarters of the same portfolio (samples/quarters.py)

    return files + quarters.generate(sys.modules[__name__], out, partners)


def main(argv: list[str] | None = None) -> None:
    global AS_OF
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write into")
    parser.add_argument("--as-of", default=AS_OF.isoformat(), help="reference date")
    args = parser.parse_args(argv)
    AS_OF = date.fromisoformat(args.as_of)
    for path in generate(args.out):
        print(path)


if __name__ == "__main__":
    main()
