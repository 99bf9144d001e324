"""Families & notices: which households still need this year's Policy 4311 notice, recording it
(one at a time or in bulk), returned mail and bounced e-mail, letters and the family notice list.

The screen is thin: every read and write is a call to `sro_tui.notices`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import ProgressBar, Select, Static

from sro_tui.exchange import ExchangeError
from sro_tui.notices import (
    DELIVERY_STATUSES,
    HouseholdIndex,
    HouseholdLine,
    HouseholdNotices,
    HouseholdRows,
    LetterError,
    change_delivery_status,
    export_family_notice_list,
    language_name,
    load_household_order,
    load_households,
    record_notices,
    record_paper_notices_for_session,
    with_filters,
)
from sro_tui.presentation import list_sessions
from sro_tui.records import ValidationError, get_school
from sro_tui.roster import family_coverage
from sro_tui.ui.families.filters import FilterSelect
from sro_tui.ui.families.rows import (
    FAMILY_COLUMNS,
    household_detail,
    household_row,
    longest_cells,
)
from sro_tui.ui.preload import read_own_stylesheet
from sro_tui.ui.widgets.dialogs_on_use import DialogsOnUse
from sro_tui.ui.widgets.fit_table import fit_longest
from sro_tui.ui.widgets.footer import KeysFooter
from sro_tui.ui.widgets.header import TitleHeader
from sro_tui.ui.widgets.line_table import LineTable
from sro_tui.ui.widgets.section_bar import SectionBar
from sro_tui.ui.widgets.work import error_words, in_thread, run_flow, run_in_thread

STATUS_FILTERS = [
    ("All households", "all"),
    ("Still to notify", "pending"),
    ("Returned / bounced", "problem"),
    ("Notified", "notified"),
]


# Up to this many households the list is read whole before it is drawn (under a tenth of a
# second at 5,000 students): drawn once, its columns at their final widths. Past it the rows are
# drawn first and what the language and grade filters test follows (`with_filters`, two thirds
# of the reading at 50,000 students).
READ_WHOLE_UP_TO = 10_000


def _households_and_coverage() -> tuple[HouseholdIndex, list[int], str]:
    """This year's households in order (their rows read as they are drawn; in a large school
    what the language and grade filters test follows, `with_filters`), their columns' longest
    cells, and a line when most students have no family on record (a roster without guardian
    columns): the list would otherwise look short without saying why."""
    households = load_household_order()
    if len(households) <= READ_WHOLE_UP_TO:
        households = with_filters(households)
    school = get_school()
    coverage = family_coverage(school).message() if school is not None else ""
    return households, longest_cells(households), coverage


def _say(box: Static, text: str) -> None:
    """Show `text` in `box`; the screen is laid out again only when it takes another number of
    lines (a filter change says "showing 831" instead of "showing 4,936": nothing moves)."""
    width, height = box.content_size
    box.update(text, layout=False)
    if not width or box.get_content_height(box.size, box.size, width) != height:
        box.refresh(layout=True)


# A burst of cursor moves (a held arrow key) reads and draws one household's detail, at the end.
DETAIL_DELAY = 0.08


# What the core refuses in the school's words: said, not reported as a failure.
REFUSALS = (ValidationError, ExchangeError, LetterError)


class FamiliesScreen(Screen):
    """Households and this year's family notices: filters, detail, bulk actions, progress."""

    SECTION_TITLE = "Families & notices"
    CSS_PATH = "families.tcss"
    # The keys act on the table's rows: focused first (focusing a filter first, then the table,
    # built the footer three times: a filter hides "space: Mark row").
    AUTO_FOCUS = "#families-table"
    # Imported where each is opened: not part of the screen's first open.
    DIALOGS = DialogsOnUse(
        "sro_tui.ui.families.dialogs",
        "RecordNoticeDialog",
        "SessionDialog",
        "DeliveryStatusDialog",
        "FolderDialog",
        "RuleDialog",
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "record_notice", "Record notice", id="families.record"),
        Binding("space", "toggle_mark", "Mark row", id="families.mark"),
        Binding("a", "mark_all_shown", "Mark all", id="families.mark_all"),
        Binding("E", "email_all", "E-mailed to all", id="families.email_all"),
        # Not in the footer (no room at 120 columns): the summary line, F1 and ctrl+p name it.
        Binding(
            "P",
            "paper_for_session",
            "Paper for a session",
            id="families.session",
            show=False,
        ),
        Binding("s", "delivery_status", "Delivery status", id="families.status"),
        Binding("x", "export_list", "Export", id="families.export"),
        Binding("l", "write_letters", "Letters", id="families.letters"),
        Binding("g", "show_rule", "Household rule", id="families.rule", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        read_own_stylesheet(self)  # not Textual's re-parse and restyle of the app at first show
        self.households: HouseholdIndex | None = None
        self.shown: Sequence[HouseholdLine] = []
        self.longest = [len(c.label) for c in FAMILY_COLUMNS]
        self.marked: set[int] = set()
        self.counts = (0, 0, 0)  # households, notified, returned or bounced
        self.coverage_note = ""  # why families are missing, when the roster had no guardians
        self._detail_timer: Timer | None = None
        self._detail: HouseholdNotices | None = None  # the cursor's household, read in full
        self._detail_text = ""  # what the detail pane shows
        self._summary_text = ""  # what the summary line says
        self._filling = False  # the filters take new choices: filtered once, after
        # Keys pressed before the households first arrive, applied once they are in, in order.
        self._loading = True
        self._held: list[Callable[[], None]] = []
        # Keys that need the households' e-mail, applied once `with_filters` has read it.
        self._held_for_filters: list[Callable[[], None]] = []

    def compose(self) -> ComposeResult:
        # The app puts the section bar at the top of a section's screen after its first frame
        # (a second layout and frame); composed here, it is there in the first. (The first
        # screen of the app may have it already: the app put it there before this compose.)
        if not self.query(SectionBar):
            yield SectionBar("families")
        yield TitleHeader()
        yield Static(
            "Reading the family notice list…", id="families-summary", classes="screen-summary"
        )
        # Shown once the list is read. Without a total, Textual's bar pulses: a frame fifteen
        # times a second while the list is read (and for ever after a failure).
        yield ProgressBar(1, show_eta=False, id="families-progress", classes="-reading")
        with Horizontal(id="families-filters"):
            # One line each: on an 80x24 terminal the households keep the rows.
            yield FilterSelect(
                STATUS_FILTERS, value="all", allow_blank=False, id="filter-status", compact=True
            )
            yield FilterSelect([], prompt="Any language", id="filter-language", compact=True)
            yield FilterSelect([], prompt="Any grade", id="filter-grade", compact=True)
        with Horizontal(id="families-body"):
            # Only the rows on screen are drawn: 50,000 households cost no more than 50.
            yield LineTable(id="families-table")
            with VerticalScroll(id="families-detail"):
                yield Static("", id="families-detail-text")
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        for select in self.query(FilterSelect):
            select.chosen = self._filter_chosen  # the list follows in the filter's frame
        table = self.query_one(LineTable)
        table.hold = self._hold_while_loading
        table.focus()  # the keys (space, n, s …) act on the table's rows
        self.reload()

    def on_resize(self) -> None:
        # After the new layout: under 100 columns the detail pane moves, and the table's width
        # with it.
        self.call_after_refresh(self._fit_columns)

    def _fit_columns(self) -> None:
        """Columns as wide as the table allows (cut text ends in "…")."""
        table = self.query_one(LineTable)
        room = table.size.width or self.app.size.width
        height = table.size.height
        scrollbar = 2 if not height or len(self.shown) > height - 1 else 0
        available = room - 2 * table.cell_padding * len(FAMILY_COLUMNS) - scrollbar
        widths = fit_longest(FAMILY_COLUMNS, self.longest, max(available, len(FAMILY_COLUMNS)))
        if widths != table.widths:  # the same widths: nothing to draw again
            table.set_columns([c.label for c in FAMILY_COLUMNS], widths)

    def _draw_rows(self) -> None:
        """The shown households: the table asks for a row only when it draws it."""
        shown, marked = self.shown, self.marked
        self._fit_columns()
        self.query_one(LineTable).set_rows(
            len(shown), lambda i: household_row(shown[i], shown[i].household_id in marked)
        )

    # --- loading and filtering ----------------------------------------------------------------

    def reload(self) -> None:
        """Load this year's notice list in a thread, then redraw (a failure is said in place)."""
        run_in_thread(
            self,
            self._read_households,
            what="Reading the family notice list",
            group="families-load",
            done=self._households_read,
            failed=self._households_failed,
        )

    def _read_households(self) -> tuple[HouseholdIndex, list[int], str] | HouseholdIndex:
        """In the worker's thread: the list (drawn as soon as it is read), then, in a large
        school, what the language and grade filters test (most of the reading at 50,000).
        Both on the one connection: its page cache already holds what the second read needs,
        where a second worker's connection filled a page cache of its own (16 MB at 50,000
        students, a third of the screen's memory; `benchmarks/bench_memory.py`)."""
        loaded = _households_and_coverage()
        households = loaded[0]
        if households.filters_ready:  # read whole (a small school)
            return loaded
        self.app.call_from_thread(self._households_loaded, loaded)
        return with_filters(households)

    def _households_read(
        self, read: tuple[HouseholdIndex, list[int], str] | HouseholdIndex
    ) -> None:
        if isinstance(read, HouseholdIndex):
            self._filters_loaded(read)  # the list itself was drawn meanwhile
        else:
            self._households_loaded(read)

    def _households_loaded(self, loaded: tuple[HouseholdIndex, list[int], str]) -> None:
        households, self.longest, self.coverage_note = loaded
        self.households = households
        self.counts = (
            len(households),
            households.count("notified"),
            households.count("returned") + households.count("bounced"),
        )
        self._detail = None  # read again: a notice may have been recorded
        self.refilter()
        if self._loading:
            self._loaded()
        if households.filters_ready:  # read whole (a small school)
            self._filters_loaded(households)

    def _filters_loaded(self, households: HouseholdIndex) -> None:
        """The languages, grades and e-mail are in: the filters offer them and a filter chosen
        meanwhile applies; the same rows are not drawn again."""
        if self.households is None or households.ids is not self.households.ids:
            return  # read again since: the newer list brings its own
        self.households = households
        longest = longest_cells(households)
        if longest != self.longest:
            self.longest = longest
            self._fit_columns()
        self._fill_filter_choices()
        shown = self.shown
        chosen = households.chosen(*self._filters())
        same_list = isinstance(shown, HouseholdRows) and shown.index.ids is households.ids
        if same_list and chosen == shown.positions:  # type: ignore[union-attr]
            shown.index = households  # type: ignore[union-attr]  # the same rows, drawn
        else:
            self.refilter(detail=False)
        held, self._held_for_filters = self._held_for_filters, []
        for action in held:
            action()

    def _hold_while_loading(self, action: Callable[[], None]) -> bool:
        """Keep `action` for when the households are in (True), or let it run now (False)."""
        if self._loading:
            self._held.append(action)
        return self._loading

    def _loaded(self) -> None:
        """The first load ended: the keys pressed meanwhile act now, in the order pressed."""
        self._loading = False
        held, self._held = self._held, []
        for action in held:
            action()

    def _households_failed(self, error: BaseException) -> None:
        self._loading, self._held = False, []  # the summary says why nothing can be done
        self._held_for_filters = []
        self.households = None
        self._summary_text = ""  # said here instead: the next summary is shown whatever it is
        self.query_one("#families-summary", Static).update(
            f"Not read: {escape(error_words(error))}. Nothing was changed; open the section "
            "again once the database is free."
        )

    def _fill_filter_choices(self) -> None:
        if self.households is None or not self.households.filters_ready:
            return
        languages, grades = self.households.filter_choices()  # grades in school order
        lang_select = self.query_one("#filter-language", Select)
        grade_select = self.query_one("#filter-grade", Select)
        keep_lang, keep_grade = lang_select.value, grade_select.value
        # New choices reset the values and put them back: the caller filters once, after.
        self._filling = True
        try:
            lang_select.set_options([(language_name(code), code) for code in languages])
            grade_select.set_options([(f"Grade {g}", g) for g in grades])
            if keep_lang in languages:
                lang_select.value = keep_lang
            if keep_grade in grades:
                grade_select.value = keep_grade
        finally:
            self._filling = False

    def _filters(self) -> tuple[str, str, str]:
        """The status, language and grade chosen."""
        return (
            self._select_value("#filter-status") or "all",
            self._select_value("#filter-language"),
            self._select_value("#filter-grade"),
        )

    def _select_value(self, widget_id: str) -> str:
        value = self.query_one(widget_id, Select).value
        return "" if value is Select.NULL or value is None else str(value)

    def refilter(self, detail: bool = True, *, when_new: bool = False) -> None:
        """Show the households the filters choose; the detail pane at once when `detail`, else
        when the cursor's row settles (a filter change: the table first). `when_new`: only when
        they choose other rows (the choices filled after a load say "changed" too)."""
        households = self.households
        if households is None:
            return
        chosen = households.chosen(*self._filters())
        if chosen is None:
            return  # a language or grade before they are read: chosen once they are
        shown = self.shown
        if (
            when_new
            and isinstance(shown, HouseholdRows)
            and shown.index is households
            and shown.positions == chosen
        ):
            return  # the same list's same rows
        self.shown = households.rows(chosen)
        self._draw_rows()
        total, notified, problems = self.counts
        progress = self.query_one("#families-progress", ProgressBar)
        progress.update(total=max(total, 1), progress=notified)
        progress.remove_class("-reading")
        marked = f" · {len(self.marked)} marked" if self.marked else ""
        warning = f"[b]⚠ {escape(self.coverage_note)}[/b]\n" if self.coverage_note else ""
        summary = (
            f"{warning}Notified {notified:,} / {total:,} households · "
            f"{problems:,} returned or bounced · "
            f"showing {len(self.shown):,}{marked} · one notice per household (g: the rule) · "
            "P: paper sent home after an assembly"
        )
        if summary != self._summary_text:  # a new summary is laid out again: only when new
            self._summary_text = summary
            _say(self.query_one("#families-summary", Static), summary)
        if detail:
            self._show_detail()

    def _filter_chosen(self) -> None:
        """A filter's new value (its `chosen`, called as the value changes: the list follows in
        the filter's frame, where the Changed message it posts came a frame later)."""
        if self.is_mounted and not self._filling:
            self.refilter(detail=False, when_new=True)

    def on_line_table_row_highlighted(self, event: LineTable.RowHighlighted) -> None:
        # The cursor moves at once; the detail follows when the keys stop.
        if self._detail_timer is not None:
            self._detail_timer.stop()
        self._detail_timer = self.set_timer(DETAIL_DELAY, self._show_detail)

    def _current(self) -> HouseholdLine | None:
        table = self.query_one(LineTable)
        if not self.shown or not 0 <= table.cursor_row < len(self.shown):
            return None
        return self.shown[table.cursor_row]

    def _current_in_full(self) -> HouseholdNotices | None:
        """The cursor's household with its contacts and notices (one household: a few ms)."""
        line = self._current()
        if line is None:
            return None
        if self._detail is None or self._detail.household_id != line.household_id:
            found = load_households(household_ids=[line.household_id])
            self._detail = found[0] if found else None
        return self._detail

    def _show_detail(self) -> None:
        if self._detail_timer is not None:
            self._detail_timer.stop()
            self._detail_timer = None
        household = self._current_in_full()
        text = household_detail(household) if household else "No household to show."
        if text != self._detail_text:  # the same household after a filter: nothing to lay out
            self._detail_text = text
            _say(self.query_one("#families-detail-text", Static), text)

    # --- actions ------------------------------------------------------------------------------

    def _targets(self) -> list[int]:
        if self.marked:
            return sorted(self.marked)
        household = self._current()
        return [household.household_id] if household else []

    def action_toggle_mark(self) -> None:
        if self._hold_while_loading(self.action_toggle_mark):
            return
        household = self._current()
        if household is None:
            return
        self.marked ^= {household.household_id}
        table = self.query_one(LineTable)
        table.refresh_row(table.cursor_row)
        if table.cursor_row < len(self.shown) - 1:
            table.move_cursor(row=table.cursor_row + 1)

    def action_mark_all_shown(self) -> None:
        if self._hold_while_loading(self.action_mark_all_shown):
            return
        if not isinstance(self.shown, HouseholdRows):
            return
        ids = set(self.shown.household_ids())
        self.marked = set() if ids <= self.marked else self.marked | ids
        self.refilter(detail=False)

    def action_record_notice(self) -> None:
        from sro_tui.ui.families.dialogs import RecordNoticeDialog

        if self._hold_while_loading(self.action_record_notice):
            return
        targets = self._targets()
        if not targets:
            self.notify("No household chosen.", severity="warning")
            return
        if self.marked:
            intro = f"{len(targets)} marked household(s)."
        else:  # the label alone is often shared ("Aden household"): say whose and where
            h = self._current_in_full()
            if h is None:
                self.notify("No household chosen.", severity="warning")
                return
            guardians = ", ".join(g.name for g in h.guardians if g.name)
            intro = " · ".join(p for p in (h.label, guardians, h.address) if p) + "."
        self.app.push_screen(
            RecordNoticeDialog(intro), lambda values: self._record(targets, values)
        )

    def action_email_all(self) -> None:
        from sro_tui.ui.families.dialogs import RecordNoticeDialog

        if self._hold_while_loading(self.action_email_all):
            return
        if self.households is None:
            return
        if not self.households.filters_ready:  # asked again once the e-mail is read
            self._held_for_filters.append(self.action_email_all)
            return
        with_email = self.households.with_email()
        self.app.push_screen(
            RecordNoticeDialog(
                f"E-mailed to every household with an e-mail address "
                f"({len(with_email):,} of {len(self.households):,}).",
                method="email",
            ),
            lambda values: self._record(with_email, values),
        )

    def _record(self, targets: list[int], values: dict[str, Any] | None) -> None:
        if values:
            self._run_and_report(self._do_record, targets, values)

    @staticmethod
    def _do_record(targets: list[int], values: dict[str, Any]) -> str:
        return record_notices(targets, **values).summary()

    def action_paper_for_session(self) -> None:
        run_in_thread(
            self,
            list_sessions,
            what="Reading the presentation sessions",
            group="families-sessions",
            done=self._ask_session,
        )

    def _ask_session(self, sessions: list[Any]) -> None:
        from sro_tui.ui.families.dialogs import SessionDialog

        if not sessions:
            self.notify("No presentation session this school year yet.", severity="warning")
            return
        choices = {
            s.id: f"{s.held_on} {s.title}" + (f" ({s.place})" if s.place else "") for s in sessions
        }
        self.app.push_screen(
            SessionDialog(choices),
            lambda values: values and self._run_and_report(self._do_session, values),
        )

    @staticmethod
    def _do_session(values: dict[str, Any]) -> str:
        return record_paper_notices_for_session(
            values["session_id"], sent_on=values["sent_on"]
        ).summary()

    def action_delivery_status(self) -> None:
        from sro_tui.ui.families.dialogs import DeliveryStatusDialog

        if self._hold_while_loading(self.action_delivery_status):
            return
        household = self._current_in_full()
        if household is None or not household.notices:
            self.notify("This household has no notice recorded this year.", severity="warning")
            return
        self.app.push_screen(DeliveryStatusDialog(household), self._change_status)

    def _change_status(self, values: dict[str, Any] | None) -> None:
        if values:
            self._run_and_report(self._do_change_status, values)

    @staticmethod
    def _do_change_status(values: dict[str, Any]) -> str:
        notice = change_delivery_status(
            values["notice_id"], values["status"], reason=values["reason"]
        )
        return f"Notice marked {DELIVERY_STATUSES[notice.delivery_status].lower()}."

    def action_export_list(self) -> None:
        from sro_tui.ui.families.dialogs import FolderDialog

        if self._hold_while_loading(self.action_export_list):
            return
        self.app.push_screen(
            FolderDialog(
                "Family notice list",
                "One row per household for the district office "
                "(UTF-8 CSV, opens in Excel). Only what a notice needs.",
                self.app.export_folder,  # type: ignore[attr-defined]
            ),
            lambda values: values and self._run_and_report(self._do_export, values),
        )

    @staticmethod
    def _do_export(values: dict[str, Any]) -> str:
        path = export_family_notice_list(values["folder"], pending_only=values["pending"])
        return f"Family notice list written to {path}"

    def action_write_letters(self) -> None:
        from sro_tui.ui.families.dialogs import FolderDialog

        if self._hold_while_loading(self.action_write_letters):
            return
        self.app.push_screen(
            FolderDialog(
                "Family letters",
                "One file per language, one letter per page.",
                self.app.export_folder,  # type: ignore[attr-defined]
                letters=True,
            ),
            lambda values: values and self._run_and_report(self._do_letters, values),
        )

    def _do_letters(self, values: dict[str, Any]) -> str:
        from sro_tui.notices import write_letters  # the letters module: not the first open's

        households = self.households
        if values["pending"]:
            chosen = None
        else:
            chosen = list(households.ids) if households is not None else []
        files = write_letters(values["folder"], chosen, fmt=values["fmt"])
        if not files:
            return "No household to write a letter for."
        fallback = sum(f.in_english_instead for f in files)
        note = f" ({fallback} in English: no template in their language yet)" if fallback else ""
        return (
            f"{sum(f.letters for f in files)} letter(s) in {len(files)} file(s) written to "
            f"{files[0].path.parent}{note}"
        )

    def action_show_rule(self) -> None:
        from sro_tui.ui.families.dialogs import RuleDialog

        self.app.push_screen(RuleDialog())

    # --- running core work --------------------------------------------------------------------

    def _run_and_report(self, function: Any, *args: Any) -> None:
        run_flow(
            self,
            self._write_and_report(function, *args),
            what="Writing the family notices",
            after="Nothing was recorded or written.",
            group="families-write",
        )

    async def _write_and_report(self, function: Any, *args: Any) -> None:
        try:
            message = await in_thread(self, function, *args)
        except REFUSALS as exc:  # a refused action: say why, change nothing
            self.notify(str(exc), severity="error", timeout=10)
            return
        self.marked.clear()
        self.notify(message)
        self.reload()
