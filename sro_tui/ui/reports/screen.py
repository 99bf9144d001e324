"""The state and federal reports, one key away (issue 15): on a school's dashboard (its own
numbers, to check before it sends) and on the district screen (every building).

Per building, bars of the restraint and isolation incidents and the CRDC referrals and arrests,
the January 1 due date with the days left, and `w` to write both reports (the district's copy,
"not for publication", and the published copy with small counts hidden) into a folder.
The counts shown are the real ones: this screen is inside the school or the district office.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from rich.markup import escape
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Static

from sro_tui.reports import StateReportOverview
from sro_tui.ui.widgets.dialogs import FolderDialog
from sro_tui.ui.widgets.footer import KeysFooter
from sro_tui.ui.widgets.header import TitleHeader
from sro_tui.ui.widgets.work import error_words, run_in_thread

BAR_WIDTH = 8
COLUMNS = (
    "Code",
    "School",
    "R/I incidents",
    "Students",
    "Injured st.",
    "Injured staff",
    "Referred",
    "Arrested",
    "Restraint/isolation types (most used first)",
)
SOON_DAYS = 14  # the due date stands out from two weeks before


def count_bar(n: int, top: int, width: int = BAR_WIDTH) -> str:
    """`██████░░░░░░   3`: `n` against the largest count shown (`top`)."""
    filled = 0 if top <= 0 else max(1 if n else 0, round(n / top * width))
    return "█" * filled + "░" * (width - filled) + f" {n:>3}"


class ReportsFolderDialog(FolderDialog):
    """Where to write the state and federal reports; dismisses with the folder, or None."""

    DIALOG_TITLE = "Write the state and federal reports"
    EXPLANATION = (
        "Both reports, each as the district's copy (real counts, NOT-FOR-PUBLICATION in the "
        "file name, with the students' SSIDs in the S file) and a published copy (counts under "
        "10 shown as <10). Choose a place the district allows student records."
    )
    CONFIRM_LABEL = "Write"
    INPUT_ID = "state-reports-folder"


class StateReportsScreen(Screen):
    """Restraint and isolation to OSPI, and the CRDC tallies, per building."""

    SECTION_TITLE = "State and federal reports"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("w", "write_reports", "Write reports", id="state_reports.write"),
        Binding("r", "refresh", "Refresh", id="state_reports.refresh"),
        Binding("escape", "app.pop_screen", "Back", id="state_reports.back"),
    ]

    def __init__(
        self,
        load: Callable[[], StateReportOverview | None],
        write: Callable[[Path], list[Path]],
        folder: Path,
        scope: str,
    ):
        """`load` reads the overview (in a thread, with the app's database); `write` writes both
        reports into a folder and returns the paths; `folder` is proposed; `scope` names whose
        records these are ("this school", "every building")."""
        super().__init__()
        self._load = load
        self._write = write
        self.folder = folder
        self.scope = scope

    def compose(self) -> ComposeResult:
        yield TitleHeader()
        yield Static("Counting…", id="state-due", classes="screen-summary")
        table: DataTable = DataTable(id="state-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="state-notes")
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(*COLUMNS)
        self.refresh_counts()

    def refresh_counts(self) -> None:
        run_in_thread(
            self,
            self._load,
            what="Counting the state and federal reports",
            group="state-reports",
            done=self._show,
            failed=self._failed,
        )

    def _failed(self, error: BaseException) -> None:
        self.query_one("#state-due", Static).update(
            f"Not counted: {escape(error_words(error))}. Press r to try again."
        )

    def _show(self, overview: StateReportOverview | None) -> None:
        due = self.query_one("#state-due", Static)
        table = self.query_one(DataTable)
        table.clear()
        if overview is None:
            due.update("No school has sent records yet: nothing to count.")
            return
        warn = self.app.theme_variables.get("error", "red")
        soon = overview.days_left <= SOON_DAYS
        words = f"{overview.due:%B} {overview.due.day}, {overview.due.year}"
        due.update(
            Text.assemble(
                f"Restraint and isolation summary to OSPI (RCW 28A.600.485), "
                f"{overview.school_year}: due ",
                (f"{words} — {overview.due_words}", f"bold {warn}" if soon else "bold"),
                f" · {self.scope} (R/I: restraint or isolation; referred and arrested: CRDC)",
            )
        )
        top_incidents = max((s.incidents for s in overview.schools[:-1]), default=0)
        top_referred = max((s.referred for s in overview.schools[:-1]), default=0)
        # One school (its own dashboard): the district's total would only repeat its line.
        lines = overview.schools[:-1] if len(overview.schools) == 2 else overview.schools
        for s in lines:
            is_total = s.code == "TOTAL"
            style = "bold" if is_total else ""
            table.add_row(
                Text(s.code, style=style),
                Text(s.name, style=style),
                str(s.incidents) if is_total else count_bar(s.incidents, top_incidents),
                str(s.students),
                str(s.student_injuries),
                str(s.staff_injuries),
                str(s.referred) if is_total else count_bar(s.referred, top_referred),
                str(s.arrested),
                "; ".join(s.types) or "—",
                key=s.code,
            )
        total = overview.total
        self.query_one("#state-notes", Static).update(
            f"Real counts, not for publication. CRDC: {total.referred} student(s) referred to "
            f"law enforcement, {total.arrested} arrested, {total.restrained} restrained, "
            f"{total.secluded} secluded. Press w to write both reports (the district's copy and "
            "the published copy, counts under 10 hidden)."
        )
        table.focus()

    def action_refresh(self) -> None:
        self.refresh_counts()
        self.notify("Counted again.", timeout=2)

    def action_write_reports(self) -> None:
        self.app.push_screen(ReportsFolderDialog(self.folder), self._folder_chosen)

    def _folder_chosen(self, folder: Path | None) -> None:
        if folder is None:
            return
        self.folder = folder
        run_in_thread(
            self,
            self._write,
            folder,
            what="Writing the state and federal reports",
            after="No report was written.",
            group="state-reports-write",
            done=self._written,
            failed=self._write_failed,
        )

    def _write_failed(self, error: BaseException) -> None:
        # Said on the screen too: the district's app has no app-wide failure handler.
        self.query_one("#state-notes", Static).update(
            f"Not written: {escape(error_words(error))}. No report was written."
        )

    def _written(self, paths: list[Path]) -> None:
        self.notify(
            f"{len(paths)} file(s) written to {escape(str(self.folder))}.",
            title="Reports written",
            timeout=10,
        )
