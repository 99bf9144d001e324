"""The check-in screen's dialogs: sessions, unmatched scans, class lists, students not presented.

Each is a small `ModalScreen` that ends in `dismiss(...)`; every write goes through
`sro_tui.presentation` and is committed before the dialog says it happened.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    DataTable,
    Input,
    OptionList,
    Select,
    SelectionList,
    Static,
)
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from sro_tui.exchange import ExchangeError
from sro_tui.presentation import (
    SESSION_KINDS,
    CheckInOutcome,
    class_groups,
    class_list,
    create_session,
    export_not_presented_csv,
    linkable_scans,
    list_sessions,
    local_time,
    mark_present,
    resolve_unmatched_scan,
    session_check_in_count,
    station_label,
    station_summary,
    students_not_presented,
    unmatched_scans,
)
from sro_tui.records import STAFF_KINDS, ValidationError, list_staff
from sro_tui.search import Match
from sro_tui.ui.widgets.record_form import FormField, RecordForm
from sro_tui.ui.widgets.text_box import TextBox


def _problems(exc: ValidationError) -> str:
    return "; ".join(exc.problems.values())


# --- sessions ---------------------------------------------------------------------------------


class SessionsDialog(ModalScreen[int | None]):
    """Choose the session to check students in to, or create one (n); merge station kits (m)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_session", "New session", id="sessions.new"),
        Binding("m", "merge_kits", "Merge station kits", id="sessions.merge_kits"),
        Binding("escape", "cancel", "Close", id="sessions.close"),
    ]

    def __init__(self, current: Any):
        super().__init__()
        self.current = current
        self.sessions: list[Any] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog checkin-dialog"):
            yield Static(
                "[b]Presentation sessions this year[/b] · Enter opens · n new · "
                "m merge station kits · Esc",
                classes="dialog-title",
            )
            yield OptionList(id="sessions-list")
            yield Static("", id="sessions-stations")

    def on_mount(self) -> None:
        self.sessions = list_sessions(self.current.school_year if self.current else None)
        options = self.query_one(OptionList)
        options.clear_options()
        for s in self.sessions:
            mark = "▶ " if self.current and s.id == self.current.id else "  "
            place = f" · {s.place}" if s.place else ""
            options.add_option(
                Option(
                    f"{mark}{escape(s.title)} · {SESSION_KINDS.get(s.kind, s.kind)}"
                    f"{escape(place)} · "
                    f"{session_check_in_count(s)} checked in",
                    id=str(s.id),
                )
            )
        if self.sessions:
            options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))

    def _highlighted(self) -> Any:
        index = self.query_one(OptionList).highlighted
        return self.sessions[index] if index is not None and index < len(self.sessions) else None

    def on_option_list_option_highlighted(self) -> None:
        """Under the list: the highlighted session's stations (issue 17)."""
        session = self._highlighted()
        lines = [escape(s.line) for s in station_summary(session)] if session else []
        self.query_one("#sessions-stations", Static).update("\n".join(lines))

    def action_merge_kits(self) -> None:
        from sro_tui.ui.checkin.station_dialogs import StationMergeDialog

        session = self._highlighted()
        if session is not None:
            self.app.push_screen(StationMergeDialog(session), lambda _c: self.on_mount())

    def action_new_session(self) -> None:
        self.app.push_screen(NewSessionDialog(), self._created)

    def _created(self, session_id: int | None) -> None:
        if session_id is not None:
            self.dismiss(session_id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class NewSessionDialog(RecordForm):
    """Date, kind, place, presenters (from the safety staff roster) and notes; dismisses with
    the new session's id."""

    def __init__(self) -> None:
        presenters = {
            s.id: f"{s.display_name} — {STAFF_KINDS.get(s.kind, s.kind)}" for s in list_staff()
        }
        super().__init__(
            "New presentation session",
            [
                FormField("held_on", "Date", "date", value=date.today(), required=True),
                FormField("kind", "Kind", "select", SESSION_KINDS, "assembly"),
                FormField("place", "Place", placeholder="Gym, room 104…"),
                FormField("title", "Title", placeholder="“Assembly <date>” when empty"),
                FormField("presenter_ids", "Presenters (space)", "choices", presenters),
                FormField("notes", "Notes", "narrative"),
            ],
            self._create,
        )

    @staticmethod
    def _create(values: dict[str, Any]) -> int:
        session = create_session(
            values["held_on"],
            kind=str(values["kind"]),
            place=values["place"],
            title=values["title"],
            notes=values["notes"],
            presenter_ids=values["presenter_ids"],
        )
        return session.id


# --- unmatched scans --------------------------------------------------------------------------


class UnmatchedScansDialog(ModalScreen[None]):
    """Scans that matched no student this year: link each to a student (l) or dismiss it (d)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "link", "Link to a student", id="unmatched.link"),
        Binding("m", "link_match", "Link to the student it now matches", id="unmatched.match"),
        Binding("d", "dismiss_scan", "Dismiss with a reason", id="unmatched.dismiss"),
        Binding("escape", "close", "Close", id="unmatched.close"),
    ]

    def __init__(self, session: Any, actor: str):
        super().__init__()
        self.session = session
        self.actor = actor
        self.scans: list[Any] = []
        self.matches: dict[int, Any] = {}  # scan id -> the student its ID now matches

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog checkin-dialog"):
            yield Static(
                "[b]Unmatched scans[/b] · l link to a student · m link to the match · "
                "d dismiss · Esc",
                classes="dialog-title",
            )
            yield OptionList(id="unmatched-list")
            yield Static("", id="unmatched-note")

    def on_mount(self) -> None:
        self.reload()
        self.query_one(OptionList).focus()

    def reload(self) -> None:
        self.scans = unmatched_scans(year=self.session.school_year)
        # A station kit's roster may be older than the school's: its unknown IDs may match now.
        self.matches = {item.scan.id: item.student for item in linkable_scans()}
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(
            Option(
                f"{escape(s.scanned_text):<16} {local_time(s.scanned_at):%Y-%m-%d %H:%M:%S} · "
                f"{escape(s.session.title)}"
                + (f" · {escape(station_label(s.station))}" if s.station else "")
                + (
                    f" · [b]now matches {escape(self.matches[s.id].display_name)}[/b] (m)"
                    if s.id in self.matches
                    else ""
                ),
                id=str(s.id),
            )
            for s in self.scans
        )
        if self.scans:
            options.highlighted = 0
        else:
            self.query_one("#unmatched-note", Static).update("Nothing left to resolve.")

    def _selected(self) -> Any:
        index = self.query_one(OptionList).highlighted
        return self.scans[index] if index is not None and index < len(self.scans) else None

    def action_link(self) -> None:
        scan = self._selected()
        if scan is not None:
            self.app.push_screen(
                StudentPickDialog(f"Link scan “{scan.scanned_text}” to…"),
                lambda student_id: self._link(scan, student_id),
            )

    def _link(self, scan: Any, student_id: int | None) -> None:
        if student_id is None:
            return
        try:
            outcome = resolve_unmatched_scan(scan, student_id=student_id, actor=self.actor)
        except ValidationError as exc:
            self.notify(_problems(exc), severity="error")
            return
        if outcome is not None:
            verb = "checked in" if outcome.status == "recorded" else "was already recorded"
            self.notify(f"{outcome.student_line}: {verb}.")
        self.reload()

    def action_link_match(self) -> None:
        scan = self._selected()
        if scan is None or scan.id not in self.matches:
            self.notify("This ID matches no student: link it by name (l) or dismiss it (d).")
            return
        self._link(scan, self.matches[scan.id].id)

    def action_dismiss_scan(self) -> None:
        scan = self._selected()
        if scan is not None:
            self.app.push_screen(
                ReasonDialog(f"Why dismiss “{scan.scanned_text}”?"),
                lambda reason: self._dismiss_scan(scan, reason),
            )

    def _dismiss_scan(self, scan: Any, reason: str | None) -> None:
        if not reason:
            return
        try:
            resolve_unmatched_scan(scan, dismiss_reason=reason, actor=self.actor)
        except ValidationError as exc:
            self.notify(_problems(exc), severity="error")
            return
        self.reload()

    def action_close(self) -> None:
        self.dismiss(None)


class StudentPickDialog(ModalScreen[int | None]):
    """Find a student by name or ID (the app's search index) and pick one with Enter."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="pick.cancel"),
        Binding("down", "focus_results", "Results", id="pick.results", show=False),
    ]

    def __init__(self, title: str):
        super().__init__()
        self.title_text = title
        self.matches: list[Match] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog checkin-dialog"):
            yield Static(escape(self.title_text), classes="dialog-title")
            yield TextBox(placeholder="Name or student ID…", id="pick-query")
            yield OptionList(id="pick-results")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        index = self.app.student_index  # type: ignore[attr-defined]
        self.matches = index.search(event.value, limit=10) if index is not None else []
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(
            f"{escape(m.student.display_name)} · {m.student.sis_id} · grade {m.student.grade}"
            for m in self.matches
        )
        if self.matches:
            options.highlighted = 0

    def on_input_submitted(self) -> None:
        if self.matches:
            self.dismiss(
                self.matches[self.query_one(OptionList).highlighted or 0].student.student_id
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.matches[event.option_index].student.student_id)

    def action_focus_results(self) -> None:
        self.query_one(OptionList).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)


