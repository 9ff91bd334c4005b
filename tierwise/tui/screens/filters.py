"""The filter dialog: narrow the table by tier, decision, action, flag or mismatch."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Label, Select

from tierwise import catalogue
from tierwise.fields import ACTIONS, DECISIONS, TIERS
from tierwise.tui.keymap import opens
from tierwise.tui.session import UNDECIDED, Filters

if TYPE_CHECKING:
    from tierwise.tui.app import TriageApp

_CHOICES: dict[str, list[str]] = {
    "designated": [*TIERS, "none"],
    "recommended": list(TIERS),
    "decision": [UNDECIDED, *DECISIONS],
    "action": list(ACTIONS),
    "flag": list(catalogue.FLAGS),
}


def _shown(kind: str, value: str) -> str:
    """A choice in words: flags by badge and plain name, actions by plain name."""
    if kind == "flag":
        entry = catalogue.FLAGS[value]
        return f"{entry.label} {entry.name}"
    if kind == "action":
        return catalogue.ACTIONS[value].name
    return value


class FilterScreen(ModalScreen[Filters | None]):
    """Dismisses with the new filters (drill-down kept), or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: Filters) -> None:
        super().__init__(classes="modal")
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = "Filter partners"
            for name, values in _CHOICES.items():
                with Horizontal(classes="field"):
                    yield Label(name.capitalize(), classes="label")
                    yield Select(
                        [(_shown(name, v), v) for v in values],
                        value=getattr(self._current, name) or Select.NULL,
                        prompt="any",
                        id=f"filter-{name}",
                        compact=True,
                    )
            yield Checkbox(
                "Only designated ≠ recommended",
                self._current.mismatches,
                id="filter-mismatches",
                compact=True,
            )
            yield Checkbox(
                "Only changed since last review",
                self._current.changed,
                id="filter-changed",
                compact=True,
            )
            with Horizontal(classes="buttons"):
                yield Button("Apply", id="apply", variant="primary", compact=True)
                yield Button("Clear all", id="clear", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "apply":
            self.dismiss(self.chosen())
        elif event.button.id == "clear":
            self.dismiss(Filters())
        else:
            self.dismiss(None)

    def chosen(self) -> Filters:
        values: dict[str, str | None] = {}
        for name in _CHOICES:
            value = self.query_one(f"#filter-{name}", Select).value
            values[name] = value if isinstance(value, str) else None
        return Filters(
            **values,
            mismatches=self.query_one("#filter-mismatches", Checkbox).value,
            changed=self.query_one("#filter-changed", Checkbox).value,
            rows=self._current.rows,
            label=self._current.label,
        )

    def action_cancel(self) -> None:
        self.dismiss(None)


@opens(
    "f",
    "Filter",
    "Find",
    after="prev_match",
    show=True,
    help="Filter by tier, decision, action, flag",
    rank=4,
)
def open_filters(app: TriageApp) -> None:
    """Choose the filters; the table shows what they keep."""
    if app.waiting_for_scores("filters open"):
        return

    def done(filters: Filters | None) -> None:
        if filters is not None:
            app.filters = filters
            app.refresh_view()

    app.push_screen(FilterScreen(app.filters), done)
