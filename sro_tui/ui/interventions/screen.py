"""Intervention requests: the list with its filters, a detail pane, and the actions on a request
(new, open/amend, history, review, export). Every read and write goes through the core
(`sro_tui.interventions`)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import ClassVar

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Checkbox, Input, Select, Static

from sro_tui import policy
from sro_tui.exchange import ExchangeError
from sro_tui.interventions import (
    REQUEST_STATUSES,
    InterventionRequest,
    RequestFilter,
    RequestRefused,
    RequestRow,
    closure_days,
    export_requests,
    form_from_request,
    get_request,
    has_discipline_outcome,
    list_requests,
    record_discipline_outcome,
    request_history,
    review_request,
    stored_findings,
    why_not_reviewable,
)
from sro_tui.records import ValidationError, list_staff, parse_date
from sro_tui.ui.interventions.closures import ClosuresDialog
from sro_tui.ui.interventions.dialogs import ExportDialog, HistoryScreen, TextPromptDialog
from sro_tui.ui.interventions.form import InterventionForm
from sro_tui.ui.interventions.sections import SEVERITY_MARK
from sro_tui.ui.widgets.dialogs import ChoiceDialog
from sro_tui.ui.widgets.fit_table import FitColumn, fit_widths
from sro_tui.ui.widgets.footer import KeysFooter
from sro_tui.ui.widgets.freshness import Freshness
from sro_tui.ui.widgets.header import TitleHeader
from sro_tui.ui.widgets.line_table import LineTable
from sro_tui.ui.widgets.text_box import TextBox
from sro_tui.ui.widgets.work import error_words, in_thread, run_in_thread

EXPORT_FAILED_AFTER = "Files already written are complete; the others were not written."

CRITERION_FILTER = [(c.label, c.id) for c in policy.CRITERIA.values()] + [
    ("Staff-initiated emergency", policy.STAFF_INITIATED_EMERGENCY)
]
YES_NO_FILTER = [("Yes", "yes"), ("No", "no")]
MAX_ROWS = 500
# A burst of cursor moves (a held arrow key) reads one request's detail, when it stops.
DETAIL_DELAY = 0.08
SHORT_CRITERION = {
    "danger_to_others": "Danger to others",
    "disruption": "Disruption",
    "emergency_3432": "Emergency (3432)",
}
SHORT_STATUS = {
    "draft": "Draft",
    "submitted": "Submitted",
    "reviewed": "Reviewed",
    "refused": "Refused",
}


def criterion_short(row: RequestRow) -> str:
    text = SHORT_CRITERION.get(row.criterion, "—")
    return f"{text}, unasked" if row.staff_initiated_emergency else text


def _tri(select: Select) -> bool | None:
    value = select.value
    return {"yes": True, "no": False}.get(value) if isinstance(value, str) else None


def _date(box: Input) -> date | None:
    """The date typed in a filter box (ISO or MM/DD/YYYY); a box that is not a date yet (still
    being typed, say) filters nothing and is marked invalid so it does not silently mislead."""
    text = box.value.strip()
    try:
        found = parse_date(text) if text else None
    except ValueError:
        found = None
    box.set_class(bool(text) and found is None, "-invalid")
    return found


DISCIPLINE_WORDS = {True: "yes", False: "no", None: "not recorded yet"}
REQUEST_COLUMNS = (
    FitColumn("When", "when"),
    FitColumn("Status", "status"),
    FitColumn("Criterion", "criterion", min_width=10),
    FitColumn("Students", "students", min_width=12, max_width=40),
    FitColumn("Flags", "flags"),
)


class InterventionsScreen(Screen):
    """Requests for intervention this school year: filter, open, review, amend, export."""

    SECTION_TITLE = "Intervention requests"
    CSS_PATH = "interventions.tcss"
    AUTO_FOCUS = "#interventions-table"  # the list first; "/" goes to the filters
    PRELOAD = True  # may be built ahead (ui/preload.py): it reads again on show when stale
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_request", "New request", id="interventions.new"),
        Binding("enter", "open_request", "Open / amend", id="interventions.open", show=False),
        Binding("o", "open_request", "Open / amend", id="interventions.open_o"),
        Binding("h", "history", "History", id="interventions.history"),
        Binding("v", "review", "Review", id="interventions.review"),
        Binding("d", "discipline_outcome", "Discipline followed?", id="interventions.discipline"),
        Binding("x", "export", "Export", id="interventions.export"),
        Binding("c", "closures", "Closure days", id="interventions.closures"),
        Binding("slash", "focus_filters", "Filters", id="interventions.filters"),
        Binding("ctrl+l", "clear_filters", "Clear filters", id="interventions.clear"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[RequestRow] = []
        self._table_rows: list[tuple[str, ...]] = []
        self._listed = Freshness()
        self._detail_timer: Timer | None = None
        self._staff_shown: list[tuple[str, int]] = []  # the staff filter's choices

    def compose(self) -> ComposeResult:
        yield TitleHeader()
        with Horizontal(id="filter-bar"):
            yield Select(
                [(v, k) for k, v in REQUEST_STATUSES.items()],
                prompt="Any status",
                id="flt-status",
                compact=True,
            )
            yield Select(CRITERION_FILTER, prompt="Any criterion", id="flt-criterion", compact=True)
            yield TextBox(placeholder="From date", id="flt-from", compact=True)
            yield TextBox(placeholder="To date", id="flt-to", compact=True)
            self._staff_shown = self._staff_choices()
            yield Select(
                self._staff_shown,
                prompt="Any staff",
                id="flt-staff",
                compact=True,
            )
        with Horizontal(id="filter-bar-2"):
            yield TextBox(placeholder="Student name or ID", id="flt-student", compact=True)
            yield TextBox(
                placeholder="Text in place / requester / facts", id="flt-text", compact=True
            )
            yield Select(YES_NO_FILTER, prompt="Findings?", id="flt-findings", compact=True)
            yield Select(YES_NO_FILTER, prompt="Law enforcement?", id="flt-le", compact=True)
            yield Checkbox("R/I deadline open", id="flt-restraint", compact=True)
        yield Static("", id="interventions-summary", classes="screen-summary")
        with Horizontal(id="interventions-body"):
            # Only the rows on screen are drawn: a cursor move redraws two lines.
            yield LineTable(id="interventions-table")
            with VerticalScroll(id="request-detail"):
                yield Static("", id="request-detail-text")
        yield KeysFooter(compact=True)

    def _staff_choices(self) -> list[tuple[str, int]]:
        try:
            return [(s.display_name, s.id) for s in list_staff(include_inactive=True)]
        except Exception as exc:  # noqa: BLE001 - shown and logged by the app; the list still opens
            self.app.report_failure("Reading the safety staff for the filter", exc)  # type: ignore[attr-defined]
            return []

    async def on_mount(self) -> None:
        if not self.app.is_running:
            return  # the app closed while this screen was built ahead
        self.query_one("#request-detail").border_title = "Request"
        if self.is_current:
            self.reload()
        else:  # built ahead, not shown: the read must not hold up the screen that is
            await self._reload_in_thread()
        # The student filter looks names up in the app's roster index, built on first need.
        if getattr(self.app, "student_index", None) is None and hasattr(
            self.app, "request_students"
        ):
            self.app.request_students()  # type: ignore[attr-defined]

    def on_screen_resume(self) -> None:
        if self._listed.stale():  # a request saved, a roster imported … since the list was read
            self._refresh_staff_filter()  # staff added or renamed in F6
            self.reload()

    def _refresh_staff_filter(self) -> None:
        choices = self._staff_choices()
        select = self.query_one("#flt-staff", Select)
        if choices != self._staff_shown:
            chosen = select.value
            self._staff_shown = choices
            with select.prevent(Select.Changed):
                select.set_options(choices)
                if any(staff_id == chosen for _, staff_id in choices):
                    select.value = chosen

    # --- the list -----------------------------------------------------------------------------

    def current_filter(self) -> RequestFilter:
        q = self.query_one
        status, criterion = q("#flt-status", Select).value, q("#flt-criterion", Select).value
        staff = q("#flt-staff", Select).value
        f = RequestFilter(
            status=status if isinstance(status, str) else None,
            criterion=criterion if isinstance(criterion, str) else None,
            date_from=_date(q("#flt-from", Input)),
            date_to=_date(q("#flt-to", Input)),
            staff_id=staff if isinstance(staff, int) else None,
            has_findings=_tri(q("#flt-findings", Select)),
            law_enforcement=_tri(q("#flt-le", Select)),
            open_restraint_deadline=True if q("#flt-restraint", Checkbox).value else None,
            text=q("#flt-text", Input).value,
        )
        student_text = q("#flt-student", Input).value.strip()
        index = getattr(self.app, "student_index", None)
        if student_text and index is not None:
            found = index.search(student_text, limit=1, active_only=False)
            f.student_id = found[0].student.student_id if found else -1
        return f

    def reload(self, select_id: int | None = None) -> None:
        """Query the list again with the filters (SQL-side, a few ms) and redraw."""
        keep = select_id if select_id is not None else self.selected_id()
        self._listed.mark()
        # A table of thousands of rows is slow to draw and no one reads it: narrow the filters.
        # SQL-side and a few ms, so on the main thread as the filters change.
        try:
            rows = list_requests(self.current_filter(), limit=MAX_ROWS + 1)
        except Exception as exc:  # noqa: BLE001 - shown and logged by the app, never lost
            self._show_read_failure(exc)
            return
        self._show_list(rows, keep)

    async def _reload_in_thread(self) -> None:
        """`reload()` with the read in a thread: a screen built ahead (ui/preload.py) keeps the
        screen on show answering its keys meanwhile (a switch here waits for this mount)."""
        self._listed.mark()
        try:
            rows = await in_thread(self, list_requests, self.current_filter(), MAX_ROWS + 1)
        except Exception as exc:  # noqa: BLE001 - shown and logged by the app, never lost
            if self.app.is_running:  # else the app closed meanwhile (the read was cancelled)
                self._show_read_failure(exc)
            return
        if self.app.is_running:
            self._show_list(rows, None)

    def _show_read_failure(self, exc: Exception) -> None:
        self.app.report_failure("Reading the intervention requests", exc)  # type: ignore[attr-defined]
        self.rows = []
        self._table_rows = []
        self._draw_rows()
        self.query_one("#interventions-summary", Static).update(
            f"The requests could not be read: {escape(error_words(exc))}. "
            "Change a filter to try again."
        )
        self.query_one("#request-detail-text", Static).update("")

    def _show_list(self, rows: list[RequestRow], keep: int | None) -> None:
        table = self.query_one(LineTable)
        self.rows = rows
        more = len(self.rows) > MAX_ROWS
        self.rows = self.rows[:MAX_ROWS]
        self._table_rows = [
            (
                f"{r.occurred_at:%Y-%m-%d %H:%M}" if r.occurred_at else "(no time)",
                SHORT_STATUS.get(r.status, r.status),
                criterion_short(r),
                ", ".join(r.students) or "—",
                " ".join(
                    flag
                    for flag, on_ in (
                        ("!" + str(r.reason_findings), r.reason_findings),
                        ("LE", r.law_enforcement),
                        ("R/I", r.restraint_open),
                    )
                    if on_
                ),
            )
            for r in self.rows
        ]
        self._draw_rows()
        ids = [r.id for r in self.rows]
        if keep in ids:
            table.move_cursor(row=ids.index(keep))
        waiting = sum(1 for r in self.rows if r.status == "submitted")
        self.query_one("#interventions-summary", Static).update(
            (
                f"{'first ' if more else ''}{len(self.rows)} request(s) shown · "
                f"{waiting} awaiting review · "
                "n new · Enter open/amend · h history · v review · d discipline followed? · "
                "x export · / filters"
                if self.rows
                else "No requests match. Press n to log a new request."
            )
            + (
                " · A date filter is not a date (write YYYY-MM-DD or MM/DD/YYYY): not applied."
                if self.query("#flt-from.-invalid, #flt-to.-invalid")
                else ""
            )
        )
        self.show_detail()

    def _draw_rows(self) -> None:
        """The listed requests, columns fitted to the table (cut names end in "…"); the table
        asks for a row only when it draws it."""
        table = self.query_one(LineTable)
        rows = self._table_rows
        room = table.size.width or self.app.size.width
        height = table.size.height
        scrollbar = 2 if not height or len(rows) > height - 1 else 0
        available = room - 2 * table.cell_padding * len(REQUEST_COLUMNS) - scrollbar
        widths = fit_widths(REQUEST_COLUMNS, rows, max(available, len(REQUEST_COLUMNS)))
        table.set_columns([c.label for c in REQUEST_COLUMNS], widths)
        table.set_rows(len(rows), rows.__getitem__)

    def on_resize(self) -> None:
        # After the new layout: under 100 columns the detail moves under the list.
        self.call_after_refresh(self._draw_rows)

    @on(Input.Changed, "#filter-bar Input, #filter-bar-2 Input")
    @on(Select.Changed, "#filter-bar Select, #filter-bar-2 Select")
    @on(Checkbox.Changed, "#flt-restraint")
    def _filter_changed(self) -> None:
        self.reload()

    def selected_id(self) -> int | None:
        table = self.query_one(LineTable)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row].id

    def selected_request(self) -> InterventionRequest | None:
        request_id = self.selected_id()
        return get_request(request_id) if request_id is not None else None

    def on_line_table_row_highlighted(self, event: LineTable.RowHighlighted) -> None:
        # The cursor moves at once; the detail (a database read, a long text to lay out)
        # follows when the keys stop.
        if not event.table.has_focus:
            return  # the rows changed under a filter: reload has shown the detail
        self._cancel_detail()
        self._detail_timer = self.set_timer(DETAIL_DELAY, self.show_detail)

    def on_line_table_row_selected(self) -> None:
        self.action_open_request()

    def _cancel_detail(self) -> None:
        if self._detail_timer is not None:
            self._detail_timer.stop()
            self._detail_timer = None

    def show_detail(self) -> None:
        self._cancel_detail()
        box = self.query_one("#request-detail-text", Static)
        request = self.selected_request()
        if request is None:
            box.update("")
            return
        box.update(detail_markup(request))

    # --- actions ------------------------------------------------------------------------------

    def _after_form(self, saved: InterventionRequest | None) -> None:
        self.reload(select_id=saved.id if saved else None)

    def action_new_request(self) -> None:
        self.app.push_screen(InterventionForm(), self._after_form)

    def action_open_request(self) -> None:
        request = self.selected_request()
        if request is None:
            self.notify("Choose a request first.", severity="warning")
            return
        self.app.push_screen(InterventionForm(request), self._after_form)

    def action_history(self) -> None:
        request = self.selected_request()
        if request is None:
            return
        title = f"{request.occurred_at:%Y-%m-%d %H:%M}" if request.occurred_at else "request"
        self.app.push_screen(HistoryScreen(title, request_history(request)))

    def action_discipline_outcome(self) -> None:
        """Record whether student discipline followed (the annual report counts it)."""
        request = self.selected_request()
        if request is None:
            self.notify("Choose a request first.", severity="warning")
            return
        if not has_discipline_outcome(request):
            self.notify(
                "A discipline outcome is recorded once a request is submitted.", severity="warning"
            )
            return

        when = f"{request.occurred_at:%Y-%m-%d %H:%M}" if request.occurred_at else "(no time)"
        row = next((r for r in self.rows if r.id == request.id), None)
        students = ", ".join(row.students) if row else ""

        def done(answer: object) -> None:
            if answer is ChoiceDialog.CANCELLED:
                return
            try:
                record_discipline_outcome(request, answer)  # type: ignore[arg-type]
            except ValidationError as exc:
                self.notify(str(exc), title="Not recorded", severity="error", timeout=10)
                return
            except Exception as exc:  # noqa: BLE001 - shown and logged by the app
                self.app.report_failure(  # type: ignore[attr-defined]
                    "Recording the discipline outcome", exc, "Nothing was recorded."
                )
                return
            self.notify(f"Student discipline followed: {DISCIPLINE_WORDS[answer]}.")
            self.reload(select_id=request.id)

        self.app.push_screen(
            ChoiceDialog(
                f"Did student discipline follow the incident of {when}"
                f"{' at ' + escape(request.location) if request.location else ''}"
                f"{' (' + escape(students) + ')' if students else ''}? Discipline is the "
                "principal's decision, recorded in the SIS; here only yes or no is kept, for the "
                "annual report (RCW 28A.320.1241).",
                [("Yes", True), ("No", False), ("Not decided yet", None)],
                current=request.resulted_in_discipline,
            ),
            done,
        )

    def action_review(self) -> None:
        request = self.selected_request()
        if request is None:
            return
        refused = why_not_reviewable(request)
        if refused:
            self.notify(f"{refused[0].upper()}{refused[1:]}.", severity="warning")
            return

        def done(note: str | None) -> None:
            if note is None:
                return
            try:
                review_request(request, note)
            except (RequestRefused, ValidationError) as exc:
                self.notify(str(exc), title="Not reviewed", severity="error", timeout=10)
                return
            except Exception as exc:  # noqa: BLE001 - shown and logged by the app
                self.app.report_failure(  # type: ignore[attr-defined]
                    "Saving the review", exc, "The request was not marked reviewed."
                )
                return
            self.notify("Reviewed.")
            self.reload(select_id=request.id)

        self.app.push_screen(
            TextPromptDialog(
                "Review this request: your note is kept with it (Policy 4311: the principal "
                "maintains order and handles discipline).",
                "Review note",
                "Mark reviewed",
            ),
            done,
        )

    def action_closures(self) -> None:
        """The school's closure days, for the school-day count beside each legal deadline."""
        self.app.push_screen(ClosuresDialog())

    def action_export(self) -> None:
        folder = self.app.export_folder  # type: ignore[attr-defined]

        def chosen(result: tuple[Path, bool] | None) -> None:
            if result is not None:
                self.run_export(*result)

        self.app.push_screen(ExportDialog(folder), chosen)

    def run_export(self, folder: Path, deidentified: bool) -> None:
        """Write the four files in a thread; bad data or an unwritable folder is said in words."""

        def export() -> list[Path] | str:
            try:
                return export_requests(folder, deidentified=deidentified)
            except (ExchangeError, ValidationError) as exc:
                return str(exc)

        def done(result: list[Path] | str) -> None:
            if isinstance(result, str):
                self.notify(result, title="Export failed", severity="error", timeout=12)
                return
            names = "\n".join(p.name for p in result)
            self.notify(f"Wrote to {folder}:\n{names}", title="Exported", timeout=10)

        run_in_thread(
            self,
            export,
            what="The intervention requests export",
            after=EXPORT_FAILED_AFTER,
            group="interventions-export",
            done=done,
        )

    def action_focus_filters(self) -> None:
        self.query_one("#flt-status", Select).focus()

    def action_clear_filters(self) -> None:
        for box in self.query("#filter-bar Input, #filter-bar-2 Input").results(Input):
            box.value = ""
        for select in self.query("#filter-bar Select, #filter-bar-2 Select").results(Select):
            select.clear()
        self.query_one("#flt-restraint", Checkbox).value = False
        self.query_one(LineTable).focus()