class ReasonDialog(ModalScreen[str | None]):
    """Ask for a short reason (Enter to confirm); dismisses with None when cancelled or empty."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="reason.cancel"),
    ]

    def __init__(self, question: str):
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(escape(self.question), classes="dialog-text")
            yield TextBox(placeholder="e.g. visitor's card, not a student", id="reason")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


# --- class list -------------------------------------------------------------------------------


class ClassListDialog(ModalScreen[list[CheckInOutcome] | None]):
    """List mode for classrooms: pick a homeroom or grade, toggle students with space, mark all
    (a), confirm (ctrl+s). Students already presented this year are shown, not selectable."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "mark_all", "Mark all present", id="class_list.mark_all"),
        Binding("ctrl+s", "confirm", "Confirm", id="class_list.confirm", priority=True),
        Binding("escape", "cancel", "Cancel", id="class_list.cancel"),
    ]

    def __init__(self, session: Any, actor: str):
        super().__init__()
        self.session = session
        self.actor = actor

    def compose(self) -> ComposeResult:
        grades, homerooms = class_groups(self.session.school)
        choices = [(f"Homeroom {h}", f"homeroom:{h}") for h in homerooms]
        choices += [(f"Grade {g}", f"grade:{g}") for g in grades]
        with Vertical(classes="dialog checkin-dialog", id="class-list-dialog"):
            yield Static(
                "[b]Class list[/b] · space toggles · a marks all · ctrl+s confirms · Esc",
                classes="dialog-title",
            )
            yield Select(choices, prompt="Choose a homeroom or a grade", id="class-group")
            yield SelectionList[int](id="class-students")
            yield Static("", id="class-summary")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Confirm", variant="primary", id="confirm")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one(Select).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.value is Select.NULL or not isinstance(event.value, str):
            return
        kind, _, value = event.value.partition(":")
        rows = class_list(self.session.school_year, self.session.school, **{kind: value})  # type: ignore[arg-type]
        students = self.query_one(SelectionList)
        students.clear_options()
        students.add_options(
            Selection(
                f"{escape(r.name)} · {r.sis_id}"
                + (f" · presented {local_time(r.presented_at):%b %d}" if r.presented_at else ""),
                r.student_id,
                disabled=r.presented_at is not None,
            )
            for r in rows
        )
        done = sum(r.presented_at is not None for r in rows)
        self.query_one("#class-summary", Static).update(
            f"{len(rows)} students, {done} already presented this year."
        )
        students.focus()

    def action_mark_all(self) -> None:
        self.query_one(SelectionList).select_all()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "confirm":
            self.action_confirm()
        else:
            self.dismiss(None)

    def action_confirm(self) -> None:
        chosen = list(self.query_one(SelectionList).selected)
        if not chosen:
            self.notify("Nobody is marked: toggle students with space, or press a.")
            return
        try:
            outcomes = mark_present(self.session, chosen, self.actor)
        except ValidationError as exc:
            self.notify(_problems(exc), severity="error")
            return
        self.dismiss(outcomes)

    def action_cancel(self) -> None:
        self.dismiss(None)


