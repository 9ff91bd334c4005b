"""The triage app: `tierwise triage FILE`.

The App loads the tracker in a worker thread (`pipeline.evaluate`), keeps a
`TriageSession` (the polars frame plus decisions, notes and undo), and wires the
widgets: the partner table (a view of the frame), the detail pane and the portfolio
panel. Saving goes through the same writer as `tierwise score`.
"""

from __future__ import annotations

import getpass
import os
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import polars as pl
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.css.query import NoMatches
from textual.notifications import SeverityLevel
from textual.widgets import Input, Static

from tierwise.errors import TierwiseError
from tierwise.tui.commands import TriageCommands
from tierwise.tui.journal import Entry, Journal, RubricEntry
from tierwise.tui.keymap import KEYS, bindings
from tierwise.tui.screens.choice import ChoiceScreen
from tierwise.tui.screens.filters import FilterScreen
from tierwise.tui.screens.help import HelpScreen
from tierwise.tui.screens.note import NoteScreen
from tierwise.tui.screens.sort import SortScreen
from tierwise.tui.screens.warnings import WarningsScreen
from tierwise.tui.session import Change, Filters, Sort, TriageSession
from tierwise.tui.text import literal, printable
from tierwise.tui.widgets.detail import DetailPane
from tierwise.tui.widgets.keybar import KeyBar
from tierwise.tui.widgets.partner_table import PartnerTable
from tierwise.tui.widgets.plain_input import PlainInput
from tierwise.tui.widgets.portfolio import PortfolioPanel

if TYPE_CHECKING:
    from textual.screen import Screen

    from tierwise.io.log import LogEntry
    from tierwise.io.tracker import Tracker
    from tierwise.pipeline import Evaluation
    from tierwise.scoring.result import Portfolio
    from tierwise.scoring.rubric import Rubric

# Actions that only make sense on the main screen (not under a dialog).
_MAIN_ACTIONS = {k.action.split("(")[0] for k in KEYS}
WIDE = 150  # columns from which the detail and portfolio panes move to the right


def file_stamp(path: Path) -> tuple[int, int]:
    """What "changed on disk" is judged by: modification time and size."""
    st = path.stat()
    return (st.st_mtime_ns, st.st_size)


def _now() -> str:
    return datetime.now().replace(microsecond=0).isoformat()


def current_user() -> str:
    try:
        return os.environ.get("USER") or getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return "unknown"


