"""The canonical partner fields (docs/CONTRACT.md) and the polars type each one is read into.

This module is shared by io (which parses cells into these types) and scoring (which
reads them). Absent fields are simply not columns of the tracker frame: scoring treats
a missing column as "not assessed", never as zero.

The codes of the actions and motivations are the entries of vocabulary.py, in its order:
a code is declared once, with its words. (A flag's or a check's code is declared with
its rule in scoring; tierwise.catalogue gathers every code with its words.)
"""

from __future__ import annotations

from typing import Final

import polars as pl

from tierwise import vocabulary

# field -> kind. The kind decides how io parses a cell (see io/values.py).
FIELD_KINDS: Final[dict[str, str]] = {
    "partner": "text",
    "partner_type": "category",  # lower-cased; consultancy, integrator, isv, ...
    "designated_tier": "label",  # the label as written; scoring maps it to a tier
    "initiative": "text",
    "target_market": "text",
    "market_need": "text",
    "objective": "text",
    "partner_agenda": "text",
    "revenue_target": "money",
    "pipeline": "money",
    "closed_revenue": "money",
    "deals_won": "count",
    "new_logos": "count",
    "sourced_share": "percent",  # percent points, 0-100
    "new_markets": "markets",  # a count, or a list of names counted
    "share_gain": "percent",  # percent points
    "cycle_days": "days",
    "baseline_cycle_days": "days",
    "integrations": "count",
    "certifications": "count",
    "marketplace": "bool",
    "exec_sponsor": "text",
    "origin": "text",
    "announced": "announcement",  # Boolean, plus `announced_on` (Date) when a date was given
    "agreement_date": "date",
    "start_date": "date",
    "last_activity": "date",
    "fte": "number",
    "budget": "money",
    "owner": "text",
    "owner_team": "text",
    "notes": "text",
    # gtm, supplier, subcontractor, technology, acquisition_candidate (blank = gtm): read
    # as text, told apart by scoring from the rubric's [relationship] words.
    "relationship": "text",
}

FIELDS: Final[tuple[str, ...]] = tuple(FIELD_KINDS)

_DTYPES: Final[dict[str, pl.DataType]] = {
    "text": pl.String(),
    "category": pl.String(),
    "label": pl.String(),
    "money": pl.Float64(),
    "count": pl.Float64(),
    "percent": pl.Float64(),
    "markets": pl.Float64(),
    "days": pl.Float64(),
    "number": pl.Float64(),
    "bool": pl.Boolean(),
    "date": pl.Date(),
    "announcement": pl.Boolean(),
}

# Extra column the reader adds beside `announced` when the cell held a date.
ANNOUNCED_ON: Final = "announced_on"
# Extra column the reader adds when amounts were written in another currency than their
# column's: each row's money fields left unknown for it (a list; empty for none).
OTHER_CURRENCY: Final = "other_currency"

PARTNER_TYPES: Final[tuple[str, ...]] = (
    "consultancy",
    "integrator",
    "isv",
    "product",
    "service",
    "reseller",
    "distributor",
    "msp",
    "other",
)
TIERS: Final[tuple[str, ...]] = ("strategic", "tactical", "casual")
DECISIONS: Final[tuple[str, ...]] = ("strategic", "tactical", "casual", "exit")
ACTIONS: Final[tuple[str, ...]] = tuple(vocabulary.ACTIONS)
RELATIONSHIPS: Final[tuple[str, ...]] = (
    "gtm",
    "supplier",
    "subcontractor",
    "technology",
    "acquisition_candidate",
)
MOTIVATIONS: Final[tuple[str, ...]] = tuple(vocabulary.MOTIVATIONS)


def dtype_of(field: str) -> pl.DataType:
    """The polars type a canonical field is read into."""
    return _DTYPES[FIELD_KINDS[field]]


def tracker_schema() -> dict[str, pl.DataType]:
    """Every column a tracker frame may hold, in canonical order (`row` first)."""
    schema: dict[str, pl.DataType] = {"row": pl.Int64()}
    for field in FIELDS:
        schema[field] = dtype_of(field)
        if field == "announced":
            schema[ANNOUNCED_ON] = pl.Date()
    return schema
