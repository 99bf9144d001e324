"""Assembly check-in: record, at the gym door, which students received the Policy 4311 presentation.

The check-in box always has focus. A scanned (or typed) student ID + Enter records the student at
once; typed text that is not an ID shows live candidates (arrows + Enter pick one). Each check-in
is committed by the core before the feedback line confirms it. Scans are handled one message per
Enter, in order (see `ScanInput`), so a fast scanner can neither lose nor merge IDs.

Keys are F-keys: the focused box takes most ctrl keys. They are plain (not priority) bindings on
purpose: an F-key then travels behind the scans typed before it, so "undo" never overtakes the
check-in it is meant to undo.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from datetime import date, datetime
from typing import ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Label, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from sro_tui.db import DatabaseBusy, StorageError, data_version, storage_errors
from sro_tui.presentation import (
    CANDIDATES_SHOWN,
    CheckInOutcome,
    CheckInRow,
    PresentationProgress,
    PresentationSession,
    candidates_for,
    check_in_student,
    last_check_ins,
    local_time,
    presentation_progress,
    presented_times,
    record_scan,
    session_check_in_count,
    session_for_check_in,
    station_name,
    undo_last_check_in,
    unmatched_scans,
)
from sro_tui.records import ValidationError, current_actor
from sro_tui.search import Match, StudentIndex
from sro_tui.ui.checkin.grade_bars import GradeBars
from sro_tui.ui.checkin.scan_input import ScanInput
from sro_tui.ui.checkin.session_line import SessionLine, session_lines
from sro_tui.ui.widgets.footer import KeysFooter
from sro_tui.ui.widgets.freshness import Freshness
from sro_tui.ui.widgets.header import TitleHeader
from sro_tui.ui.widgets.work import error_words

CANDIDATE_DELAY = 0.08  # seconds of quiet typing before candidates are drawn (a scan never waits)
LAST_SHOWN = 10
HOW_SHORT = {"scan": "scan", "search": "name", "list": "list"}  # fits the narrow column
# A busy database (another program writing) must not freeze the box: a check-in waits this long,
# then joins the scans waiting on screen, which are retried in order until it frees.
BUSY_WAIT = 0.25
RETRY_WAIT = 0.1
RETRY_EVERY = 0.5
OTHERS_CHECKED_EVERY = 3.0  # seconds between looks for another program's writes (an import)

Write = Callable[[PresentationSession], CheckInOutcome]


def _has_digit(text: str) -> bool:
    return any(c.isdigit() for c in text)


def _clock(moment: datetime) -> str:
    return f"{local_time(moment):%H:%M:%S}"


class CheckInScreen(Screen):
    """The check-in box, the feedback line, progress, the last ten check-ins, unmatched scans."""

    SECTION_TITLE = "Assembly check-in"
    CSS_PATH = "checkin.tcss"
    # May be built ahead (ui/preload.py): it re-reads its counts on show when they changed, and
    # opens its session (creating today's) only when first shown.
    PRELOAD = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f9", "undo_last", "Undo last", id="checkin.undo"),
        Binding("f10", "unmatched", "Unmatched scans", id="checkin.unmatched"),
        Binding("f11", "class_list", "Class list", id="checkin.class_list"),
        Binding("f12", "sessions", "Sessions", id="checkin.sessions"),
        Binding(
            "ctrl+n",
            "not_presented",
            "Not yet presented",
            id="checkin.not_presented",
            priority=True,
        ),
        Binding("ctrl+t", "station_kit", "Station kit", id="checkin.station_kit", priority=True),
        Binding("escape", "clear_box", "Clear", id="checkin.clear", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.session: PresentationSession | None = None
        self.index: StudentIndex | None = None
        self.progress = PresentationProgress("")
        self.session_count = 0
        self.recent: deque[CheckInRow] = deque(maxlen=LAST_SHOWN)
        self.open_unmatched = 0
        self.presented: dict[int, datetime] = {}  # student id -> when, this year
        self._counted = Freshness()  # the counts are read again on return only when changed
        self._candidates: list[Match] = []
        self._candidate_moved = False
        self._candidate_timer: Timer | None = None
        self._pending_text = ""
        self._asked_text = ""  # the text Enter could not decide on (several students match)
        self.actor = ""
        # Check-ins not yet written because the database was busy or the disk full, in scan order.
        self.waiting: deque[Write] = deque()
        self._waiting_reason = ""
        self._retry_timer: Timer | None = None
        self._session_asked = False  # open_session called (on mount, or on first show)

    # --- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleHeader()
        with Horizontal(id="checkin-top"):
            yield SessionLine(id="checkin-session")
            yield Static("", id="checkin-count")
        yield ScanInput(placeholder="Scan a student ID, or type a name…", id="checkin-box")
        yield OptionList(id="checkin-candidates")
        yield Static("Ready: scan the first student.", id="checkin-feedback")
        with Horizontal(id="checkin-body"):
            with Vertical(id="checkin-recent-pane"):
                yield Label("Last check-ins", classes="checkin-pane-title")
                yield DataTable(id="checkin-recent", cursor_type="none", zebra_stripes=True)
                yield Static("", id="checkin-unmatched")
            with Vertical(id="checkin-progress-pane"):
                yield Label("Presented this year", classes="checkin-pane-title")
                yield Static("", id="checkin-overall-label")
                yield ProgressBar(id="checkin-overall", show_eta=False)
                with VerticalScroll(id="checkin-grades"):
                    yield GradeBars(id="checkin-grade-bars")
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        if not self.app.is_running:
            return  # the app closed while this screen was built ahead
        table = self.query_one("#checkin-recent", DataTable)
        table.can_focus = False
        table.add_column("Time", key="time", width=8)
        table.add_column("Student", key="name", width=21)
        table.add_column("ID", key="id", width=9)
        table.add_column("Gr", key="grade", width=3)
        table.add_column("Room", key="room", width=5)
        table.add_column("How", key="how", width=6)
        candidates = self.query_one("#checkin-candidates", OptionList)
        candidates.can_focus = False
        candidates.display = False
        self.query_one("#checkin-grades").can_focus = False
        self.actor = current_actor()
        if self.is_current:  # else built ahead: the session opens when the screen is first shown
            self.open_session(self.app.checkin_session_id)
        self.app.students_changed.subscribe(self, self.students_loaded)  # type: ignore[attr-defined]
        if self.app.student_index is not None:  # type: ignore[attr-defined]
            self.students_loaded(self.app.student_index)  # type: ignore[attr-defined]
        else:
            self.app.request_students()  # type: ignore[attr-defined]
        self.focus_box()
        self._data_version = data_version()
        self.set_interval(OTHERS_CHECKED_EVERY, self._check_for_other_writers)

    def on_screen_resume(self) -> None:
        # Back from a dialog or another section: counts may have changed; the box gets focus.
        if not self._session_asked:  # shown for the first time after being built ahead
            self.open_session(self.app.checkin_session_id)
        elif self.session is not None and self._counted.stale():
            self.reload_counts()
        self.focus_box()

    def focus_box(self) -> None:
        self.query_one("#checkin-box", ScanInput).focus()

    def on_descendant_blur(self) -> None:
        # The box always has focus: a stray click elsewhere gives it straight back.
        self.call_after_refresh(self._refocus_if_lost)

    def _refocus_if_lost(self) -> None:
        if self.is_current and self.focused is None:
            self.focus_box()

    def students_loaded(self, index: StudentIndex) -> None:
        reloaded = self.index is not None  # an import ran beside the screen: enrolment changed
        self.index = index
        if reloaded and self.session is not None and not self.waiting:
            self.reload_counts()

    def _check_for_other_writers(self) -> None:
        """Another program (`sro-tui roster import`, a second window) committed: count again."""
        try:
            version = data_version()
        except Exception:  # noqa: BLE001 - a look, never a crash; the next tick tries again
            return
        if version != self._data_version:
            self._data_version = version
            if self.session is not None and not self.waiting and self.is_current:
                self.reload_counts()

    # --- session and counts -------------------------------------------------------------------

    def open_session(self, session_id: int | None) -> None:
        """Check students in to this session (a station kit's own, else today's "Assembly
        <date>", when None)."""
        self._session_asked = True
        try:
            with storage_errors():
                self.session = session_for_check_in(session_id)
            station = station_name()  # a door's laptop says which door it is
            self.title = f"Check-in station: {station}" if station else None
        except ValidationError as exc:  # a refusal in the school's words (no school yet, say)
            self.session = None
            self.show_feedback(f"Cannot check in yet: {escape(str(exc))}", "error")
            self.query_one("#checkin-box", ScanInput).disabled = True
            return
        except Exception as exc:  # noqa: BLE001 - a busy or full disk included: shown and logged
            self.session = None
            self.app.report_failure("Opening the check-in session", exc)  # type: ignore[attr-defined]
            self.show_feedback(
                f"Cannot check in: {escape(error_words(exc))}. Nothing confirmed was lost; "
                "F12 chooses a session (retry).",
                "error",
            )
            self.query_one("#checkin-box", ScanInput).disabled = True
            return
        self.query_one("#checkin-box", ScanInput).disabled = False
        self.reload_counts()

    def reload_counts(self) -> None:
        """Read the session's counts, progress, last check-ins and unmatched scans again."""
        try:
            self._read_counts()
        except Exception as exc:  # noqa: BLE001 - shown and logged by the app
            self.app.report_failure("Reading the check-in counts", exc)  # type: ignore[attr-defined]
            self.show_feedback(
                f"The counts could not be read: {escape(error_words(exc))}. "
                "Check-ins already recorded are kept.",
                "error",
            )

    def _read_counts(self) -> None:
        session = self.session
        assert session is not None
        self._counted.mark()
        self.session_count = session_check_in_count(session)
        self.progress = presentation_progress(session.school_year, session.school)
        self.presented = presented_times(session.school_year)  # marks candidates already seen
        self.recent = deque(reversed(last_check_ins(session, LAST_SHOWN)), maxlen=LAST_SHOWN)
        # The whole year's, as F10 lists them: an earlier session's open scans still need resolving.
        self.open_unmatched = len(unmatched_scans(year=session.school_year))
        self.query_one(SessionLine).show(
            session_lines(session.title, session.held_on, session.place, session.school_year.name)
        )
        self.show_counts()
        self.show_recent()
        self.show_unmatched()

    def show_counts(self) -> None:
        waiting = f"  ·  [b]{len(self.waiting)} waiting[/b]" if self.waiting else ""
        self.query_one("#checkin-count", Static).update(
            f"This session: [b]{self.session_count:,}[/b]{waiting}  ·  "
            f"presented {self.progress.presented:,} / {self.progress.enrolled:,}"
        )
        self.show_progress()

    def show_progress(self) -> None:
        p = self.progress
        percent = f" ({100 * p.presented // p.enrolled}%)" if p.enrolled else ""
        self.query_one("#checkin-overall-label", Static).update(
            f"All grades: {p.presented:,} / {p.enrolled:,}{percent} · {p.not_presented:,} to go"
        )
        self.query_one("#checkin-overall", ProgressBar).update(
            total=max(p.enrolled, 1), progress=p.presented
        )
        self.query_one("#checkin-grade-bars", GradeBars).show(
            [(grade.grade, grade.presented, grade.enrolled) for grade in p.by_grade]
        )

    def show_recent(self) -> None:
        table = self.query_one("#checkin-recent", DataTable)
        table.clear()
        table.add_rows(
            (
                _clock(r.recorded_at),
                r.name,
                r.sis_id,
                r.grade,
                r.homeroom,
                HOW_SHORT.get(r.method, r.method),
            )
            for r in reversed(self.recent)
        )

    def show_unmatched(self) -> None:
        widget = self.query_one("#checkin-unmatched", Static)
        widget.set_class(self.open_unmatched > 0, "-open")
        if self.open_unmatched:
            widget.update(f"{self.open_unmatched} unmatched scan(s) this year to resolve — F10")
        else:
            widget.update("No unmatched scans.")

    def show_feedback(self, text: str, kind: str) -> None:
        feedback = self.query_one("#checkin-feedback", Static)
        for name in ("ok", "already", "error", "info"):
            feedback.set_class(name == kind, f"-{name}")
        feedback.update(text)

    # --- the box ------------------------------------------------------------------------------

    def on_input_changed(self, event: ScanInput.Changed) -> None:
        if event.input.id != "checkin-box":
            return
        self._candidate_moved = False
        self._pending_text = event.value
        # A scanner types ten characters in ~30 ms: draw candidates only once typing pauses.
        if self._candidate_timer is not None:
            self._candidate_timer.stop()
        if not event.value.strip():
            self._candidate_timer = None
            self.show_candidates([])
            return
        self._candidate_timer = self.set_timer(CANDIDATE_DELAY, self._draw_candidates)

    def _draw_candidates(self) -> None:
        self._candidate_timer = None
        asked = self._pending_text == self._asked_text
        self.show_candidates(self.find_candidates(self._pending_text), highlight=not asked)

    def find_candidates(self, text: str) -> list[Match]:
        if self.index is None:
            return []
        return candidates_for(self.index, text)

    def show_candidates(self, matches: list[Match], highlight: bool = True) -> None:
        self._candidates = matches
        options = self.query_one("#checkin-candidates", OptionList)
        options.clear_options()
        options.display = bool(matches)
        if matches:
            options.add_options(
                Option(
                    f"{escape(m.student.display_name)}  ·  {m.student.sis_id}  ·  grade "
                    f"{escape(m.student.grade)}  ·  {escape(m.student.homeroom)}"
                    + self._presented_note(m.student.student_id)
                )
                for m in matches
            )
            # After "which one?" nothing is highlighted: only an arrow key chooses.
            options.highlighted = 0 if highlight else None

    def _presented_note(self, student_id: int) -> str:
        at = self.presented.get(student_id)
        if at is None:
            return ""
        local = local_time(at)
        when = f"{local:%H:%M}" if local.date() == date.today() else f"{local:%b} {local.day}"
        return f"  ·  [dim]✔ presented {when}[/dim]"

    def on_scan_input_move_candidate(self, event: ScanInput.MoveCandidate) -> None:
        if self._candidate_timer is not None:  # draw now: the person is choosing
            self._candidate_timer.stop()
            self._draw_candidates()
        if not self._candidates:
            return
        options = self.query_one("#checkin-candidates", OptionList)
        if options.highlighted is None:  # nothing chosen yet (after "which one?"): start at an end
            options.highlighted = 0 if event.delta > 0 else len(self._candidates) - 1
        else:
            current = options.highlighted
            options.highlighted = max(0, min(len(self._candidates) - 1, current + event.delta))
        self._candidate_moved = True

    def on_scan_input_entered(self, event: ScanInput.Entered) -> None:
        """One Enter: check a student in (by ID or the chosen candidate), or keep the scan."""
        text = event.text.strip()
        chosen = None
        if self._candidate_moved and self._candidates:
            highlighted = self.query_one("#checkin-candidates", OptionList).highlighted or 0
            chosen = self._candidates[highlighted]
        self._candidate_moved = False
        if self._candidate_timer is not None:
            self._candidate_timer.stop()
            self._candidate_timer = None
        self.show_candidates([])
        if not text or self.session is None:
            return
        if chosen is not None:
            self.record(
                lambda s: check_in_student(s, chosen.student.student_id, "search", self.actor)
            )
            return
        is_id = self.index is None or _has_digit(text) or self.index.by_id(text) is not None
        if is_id:
            self.record(lambda s: record_scan(s, text, self.actor))
            return
        matches = self.find_candidates(text)
        if len(matches) == 1:  # one student matches: no one else it could be
            self.record(
                lambda s: check_in_student(s, matches[0].student.student_id, "search", self.actor)
            )
            return
        if matches:
            # Several match and none was chosen: ask, never guess (issue 12).
            self.app.bell()
            box = self.query_one("#checkin-box", ScanInput)
            if not box.value:
                box.value = text
            self._pending_text = self._asked_text = text
            self.show_candidates(matches, highlight=False)
            self.show_feedback(
                f"? {len(matches)}{'+' if len(matches) >= CANDIDATES_SHOWN else ''} students "
                f"match “{escape(text)}”: which one? Choose with ↑/↓, then Enter.",
                "already",
            )
            return
        self.app.bell()
        self.show_feedback(
            f"✖ No student matches “{escape(text)}”. Check the spelling, or scan the ID.", "error"
        )
        box = self.query_one("#checkin-box", ScanInput)
        if not box.value:  # give the typed name back to correct it
            box.value = text

    def record(self, write: Write) -> CheckInOutcome | None:
        """Run one committed check-in and show the outcome (the write returns before we say so).

        While the database is busy or the disk full the check-in waits on screen, behind any
        that already wait, and is written in order once the database takes writes again.
        """
        assert self.session is not None
        if self.waiting:  # never overtake a scan that is already waiting
            self.waiting.append(write)
            self.show_waiting()
            return None
        done, outcome = self._write(write, BUSY_WAIT)
        if not done:
            self.waiting.append(write)
            self.show_waiting()
            self._retry_timer = self.set_interval(RETRY_EVERY, self._retry_waiting)
            return None
        if outcome is not None:
            self.show_outcome(outcome)
        return outcome

    def _write(self, write: Write, wait: float) -> tuple[bool, CheckInOutcome | None]:
        """(written or refused for good, outcome): False when the database cannot take it now."""
        assert self.session is not None
        try:
            with storage_errors(wait):
                return True, write(self.session)
        except ValidationError as exc:
            self.app.bell()
            self.show_feedback(f"✖ {escape(str(exc))}", "error")
            return True, None
        except StorageError as exc:
            self._waiting_reason = (
                "Database busy (another program)"
                if isinstance(exc, DatabaseBusy)
                else f"{str(exc)[:1].upper()}{str(exc)[1:]}"
            )
            return False, None
        except Exception as exc:  # noqa: BLE001 - shown and logged by the app, never lost
            # On the main thread on purpose: committed, in scan order, before the screen says so.
            self.app.bell()
            self.app.report_failure(  # type: ignore[attr-defined]
                "Recording the check-in", exc, "The student was not recorded."
            )
            self.show_feedback(
                f"✖ Not recorded: {escape(error_words(exc))}. Scan the student again.", "error"
            )
            return True, None

    def _retry_waiting(self) -> None:
        recorded = 0
        while self.waiting:
            write = self.waiting[0]
            done, outcome = self._write(write, RETRY_WAIT)
            if not done:
                if recorded:
                    self.show_counts()
                self.show_waiting()
                return
            self.waiting.popleft()
            if outcome is not None:
                self.show_outcome(outcome)
                recorded += 1
        if self._retry_timer is not None:
            self._retry_timer.stop()
            self._retry_timer = None
        self.show_counts()
        self.show_feedback(
            f"✔ Database free again: {recorded} waiting check-in(s) recorded, in the order "
            "scanned.",
            "ok",
        )

    def show_waiting(self) -> None:
        """Say why check-ins wait and how many (the count at the top shows them too)."""
        self.show_counts()
        self.show_feedback(
            f"⏳ {escape(self._waiting_reason)}: {len(self.waiting)} waiting in order, written "
            "when it frees. Nothing confirmed is lost.",
            "info",
        )

    def show_outcome(self, outcome: CheckInOutcome) -> None:
        if outcome.status == "recorded":
            self.session_count += 1
            student = outcome.student
            assert student is not None and outcome.attendance is not None
            if student.active:
                self.progress.presented += 1
                for grade in self.progress.by_grade:
                    if grade.grade == student.grade:
                        grade.presented += 1
            a = outcome.attendance
            self.presented[student.id] = a.recorded_at
            self.recent.append(
                CheckInRow(
                    a.id,
                    a.recorded_at,
                    student.sis_id,
                    student.display_name,
                    student.grade,
                    student.homeroom,
                    a.method,
                )
            )
            self.show_feedback(
                f"✔ [b]{escape(outcome.student_line)}[/b]  ·  #{self.session_count}", "ok"
            )
            self.show_counts()
            self.show_recent()
        elif outcome.status == "already_recorded":
            earlier = outcome.attendance
            assert earlier is not None and outcome.earlier_session is not None
            self.show_feedback(
                f"● [b]{escape(outcome.student_line)}[/b] — already recorded "
                f"{_clock(earlier.recorded_at)}, {escape(outcome.earlier_session.title)}. "
                "Not counted twice.",
                "already",
            )
        else:
            self.app.bell()
            self.open_unmatched += 1
            self.show_unmatched()
            self.show_feedback(
                f"✖ Unknown ID “{escape(outcome.text)}” — kept in unmatched "
                "scans to resolve later (F10).",
                "error",
            )

    # --- actions ------------------------------------------------------------------------------

    def action_clear_box(self) -> None:
        self.query_one("#checkin-box", ScanInput).value = ""

    def action_undo_last(self) -> None:
        """Undo the last check-in of this session (kept and audited, not deleted)."""
        if self.session is None:
            return
        if self.waiting:
            self.show_feedback(
                f"Undo waits: {len(self.waiting)} scan(s) are still waiting for the database.",
                "info",
            )
            return
        try:
            with storage_errors(BUSY_WAIT):
                undone = undo_last_check_in(self.session, self.actor, "undone at check-in (F9)")
        except StorageError as exc:
            self.show_feedback(f"Not undone: {escape(str(exc))}. Try again in a moment.", "error")
            return
        except Exception as exc:  # noqa: BLE001 - shown and logged by the app
            self.app.report_failure(  # type: ignore[attr-defined]
                "Undoing the last check-in", exc, "Nothing was undone."
            )
            return
        if undone is None:
            self.show_feedback("Nothing to undo in this session.", "info")
        else:
            student = undone.student
            self.reload_counts()
            self.show_feedback(
                f"↶ Undone: {escape(student.display_name)} ({student.sis_id}) is "
                "no longer counted for this session.",
                "info",
            )
        self.focus_box()

    def action_unmatched(self) -> None:
        from sro_tui.ui.checkin.dialogs import UnmatchedScansDialog

        if self.session is not None:
            self.app.push_screen(
                UnmatchedScansDialog(self.session, self.actor), lambda _result: self.after_dialog()
            )

    def action_class_list(self) -> None:
        from sro_tui.ui.checkin.dialogs import ClassListDialog

        if self.session is not None:
            self.app.push_screen(ClassListDialog(self.session, self.actor), self._class_marked)

    def _class_marked(self, outcomes: list[CheckInOutcome] | None) -> None:
        self.after_dialog()
        if outcomes:
            new = sum(o.status == "recorded" for o in outcomes)
            self.show_feedback(
                f"✔ Class list: {new} student(s) recorded, "
                f"{len(outcomes) - new} already recorded this year.",
                "ok",
            )

    def action_sessions(self) -> None:
        from sro_tui.ui.checkin.dialogs import SessionsDialog

        self.app.push_screen(SessionsDialog(self.session), self._session_chosen)

    def _session_chosen(self, session_id: int | None) -> None:
        if session_id is not None:
            self.open_session(session_id)
            self.show_feedback("Session opened: scan the first student.", "info")
        self.focus_box()

    def action_station_kit(self) -> None:
        """Write a kit for another door's laptop (a station merges back from the sessions, F12)."""
        from sro_tui.ui.checkin.station_dialogs import StationKitDialog

        if self.session is not None:
            folder = self.app.export_folder / "station kits"  # the one export folder
            self.app.push_screen(
                StationKitDialog(self.session, folder), lambda _path: self.after_dialog()
            )

    def action_not_presented(self) -> None:
        from sro_tui.ui.checkin.dialogs import NotPresentedDialog

        if self.session is not None:
            export_dir = self.app.export_folder  # type: ignore[attr-defined]
            self.app.push_screen(
                NotPresentedDialog(self.session, export_dir), lambda _result: self.after_dialog()
            )

    def after_dialog(self) -> None:
        if self.session is not None and self._counted.stale():
            self.reload_counts()
        self.focus_box()
