"""The mapping screen: every column of the tracker with a few of its values, the field
it is read as and how sure Tierwise is of that; Enter on a column picks another field.

The screen only chooses: the app reads the tracker again with the choice (through the
pipeline, never parsing a cell here) and re-scores the partners."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, ClassVar

import polars as pl
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

from tierwise.errors import TierwiseError
from tierwise.fields import FIELD_KINDS, FIELDS
from tierwise.io.tracker import Tracker, column_letter
from tierwise.tui.keymap import opens
from tierwise.tui.text import literal, literal_text

if TYPE_CHECKING:
    from tierwise.pipeline import Evaluation
    from tierwise.tui.app import TriageApp

# Values shown beside each header.
SAMPLES = 3
NOT_MAPPED = "-"  # the option that keeps a column unmapped
# How each mapping was made, in words (docs/CONTRACT.md `source.confidence`).
HOW_SURE = {
    "user": "yours",
    "profile": "sure: the export's profile",
    "exact": "sure: an alias",
    "token": "sure: alias words",
    "contained": "likely: alias + qualifiers",
    "partial": "check: alias + one word",
    "spelling": "check: near spelling",
    "values": "check: from its values",
    "fallback": "check: a guess",
}


def samples(raw: pl.DataFrame, header: str) -> str:
    """The first few distinct values of a column, as written."""
    if header not in raw.columns:
        return ""
    values = raw.get_column(header).drop_nulls().unique(maintain_order=True).head(SAMPLES)
    return ", ".join(str(v) for v in values.to_list())


class FieldScreen(ModalScreen[str | None]):
    """Which field a column is read as: one of the canonical fields, or none."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Cancel")]

    def __init__(self, header: str, current: str | None) -> None:
        super().__init__(classes="modal")
        self._header = header
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = literal(f"Read '{self._header}' as")
            box.border_subtitle = "Enter picks · Escape cancels"
            options = [Option("(not mapped)", id=NOT_MAPPED)]
            options += [Option(f"{f}  ({FIELD_KINDS[f]})", id=f) for f in FIELDS]
            yield OptionList(*options, id="fields")

    def on_mount(self) -> None:
        fields = self.query_one("#fields", OptionList)
        fields.highlighted = 0 if self._current is None else FIELDS.index(self._current) + 1
        fields.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_close(self) -> None:
        self.dismiss(None)


class MappingScreen(ModalScreen[tuple[str, str] | None]):
    """Every column, its samples, field and how sure; dismisses with (header, field)
    when a column is given another field ("" for none), None when closed."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "close", "Close")]

    def __init__(self, tracker: Tracker) -> None:
        super().__init__(classes="modal")
        self._tracker = tracker

    def compose(self) -> ComposeResult:
        src = self._tracker.source
        with Vertical(classes="dialog wide") as box:
            box.border_title = f"Column mapping · {len(src.mapping)} of {len(src.header_columns)}"
            box.border_subtitle = "Enter changes a column's field · Escape closes"
            yield Static(
                "Check the columns marked 'check' first. A change re-reads the tracker and "
                "re-scores the partners; ctrl+s stores the mapping in the workbook.",
                classes="hint",
            )
            yield DataTable(cursor_type="row", zebra_stripes=True, id="mapping-table")

    def on_mount(self) -> None:
        src = self._tracker.source
        table = self.query_one("#mapping-table", DataTable)
        table.add_columns("Col", "Header", "Values", "Field", "How sure")
        for header, number in src.header_columns.items():
            field = src.mapping.get(header)
            how = HOW_SURE.get(src.confidence.get(header, ""), "") if field else ""
            table.add_row(
                column_letter(number),
                literal_text(header),
                literal_text(samples(self._tracker.raw, header)),
                field or "-",
                how,
                key=header,
            )
        table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        header = str(event.row_key.value)
        current = self._tracker.source.mapping.get(header)
        if current == "partner":
            self.notify(
                f'The partner column is chosen when the tracker opens: --map "{header}=partner" '
                "picks another.",
                severity="warning",
            )
            return

        def chosen(field: str | None) -> None:
            if field is None or field == (current or NOT_MAPPED):
                return
            if field == "partner":
                self.notify(
                    f'Open the tracker with --map "{header}=partner" to read it as the partner.',
                    severity="warning",
                )
                return
            self.dismiss((header, "" if field == NOT_MAPPED else field))

        self.app.push_screen(FieldScreen(header, current), chosen)

    def action_close(self) -> None:
        self.dismiss(None)


@opens(
    "M",
    "Column mapping",
    "File",
    after="open_warnings",
    help="Which field each column is read as, and how sure; change one and re-score",
)
def open_mapping(app: TriageApp) -> None:
    """See how each column is read; a column read as another field re-reads and
    re-scores the tracker, keeping the decisions."""
    if (ev := app.scored("the mapping opens")) is None:
        return

    def done(change: tuple[str, str] | None) -> None:
        if change is not None and app.ev is not None:
            mapping = {**app.ev.tracker.source.user_mapping(), change[0]: change[1]}
            app.notify(f"Reading '{change[0]}' as {change[1] or 'nothing'}…")
            work = partial(_remap, app, app.ev, mapping)
            app.run_worker(work, group="rescore", exclusive=True, thread=True)

    app.push_screen(MappingScreen(ev.tracker), done)


def _remap(app: TriageApp, ev: Evaluation, mapping: dict[str, str]) -> None:
    """Re-read and re-score `ev`'s tracker with `mapping` (in a worker thread)."""
    try:
        remapped = ev.remapped(mapping, allow_large=app.allow_large)
    except TierwiseError as err:
        app.call_from_thread(app.notify, str(err), title="Mapping not changed", severity="error")
        return
    app.call_from_thread(_remapped, app, remapped, mapping)


def _remapped(app: TriageApp, ev: Evaluation, mapping: dict[str, str]) -> None:
    moved = app.take(ev)
    if moved is None:
        return
    app.mapping = mapping  # a reload reads it the same way
    app.mapping_unsaved = True
    app.notify(
        f"Mapping changed: {moved} partners change recommended tier; your decisions "
        "and notes are kept. ctrl+s stores the mapping in the workbook."
    )
