"""The fixed words: `Entry` (a code and what it says, in words) and the two tables of codes
that are data rather than registered rules, the actions and the motivations.

A flag's and a portfolio check's words are declared where the rule is registered
(`@flag` in scoring/flags.py, `@check` in scoring/portfolio.py); `tierwise.catalogue`
gathers them with these tables into the one catalogue every view reads. The codes are
public names (docs/CONTRACT.md): extend, never rename.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Entry:
    """One code's words.

    label: a short tag for narrow places (a table badge, a panel row);
    name: the code in plain words;
    meaning: one line on what it says about a partner or the portfolio;
    todo: what the reader should do about it.
    """

    code: str
    label: str
    name: str
    meaning: str
    todo: str


def _table(*entries: Entry) -> dict[str, Entry]:
    return {e.code: e for e in entries}


ACTIONS: Final = _table(
    Entry("keep", "keep", "Keep", "Its tier fits its evidence.", "Nothing to change."),
    Entry(
        "promote",
        "promote",
        "Promote",
        "Its recommended tier is higher than its designated one.",
        "Move it up and give it what the higher tier gets.",
    ),
    Entry(
        "demote",
        "demote",
        "Demote",
        "Its recommended tier is lower than its designated one.",
        "Move it down and free the people and budget it holds.",
    ),
    Entry(
        "exit",
        "exit",
        "Exit",
        "It brings nothing (no revenue, deals or logos) and consumes resources, or harms us.",
        "End the partnership and reallocate what it consumed.",
    ),
    Entry(
        "fix",
        "fix",
        "Fix",
        "A flag must be cleared before its tier can be trusted.",
        "Clear the flag (the why column says how), then score again.",
    ),
    Entry(
        "collect",
        "collect",
        "Collect evidence",
        "Not enough evidence to judge: its motivations are mostly unknown, or a move "
        "would rest on blank cells.",
        "Fill in the cells the todo column names, then score again.",
    ),
    Entry(
        "withdraw",
        "withdraw",
        "Withdraw",
        "It brings some business, but not enough to justify dedicated people or budget.",
        "Stop investing: hand it to the field as a casual partner.",
    ),
)

MOTIVATIONS: Final = _table(
    Entry(
        "share",
        "Shr",
        "Share",
        "Gain share in a specified market.",
        "Record closed revenue against the joint target and the share gained.",
    ),
    Entry(
        "access",
        "Acc",
        "Access",
        "Reach customers we could not reach alone.",
        "Record new logos, partner-sourced deals and new markets.",
    ),
    Entry(
        "speed",
        "Spd",
        "Speed",
        "Shorten sales cycles.",
        "Record the sales cycle with the partner and without.",
    ),
    Entry(
        "ecosystem",
        "Eco",
        "Ecosystem",
        "Build power in the value chain.",
        "Record integrations, certified staff and marketplace listings.",
    ),
)
