"""The names Tierwise writes into workbooks (docs/CONTRACT.md, "Annotated workbook")."""

from __future__ import annotations

from typing import Final

PREFIX: Final = "Tierwise: "

# Header text -> the result column it shows, in the order they are appended.
ANNOTATION_COLUMNS: Final[tuple[tuple[str, str], ...]] = (
    ("Tierwise: score", "score"),
    ("Tierwise: recommended tier", "recommended_tier"),
    ("Tierwise: action", "action"),
    ("Tierwise: flags", "flags"),
    ("Tierwise: why", "why"),
    ("Tierwise: share", "share"),
    ("Tierwise: access", "access"),
    ("Tierwise: speed", "speed"),
    ("Tierwise: ecosystem", "ecosystem"),
    ("Tierwise: decision", "decision"),
    ("Tierwise: decision note", "decision_note"),
    # Added by the revised playbook: after the decision columns, so the columns of a
    # workbook annotated before keep their places.
    ("Tierwise: todo", "todo"),
    ("Tierwise: evidence", "evidence"),
    ("Tierwise: borderline", "borderline"),
)
DECISION_HEADER: Final = "Tierwise: decision"
DECISION_NOTE_HEADER: Final = "Tierwise: decision note"

PORTFOLIO_SHEET: Final = "Tierwise Portfolio"
LOG_SHEET: Final = "Tierwise Log"
SETUP_SHEET: Final = "Tierwise Setup"  # very hidden; holds the set-up used (JSON in B column)
CHANGES_SHEET: Final = "Tierwise Changes"  # `score NEW --since OLD`: what changed
HISTORY_SHEET: Final = "Tierwise History"  # very hidden; a snapshot of each scoring saved
OWN_SHEETS: Final[frozenset[str]] = frozenset(
    {PORTFOLIO_SHEET, LOG_SHEET, SETUP_SHEET, CHANGES_SHEET, HISTORY_SHEET}
)

# Log sheet columns, in order.
LOG_COLUMNS: Final[tuple[str, ...]] = ("When", "Who", "Partner", "Row", "From", "To", "Note")
