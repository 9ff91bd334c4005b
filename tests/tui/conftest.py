"""Small real trackers for the triage app's pilot tests, and helpers to drive it."""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from tierwise.tui.app import TriageApp
from tierwise.tui.screens.whatif import WhatIfScreen, input_id

AS_OF = date(2026, 10, 31)
SIZE = (100, 30)

HEADERS = [
    "Partner",
    "Type",
    "Tier",
    "Initiative",
    "Target Market",
    "Objective",
    "Revenue Target",
    "Pipeline",
    "Closed Revenue",
    "Deals Won",
    "New Logos",
    "Integrations",
    "Exec Sponsor",
    "FTE",
    "MDF",
    "Last Activity",
    "Start Date",
    "Team",
]
# Four partners labelled strategic (the cap is two), a mix of evidence and of mistakes.
ROWS = [
    [
        "Acme Analytics",
        "isv",
        "Strategic",
        "Retail AI",
        "UK grocery retail",
        "Win 20 UK grocers",
        2_000_000,
        900_000,
        700_000,
        6,
        5,
        3,
        "CRO",
        2,
        100_000,
        date(2026, 10, 1),
        date(2024, 1, 10),
        "alliances",
    ],
    [
        "Globex Consulting",
        "consultancy",
        "Strategic",
        "",
        "global",
        "synergy and a win-win strategic alliance",
        5_000_000,
        0,
        0,
        0,
        0,
        0,
        "",
        0.5,
        50_000,
        date(2025, 12, 1),
        date(2023, 5, 1),
        "alliances",
    ],
    [
        "Initech Systems",
        "integrator",
        "Platinum",
        "Retail AI",
        "DACH retail banks",
        "Shorten bank cycles",
        1_000_000,
        400_000,
        250_000,
        3,
        2,
        1,
        "CFO",
        1.5,
        40_000,
        date(2026, 9, 20),
        date(2024, 6, 1),
        "alliances",
    ],
    [
        "Umbrella Resellers",
        "reseller",
        "Strategic",
        "",
        "",
        "",
        0,
        0,
        0,
        0,
        0,
        0,
        "",
        1,
        80_000,
        date(2025, 1, 1),
        date(2022, 1, 1),
        "alliances",
    ],
    [
        "Hooli Cloud",
        "product",
        "Gold",
        "Marketplace",
        "US mid-market SaaS",
        "List on their marketplace",
        500_000,
        300_000,
        120_000,
        4,
        6,
        2,
        "VP Sales",
        0.5,
        20_000,
        date(2026, 10, 15),
        date(2025, 2, 1),
        "field",
    ],
    [
        "Stark Distribution",
        "distributor",
        "Silver",
        "EMEA reach",
        "Nordics SMB",
        "New logos in the Nordics",
        300_000,
        150_000,
        90_000,
        5,
        9,
        0,
        "",
        0,
        0,
        date(2026, 8, 1),
        date(2024, 3, 1),
        "field",
    ],
    [
        "Wayne Services",
        "service",
        "Bronze",
        "",
        "",
        "explore opportunities",
        0,
        0,
        0,
        0,
        0,
        0,
        "",
        0,
        0,
        date(2024, 1, 1),
        date(2021, 1, 1),
        "field",
    ],
    [
        "Acme Labs",
        "msp",
        "Registered",
        "",
        "Benelux MSPs",
        "Managed AI for Benelux MSPs",
        100_000,
        60_000,
        20_000,
        1,
        1,
        1,
        "",
        0,
        0,
        date(2026, 10, 20),
        date(2026, 8, 1),
        "field",
    ],
]


def write_tracker(path: Path, rows: list[list] = ROWS) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Partners"
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


@pytest.fixture
def tracker(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    return write_tracker(folder / "tracker.xlsx")


def make_app(path: Path, **kwargs) -> TriageApp:
    kwargs.setdefault("as_of", AS_OF)
    kwargs.setdefault("who", "tester")
    return TriageApp(path, **kwargs)


async def settle(pilot: Pilot) -> None:
    """Wait for loading, re-scoring and saving workers, then for the screen to update."""
    await pilot.pause()
    # A worker that makes the app exit (a load that failed) is cancelled by that exit,
    # sometimes before it returns: that is the app closing, not a failure.
    with contextlib.suppress(WorkerCancelled):
        await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.1)  # the detail pane redraws once the cursor rests


def row_of(app: TriageApp, name: str) -> int:
    """Worksheet row of the partner called `name`."""
    table = app.session.table
    return int(table.filter(table["partner"] == name)["row"].item())


def selected_name(app: TriageApp) -> str:
    return app.session.partner(app.table.selected)["partner"]


def keys_for(text: str) -> list[str]:
    return ["space" if ch == " " else ch for ch in text]


async def select(pilot: Pilot, name: str) -> None:
    """Put the cursor on `name` (the search has its own test; this is quicker)."""
    app = pilot.app
    app.table.cursor = app.table.view.index(app.session.position(row_of(app, name)))
    await pilot.pause()
    assert selected_name(app) == name


async def open_whatif(pilot: Pilot, edits: dict[str, str] | None = None) -> WhatIfScreen:
    """Open the what-if screen (R) and type `edits` (setting -> text) into its inputs."""
    await pilot.press("R")
    screen = pilot.app.screen
    assert isinstance(screen, WhatIfScreen)
    for key, value in (edits or {}).items():
        screen.query_one(f"#{input_id(key)}").value = value
    return screen
