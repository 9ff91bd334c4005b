"""What-if rubric: change the main weights and thresholds and watch tiers and checks move.

Every edit re-scores the tracker with the adjusted rubric (debounced, in a worker
thread); ctrl+r applies it to the open session (the screen dismisses with the adjusted
rubric, the app re-scores its partners and keeps the decisions); ctrl+s writes the
adjusted rubric as TOML, usable with `--rubric`.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import polars as pl
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Button, Input, Label, Static

from tierwise import catalogue
from tierwise.errors import TierwiseError
from tierwise.fields import TIERS
from tierwise.tui.keymap import opens
from tierwise.tui.text import literal, markup, printable
from tierwise.tui.widgets.plain_input import PlainInput
from tierwise.tui.widgets.portfolio import limits

if TYPE_CHECKING:
    from tierwise.pipeline import Evaluation
    from tierwise.scoring.result import Scored
    from tierwise.scoring.rubric import Rubric
    from tierwise.tui.app import TriageApp

_SKIP_TABLES = {"aliases", "labels"}
_MAX_KNOBS = 24
DEBOUNCE = 0.3  # seconds after the last keystroke before re-scoring
_SHOWN_MOVES = 6  # partners listed by name when the adjusted rubric moves them
SUBTITLE = "ctrl+r applies to the session · ctrl+s saves the rubric · Escape closes"


def knobs(data: dict[str, Any], prefix: str = "") -> list[tuple[str, float]]:
    """The rubric's main numeric settings as (dotted key, value), weights first."""
    found: list[tuple[str, float]] = []
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if not prefix and key in _SKIP_TABLES:
            continue
        if isinstance(value, dict):
            found.extend(knobs(value, dotted + "."))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            found.append((dotted, value))
    if prefix:
        return found

    order = ("score.", "thresholds.", "recommend.", "tiers.")

    def rank(item: tuple[str, float]) -> int:
        # The main weights and thresholds first; evidence sub-weights last.
        return next((i for i, p in enumerate(order) if item[0].startswith(p)), len(order))

    return sorted(found, key=rank)[:_MAX_KNOBS]


def plain_label(key: str) -> str:
    """A rubric setting in words ("score.penalty_exec_lunch" -> "Penalty for Exec
    lunch"); the dotted key stays the hint (tooltip, and the line under the inputs)."""
    parts = key.split(".")
    last = parts[-1]
    words = last.replace("_", " ")
    flag = catalogue.FLAGS.get(last.removeprefix("penalty_").upper())
    if last.startswith("penalty_") and flag is not None:
        return f"Penalty for {flag.name}"
    if parts[:2] == ["score", "weights"]:
        return f"Weight of {catalogue.MOTIVATIONS[last].name.lower()}"
    if parts[0] == "motivations" and len(parts) > 2:
        return f"{catalogue.MOTIVATIONS[parts[1]].name}: {words}"
    section = {"thresholds": "Threshold", "tiers": "Tiers", "recommend": "Recommend"}
    if parts[0] in section:
        return f"{section[parts[0]]}: {words}"
    return words[:1].upper() + words[1:]


def input_id(key: str) -> str:
    return "knob-" + key.replace(".", "--")


