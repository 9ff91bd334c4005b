"""Every code Tierwise shows, with its words: flags, portfolio checks, actions, motivations.

The one catalogue every view reads (the terminal report, the brief, the comparison, the
portfolio sheet, the template's words, the TUI). It declares nothing itself: a flag's
and a portfolio check's words are declared with its rule (`@flag` in scoring/flags.py,
`@check` in scoring/portfolio.py), the actions' and motivations' in vocabulary.py; the
tables here are those, in their order. A view above scoring, so io and scoring do not
read it (they use the registries, or take the words as plain data). tests/test_catalogue.py
fails while a view spells a catalogue sentence itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from tierwise import vocabulary
from tierwise.scoring.flags import RULES
from tierwise.scoring.portfolio import CHECK_RULES
from tierwise.vocabulary import Entry

FLAGS: Final[Mapping[str, Entry]] = {code: flag.words for code, flag in RULES.items()}
CHECKS: Final[Mapping[str, Entry]] = {code: check.words for code, check in CHECK_RULES.items()}
ACTIONS: Final = vocabulary.ACTIONS
MOTIVATIONS: Final = vocabulary.MOTIVATIONS

ALL: Final = {**FLAGS, **CHECKS, **ACTIONS, **MOTIVATIONS}

_FLAG_CODE: Final = re.compile(r"\b(" + "|".join(FLAGS) + r")\b")


def in_words(text: str) -> str:
    """A reason for people: each flag code as its plain name ("Fix STRATEGIC_IN_NAME_ONLY
    before ..." -> "Fix Strategic in name only before ..."). The workbook's why column
    and the JSON keep the codes; views that show a reason to a reader use this."""
    return _FLAG_CODE.sub(lambda m: FLAGS[m.group(1)].name, text)
