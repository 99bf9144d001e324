"""The sro-tui application shell: sections as modes, F-key navigation, help and command palette.

`SroApp(db_path, export_folder=...)` opens the school's database on start (on the main thread) and
closes it on exit. Started on the dashboard, it draws the first screen before it opens the database:
the header's school and year are read read-only with sqlite3 (`sro_tui.glance`), and peewee, the
models and the migrations come just after the first frame. Keys and clicks that arrive before then
are kept and handled, in order, once the database is open; a screen's work that needs the database
waits for it with `when_database_open`. A database that cannot be opened ends the app with the
reason in `database_error` (the CLI prints it, as it did before). The screens are thin: every read
and write goes through the core packages. Slow work runs in workers started by `ui.widgets.work`,
all on the App, so the one `Worker.StateChanged` handler here tells the person about every failure
and logs it beside the database (`sro-tui.log`).

Private Textual API (pinned to 8.2): `App._dispatch_message` (in ui/opening.py),
`Screen._css_update_count`, `Screen._get_breakpoint_classes`, the mode internals of
`switch_mode` (see there), and `Stylesheet.has_source/read/parse` (`read_shared_stylesheet`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.signal import Signal
from textual.widget import AwaitMount
from textual.worker import Worker

from sro_tui import exchange, policy
from sro_tui.glance import SchoolAndYear
from sro_tui.paths import log_path, remove_stale_temp_files
from sro_tui.ui.commands import SectionCommands
from sro_tui.ui.navigation import HELP_KEY, SECTIONS, section
from sro_tui.ui.opening import OpensTheDatabase
from sro_tui.ui.widgets.collector import freeze_long_lived, thaw
from sro_tui.ui.widgets.failures import ReportsFailures
from sro_tui.ui.widgets.work import run_flow, run_in_thread

if TYPE_CHECKING:
    from concurrent.futures import Future

    from sro_tui.search import StudentIndex

APP_TITLE = "sro-tui · school safety & security records"
# The rules of every screen but the dashboard, and of the dialogs (see `read_shared_stylesheet`).
SHARED_CSS_PATH = Path(__file__).with_name("shared.tcss")
HOLIDAYS_WARM_AFTER_SECONDS = 3.0
SECTIONS_WARM_AFTER_SECONDS = 2.0
TIDY_AFTER_SECONDS = 1.0


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


class SroApp(ReportsFailures, OpensTheDatabase, App):
    """The school's Policy 4311 records in a terminal."""

    CSS_PATH = "app.tcss"
    TITLE = APP_TITLE
    SHORT_TITLE = "sro-tui"  # the header's name under 100 columns (ui/widgets/header.py)
    # Screens get "-narrow" under 100 columns: app.tcss then puts details under their lists.
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (100, "-wide")]
    # ... and "-short" under 30 rows: dialogs then scroll, keeping their buttons in view.
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-short"), (30, "-tall")]
    COMMANDS = App.COMMANDS | {SectionCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(HELP_KEY, "app.show_help", "Help", id="help", priority=True),
        *_section_bindings(),
        Binding("ctrl+b", "app.backup", "Back up", id="backup", priority=True, show=False),
        Binding("ctrl+r", "app.restore", "Restore", id="restore", priority=True, show=False),
        Binding("ctrl+q", "app.quit", "Quit", id="quit", priority=True),
    ]

    def __init__(
        self,
        db_path: Path,
        *,
        start_section: str = "dashboard",
        title_note: str = "",
        checkin_session_id: int | None = None,
        export_folder: Path | None = None,
        early_status: Future[dict[str, Any] | None] | None = None,
    ):
        """`early_status`: the dashboard's counts, when the command started reading them before
        it imported the app (`reports.early.read_status_early`, with this database and export
        folder); without it, the app starts that read itself."""
        super().__init__()
        # The export folder when the school has not chosen one: the CLI passes the platform's
        # (documents folder); without it, a folder beside the database.
        self.default_export_folder = (
            Path(export_folder) if export_folder else Path(db_path).parent / "sro-tui exports"
        )
        # The check-in screen opens this session (`sro-tui check-in --session ID`), else today's.
        self.checkin_session_id = checkin_session_id
        self.db_path = Path(db_path)
        self.start_section = start_section
        self.title_note = title_note
        # Started on the dashboard, the header's names are read here without peewee and the
        # database is opened just after the first frame (ui/opening.py); otherwise here.
        self.prepare_database(start_section, early_status)
        self.student_index: StudentIndex | None = None
        # Published with the new index whenever the students were (re)loaded (after an import).
        self.students_changed: Signal[StudentIndex] = Signal(self, "students-changed")
        self._resizes_seen = 0
        for s in SECTIONS:
            self.add_mode(s.id, self._section_screen(s.id))

    # --- sections -----------------------------------------------------------------------------

    def _section_screen(self, section_id: str) -> Callable[[], Screen]:
        """The mode's factory: the section's screen, ready to be styled once when it is mounted.

        Textual (pinned to 8.2) re-parses every stylesheet and restyles every widget of the app
        twice when a new mode's screen is first shown (its CSS "update count" starts behind the
        app's), and again after the first frame when the screen's breakpoint classes
        (`-wide`/`-tall`) are added: each a whole-screen restyle, a third of start-up. A new
        screen is styled in full when mounted, from the current stylesheet, so it is marked as
        up to date, and given the breakpoint classes of the current size before it is styled.
        (A later theme change still restyles it: `refresh_css` walks every screen.)"""
        build = section(section_id).screen

        def prepared() -> Screen:
            if section_id != "dashboard":
                self.read_shared_stylesheet()  # before the screen reads its own (its __init__)
            screen = build()
            screen._css_update_count = self._css_update_count
            screen.add_class(*self._breakpoint_classes(screen), update=False)
            return screen

        return prepared

    def read_shared_stylesheet(self, *, parse: bool = True) -> bool:
        """Add `shared.tcss` (the rules of every screen but the dashboard, and of the dialogs)
        to the app's stylesheet, once, before the first of those screens is made.

        The dashboard, the first screen, needs none of them: `app.tcss` holds only its own, so
        its first frame does not wait for the others to be parsed. They are read after
        `app.tcss` and before any section's own stylesheet, the order they had when they were
        in `app.tcss`: called when a section's screen is made (`_section_screen`), a screen or
        dialog is pushed (`push_screen`, the command palette too: `ModalScreen` rules) and by
        the warm-up and `read_own_stylesheet` (ui/preload.py). Only the new file is parsed and
        nothing is restyled: no rule in it matches the dashboard's widgets. (`textual run
        --dev` does not watch it for changes.) Whether it was read now; `parse=False` for a
        caller that parses the whole stylesheet after (the warm-up)."""
        stylesheet = self.stylesheet
        if stylesheet.has_source(str(SHARED_CSS_PATH), ""):
            return False
        stylesheet.read(SHARED_CSS_PATH)
        if parse:
            stylesheet.parse()
        return True

    def push_screen(self, screen, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        """Textual's, with the shared rules read first (`read_shared_stylesheet`)."""
        self.read_shared_stylesheet()
        return super().push_screen(screen, *args, **kwargs)

    def _breakpoints(self, screen: Screen) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
        """`screen`'s horizontal and vertical breakpoints (its own, else the app's)."""
        own, shared = screen.HORIZONTAL_BREAKPOINTS, self.HORIZONTAL_BREAKPOINTS
        horizontal = (shared if own is None else own) or []
        own, shared = screen.VERTICAL_BREAKPOINTS, self.VERTICAL_BREAKPOINTS
        return horizontal, (shared if own is None else own) or []

    def _breakpoint_classes(self, screen: Screen) -> set[str]:
        """The breakpoint classes (`-wide`, `-tall` …) of `screen` at the terminal's size."""
        horizontal, vertical = self._breakpoints(screen)
        width, height = self.size
        return screen._get_breakpoint_classes(width, horizontal) | screen._get_breakpoint_classes(
            height, vertical
        )

    def switch_mode(self, mode: str) -> AwaitMount:
        """Textual's switch, less two things (Textual is pinned to 8.2):

        - a section already open no longer re-applies every CSS rule to every widget of the
          screen (a third of a switch on these screens);
        - a section opened for the first time is styled once, as its widgets are mounted, instead
          of three times more (Textual restyles the whole screen on each of the two "resume"
          events it sends a new mode's screen; see also `_section_screen`).

        Styles still follow a changed stylesheet or theme (`refresh_css` below), a resize, and
        focus and hover, which restyle what they touch."""
        if mode == self._current_mode or mode not in self._modes:
            return super().switch_mode(mode)  # nothing to do, or Textual's error
        self.delay_update()
        self.screen.post_message(events.ScreenSuspend())
        self.screen.refresh()
        if mode in self._screen_stacks:
            await_mount = None
            screen = self._screen_stacks[mode][-1]
            if not screen.is_mounted:
                # Built ahead (ui/preload.py) and not mounted yet: keys pressed from now on wait
                # for it, as they wait for a screen built by its first open below.
                await_mount = AwaitMount(screen, [screen])
                self.call_next(await_mount)
            # Built ahead, or last shown, at another size: its breakpoint classes follow the
            # terminal (Textual sends a resize only to the screen on show).
            self._follow_breakpoints(screen)
        else:
            factory = self._modes[mode]
            screen, await_mount = self._get_screen(factory() if callable(factory) else factory)
            self._screen_stacks[mode] = [screen]
            self._load_screen_css(screen)  # a section's own stylesheet, read on its first open
        self._current_mode = mode
        if self.screen._css_update_count != self._css_update_count:
            self.refresh_css()
        self.mode_change_signal.publish(mode)
        self.screen_change_signal.publish(self.screen)
        self.screen._screen_resized(self.size)
        self.screen.post_message(events.ScreenResume(refresh_styles=False))
        return await_mount or AwaitMount(self.screen, [])

    def _follow_breakpoints(self, screen: Screen) -> None:
        horizontal, vertical = self._breakpoints(screen)
        every = {name for _, name in horizontal + vertical}
        wanted = self._breakpoint_classes(screen)
        if wanted != every & set(screen.classes):
            screen.update_classes({name: name in wanted for name in every}, animate=False)

    # --- lifecycle ----------------------------------------------------------------------------

    def _on_resize(self, event: events.Resize) -> None:
        # The terminal reports its size once more just after start (Textual has already laid out
        # the first screen at it). Textual keeps that report and, once idle, sends it to the
        # screen, which lays out and draws every widget again at the same size: a sixth of
        # start-up, while the dashboard's counts wait. That one repeat is dropped; every later
        # report (a real resize) goes on to Textual's handler.
        self._resizes_seen += 1
        if self._resizes_seen == 2 and event.size == self._size:
            event.prevent_default()

    inputs_seen = 0  # keys and mouse events so far: the sections are built ahead only when idle

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            if self.holding_inputs:
                # The first frame is drawn, the database not open yet: kept, and handled in order
                # once it is (ui/opening.py), so no key reaches a screen without it.
                self.held_inputs.append(event)
                return
            self.inputs_seen += 1
        await super().on_event(event)

    def on_mount(self) -> None:
        try:
            section(self.start_section)
        except KeyError as exc:
            self.notify(str(exc.args[0]), severity="error")
            self.start_section = SECTIONS[0].id
        if self.open_after_first_frame():
            self.show_school_title(self.glanced)  # what the open will read: the same names
        else:
            self.refresh_school_title()
        self.switch_mode(self.start_section)
        self.call_after_refresh(self._show_section_bar)
        # Not before the first frame: importing the holiday library in a thread would hold the
        # interpreter while the first screen is drawn.
        self.set_timer(HOLIDAYS_WARM_AFTER_SECONDS, self.load_holiday_calendar)
        # What a killed run left: after the first screen and its counts (the CSV module and a
        # walk of two folders are not start-up's; no run of ours can need them before).
        self.set_timer(TIDY_AFTER_SECONDS, lambda: self.when_database_open(self.tidy_after_kill))
        self.set_timer(
            SECTIONS_WARM_AFTER_SECONDS, lambda: self.when_database_open(self.warm_sections)
        )

    async def action_quit(self) -> None:
        """Quit (ctrl+q). A screen holding changes not yet saved (the intervention form), in any
        section, is shown and asks first, as its Esc does; ctrl+q again on that question quits."""
        if getattr(self.screen, "asked_before_quit", False):
            self.exit()
            return
        for mode, stack in list(self._screen_stacks.items()):
            for screen in reversed(stack):
                ask = getattr(screen, "ask_before_quit", None)
                if ask is None or not screen.is_mounted:
                    continue
                if mode != self.current_mode:
                    await self.switch_mode(mode)
                if ask(self.exit):
                    return
        self.exit()

    def tidy_after_kill(self) -> None:
        """Drop what a killed backup left beside the database, and finish (or drop) what a
        killed export left in the export folder. Only files of processes that are gone are
        touched, so an export or backup started meanwhile is safe."""
        remove_stale_temp_files(self.db_path.parent)
        exchange.finish_interrupted_exports(self.export_folder)

    def warm_sections(self) -> None:
        """Prepare the sections off the screen's thread, once the first screen is up: import
        their screens (and the core they use; 0.1-0.3 s each here), read their stylesheets,
        build the student index (the check-in, the roster and the requests need it), then build
        the screens not yet opened while nobody types (`ui/preload.py`): a first F-key then
        shows a screen that is already there."""
        from sro_tui.ui.preload import WARM_UP_GROUP, warm_up  # not start-up's to import

        if not any(w.group == WARM_UP_GROUP for w in self.workers):  # once (or running)
            run_flow(self, warm_up(self), what="Preparing the sections", group=WARM_UP_GROUP)

    def load_holiday_calendar(self) -> None:
        """Load Washington's legal holidays once, off the screen's thread: the first restraint
        deadline shown would otherwise wait about a second for the holiday library."""
        this_year = date.today().year
        run_in_thread(
            self,
            policy.washington_legal_holidays,
            this_year - 1,
            this_year + 1,
            what="Loading Washington's legal holidays",
            group="holidays",
        )

    def on_unmount(self) -> None:
        thaw()  # what was frozen goes back to the collector (a process may open another app)
        self.workers.cancel_all()
        self.close_database()

    def refresh_school_title(self) -> None:
        """Show the current school and school year in the header (after an import, say)."""
        from sro_tui.records import current_year, get_school

        school, year = get_school(), current_year()
        self.show_school_title(
            SchoolAndYear(school.name if school else None, year.name if year else None)
        )

    def show_school_title(self, shown: SchoolAndYear | None) -> None:
        """The header: the school and its year (`glance` or the open database), the note."""
        shown = shown or SchoolAndYear(None, None)
        parts = [shown.school if shown.school is not None else "no school yet — import a roster"]
        if shown.year is not None:
            parts.append(f"school year {shown.year}")
        if self.title_note:
            parts.append(self.title_note)
        self.sub_title = " · ".join(parts)

    # --- the student index, shared by every screen that looks students up -----------------------

    def reload_students(self) -> Worker:
        """Rebuild the in-memory student index from the database (in a thread)."""
        from sro_tui.records import load_student_index

        return run_in_thread(
            self,
            load_student_index,
            what="Reading the students for search",
            group="student-index",
            done=self._students_loaded,
        )

    def request_students(self) -> None:
        """Build the student index for a screen that looks students up, once: the dashboard does
        not need it, so start-up does not pay for it (0.2 s for a 5,000-student school)."""
        if self.student_index is None and not any(
            w.group == "student-index" and not w.is_finished for w in self.workers
        ):
            self.reload_students()

    def _students_loaded(self, index: StudentIndex) -> None:
        self.student_index = index
        # It lives as long as the app: a full collection never walks it in a key's time.
        freeze_long_lived()
        self.students_changed.publish(index)

    # --- settings -------------------------------------------------------------------------------

    @property
    def export_folder(self) -> Path:
        """Where every screen's export goes: the school's setting, else the default."""
        from sro_tui.records import export_folder

        return export_folder(self.default_export_folder)

    # --- failures: one handler for every worker ---------------------------------------------------

    def failure_log(self) -> Path:
        """Every worker's failure is told and logged (ReportsFailures): the log beside the
        database."""
        return log_path(self.db_path)

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
        if self.screen.is_modal:
            return
        if not self.screen.is_mounted:
            # A screen opened for the first time is still being built: the dashboard composes
            # its own bar, which a bar mounted now would duplicate (a crash).
            self.call_after_refresh(self._show_section_bar)
            return
        self.put_section_bar(self.screen, self.current_mode)

    def put_section_bar(self, screen: Screen, mode: str) -> AwaitMount | None:
        """The section bar at the top of `screen` (mounted once), showing `mode` as current;
        the bar's mount to await when it was not there yet."""
        from textual.css.query import NoMatches

        from sro_tui.ui.widgets.section_bar import SectionBar

        mounted = None
        try:
            bar = screen.query_one(SectionBar)
        except NoMatches:
            bar = SectionBar()
            mounted = screen.mount(bar, before=0)
        bar.show_current(mode)
        return mounted

    def open_section_and_run(self, section_id: str, action: str) -> None:
        """Go to a section and run one of its screen's actions (the command palette offers every
        screen's actions from anywhere)."""
        self.action_open_section(section_id)
        self.call_after_refresh(lambda: self.run_action(action, self.screen))

    def action_backup(self) -> None:
        """Write a copy of the database to a folder the person chooses (`sro-tui backup`)."""
        from sro_tui.ui.widgets.dialogs import BackupDialog

        def write(folder: Path | None) -> None:
            if folder is not None:
                run_in_thread(
                    self,
                    _back_up,
                    self.database,
                    folder,
                    what="The backup",
                    after="No copy was written.",
                    group="backup",
                    done=lambda written: self.notify(
                        f"Backed up to {written}", title="Backup written", timeout=10, markup=False
                    ),
                )

        self.push_screen(BackupDialog(), write)

    def action_send_to_district(self) -> None:
        """Write this year's bundle for the district office (`sro-tui district send`)."""
        from sro_tui.ui.district.send_dialog import start_send_to_district

        start_send_to_district(self)

    def action_restore(self) -> None:
        """Put a backup back in place of the database (`sro-tui restore`)."""
        from sro_tui.ui.restore import RestoreDialog  # a rare dialog: not loaded at start-up

        def chosen(path: Path | None) -> None:
            if path is not None:
                run_flow(
                    self,
                    self._restore(path),
                    what="The restore",
                    after="The database in use was not replaced.",
                    group="restore",
                )

        self.push_screen(RestoreDialog(), chosen)

    async def _restore(self, backup: Path) -> None:
        from sro_tui.safekeeping import BackupError, restore_backup

        self.workers.cancel_group(self, "student-index")
        self.workers.cancel_group(self, "warm-sections")  # no screen built on the old file
        self.close_database()
        try:
            result = restore_backup(backup, self.db_path)
        except (BackupError, OSError) as exc:
            self.notify(f"Not restored: {exc}", severity="error", timeout=15)
            result = None
        self.open_database()
        if result is None:
            return
        # Every section starts again on the restored records.
        current = self.current_mode
        spare = next(s.id for s in SECTIONS if s.id != current)
        for s in SECTIONS:
            if s.id not in (current, spare):
                await self.remove_mode(s.id)
                self.add_mode(s.id, self._section_screen(s.id))
        await self.remove_mode(spare)
        self.add_mode(spare, self._section_screen(spare))
        await self.switch_mode(spare)
        await self.remove_mode(current)
        self.add_mode(current, self._section_screen(current))
        await self.switch_mode(current)
        self.student_index = None
        self.refresh_school_title()
        self.call_after_refresh(self._show_section_bar)
        self.notify("\n".join(result.lines()), title="Backup restored", timeout=15)

    def action_show_help(self) -> None:
        """Every key, grouped by screen."""
        from sro_tui.ui.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())


def _back_up(database, folder: Path) -> Path:
    """A consistent copy of the open database into `folder` (made 0700 when missing)."""
    from sro_tui.safekeeping import backup_database

    return backup_database(database, f"{folder}/")


def main(argv: list[str] | None = None) -> int:
    """`python -m sro_tui.ui.app DB_PATH [SECTION]`: open the app on a database (development)."""
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print("usage: python -m sro_tui.ui.app DB_PATH [SECTION]", file=sys.stderr)
        return 2
    start = args[1] if len(args) > 1 else "dashboard"
    app = SroApp(Path(args[0]), start_section=start)
    app.run()
    if app.database_error is not None:
        print(f"sro-tui: {app.database_error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
