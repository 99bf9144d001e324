"""Dashboard: the school, its year and what is on record, as cards (see dashboard/cards.py), and
the export folder every screen writes to (e changes it)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen

from sro_tui.ui.dashboard.cards import CARDS
from sro_tui.ui.navigation import EXPORT_FOLDER_KEY
from sro_tui.ui.widgets.card import CardContent, CardsView
from sro_tui.ui.widgets.collector import release
from sro_tui.ui.widgets.footer import KeysFooter
from sro_tui.ui.widgets.freshness import Freshness
from sro_tui.ui.widgets.header import TitleHeader
from sro_tui.ui.widgets.section_bar import SectionBar
from sro_tui.ui.widgets.work import error_words, run_in_thread

# The collector is held back as the app starts until this long after the first counts are drawn:
# what start-up left is then frozen (see `ui/widgets/collector.py`).
COLLECTOR_RELEASE_SECONDS = 1.0


class DashboardScreen(Screen):
    """What the school has on record and still owes this year."""

    SECTION_TITLE = "Dashboard"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "refresh_counts", "Refresh", id="dashboard.refresh"),
        Binding(
            EXPORT_FOLDER_KEY, "change_export_folder", "Export folder", id="dashboard.export_folder"
        ),
        # On the dashboard, where the school sees what it owes; the palette has it everywhere.
        Binding("s", "app.send_to_district", "Send to district", id="dashboard.send"),
        # Restraint and isolation to OSPI, CRDC: the school checks its numbers before it sends.
        Binding("o", "state_reports", "State reports", id="dashboard.state_reports"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._counted = Freshness()

    def compose(self) -> ComposeResult:
        yield TitleHeader()
        yield SectionBar("dashboard")  # composed here: the first screen pays for no second layout
        # Scrolls with the arrow keys and PageUp/PageDown: on 24 rows the cards do not all fit.
        with VerticalScroll(id="dashboard-scroll"):
            yield CardsView(CARDS, id="dashboard-cards")
        yield KeysFooter(compact=True)

    def on_screen_resume(self) -> None:
        # Also sent when the screen is first shown. Counts change on other screens (an import, a
        # new staff member): read again on return, when anything was committed since.
        if not self._counted.stale():
            return
        # As the app starts, another process reads the counts from the file (read-only:
        # ui/opening.py), and they are shown as soon as they are read, before the open.
        if not self.app.when_early_status(self._show_early_counts):  # type: ignore[attr-defined]
            # The first screen is drawn before the app opens the database: it reads then.
            self.app.when_database_open(self.refresh_counts)  # type: ignore[attr-defined]

    def _show_early_counts(self, status: dict | None) -> None:
        if status is None:  # that read could not be sure: read them the usual way
            self.app.when_database_open(self.refresh_counts)  # type: ignore[attr-defined]
            return
        self._show_counts(status)
        # Fresh as of now (what is committed from here on makes them stale), once the database
        # the screen watches is open.
        self.app.when_database_open(self._counted.mark)  # type: ignore[attr-defined]

    def refresh_counts(self) -> None:
        """Read the counts in a thread (the notice counts walk every household: ~0.3 s for a
        5,000-student school) so the screen draws at once and fills in when they arrive."""
        self._read_counts()

    def _read_counts(self) -> None:
        from sro_tui.reports import full_status  # with the models: not before the first frame

        self._counted.mark()
        run_in_thread(
            self,
            full_status,
            self.app.default_export_folder,  # type: ignore[attr-defined]
            what="Reading the dashboard counts",
            group="dashboard-counts",
            done=self._show_counts,
            failed=self._counts_failed,
        )

    def _show_counts(self, status: dict) -> None:
        self.query_one(CardsView).show({card.id: card.build(status) for card in CARDS})
        self.set_timer(COLLECTOR_RELEASE_SECONDS, release)

    def _counts_failed(self, error: BaseException) -> None:
        # Never an empty card: each says it could not be read, and how to try again.
        content = CardContent(
            [f"Not read: {error_words(error)}."], hint="Press r to try again.", warning=True
        )
        self.query_one(CardsView).show({card.id: content for card in CARDS})
        self.set_timer(COLLECTOR_RELEASE_SECONDS, release)

    def action_change_export_folder(self) -> None:
        """Choose the folder every export goes to (kept in the database, for every screen and
        for `sro-tui` commands without --out)."""
        # Imported on first use: the dashboard is the first screen, its imports are start-up time.
        from sro_tui.ui.widgets.dialogs import ExportFolderDialog

        self.app.push_screen(
            ExportFolderDialog(self.app.export_folder),  # type: ignore[attr-defined]
            self._export_folder_chosen,
        )

    def _export_folder_chosen(self, folder: Path | None) -> None:
        from sro_tui.records import ValidationError, set_export_folder

        if folder is None:
            return
        try:
            saved = set_export_folder(folder)
        except ValidationError as exc:
            self.notify(
                f"{exc.problems['export_folder']}. The export folder was not changed.",
                title="Not changed",
                severity="error",
                timeout=10,
            )
            return
        except Exception as exc:  # noqa: BLE001 - shown and logged by the app
            self.app.report_failure(  # type: ignore[attr-defined]
                "Saving the export folder", exc, "The export folder was not changed."
            )
            return
        self.notify(f"Exports now go to {escape(str(saved))}.", title="Export folder")
        self.refresh_counts()

    def action_state_reports(self) -> None:
        """The restraint and isolation summary and the CRDC tallies of this school's year."""
        # Imported on first use: the dashboard is the first screen, its imports are start-up time.
        from sro_tui.reports import school_state_overview, write_school_state_reports
        from sro_tui.ui.reports import StateReportsScreen

        self.app.push_screen(
            StateReportsScreen(
                school_state_overview,
                write_school_state_reports,
                self.app.export_folder,  # type: ignore[attr-defined]
                "this school's own records",
            )
        )

    def action_refresh_counts(self) -> None:
        self.refresh_counts()
        self.notify("Counts refreshed.", timeout=2)