class TriageApp(App[None]):
    """Triage a partner tracker: read why, decide tiers, save the annotated workbook."""

    CSS_PATH = "app.tcss"
    TITLE = "Tierwise triage"
    BINDINGS: ClassVar = [*bindings(), Binding("ctrl+q", "quit_app", "Quit", show=False)]
    COMMANDS: ClassVar = App.COMMANDS | {TriageCommands}

    def __init__(
        self,
        path: str | Path,
        *,
        output: str | Path | None = None,
        sheet: str | int | None = None,
        mapping: dict[str, str] | None = None,
        profile: str | None = None,
        rubric_path: str | Path | None = None,
        as_of: date | None = None,
        who: str | None = None,
        allow_large: bool = False,
    ) -> None:
        super().__init__()
        self.path = Path(path)
        self._output = Path(output) if output else None
        self.sheet = sheet
        self.mapping = mapping or {}
        self.profile = profile
        self.rubric_path = Path(rubric_path) if rubric_path else None
        self.as_of = as_of
        self.allow_large = allow_large  # past the zip-bomb and sheet-size caps (--allow-large)
        self.who = who or current_user()
        self.ev: Evaluation | None = None  # once loaded
        self.failure: str | None = None  # why the tracker could not be opened
        self.session: TriageSession | None = None
        self.journal: Journal | None = None
        self.portfolio: Portfolio | None = None
        self.filters = Filters()
        self.sort = Sort()
        self.search_text = ""
        self.matches: list[int] = []
        self.match_index = 0
        self.saving = False
        self._stamp: tuple[int, int] | None = None
        self._raw_index: dict[int, int] = {}
        self._flag_counts: Counter[str] = Counter()
        self._quit_after_save = False
        self.rubric_unsaved = False  # a what-if rubric was applied and not saved yet
        self.saved: str | None = None  # what the last save wrote, for the CLI to repeat
        self.mapping_unsaved = False  # a column mapping was changed and not saved yet

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """As App.notify, but plain text by default: messages quote file names, partner
        names and search text, which must never be read as markup nor drive the terminal."""
        super().notify(
            printable(message, newlines=True),
            title=printable(title),
            severity=severity,
            timeout=timeout,
            markup=markup,
        )

    # -- layout ------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(literal(self.path.name), id="titlebar")
        with Container(id="body"):
            yield PartnerTable(id="table")
            with Container(id="side"):
                yield DetailPane(id="detail")
                yield PortfolioPanel(id="portfolio")
        yield PlainInput(
            placeholder="Search partners… (Enter: go to first match, Escape: cancel)", id="search"
        )
        yield Static("Loading…", id="status", markup=False)
        yield KeyBar(id="keybar")

    def on_mount(self) -> None:
        self.main_screen.query_one("#body").loading = True
        self.main_screen.query_one("#detail", DetailPane).border_title = "Partner"
        self.load()

    def on_resize(self) -> None:
        self.main_screen.set_class(self.size.width >= WIDE, "-wide")

    @property
    def main_screen(self) -> Screen[object]:
        """The triage screen, even while a dialog is on top (App.query_one would search
        the dialog)."""
        return self.screen_stack[0]

    @property
    def table(self) -> PartnerTable:
        return self.main_screen.query_one("#table", PartnerTable)

    @property
    def output(self) -> Path:
        """Where ctrl+s writes: -o OUT, else NAME.tierwise.xlsx beside the input."""
        if self._output is not None:
            return self._output
        from tierwise.outputs import default_output

        return Path(default_output(self.path))

    # -- loading -----------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="load")
    def load(self) -> None:
        from tierwise.pipeline import evaluate

        try:
            stamp = file_stamp(self.path)
            ev = evaluate(
                self.path,
                sheet=self.sheet,
                mapping=self.mapping,
                profile=self.profile,
                rubric_path=self.rubric_path,
                as_of=self.as_of,
                allow_large=self.allow_large,
            )
        except TierwiseError as err:
            self.call_from_thread(self._load_failed, str(err))
            return
        except OSError as err:
            self.call_from_thread(self._load_failed, f"cannot read {self.path}: {err}")
            return
        except Exception as err:  # a bug of ours: one line, like the CLI
            self.call_from_thread(
                self._load_failed, f"unexpected error: {type(err).__name__}: {err}"
            )
            return
        from tierwise.review import past_of

        self.call_from_thread(self.loaded, ev, stamp, past_of(ev))

    def _load_failed(self, message: str) -> None:
        # The caller prints `failure` (the CLI: one line on stderr, control characters
        # made harmless); Textual's exit message would wrap it and read it as markup.
        self.failure = message
        self.exit(None, 1)

    def loaded(
        self, ev: Evaluation, stamp: tuple[int, int], past: pl.DataFrame | None = None
    ) -> None:
        """Show a freshly evaluated tracker (called on the UI thread); `past`: each
        partner's history from the workbook's snapshots (review.past_of)."""
        self.ev = ev
        self._stamp = stamp
        self.session = TriageSession(ev.scored.partners, ev.tracker.decisions, past)
        self._raw_index = {r: i for i, r in enumerate(ev.tracker.raw["row"].to_list())}
        self._count_flags(ev)
        self.main_screen.query_one("#titlebar", Static).update(
            literal(
                f"{self.path.name} · sheet {ev.tracker.source.sheet} · as of {ev.as_of} · "
                f"saves to {self.output.name}"
            )
        )
        self.journal = Journal(self.output)
        self.refresh_view()
        self._show_detail(self.table.selected)
        self.portfolio = ev.scored.portfolio
        self._show_portfolio(ev.scored.portfolio)
        if self.session.decided:
            self.refresh_portfolio()  # restored decisions move the checks
        self.main_screen.query_one("#body").loading = False
        self.table.focus()
        if ev.warnings:
            self.notify(
                f"{len(ev.warnings)} reader warnings: press w to see them.",
                title="Warnings",
                severity="warning",
            )
        self._offer_journal()

    # -- the view ----------------------------------------------------------------------
    def refresh_view(self, keep: int | None = None) -> None:
        """Recompute the table's rows from the filters and sort; keep the selection (or
        put it on position `keep`)."""
        if self.session is None:
            return
        keep = self.table.selected if keep is None else keep
        view = self.session.view(self.filters, self.sort)
        self.table.sort = self.sort
        self.table.set_view(self.session, view, keep=keep)
        if self.search_text:
            self.matches = self.session.matches(view, self.search_text)
        self.update_status()

    def update_status(self) -> None:
        session = self.session
        if session is None:
            return
        parts = [f"{len(self.table.view)} of {len(session)} partners"]
        if self.filters.active:
            parts.append(f"filter: {self.filters.describe()}")
        parts.append(f"{session.decided} decided")
        if self.search_text:
            where = f"{self.match_index + 1}/{len(self.matches)}" if self.matches else "none"
            parts.append(
                f'search "{self.search_text}" {where} (F3/shift+F3 next/previous, Esc ends)'
            )
        if self.rubric_unsaved:
            parts.append("rubric: what-if applied")
        if self.mapping_unsaved:
            parts.append("mapping: changed")
        if self.unsaved:
            parts.append("● unsaved")
        if self.saving:
            parts.append("saving…")
        self.main_screen.query_one("#status", Static).update(literal(" · ".join(parts)))

    @on(PartnerTable.Highlighted)
    def show_detail(self, event: PartnerTable.Highlighted) -> None:
        self._show_detail(event.pos)

    def _show_detail(self, pos: int | None) -> None:
        if self.session is None or self.ev is None or not self.screen_stack:
            return  # not loaded yet, or the app is closing
        try:
            detail = self.main_screen.query_one("#detail", DetailPane)
        except NoMatches:
            return
        if pos is None:
            detail.show(None)
            return
        partner = self.session.partner(pos)
        row = partner["row"]
        tracker = self.ev.tracker
        refs = {f: tracker.cell_ref(row, f) for f in tracker.source.field_columns}
        detail.show(partner, self._tracker_fields(tracker, row), refs)

    def _tracker_fields(self, tracker: Tracker, row: int) -> list[tuple[str, str, str]]:
        """(header, cell reference, text) of the partner's mapped cells, as written."""
        raw = tracker.raw
        i = self._raw_index.get(row)
        if i is None:
            return []
        fields = []
        for header, field in tracker.source.mapping.items():
            if header in raw.columns:
                value = raw[header][i]
                if value not in (None, ""):
                    ref = tracker.cell_ref(row, field).rpartition("!")[2]
                    fields.append((header, ref, str(value)))
        return fields

    @on(PartnerTable.HeaderClicked)
    def sort_by_header(self, event: PartnerTable.HeaderClicked) -> None:
        if event.column == self.sort.column:
            self.sort = Sort(event.column, not self.sort.descending)
        else:
            self.sort = Sort(event.column, event.column not in ("partner", "row"))
        self.refresh_view()

    # -- portfolio ---------------------------------------------------------------------
    def refresh_portfolio(self) -> None:
        if self.session is None:
            return
        self._compute_portfolio(self.ev, self.session.decisions_frame())

    @work(thread=True, exclusive=True, group="portfolio")
    def _compute_portfolio(self, ev: Evaluation, decisions: pl.DataFrame) -> None:
        from tierwise.scoring import portfolio_after

        portfolio = portfolio_after(ev.scored, decisions, ev.rubric)
        self.call_from_thread(self._show_portfolio, portfolio, ev)

    def _show_portfolio(self, portfolio: Portfolio, ev: Evaluation | None = None) -> None:
        if ev is not None and ev is not self.ev:
            return  # computed for the rubric in use before a what-if was applied
        self.portfolio = portfolio
        cap = self.ev.rubric.get("tiers.strategic_partners_max") if self.ev else None
        panel = self.main_screen.query_one("#portfolio", PortfolioPanel)
        panel.show(portfolio, self._flag_counts, cap)

    @on(PortfolioPanel.DrillDown)
    def drill_down(self, event: PortfolioPanel.DrillDown) -> None:
        if event.flag:
            self.filters = Filters(flag=event.flag)
        else:
            self.filters = Filters(rows=event.rows or (), label=event.label)
        self.refresh_view()
        self.table.cursor = 0
        self.table.focus()
        self.notify(f"Showing {len(self.table.view)}: {event.label}. Escape shows all.")

    # -- deciding ----------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A dialog is open: its keys apply, not the table's.
        return not (action in _MAIN_ACTIONS and len(self.screen_stack) > 1)

    def _selected_row(self) -> tuple[int, int] | None:
        pos = self.table.selected
        if self.session is None or pos is None:
            return None
        return pos, int(self.session.table["row"][pos])

    def action_decide(self, decision: str) -> None:
        selected = self._selected_row()
        if selected is None or self.session is None:
            return
        pos, row = selected
        self._changed(self.session.decide(row, decision or None), pos)

    def _journal(self, entry: Entry | RubricEntry) -> None:
        if self.journal is not None:
            try:
                self.journal.append(entry)
            except OSError as err:
                self.notify(f"Cannot write the journal: {err}", severity="error")

    def _changed(self, change: Change | None, pos: int | None = None) -> None:
        """After any change: journal it, redraw the row, the detail and the portfolio."""
        if change is None or self.session is None:
            return
        state = self.session.state(change.row)
        self._journal(Entry(change.row, change.partner, state[0], state[1], _now()))
        pos = self.session.position(change.row) if pos is None else pos
        self.table.refresh_position(pos)
        if self.table.selected == pos:
            self._show_detail(pos)
        self.refresh_portfolio()
        self.update_status()

    def action_undo(self) -> None:
        if self.session is None:
            return
        change = self.session.undo()
        if change is None:
            self.notify("Nothing to undo.")
            return
        self._changed(change)
        self._reveal(change.row)

    def action_redo(self) -> None:
        if self.session is None:
            return
        change = self.session.redo()
        if change is None:
            self.notify("Nothing to redo.")
            return
        self._changed(change)
        self._reveal(change.row)

    def _reveal(self, row: int) -> None:
        """Put the cursor on the partner at `row` if the view shows it."""
        if self.session is None:
            return
        pos = self.session.position(row)
        if pos in self.table.view:
            self.table.cursor = self.table.view.index(pos)

    def action_note(self) -> None:
        selected = self._selected_row()
        if selected is None or self.session is None:
            return
        pos, row = selected
        session = self.session

        def done(note: str | None) -> None:
            if note is not None:
                self._changed(session.set_note(row, note), pos)

        partner = session.partner(pos)["partner"] or "?"
        self.push_screen(NoteScreen(partner, session.state(row)[1]), done)

    # -- search ------------------------------------------------------------------------
    def action_search(self) -> None:
        search = self.main_screen.query_one("#search", Input)
        search.value = self.search_text
        search.add_class("-open")
        search.focus()

    @on(Input.Changed, "#search")
    def search_as_typed(self, event: Input.Changed) -> None:
        if self.session is None:
            return
        hits = self.session.matches(self.table.view, event.value)
        if hits:
            self.table.cursor = hits[0]

    @on(Input.Submitted, "#search")
    def search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.search_text = event.value.strip()
        self._close_search()
        if self.session is None or not self.search_text:
            self.search_text = ""
            self.update_status()
            return
        self.matches = self.session.matches(self.table.view, self.search_text)
        self.match_index = 0
        if self.matches:
            self.table.cursor = self.matches[0]
        else:
            self.notify(f'No partner here matches "{self.search_text}".', severity="warning")
        self.update_status()

    def _close_search(self) -> None:
        search = self.main_screen.query_one("#search", Input)
        search.remove_class("-open")
        self.table.focus()

    def action_next_match(self) -> None:
        self._step_match(1)

    def action_prev_match(self) -> None:
        self._step_match(-1)

    def _step_match(self, step: int) -> None:
        if not self.search_text or not self.matches:
            if self.search_text:
                self.notify(f'No partner here matches "{self.search_text}".')
            return
        cursor = self.table.cursor
        if step > 0:
            after = [i for i in self.matches if i > cursor]
            target = after[0] if after else self.matches[0]
        else:
            before = [i for i in self.matches if i < cursor]
            target = before[-1] if before else self.matches[-1]
        self.match_index = self.matches.index(target)
        self.table.cursor = target
        self.update_status()

    # -- filters and sort --------------------------------------------------------------
    def action_filters(self) -> None:
        def done(filters: Filters | None) -> None:
            if filters is not None:
                self.filters = filters
                self.refresh_view()

        self.push_screen(FilterScreen(self.filters), done)

    def action_toggle_mismatches(self) -> None:
        self.filters = Filters(
            **{**self.filters.__dict__, "mismatches": not self.filters.mismatches}
        )
        self.refresh_view()

    def action_sort_menu(self) -> None:
        def done(sort: Sort | None) -> None:
            if sort is not None:
                self.sort = sort
                self.refresh_view()

        self.push_screen(SortScreen(self.sort), done)

    def action_reverse_sort(self) -> None:
        self.sort = Sort(self.sort.column, not self.sort.descending)
        self.refresh_view()

    def action_clear_narrowing(self) -> None:
        search = self.main_screen.query_one("#search", Input)
        if search.has_class("-open"):
            self._close_search()
            return
        if self.search_text:
            self.search_text = ""
            self.matches = []
            self.update_status()
        elif self.filters.rows is not None:
            self.filters = Filters(**{**self.filters.__dict__, "rows": None, "label": ""})
            self.refresh_view()
        elif self.filters.active:
            self.filters = Filters()
            self.refresh_view()
        self.table.focus()

    def action_focus_portfolio(self) -> None:
        panel = self.main_screen.query_one("#portfolio", PortfolioPanel)
        panel.focus()
        if panel.highlighted is None and panel.option_count:
            panel.highlighted = 0  # so that Enter at once shows the first check's partners

    # -- screens -----------------------------------------------------------------------
    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_warnings(self) -> None:
        if self.ev is None:
            return
        notes = list(getattr(self.portfolio, "notes", []) or [])
        self.push_screen(WarningsScreen(self.ev.warnings, notes))

    def action_whatif(self) -> None:
        if self.ev is None:
            return
        from tierwise.tui.screens.whatif import WhatIfScreen

        def done(rubric: Rubric | None) -> None:
            if rubric is not None:
                self.apply_rubric(rubric)

        self.push_screen(WhatIfScreen(self.ev, self.path), done)

    def _restore_rubric(self, entry: RubricEntry) -> None:
        from tierwise.scoring.rubric import load_rubric

        try:
            rubric = load_rubric(None, overrides_toml=entry.toml)
        except TierwiseError as err:
            self.notify(str(err), title="Rubric not restored", severity="error")
            return
        self.apply_rubric(rubric)

    def apply_rubric(self, rubric: Rubric) -> None:
        """Re-score the open session with `rubric` (the what-if screen's apply): the
        decisions, notes and undo stay; ctrl+s then records this rubric in the workbook."""
        if self.ev is None or self.session is None:
            return
        self.notify("Re-scoring with the adjusted rubric…")
        self._rescore_session(self.ev, rubric)

    @work(thread=True, exclusive=True, group="rescore")
    def _rescore_session(self, ev: Evaluation, rubric: Rubric) -> None:
        try:
            rescored = ev.rescored(rubric)
        except TierwiseError as err:
            self.call_from_thread(
                self.notify, str(err), title="Rubric not applied", severity="error"
            )
            return
        self.call_from_thread(self._rescored, rescored)

    def _rescored(self, ev: Evaluation) -> None:
        moved = self._take(ev)
        if moved is None:
            return
        self.rubric_unsaved = True
        self._journal(RubricEntry(ev.rubric.to_toml(), _now()))  # a crash keeps it too
        self.notify(
            f"Applied the adjusted rubric: {moved} partners change recommended tier; "
            "your decisions and notes are kept. ctrl+s saves the rubric with the workbook."
        )

    def _take(self, ev: Evaluation) -> int | None:
        """Show a re-scored evaluation of the same partners, keeping the session's
        decisions, notes and selection; returns how many recommended tiers moved."""
        session = self.session
        if session is None:
            return None
        selected = self.table.selected
        row = None if selected is None else int(session.table["row"][selected])
        before = session.table.select("row", old="recommended_tier")
        self.ev = ev
        session.rescore(ev.scored.partners)
        self._count_flags(ev)
        self.refresh_view(keep=None if row is None else session.position(row))
        self._show_detail(self.table.selected)
        self._show_portfolio(ev.scored.portfolio)
        if session.decided:
            self.refresh_portfolio()
        return (
            before.join(ev.scored.partners.select("row", "recommended_tier"), on="row")
            .filter(pl.col("old") != pl.col("recommended_tier"))
            .height
        )

    # -- the column mapping -------------------------------------------------------------
    def action_mapping(self) -> None:
        if self.ev is None:
            return
        from tierwise.tui.screens.mapping import MappingScreen

        def done(change: tuple[str, str] | None) -> None:
            if change is not None and self.ev is not None:
                mapping = {**self.ev.tracker.source.user_mapping(), change[0]: change[1]}
                self.notify(f"Reading '{change[0]}' as {change[1] or 'nothing'}…")
                self._remap(self.ev, mapping)

        self.push_screen(MappingScreen(self.ev.tracker), done)

    @work(thread=True, exclusive=True, group="rescore")
    def _remap(self, ev: Evaluation, mapping: dict[str, str]) -> None:
        try:
            remapped = ev.remapped(mapping, allow_large=self.allow_large)
        except TierwiseError as err:
            self.call_from_thread(
                self.notify, str(err), title="Mapping not changed", severity="error"
            )
            return
        self.call_from_thread(self._remapped, remapped, mapping)

    def _remapped(self, ev: Evaluation, mapping: dict[str, str]) -> None:
        moved = self._take(ev)
        if moved is None:
            return
        self.mapping = mapping  # a reload reads it the same way
        self.mapping_unsaved = True
        self.notify(
            f"Mapping changed: {moved} partners change recommended tier; your decisions "
            "and notes are kept. ctrl+s stores the mapping in the workbook."
        )

    def _count_flags(self, ev: Evaluation) -> None:
        flags = ev.scored.partners["flags"].explode().drop_nulls()
        self._flag_counts = Counter(dict(flags.value_counts().iter_rows()))

    @property
    def unsaved(self) -> bool:
        """Decisions, notes or an applied rubric that ctrl+s has not written yet."""
        return self.session is not None and (
            self.session.dirty or self.rubric_unsaved or self.mapping_unsaved
        )

    # -- saving ------------------------------------------------------------------------
    def action_save(self) -> None:
        if self.session is None or self.ev is None:
            return
        if self.saving:
            self.notify("Already saving…")
            return
        try:
            changed = self._stamp is not None and file_stamp(self.path) != self._stamp
        except OSError:
            changed = True
        if changed:
            self.notify(
                f"{self.path.name} changed on disk since it was opened: not saved. "
                "Your decisions are kept in the journal; quit and reopen to apply them "
                "to the new version.",
                title="Save refused",
                severity="error",
                timeout=15,
            )
            self._quit_after_save = False
            return
        self.saving = True
        self.update_status()
        log = self.session.log
        self._save(self.ev, self.session.decisions_frame(), log, self.session.snapshot())

    @work(thread=True, exclusive=True, group="save")
    def _save(
        self, ev: Evaluation, decisions: pl.DataFrame, log: list[Change], state: dict
    ) -> None:
        from tierwise.outputs import write_annotated

        try:
            # `ev` carries the rubric in use (an applied what-if one included): the
            # writer records it in the workbook, and reopening it scores with it.
            write_annotated(
                ev,
                self.output,
                decisions=decisions,
                log=self._log_entries(log),
            )
        except (TierwiseError, OSError) as err:
            self.call_from_thread(self._save_failed, str(err))
            return
        except Exception as err:  # never lose the session to a writer bug: say it, keep going
            self.call_from_thread(self._save_failed, f"unexpected {type(err).__name__}: {err}")
            return
        self.call_from_thread(self._saved, ev, log, state, decisions["decision"].count())

    def _log_entries(self, log: list[Change]) -> list[LogEntry]:
        """One log entry per decision; a note typed right after a decision on the same
        partner joins that decision's entry."""
        from tierwise.io.log import LogEntry

        assert self.session is not None
        merged: list[tuple[Change, Change]] = []  # (first, last) of each run on a row
        for change in log:
            if merged and merged[-1][1].row == change.row:
                merged[-1] = (merged[-1][0], change)
            else:
                merged.append((change, change))
        entries = []
        for first, last in merged:
            designated = self.session.partner(self.session.position(first.row)).get(
                "designated_tier"
            )
            entries.append(
                LogEntry(
                    when=last.when,
                    who=self.who,
                    partner=first.partner,
                    row=first.row,
                    from_tier=first.before[0] or designated,
                    to_tier=last.after[0],
                    note=last.after[1],
                )
            )
        return entries

    def _saved(self, ev: Evaluation, log: list[Change], state: dict, count: int) -> None:
        assert self.session is not None
        self.saving = False
        self.session.mark_saved(log, state)
        if self.ev is not None and ev.rubric is self.ev.rubric:
            self.rubric_unsaved = False
        if self.ev is not None and ev.tracker is self.ev.tracker:
            self.mapping_unsaved = False
        if self.journal is not None:
            # Keep what the save did not cover: changes made while it ran, and a
            # previous session's changes (decisions, a rubric) not restored yet.
            kept = [
                e
                for e in self.journal.final_states().values()
                if e.row in self._raw_index and state.get(e.row, (None, "")) != (e.decision, e.note)
            ]
            rubric = self.journal.rubric
            self.journal.rewrite(
                kept, rubric if rubric and rubric.toml != ev.rubric.to_toml() else None
            )
        if self.output.resolve() == self.path.resolve():
            self._stamp = file_stamp(self.path)
        noun = "decision" if count == 1 else "decisions"
        self.saved = f"Saved {count} {noun} to {self.output}"
        self.notify(self.saved, title="Saved")
        self.update_status()
        if self._quit_after_save:
            self.exit()

    def _save_failed(self, message: str) -> None:
        self.saving = False
        self._quit_after_save = False
        self.notify(f"Not saved: {message}", title="Save failed", severity="error", timeout=15)
        self.update_status()

    # -- quitting and recovery ---------------------------------------------------------
    def action_quit_app(self) -> None:
        if not self.unsaved:
            self.exit()
            return

        def done(choice: str | None) -> None:
            if choice == "save":
                self._quit_after_save = True
                self.action_save()
            elif choice == "discard":
                if self.journal is not None:
                    self.journal.delete()
                self.exit()

        self.push_screen(
            ChoiceScreen(
                "Unsaved changes",
                f"You have unsaved {self._unsaved_what()}. Save them to {self.output.name}?",
                [
                    ("save", "Save and quit", "primary"),
                    ("discard", "Quit without saving", "error"),
                    ("cancel", "Cancel", "default"),
                ],
            ),
            done,
        )

    def _unsaved_what(self) -> str:
        what = []
        if self.session is not None and self.session.dirty:
            what.append("decisions or notes")
        if self.rubric_unsaved:
            what.append("an applied what-if rubric")
        if self.mapping_unsaved:
            what.append("a changed column mapping")
        return " and ".join(what)

    async def action_quit(self) -> None:
        self.action_quit_app()

    def _offer_journal(self) -> None:
        if self.journal is None or not self.journal.exists() or self.session is None:
            return
        if self.ev is None:
            return
        session = self.session
        pending = [
            e
            for e in self.journal.final_states().values()
            if e.row in self._raw_index and session.state(e.row) != (e.decision, e.note)
        ]
        if self.journal.skipped:
            lines = "line was" if self.journal.skipped == 1 else "lines were"
            self.notify(
                f"{self.journal.skipped} damaged {lines} skipped in {self.journal.path.name}.",
                title="Journal",
                severity="warning",
            )
        rubric = self.journal.rubric
        if rubric is not None and rubric.toml == self.ev.rubric.to_toml():
            rubric = None  # the workbook was saved with it after all
        if not pending and rubric is None:
            self.journal.delete()
            return
        last = max([e.when for e in pending] + ([rubric.when] if rubric else []))
        journal = self.journal
        what = f"{len(pending)} change(s)" if pending else ""
        if rubric is not None:
            what += (" and " if what else "") + "an applied what-if rubric"

        def done(choice: str | None) -> None:
            if choice == "restore":
                journal.delete()
                for e in pending:
                    self._changed(session.decide(e.row, e.decision))
                    self._changed(session.set_note(e.row, e.note))
                if rubric is not None:
                    self._restore_rubric(rubric)
                self.notify(f"Restored {what}. ctrl+s saves them.")
            elif choice == "discard":
                journal.delete()

        self.push_screen(
            ChoiceScreen(
                "Recover unsaved work",
                f"The last session ended without saving {what} "
                f"(last at {last.replace('T', ' ')}). Restore them?",
                [
                    ("restore", "Restore", "primary"),
                    ("discard", "Discard", "error"),
                    ("cancel", "Decide later", "default"),
                ],
            ),
            done,
        )
