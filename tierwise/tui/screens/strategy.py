"""Declare the strategy (docs/PLAYBOOK.md section 4): the one strategic initiative, the
tactical initiatives and the dominance markets. Strategy comes before partner selection:
once declared, the slots follow it, and every view stops saying "proposed".

Enter applies (the screen dismisses with the rubric holding the strategy; the app
re-scores and ctrl+s stores it with the workbook); Escape leaves everything as it was.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from tierwise import catalogue
from tierwise.tui.keymap import opens
from tierwise.tui.text import literal, markup
from tierwise.tui.widgets.plain_input import PlainInput

if TYPE_CHECKING:
    from tierwise.pipeline import Evaluation
    from tierwise.scoring.rubric import Rubric  # noqa: F401 (the screen's result type)
    from tierwise.tui.app import TriageApp

FIELDS = (
    ("strategic_initiative", "Strategic initiative", "the one market-dominance initiative"),
    (
        "tactical_initiatives",
        catalogue.CHECKS["TACTICAL_INITIATIVES"].name,
        "3-5, separated by ; or ,",
    ),
    ("dominance_markets", "Dominance markets", "the markets to dominate, separated by ; or ,"),
)
_SHOWN = 8  # initiatives of the tracker offered as hints


def split(text: str) -> list[str]:
    """ "A; B, C" -> ["A", "B", "C"]."""
    return [part.strip() for part in re.split(r"[;,]", text) if part.strip()]


def strategy_changes(values: dict[str, str]) -> dict[str, Any]:
    """The rubric changes (dotted keys) for what was typed in the three fields."""
    return {
        "strategy.strategic_initiative": " ".join(values["strategic_initiative"].split()),
        "strategy.tactical_initiatives": split(values["tactical_initiatives"]),
        "strategy.dominance_markets": split(values["dominance_markets"]),
    }


class StrategyScreen(ModalScreen["Rubric | None"]):
    """Dismisses with the rubric holding the declared strategy, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "app.focus_next", "Next", show=False, priority=True),
        Binding("up", "app.focus_previous", "Previous", show=False, priority=True),
    ]

    def __init__(self, ev: Evaluation) -> None:
        super().__init__(classes="modal")
        self.ev = ev

    def compose(self) -> ComposeResult:
        rubric = self.ev.rubric
        current = rubric.get("strategy")
        strategy = self.ev.scored.portfolio.strategy
        with Vertical(classes="dialog wide") as dialog:
            dialog.border_title = "Declare the strategy"
            yield Static(literal(strategy.words()), id="strategy-now")
            for key, label, hint in FIELDS:
                value = current[key]
                text = value if isinstance(value, str) else "; ".join(value)
                with Vertical(classes="field"):
                    yield Label(label, classes="label")
                    yield PlainInput(text, placeholder=hint, id=f"strategy-{key}")
            names = self.ev.scored.partners["initiative"].drop_nulls().unique(maintain_order=True)
            if names.len():
                shown = "; ".join(names.head(_SHOWN).to_list())
                more = f" and {names.len() - _SHOWN} more" if names.len() > _SHOWN else ""
                yield Static(
                    markup("Initiatives in the tracker: $names$more", names=shown, more=more),
                    classes="hint",
                )
            yield Static("Enter applies and re-scores · Escape cancels", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        values = {key: self.query_one(f"#strategy-{key}", Input).value for key, _, _ in FIELDS}
        self.dismiss(self.ev.rubric.with_values(strategy_changes(values)))

    def action_cancel(self) -> None:
        self.dismiss(None)


@opens(
    "S",
    "Strategy",
    "File",
    after="open_whatif",
    help="Declare the strategic and tactical initiatives, then re-score",
)
def open_strategy(app: TriageApp) -> None:
    """Declare the strategy; the rubric holding it re-scores the session."""
    if (ev := app.scored("the strategy opens")) is None:
        return
    app.push_screen(StrategyScreen(ev), app.apply_rubric)
