"""Roster: find a student as you type, see guardians and households, import a roster."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Label, ProgressBar, Static

from sro_tui.records import get_school
from sro_tui.roster import (
    RosterImportError,
    SchoolIdentity,
    SchoolIdentityError,
    StudentDetail,
    apply_import,
    prepare_import,
    schools_in_roster,
    set_school_identity,
    student_detail,
)
from sro_tui.search import IndexedStudent, StudentIndex
from sro_tui.ui.navigation import IMPORT_ROSTER_KEY
from sro_tui.ui.roster.import_dialogs import (
    ChooseSchoolDialog,
    ImportFiles,
    ImportPathDialog,
    ImportPreviewDialog,
    ImportProblemsDialog,
    SchoolCodeDialog,
)
from sro_tui.ui.roster.school_form import SchoolForm
from sro_tui.ui.roster.search_box import SearchBox
from sro_tui.ui.widgets.collector import collect_and_freeze
from sro_tui.ui.widgets.footer import KeysFooter
from sro_tui.ui.widgets.header import TitleHeader
from sro_tui.ui.widgets.line_table import LineTable
from sro_tui.ui.widgets.work import NOTHING_CHANGED, error_words, in_thread, run_flow

MAX_ROWS = 200  # matches ranked and listed: nobody scrolls further, they type another letter
ROSTER_COLUMNS = (("Name", 26), ("ID", 10), ("Gr", 3), ("Homeroom", 9), ("", 8))
# A burst of cursor moves (a held arrow key) reads one student's detail, when it stops.
DETAIL_DELAY = 0.08


def student_row(s: IndexedStudent) -> tuple[str, ...]:
    name = f"{s.last_name}, {s.first_name}"
    if s.preferred_name and s.preferred_name != s.first_name:
        name += f" ({s.preferred_name})"
    return (name, s.sis_id, s.grade, s.homeroom, "" if s.active else "inactive")


def student_detail_markup(detail: StudentDetail | None) -> str:
    """The detail pane for one student (markup): who, where, guardians, households."""
    if detail is None:
        return "This student is no longer in the database."
    e = escape
    lines = [f"[b]{e(detail.display_name)}[/b]", ""]
    lines.append(f"Legal name: {e(detail.legal_name)}")
    if detail.preferred_name:
        lines.append(f"Preferred name: {e(detail.preferred_name)}")
    lines.append(f"Student ID: {e(detail.sis_id)}")
    lines.append(f"Grade: {e(detail.grade or '—')} · Homeroom: {e(detail.homeroom or '—')}")
    lines.append("Status: " + ("active" if detail.active else "[b]inactive[/b] (left the school)"))
    lines += ["", f"[b]Guardians[/b] ({len(detail.guardians)})"]
    if not detail.guardians:
        lines.append("  none on file — no family notice can reach this student's home")
    for g in detail.guardians:
        relationship = f" — {e(g.relationship)}" if g.relationship else ""
        inactive = " (inactive)" if not g.active else ""
        lines.append(f"  [b]{e(g.name or '(no name)')}[/b]{relationship}{inactive}")
        contact = " · ".join(e(p) for p in (g.phone, g.email) if p)
        lines.append(f"    {contact or 'no phone or e-mail on file'}")
        language = f"Language: {e(g.preferred_language)}" if g.preferred_language else ""
        notices = "receives notices" if g.receives_notices else "does not receive notices"
        lines.append("    " + " · ".join(p for p in (language, notices) if p))
        lines.append(f"    {e(g.mailing_address or 'no mailing address on file')}")
    households = detail.households
    lines += ["", f"[b]Household{'s' if len(households) != 1 else ''}[/b] ({len(households)})"]
    if not households:
        lines.append("  none")
    for household in households:
        where = f" — {e(household.address)}" if household.address else ""
        lines.append(f"  {e(household.label)}{where}")
    if len(households) > 1:
        lines.append("  (each household gets its own notice)")
    return "\n".join(lines)


class RosterScreen(Screen):
    """Search-as-you-type over the school's students, with detail and roster import."""

    SECTION_TITLE = "Roster"
    DIALOGS = (
        ImportPathDialog,
        ChooseSchoolDialog,
        SchoolCodeDialog,
        ImportPreviewDialog,
        ImportProblemsDialog,
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            IMPORT_ROSTER_KEY, "import_roster", "Import roster", id="roster.import", priority=True
        ),
        Binding("ctrl+f", "focus_search", "Find", id="roster.find", show=False),
        Binding("escape", "clear_search", "Clear search", id="roster.clear", show=False),
        Binding(
            "ctrl+n",
            "edit_school",
            "School",
            id="roster.school",
            tooltip="The school's name, short code, OSPI building and county-district codes",
        ),
        Binding(
            "ctrl+t",
            "toggle_inactive",
            "Inactive",
            id="roster.toggle_inactive",
            tooltip="Show or hide students who left the school",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.index: StudentIndex | None = None
        self.show_inactive = False
        self._row_ids: list[int] = []
        self._shown: list[IndexedStudent] = []
        self._searched: tuple[str, bool, StudentIndex | None] | None = None  # what is listed
        self._mounted = False  # the search box's text is searched once the screen is up
        self._detail_timer: Timer | None = None
        self._last_import_path = ""
        self._last_contacts_path = ""
        self._importing = False

    def compose(self) -> ComposeResult:
        yield TitleHeader()
        with Horizontal(id="roster-body"):
            with Vertical(id="roster-list"):
                yield SearchBox(
                    placeholder="Search by name or student ID…",
                    id="roster-search",
                    typed=self._typed,
                )
                yield LineTable(id="roster-results")  # draws only the rows on screen
                yield Static("Loading the roster…", id="roster-more")
            with VerticalScroll(id="student-detail-pane"):
                yield Static(
                    "Choose a student to see guardians and households.", id="student-detail"
                )
        with Horizontal(id="import-progress"):
            yield Label("Importing…", id="import-progress-label")
            yield ProgressBar(id="import-progress-bar", show_eta=False)
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self._mounted = True
        self.query_one(LineTable).set_columns(*zip(*ROSTER_COLUMNS, strict=True))
        self.query_one("#import-progress").display = False
        self.query_one("#roster-search", Input).focus()
        self.app.students_changed.subscribe(self, self.students_loaded)  # type: ignore[attr-defined]
        if self.app.student_index is not None:  # type: ignore[attr-defined]
            self.students_loaded(self.app.student_index)  # type: ignore[attr-defined]
        else:
            self.app.request_students()  # type: ignore[attr-defined]

    def students_loaded(self, index: StudentIndex) -> None:
        """The app (re)built the index: search it from now on."""
        self.index = index  # frozen by the app as it arrives (ui/widgets/collector.py)
        self._searched = None  # a new index: list again even if the words are the same
        self.show_results(self.query_one("#roster-search", Input).value)

    # --- search ---------------------------------------------------------------------------------

    def _typed(self, text: str) -> None:
        # The results as the key is handled (a search is a few ms now): the letter and its
        # results are drawn in one frame; the first one's detail (a database read and a long
        # text to lay out) when the typing pauses.
        if self._mounted:
            self.show_results(text, detail_now=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        # Enter in the search box: go to the results (the first one is highlighted).
        if event.input.id == "roster-search" and self._row_ids:
            self.query_one(LineTable).focus()

    def matching_students(self, query: str) -> tuple[list[IndexedStudent], int]:
        """The first MAX_ROWS students for this query, best first (the whole roster by name
        when it is empty), and how many match in all."""
        if self.index is None:
            return [], 0
        active_only = not self.show_inactive
        if not query.strip():
            students = self.index.in_roster_order(active_only)
            return students[:MAX_ROWS], len(students)
        matches, count = self.index.search_page(query, MAX_ROWS, active_only=active_only)
        return [m.student for m in matches], count

    def show_results(self, query: str, detail_now: bool = True) -> None:
        """List the first MAX_ROWS matches (the table draws only those on screen), and the
        highlighted student's detail now or, with `detail_now` False, once the keys pause."""
        table = self.query_one(LineTable)
        more = self.query_one("#roster-more", Static)
        if self.index is None:
            more.update("Loading the roster…")
            return
        searched = (query.strip(), self.show_inactive, self.index)
        if searched == self._searched:  # "ana " after "ana": the same list, nothing to redo
            return
        self._searched = searched
        shown, count = self.matching_students(query)
        ids = [s.student_id for s in shown]
        if ids != self._row_ids:
            self._row_ids, self._shown = ids, shown
            table.set_rows(len(shown), lambda i: student_row(shown[i]))
            table.move_cursor(row=0)
        total = len(self.index)
        which = "students" if self.show_inactive else "active students"
        if total == 0:
            said = f"No students yet. Press {IMPORT_ROSTER_KEY} to import a roster."
        elif not count:
            said = f"No student matches “{escape(query.strip())}”."
        elif count > len(shown):
            said = f"{count - len(shown):,} more — keep typing ({count:,} {which} match)"
        else:
            said = f"{count:,} {which}" + (" match" if query.strip() else "")
        # One line whatever it says (app.tcss): the screen need not be laid out again.
        more.update(said, layout=False)
        self._cancel_detail()
        if not shown:
            self.query_one("#student-detail", Static).update("")
        elif detail_now:
            self.show_student(shown[table.cursor_row].student_id)
        else:
            self._detail_timer = self.set_timer(DETAIL_DELAY, self._show_highlighted)

    def on_line_table_row_highlighted(self, event: LineTable.RowHighlighted) -> None:
        # The cursor moves at once; the detail (a database read) follows when the keys stop.
        if not event.table.has_focus:
            return  # the rows changed under a search: show_results has seen to the detail
        self._cancel_detail()
        self._detail_timer = self.set_timer(DETAIL_DELAY, self._show_highlighted)

    def _cancel_detail(self) -> None:
        if self._detail_timer is not None:
            self._detail_timer.stop()
            self._detail_timer = None

    def _show_highlighted(self) -> None:
        self._detail_timer = None
        row = self.query_one(LineTable).cursor_row
        if 0 <= row < len(self._row_ids):
            self.show_student(self._row_ids[row])
        # The keys paused: what the collector has to walk in full is cleared now, not in a key.
        collect_and_freeze()

    def show_student(self, student_id: int) -> None:
        # One student's row and links: a few ms, so on the main thread as the cursor moves.
        try:
            detail = student_detail(student_id)
        except Exception as exc:  # noqa: BLE001 - shown and logged by the app, never lost
            self.app.report_failure(  # type: ignore[attr-defined]
                "Reading the student's guardians and households", exc
            )
            self.query_one("#student-detail", Static).update(
                f"Could not read this student: {escape(error_words(exc))}."
            )
            return
        self.query_one("#student-detail", Static).update(student_detail_markup(detail))

    def action_focus_search(self) -> None:
        self.query_one("#roster-search", Input).focus()

    def action_clear_search(self) -> None:
        search = self.query_one("#roster-search", Input)
        search.value = ""
        search.focus()

    def action_toggle_inactive(self) -> None:
        self.show_inactive = not self.show_inactive
        self.show_results(self.query_one("#roster-search", Input).value)
        self.notify(
            "Showing inactive students too."
            if self.show_inactive
            else "Showing active students only.",
            timeout=2,
        )

    # --- the school's name and codes -----------------------------------------------------------

    def action_edit_school(self) -> None:
        run_flow(
            self,
            self.edit_school(),
            what="Saving the school's name and codes",
            after="The school was not changed.",
            group="school-form",
        )

    async def edit_school(self) -> None:
        """School form → save (audited) in a thread → title and notice."""
        school = await in_thread(self, get_school)
        if school is None:
            self.notify("No school yet: import a roster first.", severity="warning")
            return
        current = SchoolIdentity(
            name=school.name,
            code=school.code,
            building_code=school.ospi_building_code,
            district_code=school.county_district_code,
        )
        identity = await self.app.push_screen_wait(SchoolForm(current))
        if identity is None:
            return
        try:
            await in_thread(self, _set_identity, identity)
        except (SchoolIdentityError, LookupError) as exc:
            self.notify(str(exc), severity="error", title="School not saved")
            return
        self.app.refresh_school_title()  # type: ignore[attr-defined]
        self.notify(f"School saved: {identity.name} ({identity.code}).")

    # --- import ---------------------------------------------------------------------------------

    def action_import_roster(self) -> None:
        if self._importing:
            self.notify("An import is already running.", severity="warning")
            return
        self._importing = True

        def chosen(files: ImportFiles | None) -> None:
            if files is None:
                self._importing = False
                return
            run_flow(
                self,
                self.import_roster(files),
                what="The roster import",
                after="Nothing was imported.",
                group="roster-import",
            )

        # Pushed here, not in the flow's worker: keys typed right after ctrl+o reach the dialog,
        # never the search box behind it.
        self.app.push_screen(
            ImportPathDialog(self._last_import_path, self._last_contacts_path), chosen
        )

    async def import_roster(self, files: ImportFiles) -> None:
        """(Path chosen) → school (when the file holds several) → preview → confirm → apply
        with progress.

        Bad data is shown in the problems dialog; any other failure (database locked, disk full,
        a corrupt zip) fails the flow and the app says so. An import is all or nothing."""
        try:
            path = files.path
            self._last_import_path = str(path)
            self._last_contacts_path = str(files.contacts or "")
            try:
                schools = await in_thread(self, _schools_in_roster, path)
                current = await in_thread(self, get_school)
                school_choice: str | None = None
                chosen = schools[0] if len(schools) == 1 else None
                if len(schools) > 1:
                    chosen = await self.app.push_screen_wait(
                        ChooseSchoolDialog(schools, current.code if current else "")
                    )
                    if chosen is None:
                        return
                    school_choice = chosen.identifier or chosen.sourced_id or chosen.name
                identity = None
                if current is None:  # the first import: ask the school's name and codes
                    identity = await self.app.push_screen_wait(
                        SchoolCodeDialog(_identity_from_file(chosen))
                    )
                    if identity is None:
                        return
                plan = await in_thread(
                    self, _prepare_import, path, school_choice, files.contacts, identity
                )
            except RosterImportError as exc:
                await self.app.push_screen_wait(
                    ImportProblemsDialog(exc.problems, getattr(exc, "more", 0), str(exc))
                )
                return
            if not await self.app.push_screen_wait(ImportPreviewDialog(plan, path)):
                self.notify(f"Import cancelled. {NOTHING_CHANGED}")
                return
            result = await self._apply_with_progress(plan)  # a failure: the App says and logs it
        finally:
            self._importing = False
        self.app.refresh_school_title()  # type: ignore[attr-defined]
        self.app.reload_students()  # type: ignore[attr-defined]
        self.notify(f"Roster imported: {_result_text(result)}.", title="Import finished")

    async def _apply_with_progress(self, plan: Any) -> Any:
        panel = self.query_one("#import-progress")
        bar = self.query_one("#import-progress-bar", ProgressBar)
        bar.update(total=None, progress=0)
        panel.display = True

        def progress(done: int, total: int) -> None:
            # Called in the worker thread: widgets are touched on the main thread only.
            self.app.call_from_thread(bar.update, total=max(total, 1), progress=done)

        try:
            return await in_thread(self, lambda: apply_import(plan, progress=progress))
        finally:
            panel.display = False


def _schools_in_roster(path: Path) -> list[Any]:
    return list(schools_in_roster(path))


def _prepare_import(
    path: Path, school: Any, contacts: Path | None = None, identity: Any = None
) -> Any:
    return prepare_import(path, school=school, contacts=contacts, identity=identity)


def _identity_from_file(school: Any) -> Any:
    """The school as the file names it, to prefill the first import's form."""
    if school is None:
        return SchoolIdentity()
    code = getattr(school, "identifier", "") or ""
    name = getattr(school, "name", "") or ""
    if getattr(school, "sis_number", False):  # the SIS's number for the school, not a code
        return SchoolIdentity(name=name if name != code else "")
    return SchoolIdentity(name=name if name != code else "", code=code if " " not in code else "")


def _set_identity(identity: Any) -> Any:
    school = get_school()
    if school is None:
        raise LookupError("no school yet: import a roster first")
    return set_school_identity(school, identity, reason="changed in the School form")


def _result_text(result: Any) -> str:
    counts = []
    for name in ("added", "updated", "deactivated"):
        value = getattr(result, name, None)
        if value is not None:
            counts.append(f"{value if isinstance(value, int) else len(value):,} {name}")
    text = ", ".join(counts) if counts else "done"
    new, gone = getattr(result, "guardians_added", 0), getattr(result, "guardians_deactivated", 0)
    if new or gone:
        text += f"; guardians: {new:,} new, {gone:,} no longer listed (kept, inactive)"
    return text
