"""Every code Tierwise shows, with its words: flags, portfolio checks, actions, motivations.

Each entry declares a code (a public name, docs/CONTRACT.md: extend, never rename) and
says what it means, once; fields.py takes its tuples of codes from here, in this order.
Every view (the terminal report, the portfolio sheet, the template, the TUI) reads its
labels and sentences from here, and tests/test_catalogue.py fails while a view spells a
catalogue sentence itself, or while a flag or check has no rule in scoring or a rule no
entry here.
"""

from __future__ import annotations

import re
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


FLAGS: Final = _table(
    Entry(
        "EXEC_LUNCH",
        "EL",
        "Exec lunch",
        "Executives 'did lunch' and agreed a big joint revenue number; no pipeline followed.",
        "Build pipeline against the number, or cut the number to the pipeline there is.",
    ),
    Entry(
        "PRESS_RELEASE",
        "PR",
        "Press-release partnering",
        "An announced 'strategic alliance' with no specific target market or no deals since.",
        "Name the target market and the first deals, or stop calling it an alliance.",
    ),
    Entry(
        "VAGUE_AGENDA",
        "VA",
        "Vague agenda",
        "Vague intent ('synergies', 'better serve the market'), or the partner's agenda "
        "left blank.",
        "Write our objective as a number, a market and a date, and ask the partner theirs.",
    ),
    Entry(
        "STRATEGIC_IN_NAME_ONLY",
        "SN",
        "Strategic in name only",
        "Labelled strategic without the sponsor, the people or the joint activity.",
        "Staff it as strategic (sponsor, people, activity) or demote it.",
    ),
    Entry(
        "WHY_BOTHER",
        "WB",
        "Why bother?",
        "We invest in it, yet it significantly advances none of the four motivations.",
        "Withdraw it to the field if it brings some business; exit if it brings none "
        "and still consumes people or budget.",
    ),
)

CHECKS: Final = _table(
    Entry(
        "STRATEGIC_INITIATIVES",
        "Strategic inits",
        "Strategic initiatives",
        "How many initiatives have strategic partners: the playbook allows one.",
        "Pick the one market-dominance initiative; move the others' partners to tactical.",
    ),
    Entry(
        "STRATEGIC_PARTNERS",
        "Strategic partners",
        "Strategic partners",
        "How many partners are strategic, against the rubric's limits.",
        "Keep the strongest eligible partners strategic; demote the rest.",
    ),
    Entry(
        "STRATEGIC_PARTNER_TYPES",
        "Strategic types",
        "Strategic partners of a wrong type",
        "Strategic partners whose type the rubric does not allow at that tier.",
        "Demote them to tactical, or record their type if it is wrong.",
    ),
    Entry(
        "TACTICAL_INITIATIVES",
        "Tactical inits",
        "Tactical initiatives",
        "How many initiatives have tactical partners, against the rubric's limits.",
        "Merge or drop tactical programs until their number is within the limits.",
    ),
    Entry(
        "TACTICAL_PARTNERS",
        "Tactical partners",
        "Tactical partners",
        "How many partners are tactical, against the rubric's limits.",
        "Promote or demote at the edges until the count is within the limits.",
    ),
    Entry(
        "CASUAL_OWNED_BY_FIELD",
        "Casual field-owned",
        "Casual partners not field-owned",
        "Casual partners owned by alliance staff rather than the field.",
        "Hand casual partners to the field and free the alliance staff.",
    ),
    Entry(
        "EVERYONE_STRATEGIC",
        "Everyone strategic",
        "Share labelled strategic",
        "The share of partners labelled strategic, against the rubric's cap.",
        "Keep the strategic label for the few partners on the one initiative.",
    ),
)

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

ALL: Final = {**FLAGS, **CHECKS, **ACTIONS, **MOTIVATIONS}

_FLAG_CODE: Final = re.compile(r"\b(" + "|".join(FLAGS) + r")\b")


def in_words(text: str) -> str:
    """A reason for people: each flag code as its plain name ("Fix STRATEGIC_IN_NAME_ONLY
    before ..." -> "Fix Strategic in name only before ..."). The workbook's why column
    and the JSON keep the codes; views that show a reason to a reader use this."""
    return _FLAG_CODE.sub(lambda m: FLAGS[m.group(1)].name, text)
