"""Safety staff: the school resource officers and security staff who work at the school."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Static

from sro_tui.records import (
    EMPLOYER_TYPES,
    STAFF_KINDS,
    TRAINING_STATUSES,
    ValidationError,
    get_staff,
    list_staff,
    save_staff,
)
from sro_tui.ui.navigation import ADD_STAFF_KEY
from sro_tui.ui.staff.form import StaffForm
from sro_tui.ui.widgets.dialogs import ConfirmDialog
from sro_tui.ui.widgets.fit_table import FitColumn, fill_fitted
from sro_tui.ui.widgets.footer import KeysFooter
from sro_tui.ui.widgets.header import TitleHeader
from sro_tui.ui.widgets.work import write_now


def training_text(staff: Any) -> str:
    """ "Completed 2026-08-20", "Planned, due 2027-01-15" or "Not started"."""
    label = TRAINING_STATUSES.get(staff.training_status, staff.training_status)
    if staff.training_status == "completed" and staff.training_completed_on:
        return f"{label} {staff.training_completed_on.isoformat()}"
    if staff.training_status == "planned" and staff.training_due_on:
        return f"{label}, due {staff.training_due_on.isoformat()}"
    return label


def employer_text(staff: Any) -> str:
    return staff.employer_name or EMPLOYER_TYPES.get(staff.employer_type, staff.employer_type)


# The table's short names for the kinds (the form and the letters say them in full).
KIND_SHORT = {
    "sro": "SRO",
    "school_security_officer": "Security officer",
    "campus_security_officer": "Campus security",
    "other": "Other staff",
}
STAFF_COLUMNS = (
    FitColumn("Name", "name", min_width=18, keep=1),
    FitColumn("Kind", "kind", min_width=11),
    FitColumn("Employer", "employer", min_width=12),
    FitColumn("Days", "days"),
    FitColumn("Training", "training", min_width=12),
    FitColumn("Status", "status"),
)


class StaffScreen(Screen):
    """A table of safety and security staff with add, edit and deactivate."""

    SECTION_TITLE = "Safety staff"
    DIALOGS = (StaffForm, ConfirmDialog)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(ADD_STAFF_KEY, "add_staff", "Add staff", id="staff.add"),
        Binding("e", "edit_staff", "Edit", id="staff.edit"),
        Binding("d", "deactivate_staff", "Deactivate", id="staff.deactivate"),
        Binding(
            "i",
            "toggle_inactive",
            "Inactive",
            id="staff.toggle_inactive",
            tooltip="Show or hide staff who no longer work at the school",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.show_inactive = False

    def compose(self) -> ComposeResult:
        yield TitleHeader()
        yield Static("", id="staff-summary", classes="screen-summary")
        yield DataTable(id="staff-table", cursor_type="row", zebra_stripes=True)
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.reload()

    def on_resize(self) -> None:
        # After the new layout: under 100 columns the detail pane moves, and the table's width
        # with it.
        self.call_after_refresh(self._draw)

    def reload(self, select_id: int | None = None) -> None:
        """Read the staff list again and redraw the table, keeping the cursor on `select_id`."""
        staff = list_staff(include_inactive=self.show_inactive)
        table = self.query_one(DataTable)
        self._rows = [
            (
                s.display_name,
                KIND_SHORT.get(s.kind) or STAFF_KINDS.get(s.kind, s.kind),
                employer_text(s),
                f"{s.days_per_week:g}",
                training_text(s),
                "active" if s.active else "inactive",
            )
            for s in staff
        ]
        self._draw()
        # add_rows gives generated keys; keep our own order -> id map for the cursor.
        self._row_ids = [s.id for s in staff]
        if select_id in self._row_ids:
            table.move_cursor(row=self._row_ids.index(select_id))
        shown = "all staff" if self.show_inactive else "active staff"
        summary = (
            f"{len(staff)} {shown} · {ADD_STAFF_KEY} add · e/Enter edit · d deactivate"
            if staff
            else f"No {shown} on record. Press {ADD_STAFF_KEY} to add someone."
        )
        self.query_one("#staff-summary", Static).update(summary)

    def _draw(self) -> None:
        """The rows, with columns as wide as the terminal allows (long names end in "…")."""
        if hasattr(self, "_rows"):
            fill_fitted(self.query_one(DataTable), STAFF_COLUMNS, self._rows)

    def selected_staff(self) -> Any:
        table = self.query_one(DataTable)
        if not self._row_ids or table.cursor_row < 0 or table.cursor_row >= len(self._row_ids):
            return None
        return get_staff(self._row_ids[table.cursor_row])

    # --- actions ------------------------------------------------------------------------------

    def action_add_staff(self) -> None:
        self.app.push_screen(StaffForm(), self._after_form)

    def action_edit_staff(self) -> None:
        staff = self.selected_staff()
        if staff is None:
            self.notify("Choose someone in the table first.", severity="warning")
            return
        self.app.push_screen(StaffForm(staff), self._after_form)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_edit_staff()

    def _after_form(self, saved: Any) -> None:
        if saved is None:
            return
        self.reload(select_id=saved.id)
        self.notify(f"Saved {saved.display_name}.")

    def action_deactivate_staff(self) -> None:
        staff = self.selected_staff()
        if staff is None:
            self.notify("Choose someone in the table first.", severity="warning")
            return
        if not staff.active:
            self.notify(f"{staff.display_name} is already inactive.")
            return

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            try:
                written, _ = write_now(
                    self,
                    f"Deactivating {staff.display_name}",
                    lambda: save_staff({"active": False}, staff),
                    "Nothing was changed.",
                )
            except ValidationError as exc:
                self.notify(f"Cannot deactivate: {exc}", severity="error")
                return
            if not written:  # busy, full or read-only: said and logged by the app
                return
            self.reload()
            self.notify(f"{staff.display_name} is now inactive (kept on record).")

        self.app.push_screen(
            ConfirmDialog(
                f"Deactivate {staff.display_name}?\n\nThe record is kept (it is never deleted) "
                "but no longer counts as staff working at the school.",
                confirm_label="Deactivate",
                confirm_variant="warning",
            ),
            confirmed,
        )

    def action_toggle_inactive(self) -> None:
        self.show_inactive = not self.show_inactive
        self.reload()
