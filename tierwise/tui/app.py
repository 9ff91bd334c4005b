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
from collections.abc import Callable
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
from tierwise.io.identity import Roster, refused_line
from tierwise.io.working_copy import (
    State,
    WorkingCopy,
    carry,
    counted,
    file_stamp,
    read_copy,
)
from tierwise.tui.commands import TriageCommands
from tierwise.tui.journal import (
    Entry,
    Journal,
    RubricEntry,
    adopt_side_journals,
    place_entries,
)
from tierwise.tui.keymap import all_keys, bindings, opener
from tierwise.tui.lock import Lock
from tierwise.tui.screens.choice import ChoiceScreen
from tierwise.tui.screens.save_as import SaveAsScreen
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
    from tierwise.pipeline import Evaluation, Reading
    from tierwise.scoring.result import Portfolio
    from tierwise.scoring.rubric import Rubric
    from tierwise.tui.merge import Conflict, Merge

# Actions that only make sense on the main screen (not under a dialog).
_MAIN_ACTIONS = {k.action.split("(")[0] for k in all_keys()}
WIDE = 150  # columns from which the detail and portfolio panes move to the right


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
        force: bool = False,
    ) -> None:
        super().__init__()
        self.force = force  # ctrl+s may replace a workbook Tierwise did not write
        self.path = Path(path)
        self._output = Path(output) if output else None
        self.sheet = sheet
        self.mapping = mapping or {}
        self.profile = profile
        self.rubric_path = Path(rubric_path) if rubric_path else None
        self.as_of = as_of
        self.allow_large = allow_large  # past the zip-bomb and sheet-size caps (--allow-large)
        self.who = who or current_user()
        self.reading: Reading | None = None  # once read (the partners listed)
        self.ev: Evaluation | None = None  # once scored
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
        self.lock: Lock | None = None
        # What the output held, by partner identity, when this session last read or
        # wrote it (None: nothing there): a save merges against it (tui/merge.py).
        self._base: dict[str, State] | None = None
        self._refused = ""  # why the last save was refused ("" once a save succeeds)
        self._reloading = False  # reloading after the input changed: replay, then save
        self.mapping_unsaved = False  # a column mapping was changed and not saved yet
        # Asked for while the partners were being scored, done once they are.
        self._rubric_waiting: Rubric | None = None
        self._save_waiting = False

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
        """Where ctrl+s writes: -o OUT, else NAME.tierwise.xlsx beside the input (a
        link there is followed to the file it names)."""
        if self._output is not None:
            return self._output
        from tierwise.outputs import default_output

        path = Path(default_output(self.path))
        return Path(os.path.realpath(path)) if path.is_symlink() else path

    # -- loading -----------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="load")
    def load(self) -> None:
        """Read the tracker and show its partners (`listed`), then score them and show
        the scores (`loaded`); a reload shows nothing before the scores."""
        from tierwise.io.atomic import same_file
        from tierwise.pipeline import read
        from tierwise.review import past_of
        from tierwise.tui.read_cache import ReadCache

        cache = ReadCache()
        try:
            stamp = file_stamp(self.path)
            if stamp is None:
                raise OSError("the file is gone")
            reading = read(
                self.path,
                sheet=self.sheet,
                mapping=self.mapping,
                profile=self.profile,
                rubric_path=self.rubric_path,
                as_of=self.as_of,
                allow_large=self.allow_large,
                step=lambda text: self.call_from_thread(self._loading, text),
                cache=cache,
            )
            listed = reading.listed()
            out = self.output
        except Exception as err:
            self.call_from_thread(self._load_failed, self._failure(err))
            return
        if not self._reloading:
            self.call_from_thread(self.listed, reading, listed, stamp)
        try:  # what the output holds already; saving there later says if it is unreadable
            copy = None if same_file(out, self.path) else read_copy(out, self.allow_large)
        except (TierwiseError, OSError) as err:
            copy = None
            self.call_from_thread(self.notify, str(err), severity="warning", timeout=20)
        if not self._reloading:
            self.call_from_thread(self._copy_read, copy)
        try:
            ev = reading.judged()
            past = past_of(ev)
        except Exception as err:
            self.call_from_thread(self._scoring_failed, self._failure(err))
            return
        self.call_from_thread(self.loaded, ev, stamp, past)
        cache.save()  # a tracker just read, for the next time it is opened

    def _failure(self, err: Exception) -> str:
        """What went wrong reading or scoring, in one line."""
        if isinstance(err, TierwiseError):
            return str(err)
        if isinstance(err, OSError):
            return f"cannot read {self.path}: {err}"
        return f"unexpected error: {type(err).__name__}: {err}"  # a bug of ours, like the CLI

    def _loading(self, step: str) -> None:
        """Say on the status line what the load is doing ("Reading NAME…")."""
        status = self.main_screen.query_one("#status", Static)
        status.update(literal(f"{step[:1].upper()}{step[1:]}…"))

    def _load_failed(self, message: str) -> None:
        # The caller prints `failure` (the CLI: one line on stderr, control characters
        # made harmless); Textual's exit message would wrap it and read it as markup.
        self.failure = message
        self.exit(None, 1)

    def _scoring_failed(self, message: str) -> None:
        """Scoring failed after the partners were shown: with nothing changed, as a load
        that failed; else say so and where the changes are kept, then quit."""
        session = self.session
        if session is None or not session.dirty:
            self._load_failed(message)
            return
        self.failure = message
        self.update_status()
        where = self.journal.path.name if self.journal is not None else "the journal"
        self.push_screen(
            ChoiceScreen(
                "Scoring failed",
                f"{message}\nYour unsaved decisions and notes are kept in {where} and "
                f"offered back when you open {self.path.name} again.",
                [("quit", "Quit", "error")],
            ),
            lambda _: self.exit(None, 1),
        )

    def listed(
        self,
        reading: Reading,
        partners: pl.DataFrame,
        stamp: tuple[int, int],
    ) -> None:
        """Show the partners of a freshly read tracker while they are scored (on the UI
        thread): decisions and notes can be made at once, keys that need the scores
        wait for them. `partners`: `reading.listed()`."""
        self.reading = reading
        self._stamp = stamp
        tracker = reading.tracker
        self.session = TriageSession(partners, tracker.decisions, scored=False)
        self._raw_index = {r: i for i, r in enumerate(tracker.raw["row"].to_list())}
        self.main_screen.query_one("#titlebar", Static).update(
            literal(
                f"{self.path.name} · sheet {tracker.source.sheet} · as of {reading.as_of} · "
                f"saves to {self.output.name}"
            )
        )
        self._take_lock()
        if not os.access(self.output.parent, os.W_OK):
            self.notify(
                f"{self.output.parent} is not writable: ctrl+s will ask where to save.",
                severity="warning",
            )
        self.refresh_view()
        self._show_detail(self.table.selected)
        self.main_screen.query_one("#body").loading = False
        self.table.focus()

    def _copy_read(self, copy: WorkingCopy | None) -> None:
        """What the output already holds (the working copy of an earlier session or
        score), read after the partners were listed: offer to continue from it, then
        from the journal of a session that ended unsaved."""
        self._base = copy.by_key() if copy is not None and copy.ours else None
        self._offer_copy(copy, then=self._offer_journal)

    def loaded(
        self, ev: Evaluation, stamp: tuple[int, int], past: pl.DataFrame | None = None
    ) -> None:
        """Show the scores of a freshly evaluated tracker (called on the UI thread);
        `past`: each partner's history from the workbook's snapshots (review.past_of)."""
        if self._reloading and self.session is not None:
            self._reloaded(ev, stamp, past)
            return
        session = self.session
        assert session is not None  # listed first
        # The user moved or decided meanwhile: stay on that partner; else the top.
        self.take(ev, past, follow=self.table.cursor != 0 or bool(session.log))
        if ev.warnings:
            self.notify(
                f"{len(ev.warnings)} reader warnings: press w to see them.",
                title="Warnings",
                severity="warning",
            )
        rubric, self._rubric_waiting = self._rubric_waiting, None
        if rubric is not None:
            self.apply_rubric(rubric)
        elif self._save_waiting:
            self._save_waiting = False
            self.action_save()

    def waiting_for_scores(self, what: str) -> bool:
        """True (and say so) while the partners are listed but not scored yet."""
        if self.session is None or self.ev is not None:
            return self.session is None
        self.notify(f"Still scoring {len(self.session):,} partners: {what} once it is done.")
        return True

    def scored(self, what: str) -> Evaluation | None:
        """The evaluation, or None (and say why) while the partners are not scored yet."""
        return None if self.waiting_for_scores(what) else self.ev

    def _use(
        self, ev: Evaluation, stamp: tuple[int, int], past: pl.DataFrame | None
    ) -> TriageSession:
        """Make `ev` (read at `stamp`, with each partner's `past`) the tracker shown, in
        a new session."""
        self.ev = ev
        self._stamp = stamp
        self.session = TriageSession(ev.scored.partners, ev.tracker.decisions, past)
        self._raw_index = {r: i for i, r in enumerate(ev.tracker.raw["row"].to_list())}
        self._count_flags(ev)
        return self.session

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
        if not session.scored:
            parts.append(f"scoring {len(session):,} partners…")
        if self.saving or self._save_waiting:
            parts.append("saving…")
        if self.failure:
            parts.append(f"scoring failed: {self.failure}")
        self.main_screen.query_one("#status", Static).update(literal(" · ".join(parts)))

    @on(PartnerTable.Highlighted)
    def show_detail(self, event: PartnerTable.Highlighted) -> None:
        self._show_detail(event.pos)

    def _show_detail(self, pos: int | None) -> None:
        tracker = self._tracker
        if self.session is None or tracker is None or not self.screen_stack:
            return  # not read yet, or the app is closing
        try:
            detail = self.main_screen.query_one("#detail", DetailPane)
        except NoMatches:
            return
        if pos is None:
            detail.show(None)
            return
        partner = self.session.partner(pos)
        row = partner["row"]
        refs = {f: tracker.cell_ref(row, f) for f in tracker.source.field_columns}
        detail.show(partner, self._tracker_fields(tracker, row), refs, scored=self.session.scored)

    @property
    def _tracker(self) -> Tracker | None:
        """The tracker shown: as scored, or as read while it is being scored."""
        if self.ev is not None:
            return self.ev.tracker
        return None if self.reading is None else self.reading.tracker

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
        if self.session is None or self.ev is None:
            return  # (the scores bring the portfolio)
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

    def selected_row(self) -> tuple[int, int] | None:
        pos = self.table.selected
        if self.session is None or pos is None:
            return None
        return pos, int(self.session.table["row"][pos])

    def action_decide(self, decision: str) -> None:
        selected = self.selected_row()
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
    def action_toggle_mismatches(self) -> None:
        if self.waiting_for_scores("the mismatches show"):
            return
        self.filters = Filters(
            **{**self.filters.__dict__, "mismatches": not self.filters.mismatches}
        )
        self.refresh_view()

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
    def action_open(self, name: str) -> None:
        """Open screen `name`: `open_NAME(app)` of its module in tui/screens/ gives it the
        app's state and takes its result (keymap.opens)."""
        opener(name)(self)

    # -- the rubric --------------------------------------------------------------------
    def _restore_rubric(self, entry: RubricEntry) -> None:
        from tierwise.scoring.rubric import load_rubric

        try:
            rubric = load_rubric(None, overrides_toml=entry.toml)
        except TierwiseError as err:
            self.notify(str(err), title="Rubric not restored", severity="error")
            return
        self.apply_rubric(rubric)

    def apply_rubric(self, rubric: Rubric | None) -> None:
        """Re-score the open session with `rubric` (a screen's result: what-if, strategy;
        None: nothing chosen): the decisions, notes and undo stay; ctrl+s then records
        this rubric in the workbook. While the partners are being scored, it is applied
        once they are."""
        if rubric is None:
            return
        if self.session is not None and self.ev is None:
            self._rubric_waiting = rubric
            self.notify("The rubric is applied once scoring is done.")
            return
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
        moved = self.take(ev)
        if moved is None:
            return
        self.rubric_unsaved = True
        self._journal(RubricEntry(ev.rubric.to_toml(), _now()))  # a crash keeps it too
        self.notify(
            f"Applied the adjusted rubric: {moved} partners change recommended tier; "
            "your decisions and notes are kept. ctrl+s saves the rubric with the workbook."
        )

    def take(
        self, ev: Evaluation, past: pl.DataFrame | None = None, *, follow: bool = True
    ) -> int | None:
        """Show a (re-)scored evaluation of the same partners, keeping the session's
        decisions, notes and (if `follow`) the selected partner; takes each partner's
        `past` if given. Returns how many recommended tiers moved."""
        session = self.session
        if session is None:
            return None
        selected = self.table.selected
        row = None if selected is None else int(session.table["row"][selected])
        before = session.table.select("row", old="recommended_tier")
        self.ev = ev
        session.rescore(ev.scored.partners, past)
        self._count_flags(ev)
        self.refresh_view(keep=None if row is None else session.position(row))
        if not follow:
            self.table.cursor = 0
        self._show_detail(self.table.selected)
        self._show_portfolio(ev.scored.portfolio)
        if session.decided:
            self.refresh_portfolio()
        return (
            before.join(ev.scored.partners.select("row", "recommended_tier"), on="row")
            .filter(pl.col("old") != pl.col("recommended_tier"))
            .height
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

    # -- the working copy and the lock -------------------------------------------------
    def _take_lock(self) -> None:
        """Lock the output and open its journal; a second session, while another one
        holds the output, keeps a journal of its own (`journal_path(out, PID)`)."""
        self.lock = Lock(self.output, self.who)
        holder = self.lock.acquire()
        if holder is None:
            try:
                adopt_side_journals(self.output)
            except OSError as err:
                self.notify(f"Cannot read an earlier session's journal: {err}", severity="error")
        self.journal = Journal(self.output, "" if holder is None else str(os.getpid()))
        if holder is not None:
            self.notify(
                f"{self.output.name} is open in another triage session: {holder}. "
                "You can go on: each save merges the other session's decisions, "
                "partner by partner, and asks when you both changed one.",
                title="Another session",
                severity="warning",
                timeout=20,
            )

    def _release_lock(self) -> None:
        if self.lock is not None:
            self.lock.release()

    def on_unmount(self) -> None:
        self._release_lock()

    def _offer_copy(self, copy: WorkingCopy | None, then: Callable[[], None]) -> None:
        """Offer to continue from the annotated copy at the output (the decisions and
        notes an earlier session or a person saved there); `then` runs after."""
        session = self.session
        if copy is None or not copy.ours or not copy.held or session is None:
            then()
            return
        carried = carry(copy, session.table.select("row", "partner"))
        if all(session.state(r) == st for r, st in carried.states.items()):
            then()  # it holds what the tracker holds (its Log is kept at each save)
            return
        if carried.refused:
            self.notify(
                f"{refused_line(carried.refused)} from {copy.path.name}.",
                title="Not carried over",
                severity="warning",
                timeout=20,
            )

        def done(choice: str | None) -> None:
            if choice == "continue":  # (changes made here while it was read stay)
                mine = session.unsaved_rows()
                session.adopt({r: st for r, st in carried.states.items() if r not in mine})
                self.refresh_view()
                self.refresh_portfolio()
                self.notify(f"Continuing from {copy.path.name}: kept {copy.describe()}.")
            then()

        self.push_screen(
            ChoiceScreen(
                "Continue from the annotated copy",
                f"{copy.path.name} already holds {copy.describe()} from earlier work. "
                f"Continue from it? (If you start from {self.path.name} only, its "
                "decisions are still kept when you save, except where you decide again.)",
                [
                    ("continue", f"Continue from {copy.path.name}", "primary"),
                    ("original", f"Start from {self.path.name}", "default"),
                ],
            ),
            done,
        )

    # -- saving ------------------------------------------------------------------------
    def action_save(self) -> None:
        if self.session is not None and self.ev is None:  # still scoring: save after
            self._save_waiting = True
            self.notify("Still scoring: saving once it is done.")
            self.update_status()
            return
        if self.session is None or self.ev is None:
            return
        if self.saving:
            self.notify("Already saving…")
            return
        if file_stamp(self.path) != self._stamp:
            self._refuse(
                f"{self.path.name} changed on disk since it was opened: not saved. Your "
                "decisions are kept in the journal. Reload it and save your decisions "
                "onto the new version (matched by partner name)?",
                reload=True,
            )
            return
        self.saving = True
        self.update_status()
        session = self.session
        self._save(
            self.ev,
            session.snapshot(),
            session.unsaved_rows(),
            session.log,
            None if self._base is None else dict(self._base),
        )

    @work(thread=True, exclusive=True, group="save")
    def _save(
        self,
        ev: Evaluation,
        state: dict[int, State],
        mine: set[int],
        log: list[Change],
        base: dict[str, State] | None,
    ) -> None:
        from tierwise.io.atomic import same_file
        from tierwise.io.log import new_rows, read_log
        from tierwise.io.working_copy import states_frame
        from tierwise.outputs import write_annotated
        from tierwise.tui.merge import merge

        out = self.output
        try:
            copy = None if same_file(out, self.path) else read_copy(out, self.allow_large)
            if copy is not None and not copy.ours and not self.force:
                raise TierwiseError(f"{out} is a file Tierwise did not write")
            merged = merge(state, mine, copy, base, ev.scored.partners.select("row", "partner"))
            if merged.conflicts:
                self.call_from_thread(self._resolve, merged.conflicts)
                return
            if merged.refused:
                raise TierwiseError(
                    f"{refused_line(merged.refused)} from {out.name}; saving here would drop it"
                )
            earlier = new_rows(read_log(self.path), copy.log) if copy is not None else []
            # `ev` carries the rubric in use (an applied what-if one included): the
            # writer records it in the workbook, and reopening it scores with it.
            write_annotated(
                ev,
                out,
                decisions=states_frame(merged.states),
                log=[*earlier, *self._log_entries(log)],
            )
        except (TierwiseError, OSError) as err:
            self.call_from_thread(self._save_failed, str(err))
            return
        except Exception as err:  # never lose the session to a writer bug: say it, keep going
            self.call_from_thread(self._save_failed, f"unexpected {type(err).__name__}: {err}")
            return
        kept = f"kept {counted(len(earlier), 'earlier log row')}" if earlier else ""
        self.call_from_thread(self._saved, ev, log, state, merged, kept)

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

    def _saved(
        self, ev: Evaluation, log: list[Change], state: dict, merged: Merge, kept: str
    ) -> None:
        session = self.session
        assert session is not None
        self.saving = False
        self._refused = ""
        session.mark_saved(log, state)
        session.adopt(merged.taken)  # the other session's decisions, now in the file
        self._base = merged.written()
        if self.ev is not None and ev.rubric is self.ev.rubric:
            self.rubric_unsaved = False
        if self.ev is not None and ev.tracker is self.ev.tracker:
            self.mapping_unsaved = False
        if self.journal is not None:
            # Keep what the save did not cover: changes made while it ran, and a
            # previous session's changes (decisions, a rubric) not restored yet.
            pending, refused = place_entries(self.journal.final_states(), ev.scored.partners)
            unsaved = [
                e for row, e in pending if state.get(row, (None, "")) != (e.decision, e.note)
            ]
            rubric = self.journal.rubric
            self.journal.rewrite(
                [*unsaved, *(e for e, _ in refused)],
                rubric if rubric and rubric.toml != ev.rubric.to_toml() else None,
            )
        if self.output.resolve() == self.path.resolve():
            self._stamp = file_stamp(self.path)
        count = sum(1 for d, _ in merged.states.values() if d)
        noun = "decision" if count == 1 else "decisions"
        notes = [kept] if kept else []
        if merged.taken:
            notes.append(f"{counted(len(merged.taken), 'decision')} from another session")
        extra = f" ({'; '.join(notes)})" if notes else ""
        self.saved = f"Saved {count} {noun} to {self.output}{extra}"
        self.notify(self.saved, title="Saved")
        if merged.taken:
            self.refresh_view()
            self.refresh_portfolio()
        self.update_status()
        if self._quit_after_save:
            self.exit()

    def _save_failed(self, message: str) -> None:
        self.saving = False
        self._refuse(f"Not saved: {message}.")

    def _resolve(self, conflicts: list[Conflict]) -> None:
        """Both this session and the file changed these partners: ask, one at a time,
        whose decision to keep; then save again."""
        self.saving = False
        self.update_status()
        session = self.session
        assert session is not None

        def ask(i: int) -> None:
            if i == len(conflicts):
                self.action_save()
                return
            c = conflicts[i]

            def done(choice: str | None) -> None:
                if choice == "theirs":
                    session.adopt({c.row: c.theirs})
                    self._changed_view(c.row)
                elif choice == "mine" and self._base is not None:
                    self._base[c.key] = c.theirs  # seen: no longer a conflict
                elif choice == "mine":
                    self._base = {c.key: c.theirs}
                else:
                    self._quit_after_save = False
                    self.notify("Not saved: your decisions are kept in the journal.")
                    return
                ask(i + 1)

            self.push_screen(
                ChoiceScreen(
                    "Changed in both sessions",
                    f"{c.partner or f'Row {c.row}'} was changed in {self.output.name} "
                    f"since you opened it.\nYours:   {_state_text(c.mine)}\n"
                    f"Theirs:  {_state_text(c.theirs)}\nWhich one is kept?",
                    [
                        ("mine", "Keep mine", "primary"),
                        ("theirs", "Keep theirs", "warning"),
                        ("cancel", "Cancel the save", "default"),
                    ],
                ),
                done,
            )

        ask(0)

    def _changed_view(self, row: int) -> None:
        """Redraw after a decision changed other than by a key (adopted from the file)."""
        if self.session is None:
            return
        self.table.refresh_position(self.session.position(row))
        self._show_detail(self.table.selected)
        self.refresh_portfolio()
        self.update_status()

    def _refuse(self, why: str, reload: bool = False) -> None:
        """A save that did not happen: say why and offer another way (save as, or
        reload the changed input); the journal keeps every change meanwhile."""
        self._refused = why
        self._quit_after_save = False
        self.update_status()
        choices = [("save_as", "Save as…", "primary"), ("cancel", "Not now", "default")]
        if reload:
            choices.insert(0, ("reload", "Reload and save", "primary"))
            choices[1] = ("save_as", "Reload and save as…", "default")

        def done(choice: str | None) -> None:
            if choice == "reload":
                self._reload()
            elif choice == "save_as":
                self._ask_save_as(why, reload)

        self.push_screen(ChoiceScreen("Save refused", why, choices), done)

    def _ask_save_as(self, why: str, reload: bool = False) -> None:
        from tierwise.io.target import check_target

        def done(path: Path | None) -> None:
            if path is None:
                return
            try:
                path = check_target(path, [self.path])
            except TierwiseError as err:
                self.notify(str(err), title="Not there", severity="error")
                self._ask_save_as(why, reload)
                return
            self._move_output(path)
            if reload:
                self._reload()
            else:
                self.action_save()

        suggestion = self.output.with_name(self.output.stem + "-copy" + self.output.suffix)
        if not os.access(self.output.parent, os.W_OK):
            suggestion = Path.home() / self.output.name
        self.push_screen(SaveAsScreen(why, suggestion), done)

    def _move_output(self, path: Path) -> None:
        """Save to `path` from now on; the journal and the lock move with it."""
        old = self.journal
        self._release_lock()
        self._output = path
        self._base = None  # nothing read from there yet
        self._take_lock()
        if old is not None and old.exists() and self.journal is not None:
            try:
                self.journal.rewrite([*self.journal.read(), *old.read()], old.rubric)
                old.delete()
            except OSError as err:
                self.notify(f"The journal stays at {old.path}: {err}", severity="warning")
                self.journal = old
        self.main_screen.query_one("#titlebar", Static).update(
            literal(f"{self.path.name} · saves to {path.name}")
        )

    def _reload(self) -> None:
        """Read the changed input again; `_reloaded` puts this session's unsaved
        changes back on their partners (by name) and saves."""
        self._reloading = True
        self.main_screen.query_one("#body").loading = True
        self.load()

    def _reloaded(self, ev: Evaluation, stamp: tuple[int, int], past: pl.DataFrame | None) -> None:
        old = self.session
        assert old is not None
        self._reloading = False
        self.main_screen.query_one("#body").loading = False
        unsaved = [(r, old.partner(old.position(r))["partner"] or "") for r in old.unsaved_rows()]
        states = {r: old.state(r) for r, _ in unsaved}
        if self.rubric_unsaved and self.ev is not None:
            ev = ev.rescored(self.ev.rubric)
        saved = {r: s for r, s in old.snapshot().items() if r not in states and (s[0] or s[1])}
        session = self._use(ev, stamp, past)
        roster = Roster(ev.scored.partners)
        placed, _ = roster.place_all(
            (r, old.partner(old.position(r))["partner"] or "") for r in saved
        )
        session.adopt({placed[r]: saved[r] for r in saved if r in placed})
        moved, refused = roster.place_all(unsaved)
        for r, row in moved.items():
            decision, note = states[r]
            self._changed(session.decide(row, decision))
            self._changed(session.set_note(row, note))
        self.refresh_view()
        self._show_portfolio(ev.scored.portfolio)
        self.refresh_portfolio()
        if refused:
            self.notify(f"{refused_line(refused)}.", severity="warning", timeout=20)
        self.action_save()

    # -- quitting and recovery ---------------------------------------------------------
    def action_quit_app(self) -> None:
        if not self.unsaved:
            self._release_lock()
            self.exit()
            return

        def done(choice: str | None) -> None:
            if choice == "save":
                self._quit_after_save = True
                self.action_save()
            elif choice == "save_as":
                self._quit_after_save = True
                changed = file_stamp(self.path) != self._stamp  # reload it first
                self._ask_save_as(self._refused, reload=changed)
            elif choice == "discard":
                if self.journal is not None:
                    self.journal.delete()
                self.exit()
            elif choice == "keep":  # after a refused save: the journal is all there is
                self.exit()

        if self._refused:
            where = self.journal.path.name if self.journal else "the journal"
            question = (
                f"The last save was refused: {self._refused}\nYour unsaved "
                f"{self._unsaved_what()} stay in {where} if you quit, and are offered "
                "back next time."
            )
            choices = [
                ("save_as", "Save as…", "primary"),
                ("keep", "Quit, keep the journal", "warning"),
                ("cancel", "Cancel", "default"),
            ]
        else:
            question = f"You have unsaved {self._unsaved_what()}. Save them to {self.output.name}?"
            choices = [
                ("save", "Save and quit", "primary"),
                ("discard", "Quit without saving", "error"),
                ("cancel", "Cancel", "default"),
            ]
        self.push_screen(ChoiceScreen("Unsaved changes", question, choices), done)

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

    def _session_entries(self) -> list[Entry]:
        """This session's unsaved changes, as journal entries: the journal an earlier
        session left is offered after the partners are listed, and changes made
        meanwhile are journaled too."""
        session = self.session
        if session is None:
            return []
        return [
            Entry(
                r, session.partner(session.position(r))["partner"] or "", *session.state(r), _now()
            )
            for r in sorted(session.unsaved_rows())
        ]

    def _offer_journal(self) -> None:
        if self.journal is None or not self.journal.exists() or self.session is None:
            return  # (a second session's own journal is new: nothing to offer)
        if self.reading is None:
            return
        session = self.session
        partners = session.table.select("row", "partner")
        placed, refused = place_entries(self.journal.final_states(), partners)
        pending = [(row, e) for row, e in placed if session.state(row) != (e.decision, e.note)]
        if self.journal.skipped:
            lines = "line was" if self.journal.skipped == 1 else "lines were"
            self.notify(
                f"{self.journal.skipped} damaged {lines} skipped in {self.journal.path.name}.",
                title="Journal",
                severity="warning",
            )
        rubric = self.journal.rubric
        if rubric is not None and rubric.toml == self.reading.rubric.to_toml():
            rubric = None  # the workbook was saved with it after all
        if not pending and rubric is None and not refused:
            self.journal.rewrite(self._session_entries())
            return
        entries = [e for _, e in pending] + [e for e, _ in refused]
        last = max([e.when for e in entries] + ([rubric.when] if rubric else []))
        journal = self.journal
        what = f"{len(pending)} change(s)" if pending else ""
        if rubric is not None:
            what += (" and " if what else "") + "an applied what-if rubric"
        if refused:
            what = (what + ". " if what else "") + (
                f"{refused_line([r for _, r in refused], 'change')}: "
                "it stays in the journal until you discard it"
            )

        def done(choice: str | None) -> None:
            if choice == "restore":
                journal.rewrite([*(e for e, _ in refused), *self._session_entries()])
                for row, e in pending:
                    self._changed(session.decide(row, e.decision))
                    self._changed(session.set_note(row, e.note))
                if rubric is not None:
                    self._restore_rubric(rubric)
                self.notify(f"Restored {len(pending)} change(s). ctrl+s saves them.")
            elif choice == "discard":
                journal.rewrite(self._session_entries())

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


def _state_text(state: State) -> str:
    decision, note = state
    text = decision or "no decision"
    return f"{text}, note: {note}" if note else text
