"""The Complaints tab: families' complaints about safety and security staff, from intake through
routing, investigation and the response to closing (and reopening, with a reason)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Static

from sro_tui import agreements as core
from sro_tui.records import get_staff, list_staff
from sro_tui.ui.agreements.details import complaint_detail
from sro_tui.ui.agreements.tab import RecordsTab
from sro_tui.ui.staff.screen import employer_text
from sro_tui.ui.widgets.fit_table import FitColumn
from sro_tui.ui.widgets.record_form import FormField


class ComplaintsTab(RecordsTab):
    """The year's complaints, newest first, beside the one under the cursor."""

    COLUMNS = (
        FitColumn("Received", "received"),
        FitColumn("Status", "status", min_width=8),
        FitColumn("Days open", "age"),
        FitColumn("About", "about", min_width=12, keep=1),
        FitColumn("Category", "category", min_width=10),
    )
    TABLE_ID = "complaint-table"

    def compose(self) -> ComposeResult:
        with Horizontal(classes="master-detail"):
            yield DataTable(id=self.TABLE_ID, cursor_type="row", zebra_stripes=True)
            with VerticalScroll(classes="detail"):
                yield Static("", id="complaint-detail")

    def load(self) -> None:
        complaints = core.complaints_for_year()
        self.ids = [c.id for c in complaints]
        self.rows = [
            (
                str(c.received_on),
                core.COMPLAINT_STATUSES[core.complaint_status(c)],
                f"{core.complaint_age_days(c, self.today)} d",
                c.staff.display_name if c.staff else c.staff_description,
                core.COMPLAINT_CATEGORIES[c.category],
            )
            for c in complaints
        ]

    def selected(self) -> Any:
        """The complaint under the cursor, or None."""
        complaint_id = self.selected_id()
        return core.get_complaint(complaint_id) if complaint_id is not None else None

    def show_detail(self) -> None:
        complaint = self.selected()
        self.query_one("#complaint-detail", Static).update(
            complaint_detail(complaint, self.today)
            if complaint
            else "No complaint this school year. Press c to log one."
        )

    def _need_complaint(self) -> Any:
        complaint = self.selected()
        if complaint is None:
            self.notify("Choose a complaint first (c logs a new one).", severity="warning")
        return complaint

    def action_new_complaint(self) -> None:
        staff = {s.id: f"{s.display_name} ({employer_text(s)})" for s in list_staff()}
        fields = [
            FormField("received_on", "Received on", "date", value=self.today),
            FormField("received_how", "How", "select", core.COMPLAINT_CHANNELS, "phone"),
            FormField("complainant_name", "From (name)"),
            FormField(
                "complainant_role", "Who they are", "select", core.COMPLAINANT_ROLES, "parent"
            ),
            FormField("complainant_contact", "How to reach them"),
            FormField("language", "Their language"),
            FormField("staff", "About (staff member)", "select", staff),
            FormField("staff_description", "…or describe them"),
            FormField(
                "category", "About", "select", core.COMPLAINT_CATEGORIES, "student_interaction"
            ),
            FormField("what_happened", "What happened", "narrative", required=True),
        ]

        def save(v: dict[str, Any]) -> Any:
            v["staff"] = get_staff(v["staff"]) if v["staff"] else None
            return core.log_complaint(v, today=self.today)

        self.open_form("Log a complaint", fields, save, "Complaint logged.")

    def action_route(self) -> None:
        if (c := self._need_complaint()) is None:
            return
        self.open_form(
            "Route the complaint",
            [
                FormField(
                    "to_school_on",
                    "To the school on",
                    "date",
                    value=c.routed_to_school_on or self.today,
                ),
                FormField(
                    "to_agency_on",
                    "To the agency/company on",
                    "date",
                    value=c.routed_to_agency_on or (self.today if c.agency_name else None),
                ),
                FormField("agency_name", "Agency or company", value=c.agency_name),
            ],
            lambda v: core.route_complaint(
                c,
                to_school_on=v["to_school_on"],
                to_agency_on=v["to_agency_on"],
                agency_name=v["agency_name"],
            ),
            "Routing recorded.",
        )

    def action_add_note(self) -> None:
        if (c := self._need_complaint()) is None:
            return
        self.open_form(
            "Investigation note",
            [FormField("note", "Note", "narrative", required=True)],
            lambda v: core.add_investigation_note(c, v["note"], on=self.today),
            "Note added.",
        )

    def action_record_response(self) -> None:
        if (c := self._need_complaint()) is None:
            return
        self.open_form(
            "Response sent to the complainant",
            [
                FormField("sent_on", "Sent on", "date", value=self.today, required=True),
                FormField("summary", "Summary", "narrative", required=True),
            ],
            lambda v: core.record_response(
                c, sent_on=v["sent_on"], summary=v["summary"], today=self.today
            ),
            "Response recorded.",
        )

    def action_close(self) -> None:
        if (c := self._need_complaint()) is None:
            return
        self.open_form(
            "Close the complaint",
            [FormField("closed_on", "Closed on", "date", value=self.today, required=True)],
            lambda v: core.close_complaint(c, closed_on=v["closed_on"], today=self.today),
            "Complaint closed.",
            confirm_label="Close complaint",
        )

    def action_reopen(self) -> None:
        if (c := self._need_complaint()) is None:
            return
        self.open_form(
            "Reopen the complaint",
            [FormField("reason", "Why", required=True)],
            lambda v: core.reopen_complaint(c, v["reason"]),
            "Complaint reopened.",
        )