# --- not yet presented ------------------------------------------------------------------------

MAX_LISTED = 500


class NotPresentedDialog(ModalScreen[None]):
    """Active students not presented to this year (make-up sessions); e exports them as CSV."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "export", "Export CSV", id="not_presented.export"),
        Binding("escape", "close", "Close", id="not_presented.close"),
    ]

    def __init__(self, session: Any, export_dir: Path):
        super().__init__()
        self.session = session
        self.export_dir = export_dir

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog checkin-dialog", id="not-presented-dialog"):
            yield Static(
                "[b]Not yet presented this year[/b] · e export CSV · Esc", classes="dialog-title"
            )
            yield Static("", id="not-presented-summary")
            yield DataTable(id="not-presented-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        students = students_not_presented(self.session.school_year, self.session.school)
        table = self.query_one(DataTable)
        table.add_columns("Gr", "Homeroom", "Name", "ID")
        table.add_rows(
            (s.grade, s.homeroom, f"{s.last_name}, {s.preferred_name or s.first_name}", s.sis_id)
            for s in students[:MAX_LISTED]
        )
        more = ""
        if len(students) > MAX_LISTED:
            more = f" (first {MAX_LISTED} shown; the export has all)"
        self.query_one("#not-presented-summary", Static).update(
            f"{len(students):,} students{more} · export folder: {escape(str(self.export_dir))}"
        )
        table.focus()

    def action_export(self) -> None:
        try:
            path = export_not_presented_csv(
                self.session.school_year, self.export_dir, self.session.school
            )
        except (ExchangeError, ValidationError) as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(f"Exported to {path}", timeout=8)

    def action_close(self) -> None:
        self.dismiss(None)
