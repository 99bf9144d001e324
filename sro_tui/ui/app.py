"""The sro-tui application shell: sections as modes, F-key navigation, help and command palette.

`SroApp(db_path)` opens the school's database on start (fast, on the main thread) and closes it
on exit. The screens are thin: every read and write goes through the core (`records`, `roster`,
`search`, `status`).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.signal import Signal

from sro_tui.db import open_database
from sro_tui.search import StudentIndex
from sro_tui.ui.commands import SectionCommands
from sro_tui.ui.navigation import HELP_KEY, SECTIONS, section

APP_TITLE = "sro-tui · school safety & security records"


def _section_bindings() -> list[BindingType]:
    # priority=True: the keys work even while a search box has focus. Not in the footer: the
    # section bar under the header lists them, and the footer keeps the screen's own keys.
    return [
        Binding(
            s.key,
            f"app.open_section('{s.id}')",
            s.title,
            id=f"open.{s.id}",
            priority=True,
            show=False,
        )
        for s in SECTIONS
    ]


class SroApp(App):
    """The school's Policy 4311 records in a terminal."""

    CSS_PATH = "app.tcss"
    TITLE = APP_TITLE
    # Screens get "-narrow" under 100 columns: app.tcss then puts details under their lists.
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (100, "-wide")]
    # ... and "-short" under 30 rows: dialogs then scroll, keeping their buttons in view.
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-short"), (30, "-tall")]
    COMMANDS = App.COMMANDS | {SectionCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(HELP_KEY, "app.show_help", "Help", id="help", priority=True),
        *_section_bindings(),
        Binding("ctrl+b", "app.backup", "Back up", id="backup", priority=True, show=False),
        Binding("ctrl+q", "app.quit", "Quit", id="quit", priority=True),
    ]

    def __init__(
        self,
        db_path: Path,
        *,
        start_section: str = "dashboard",
        title_note: str = "",
        checkin_session_id: int | None = None,
    ):
        super().__init__()
        # The check-in screen opens this session (`sro-tui check-in --session ID`), else today's.
        self.checkin_session_id = checkin_session_id
        self.db_path = Path(db_path)
        self.start_section = start_section
        self.title_note = title_note
        self.database = open_database(self.db_path)
        self.student_index: StudentIndex | None = None
        # Published with the new index whenever the students were (re)loaded (after an import).
        self.students_changed: Signal[StudentIndex] = Signal(self, "students-changed")
        for s in SECTIONS:
            self.add_mode(s.id, s.screen)

    # --- lifecycle ----------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.refresh_school_title()
        try:
            section(self.start_section)
        except KeyError as exc:
            self.notify(str(exc.args[0]), severity="error")
            self.start_section = SECTIONS[0].id
        self.switch_mode(self.start_section)
        self.call_after_refresh(self._show_section_bar)
        self.load_holiday_calendar()

    @work(thread=True, exclusive=True, group="holidays", exit_on_error=False)
    def load_holiday_calendar(self) -> None:
        """Load Washington's legal holidays once, off the screen's thread: the first restraint
        deadline shown would otherwise wait about a second for the holiday library."""
        from datetime import date

        from sro_tui.policy import washington_legal_holidays

        washington_legal_holidays(date.today().year - 1, date.today().year + 1)

    def on_unmount(self) -> None:
        self.workers.cancel_all()
        self.database.close()

    def refresh_school_title(self) -> None:
        """Show the current school and school year in the header (after an import, say)."""
        from sro_tui.records import current_year, get_school

        school, year = get_school(), current_year()
        parts = [school.name if school else "no school yet — import a roster"]
        if year is not None:
            parts.append(f"school year {year.name}")
        if self.title_note:
            parts.append(self.title_note)
        self.sub_title = " · ".join(parts)

    # --- the student index, shared by every screen that looks students up -----------------------

    @work(thread=True, exclusive=True, group="student-index", exit_on_error=False)
    def reload_students(self) -> StudentIndex:
        """Rebuild the in-memory student index from the database (in a thread)."""
        from sro_tui.records import load_student_index

        with self.database.connection_context():
            index = load_student_index()
        self.call_from_thread(self._students_loaded, index)
        return index

    def request_students(self) -> None:
        """Build the student index for a screen that looks students up, once: the dashboard does
        not need it, so start-up does not pay for it (0.2 s for a 5,000-student school)."""
        if self.student_index is None and not any(
            w.group == "student-index" and not w.is_finished for w in self.workers
        ):
            self.reload_students()

    def _students_loaded(self, index: StudentIndex) -> None:
        self.student_index = index
        self.students_changed.publish(index)

    # --- actions ------------------------------------------------------------------------------

    def action_open_section(self, section_id: str) -> None:
        """Show one section (F-keys, palette)."""
        from sro_tui.ui.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
        if self.current_mode != section_id:
            self.switch_mode(section_id)
            self.call_after_refresh(self._show_section_bar)

    def _show_section_bar(self) -> None:
        """Put the section bar at the top of the current section's screen (once per screen)."""
        from textual.css.query import NoMatches

        from sro_tui.ui.widgets.section_bar import SectionBar

        screen = self.screen
        if screen.is_modal:
            return
        try:
            bar = screen.query_one(SectionBar)
        except NoMatches:
            bar = SectionBar()
            screen.mount(bar, before=0)
        bar.show_current(self.current_mode)

    def open_section_and_run(self, section_id: str, action: str) -> None:
        """Go to a section and run one of its screen's actions (the command palette offers every
        screen's actions from anywhere)."""
        self.action_open_section(section_id)
        self.call_after_refresh(lambda: self.run_action(action, self.screen))

    def action_backup(self) -> None:
        """Write a copy of the database to a folder the person chooses (`sro-tui backup`)."""
        from sro_tui.ui.widgets.dialogs import BackupDialog

        def write(folder: Path | None) -> None:
            if folder is None:
                return
            from sro_tui.db import backup_database
            from sro_tui.paths import ensure_private_dir

            try:
                ensure_private_dir(folder)
                written = backup_database(self.database, folder)
            except OSError as exc:
                self.notify(f"Not backed up: {exc.strerror or exc}", severity="error")
                return
            self.notify(f"Backed up to {written}", title="Backup written", timeout=10)

        self.push_screen(BackupDialog(), write)

    def action_send_to_district(self) -> None:
        """Write this year's bundle for the district office (`sro-tui district send`)."""
        from sro_tui.ui.district.send_dialog import start_send_to_district

        start_send_to_district(self)

    def action_show_help(self) -> None:
        """Every key, grouped by screen."""
        from sro_tui.ui.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())


def main(argv: list[str] | None = None) -> int:
    """`python -m sro_tui.ui.app DB_PATH [SECTION]`: open the app on a database (development)."""
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print("usage: python -m sro_tui.ui.app DB_PATH [SECTION]", file=sys.stderr)
        return 2
    start = args[1] if len(args) > 1 else "dashboard"
    SroApp(Path(args[0]), start_section=start).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
