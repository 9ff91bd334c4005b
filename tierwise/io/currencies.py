"""A money column's currency, and the amounts written in another one.

A column's currency is the one most of its amounts that name a currency are written
in; on a tie, the one its header names in brackets ("Pipeline (EUR)", "Target ($k)"),
else the tied one written first. An amount written in another currency is not the same
unit: "¥45M" in a column of "$2M" targets is not 45 million dollars. Such amounts are
read as unknown, and the reader says so once per column; amounts that name no currency
are read as they are, unless a column beside them names it, as CRM exports do
(Salesforce's "Amount Currency" beside "Amount", HubSpot's "Currency").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
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
    named_by: str = ""  # the header of the column naming the currency, if one does

    def named(self) -> str:
        """The other currencies as a warning lists them ("€ or ¥", "¥ (by 'Currency')")."""
        listed = self.others[0]
        if len(self.others) > 1:
            listed = f"{', '.join(self.others[:-1])} or {self.others[-1]}"
        return f"{listed} (by '{self.named_by}')" if self.named_by else listed


# A currency in a header's brackets, a word of its own ("(Academy)" names no CAD).
_STATED: Final = re.compile(rf"(?<![a-z])({values.CURRENCIES})(?:(?<![a-z])|(?![a-z]))")


def stated_currency(header: str) -> str | None:
    """The currency a header names in brackets ("Pipeline (EUR)", "Target ($k)")."""
    for inside in re.findall(r"[(\[]([^)\]]*)[)\]]", header.lower()):
        found = _STATED.search(inside)
        if found:
            return values.CURRENCY_NAMES[found.group(1)]
    return None


# Headers of a column naming the currency of every amount on its row (casefolded).
_ROW_CURRENCY: Final = (
    "currency",
    "currency code",
    "currency iso code",
    "currencyisocode",
    "deal currency code",
    "record currency",
    "account currency",
    "opportunity currency",
)


def currency_columns(money: Sequence[str], others: Sequence[str]) -> dict[str, str]:
    """money header -> the header, among `others`, of the column naming the currency of
    its amounts: "<header> Currency" (Salesforce's "Amount Currency"), else one column
    for the whole row ("Currency", "Currency ISO Code")."""
    folded = {" ".join(h.casefold().split()): h for h in others}
    row = next((folded[k] for k in _ROW_CURRENCY if k in folded), None)
    found = {}
    for header in money:
        named = folded.get(" ".join(f"{header} currency".casefold().split())) or row
        if named is not None:
            found[header] = named
    return found


def other_currencies(
    cells: pl.Series, header: str = "", named: pl.Series | None = None, named_by: str = ""
) -> OtherCurrencies | None:
    """The cells of a money column (under `header`) written in a currency other than
    its own; None when there are none. `named`: the cells of the column (`named_by`)
    naming the currency of amounts written without one."""
    found = pl.DataFrame({"cell": cells, "named": named}).select(
        values.currency(pl.col("cell")).alias("own"), values.currency(pl.col("named"))
    )
    found = found.select(pl.coalesce("own", "named").alias("currency"), pl.col("own"))
    currency = pl.col("currency")
    uses = currency.count().over("currency")
    most = found.select(currency.filter(uses == uses.max()).unique(maintain_order=True))
    tied = most.get_column("currency").drop_nulls().to_list()
    if not tied:
        return None
    stated = stated_currency(header)
    main: str = stated if stated is not None and stated in tied else tied[0]
    other = found.select(currency.is_not_null() & (currency != main)).to_series()
    if not other.any():
        return None
    odd = found.filter(other)
    seen = odd.get_column("currency").unique(maintain_order=True).to_list()
    by_column = odd.get_column("own").null_count() > 0
    return OtherCurrencies(main, seen, other, named_by if by_column else "")