class WhatIfScreen(ModalScreen["Rubric | None"]):
    """Adjust the rubric and see the recommended tiers and checks it would give.
    Dismisses with the adjusted rubric to apply it, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        # priority: the knob inputs have focus, and ctrl+r means nothing to an Input
        Binding("ctrl+r", "apply", "Apply to session", priority=True),
        Binding("ctrl+s", "save_rubric", "Save rubric", priority=True),
        # priority: the scrolling list of inputs would take up/down to scroll instead
        Binding("down", "app.focus_next", "Next", show=False, priority=True),
        Binding("up", "app.focus_previous", "Previous", show=False, priority=True),
    ]

    def __init__(self, ev: Evaluation, input_path: Path) -> None:
        super().__init__(classes="modal")
        self.ev = ev
        self.defaults = dict(knobs(ev.rubric.data))
        self.rubric = ev.rubric  # the adjusted rubric, once valid
        self.rescored: Scored | None = None
        self._timer: Timer | None = None
        self._default_path = input_path.with_name(input_path.stem + ".rubric.toml")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = "What-if rubric"
            box.border_subtitle = SUBTITLE
            with Horizontal(id="whatif-body"):
                with VerticalScroll(id="whatif-inputs"):
                    for key, value in self.defaults.items():
                        with Horizontal(classes="field"):
                            label = Label(literal(plain_label(key)), classes="label")
                            label.tooltip = key
                            yield label
                            field = Input(
                                _num(value), id=input_id(key), type="number", compact=True
                            )
                            field.tooltip = key
                            yield field
                yield Static(id="whatif-result")
            yield Static(id="whatif-hint", markup=False)
            with Horizontal(id="whatif-save"):
                # As it can be shown: a file name may hold control characters.
                yield PlainInput(printable(self._default_path), id="whatif-path", compact=True)
                yield Button("Save rubric", id="whatif-save-button")
                yield Button("Apply to session", id="whatif-apply-button", variant="primary")

    def on_mount(self) -> None:
        self._show(self.ev.scored, None)
        first = self.query("#whatif-inputs Input")
        if first:
            first.first().focus()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Under the inputs: the focused setting's rubric key and its value in use."""
        key = next((k for k in self.defaults if input_id(k) == event.widget.id), None)
        hint = "" if key is None else f"{key} (rubric in use: {_num(self.defaults[key])})"
        self.query_one("#whatif-hint", Static).update(hint)

    def values(self) -> dict[str, Any]:
        """The settings the user changed, typed like the defaults."""
        changed: dict[str, Any] = {}
        for key, default in self.defaults.items():
            text = self.query_one(f"#{input_id(key)}", Input).value.strip()
            try:
                number = float(text)
            except ValueError:
                raise TierwiseError(f"{key}: {text!r} is not a number") from None
            whole = isinstance(default, int) and number.is_integer()
            value: float | int = int(number) if whole else number
            if value != default:
                changed[key] = value
        return changed

    def adjusted(self) -> Rubric | None:
        """The rubric in use with the edited settings; None when none was changed."""
        values = self.values()
        return self.ev.rubric.with_values(values) if values else None

    @on(Input.Changed, "#whatif-inputs Input")
    def edited(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, self.rescore)

    def rescore(self) -> None:
        try:
            rubric = self.adjusted() or self.ev.rubric
        except TierwiseError as err:
            self._error(str(err))
            return
        self._rescore(rubric)

    @work(thread=True, exclusive=True, group="whatif")
    def _rescore(self, rubric: Rubric) -> None:
        try:
            # Judged as the session was (and as applying it will be), so the checks
            # compared below differ by the rubric only.
            scored = self.ev.rescored(rubric).scored
        except TierwiseError as err:
            self.app.call_from_thread(self._error, str(err))
            return
        self.app.call_from_thread(self._done, rubric, scored)

    def _done(self, rubric: Rubric, scored: Scored) -> None:
        self.rubric = rubric
        self.rescored = scored
        self._show(scored, rubric)

    def _error(self, message: str) -> None:
        self.query_one("#whatif-result", Static).update(
            markup("[b $error]$message[/]", message=message)
        )

    def _show(self, scored: Scored, rubric: Rubric | None) -> None:
        before = self.ev.scored.partners
        after = scored.partners
        was = Counter(before["recommended_tier"].to_list())
        now = Counter(after["recommended_tier"].to_list())
        joined = before.select("row", old="recommended_tier").join(
            after.select("row", new="recommended_tier"), on="row"
        )
        changed = joined.filter(pl.col("old") != pl.col("new"))
        moved = changed.height
        lines = ["[b]Recommended tiers[/]  (rubric in use → adjusted)"]
        values: dict[str, object] = {}
        for tier in TIERS:
            delta = now[tier] - was[tier]
            colour = "$text-muted" if delta == 0 else "$warning"
            lines.append(f"  {tier:<10}{was[tier]:>5} → [{colour}]{now[tier]}[/]")
        lines.append(f"  [b]{moved}[/] partners change recommended tier")
        if moved:
            names = changed.join(after.select("row", "partner"), on="row").head(_SHOWN_MOVES)
            for i, (name, old, new) in enumerate(names.select("partner", "old", "new").iter_rows()):
                # Partner names are workbook text: `$moved<i>` variables, never markup.
                values[f"moved{i}"] = name or "?"
                lines.append(f"    $moved{i}: {old} → [$warning]{new}[/]")
            if moved > _SHOWN_MOVES:
                lines.append(f"    [$text-muted]and {moved - _SHOWN_MOVES} more[/]")
        lines.append("")
        lines.append("[b]Checks on the recommended tiers[/]")
        cap = (rubric or self.ev.rubric).get("tiers.strategic_partners_max")
        for check in scored.portfolio.recommended:
            colour, mark = (
                ("$text-muted", "–")
                if not check.assessed
                else ("$success", "✓")
                if check.ok
                else ("$error", "✗")
            )
            actual = "" if check.actual is None else f"{check.actual:g}"
            lines.append(
                f"  [{colour}]{mark}[/] {catalogue.CHECKS[check.code].label:<20}"
                f"{actual:>4} [$text-muted]{limits(check, cap)}[/]"
            )
        if rubric is not None and rubric is not self.ev.rubric:
            lines.append("")
            values["adjusted"] = ", ".join(f"{k} = {v}" for k, v in self.values().items())
            lines.append("[$text-muted]Adjusted: $adjusted[/]")
        self.query_one("#whatif-result", Static).update(markup("\n".join(lines), **values))

    @on(Button.Pressed, "#whatif-save-button")
    def save_pressed(self) -> None:
        self.action_save_rubric()

    def action_save_rubric(self) -> None:
        try:
            rubric = self.adjusted() or self.ev.rubric
            typed = self.query_one("#whatif-path", Input).value.strip()
            path = (
                self._default_path
                if typed == printable(self._default_path)
                else Path(typed).expanduser()
            )
            path.write_text(rubric.to_toml(), encoding="utf-8")
        except TierwiseError as err:
            self.app.notify(str(err), title="Rubric not saved", severity="error")
            return
        except OSError as err:
            self.app.notify(f"Cannot write: {err}", title="Rubric not saved", severity="error")
            return
        self.app.notify(f"Saved the rubric to {path}; use it with --rubric {path.name}")

    @on(Button.Pressed, "#whatif-apply-button")
    def apply_pressed(self) -> None:
        self.action_apply()

    def action_apply(self) -> None:
        """Close and hand the adjusted rubric to the app, which re-scores the session."""
        try:
            rubric = self.adjusted()
        except TierwiseError as err:
            self._error(str(err))
            return
        if rubric is None:
            self.app.notify("The rubric is unchanged: nothing to apply.")
            return
        self.dismiss(rubric)

    def action_close(self) -> None:
        self.dismiss(None)


def _num(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


@opens(
    "R",
    "What-if rubric",
    "File",
    after="save",
    help="Adjust weights and thresholds live, then apply them",
)
def open_whatif(app: TriageApp) -> None:
    """Adjust the rubric; the one applied (ctrl+r) re-scores the session."""
    if (ev := app.scored("what-if opens")) is None:
        return
    app.push_screen(WhatIfScreen(ev, app.path), app.apply_rubric)