def detail_markup(request: InterventionRequest) -> str:
    """The selected request in a few lines, with its stored findings and open deadlines."""
    form = form_from_request(request)
    crit = policy.CRITERIA.get(form.criterion or "")
    lines = [
        f"[b]{REQUEST_STATUSES.get(request.status, request.status)}[/] · version {request.version}",
        f"When: {form.occurred_at:%Y-%m-%d %H:%M}" if form.occurred_at else "When: —",
        f"Where: {escape(form.location or '—')}"
        + ("" if form.on_premises is not False else " (off premises)"),
        "Staff-initiated emergency"
        if form.staff_initiated_emergency
        else f"Asked by: {escape(form.requested_by_name or '—')} "
        f"({policy.REQUESTER_ROLES.get(form.requested_by_role or '', '—')})",
        f"Criterion: {crit.label if crit else '—'}",
        f"Facts: {escape(form.facts or '—')}",
        "Done: "
        + (
            ", ".join(
                policy.ACTIONS.get(a) or policy.DISCIPLINARY_ACTIONS.get(a, a) for a in form.actions
            )
            or "—"
        ),
        f"Outcome: {escape(form.outcome or '—')}",
    ]
    for activity in form.law_enforcement:
        kind = policy.LAW_ENFORCEMENT_ACTIVITIES[activity.kind].label
        access = policy.ATTORNEY_ACCESS_ANSWERS.get(activity.attorney_access or "", "—")
        lines.append(f"[b]{kind}[/]: attorney: {access}")
    if request.review_note:
        lines.append(f"Review: {escape(request.review_note)} ({escape(request.reviewed_by)})")
    if has_discipline_outcome(request):
        lines.append(
            f"Student discipline followed: {DISCIPLINE_WORDS[request.resulted_in_discipline]}"
            + (" (d to record)" if request.resulted_in_discipline is None else "")
        )
    # Advice is for the form; deadlines are shown live below. Here: what needed a reason, and why.
    findings = [f for f in stored_findings(request) if f.severity is not policy.Severity.ADVICE]
    for f in findings:
        reason = form.acknowledged_reasons.get(f.key) or form.acknowledged_reasons.get(f.check_id)
        lines.append(f"\n{SEVERITY_MARK[f.severity][0]} {escape(f.message)}")
        if reason:
            lines.append(f"[green]Reason:[/] {escape(reason)}")
    if form.restraint is not None:
        r = form.restraint
        started = r.started_at or form.occurred_at
        if started is not None:
            lines.append("\n[b]Restraint/isolation steps (RCW 28A.600.485)[/]")
            now = datetime.now()
            for d in policy.deadlines_of(r, started, closure_days()):
                status = d.status(now)
                colour = {"met": "green", "overdue": "red"}.get(status, "yellow")
                due = d.due_text if d.as_soon_as_possible else f"by {d.due_at:%a %m-%d %H:%M}"
                lines.append(f"[{colour}]{status}[/]: {d.label} ({due})")
                if d.school_days_note:
                    lines.append(f"  [dim]{escape(d.school_days_note)}[/]")
    return "\n".join(lines)
