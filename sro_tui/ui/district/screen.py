"""The district's screen: one row per building, and one school's detail on Enter."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.markup import escape
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, DataTable, Static

from sro_tui.district import (
    SchoolSummary,
    district_state_overview,
    district_status,
    merge_bundles,
    school_detail,
    write_district_state_reports,
)
from sro_tui.exchange import find_bundles
from sro_tui.paths import default_export_dir
from sro_tui.ui.district.bars import percent_bar
from sro_tui.ui.reports import StateReportsScreen
from sro_tui.ui.widgets.dialogs import BackupDialog
from sro_tui.ui.widgets.footer import KeysFooter
from sro_tui.ui.widgets.header import TitleHeader
from sro_tui.ui.widgets.text_box import TextBox
from sro_tui.ui.widgets.work import error_words, run_in_thread

COLUMNS = (
    "Code",
    "School",
    "Laptops",
    "Last bundle",
    "Students",
    "Presented",
    "Notified",
    "Requests",
    "R/I",
    "Deadlines open",
    "Agreements ok/miss",
    "Complaints open",
)


def _laptops(summary: SchoolSummary) -> str:
    """ "2: Front office, Principal" """
    return f"{len(summary.laptops)}: " + ", ".join(laptop.name for laptop in summary.laptops)


def _sent(summary: SchoolSummary) -> str:
    age = "today" if summary.age_days == 0 else f"{summary.age_days} d ago"
    return f"{summary.last_sent_at:%Y-%m-%d} ({age})"


class DistrictScreen(Screen):
    """Every building that has sent: how far each is, and who has not sent lately."""

    SECTION_TITLE = "District"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_school", "School detail", id="district.open"),
        Binding("m", "merge", "Merge bundles", id="district.merge"),
        Binding("r", "refresh", "Refresh", id="district.refresh"),
        Binding("o", "state_reports", "State reports", id="district.state_reports"),
    ]

    def compose(self) -> ComposeResult:
        yield TitleHeader()
        yield Static(
            "Reading the district database…", id="district-summary", classes="screen-summary"
        )
        table: DataTable = DataTable(id="district-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(*COLUMNS)
        self.refresh_schools()

    def on_screen_resume(self) -> None:
        self.query_one(DataTable).focus()

    def refresh_schools(self) -> None:
        self._read()

    def _read(self) -> None:
        run_in_thread(
            self,
            district_status,
            self.app.stale_days,  # type: ignore[attr-defined]
            what="Reading the district database",
            group="district-status",
            done=self._show,
            failed=self._not_read,
        )

    def _not_read(self, error: BaseException) -> None:
        self.query_one("#district-summary", Static).update(
            f"Not read: {escape(error_words(error))}. Press r to try again."
        )

    def _show(self, schools: list[SchoolSummary]) -> None:
        table = self.query_one(DataTable)
        table.clear()
        warn = self.app.theme_variables.get("error", "red")
        for s in schools:
            style = f"bold {warn}" if s.stale else ""
            sent = Text(("⚠ " if s.stale else "") + _sent(s), style=style)
            table.add_row(
                Text(s.code, style=style),
                s.name,
                _laptops(s),
                sent,
                str(s.students),
                percent_bar(s.presented_pct),
                percent_bar(s.notified_pct),
                str(s.intervention_requests),
                str(s.restraint_isolation_incidents),
                Text(str(s.open_deadlines), style=f"bold {warn}" if s.open_deadlines else ""),
                f"{s.agreements_adopted} / {s.agreements_not_adopted}",
                str(s.open_complaints),
                key=s.code,
            )
        stale = [s.code for s in schools if s.stale]
        days = self.app.stale_days  # type: ignore[attr-defined]
        parts = [f"{len(schools)} building(s) · {self.app.target_label}"]  # type: ignore[attr-defined]
        if stale:
            parts.append(f"⚠ not sent for more than {days} days: {', '.join(stale)}")
        if not schools:
            parts.append("no school has sent yet: `sro-tui district merge BUNDLE…`")
        self.query_one("#district-summary", Static).update(" · ".join(parts))
        table.focus()

    def action_refresh(self) -> None:
        self.refresh_schools()
        self.notify("Refreshed.", timeout=2)

    def action_merge(self) -> None:
        """Ask for a bundle or a folder of bundles, merge them in a thread, then refresh."""

        def merge(folder: Path | None) -> None:
            if folder is not None:
                self._merge(folder)

        self.app.push_screen(MergeDialog(self.app.bundle_folder), merge)  # type: ignore[attr-defined]

    def _merge(self, folder: Path) -> None:
        database = self.app.database  # type: ignore[attr-defined]

        def merged_and_refused() -> tuple[list, list]:
            return merge_bundles(database, find_bundles([folder]))

        def say(outcome: tuple[list, list]) -> None:
            merged, refused = outcome
            for result in merged:
                self.notify(result.summary(), timeout=10)
            for problem in refused:
                self.notify(f"Refused, nothing changed: {problem}", severity="error", timeout=20)
            if not merged and not refused:
                self.notify(f"No bundle in {folder}", severity="warning")
            self.refresh_schools()

        run_in_thread(
            self,
            merged_and_refused,
            what=f"Merging the bundles in {folder}",
            # Each bundle is merged whole or not at all, in its own transaction.
            after="A bundle merged before the failure stays merged; the one that failed was "
            "not merged at all.",
            group="district-merge",
            done=say,
            failed=lambda error: self.refresh_schools(),
        )

    def action_state_reports(self) -> None:
        """Restraint and isolation to OSPI and the CRDC tallies, every building."""
        self.app.push_screen(
            StateReportsScreen(
                district_state_overview,
                write_district_state_reports,
                default_export_dir(),  # where `sro-tui report … --district` writes too
                "every building, as merged",
            )
        )

    def action_open_school(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key:
            self.app.push_screen(SchoolDetailScreen(str(key)))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value:
            self.app.push_screen(SchoolDetailScreen(str(event.row_key.value)))


class MergeDialog(BackupDialog):
    """Which bundle (folder or .zip), or folder of bundles, to merge; dismisses with it or None.

    It proposes `folder`: where "Send to the district" writes its bundles on this computer."""

    DIALOG_TITLE = "Merge school bundles"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="district-merge.cancel"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="district-merge-dialog"):
            yield Static(self.DIALOG_TITLE, classes="dialog-title")
            yield Static(
                "A bundle a school sent, or a folder holding several. Each is checked and merged "
                "whole or not at all; one merged before changes nothing.",
                classes="dialog-text",
            )
            yield TextBox(str(self.folder), id="backup-folder")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Merge", variant="primary", id="confirm")
                yield Button("Cancel", id="cancel")


class SchoolDetailScreen(Screen):
    """One building: its figures with bars, what the district holds, and every merge."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="district.back"),
    ]

    def __init__(self, code: str):
        super().__init__()
        self.code = code

    def compose(self) -> ComposeResult:
        yield TitleHeader()
        with VerticalScroll(id="school-detail"):
            yield Static(f"Reading {self.code}…", id="school-detail-text")
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self._read()

    def _read(self) -> None:
        run_in_thread(
            self,
            school_detail,
            self.code,
            what=f"Reading {self.code} from the district database",
            group="district-detail",
            done=lambda detail: self._show(*detail),
            failed=self._not_read,
        )

    def _not_read(self, error: BaseException) -> None:
        self.query_one("#school-detail-text", Static).update(
            f"Not read: {escape(error_words(error))}. Press escape, then open it again."
        )

    def _show(self, summary, log, counts) -> None:
        text = self.query_one("#school-detail-text", Static)
        if summary is None:
            text.update(f"No school {self.code} in the district database.")
            return
        s = summary
        lines = [
            f"[b]{s.name}[/b] ({s.code}) · school year {s.school_year}",
            f"OSPI building {s.ospi_building_code or '—'} · county-district "
            f"{s.county_district_code or '—'}",
            f"Last bundle written {_sent(s)}, merged {s.last_merged_at:%Y-%m-%d %H:%M} UTC"
            + (" · [b]not sent lately[/b]" if s.stale else ""),
            "",
            f"Students presented    {percent_bar(s.presented_pct, 20)}  "
            f"{s.presented} of {s.students}",
            f"Households notified   {percent_bar(s.notified_pct, 20)}  "
            f"{s.households_notified} of {s.households}",
            f"Intervention requests {s.intervention_requests}",
            f"Restraint/isolation   {s.restraint_isolation_incidents} incident(s), "
            f"{s.open_deadlines} open deadline(s)",
            f"Agreements            {s.agreements_adopted} adopted, "
            f"{s.agreements_not_adopted} not adopted",
            f"Safety staff          {s.staff}, {s.training_overdue} without training done or "
            "planned in time",
            f"Open complaints       {s.open_complaints}",
            *(f"Note: {note}" for note in s.notes),
            "",
            f"[b]Laptops[/b] ({len(s.laptops)}; each student, household and record counts once)",
            *(
                f"  {escape(laptop.name):<24} last sent {laptop.last_sent_at:%Y-%m-%d %H:%M} UTC, "
                f"{laptop.bundles_merged} bundle(s) merged"
                for laptop in s.laptops
            ),
            "",
            "[b]Records held[/b] (per laptop)",
            *(f"  {kind:<34} {n:>6}" for kind, n in counts.items()),
            "",
            "[b]Bundles merged[/b] (newest first)",
            *(
                f"  {m.merged_at:%Y-%m-%d %H:%M} by {escape(m.merged_by)}, from "
                f"{escape(m.laptop)}: written "
                f"{m.created_at:%Y-%m-%d %H:%M}, {m.inserted} added, {m.updated} updated, "
                f"{m.removed} removed · {m.bundle_hash[:12]}"
                for m in log
            ),
        ]
        text.update("\n".join(lines))
