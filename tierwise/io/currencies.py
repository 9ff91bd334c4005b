"""A money column's currency, and the amounts written in another one.

A column's currency is the one most of its amounts that name a currency are written
in; on a tie, the one its header names in brackets ("Pipeline (EUR)", "Target ($k)"),
else the tied one written first. An amount written in another currency is not the same
unit: "¥45M" in a column of "$2M" targets is not 45 million dollars. Such amounts are
read as unknown, and the reader says so once per column; amounts that name no currency
are read as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

import polars as pl

from tierwise.io import values


@dataclass(frozen=True)
class OtherCurrencies:
    """The amounts of one column written in a currency other than the column's."""

    main: str  # the column's currency, as `values.CURRENCY_NAMES` names it
    others: list[str]  # the other currencies found, in order of first appearance
    cells: pl.Series  # Boolean, one per cell: true where written in another currency

    def named(self) -> str:
        """The other currencies as a warning lists them ("€ or ¥")."""
        if len(self.others) == 1:
            return self.others[0]
        return f"{', '.join(self.others[:-1])} or {self.others[-1]}"


# A currency in a header's brackets, a word of its own ("(Academy)" names no CAD).
_STATED: Final = re.compile(rf"(?<![a-z])({values.CURRENCIES})(?:(?<![a-z])|(?![a-z]))")


def stated_currency(header: str) -> str | None:
    """The currency a header names in brackets ("Pipeline (EUR)", "Target ($k)")."""
    for inside in re.findall(r"[(\[]([^)\]]*)[)\]]", header.lower()):
        found = _STATED.search(inside)
        if found:
            return values.CURRENCY_NAMES[found.group(1)]
    return None


def other_currencies(cells: pl.Series, header: str = "") -> OtherCurrencies | None:
    """The cells of a money column (under `header`) written in a currency other than
    its own; None when there are none."""
    found = cells.to_frame("cell").select(values.currency(pl.col("cell")).alias("currency"))
    currency = pl.col("currency")
    uses = currency.count().over("currency")
    tied = found.select(currency.filter(uses == uses.max()).unique(maintain_order=True))
    tied = tied.get_column("currency").drop_nulls().to_list()
    if not tied:
        return None
    stated = stated_currency(header)
    main = stated if stated in tied else tied[0]
    other = found.select(currency.is_not_null() & (currency != main)).to_series()
    if not other.any():
        return None
    seen = found.filter(other).get_column("currency").unique(maintain_order=True)
    return OtherCurrencies(main, seen.to_list(), other)
