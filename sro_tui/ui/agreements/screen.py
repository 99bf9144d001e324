"""Staff, agreements & complaints: training status, the year's agreements with their checklist,
stakeholder log and adoption, and family complaints from intake to closing.

Every action calls the core (`sro_tui.agreements`, `sro_tui.reports`); the screen only shows
what the core says, including every reason an agreement cannot be adopted *before* anyone tries.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static, TabbedContent, TabPane

from sro_tui import agreements as core
from sro_tui.agreements import complaints as compl
from sro_tui.models import (
    COMPLAINANT_ROLES,
    COMPLAINT_CATEGORIES,
    COMPLAINT_CHANNELS,
    MEETING_KINDS,
    PARTICIPANT_ROLES,
    PROVIDER_TYPES,
    STAFF_KINDS,
    Agreement,
    Complaint,
)
from sro_tui.records import current_year, get_staff, list_staff
from sro_tui.ui.agreements.dialogs import shown_in_form
from sro_tui.ui.staff.screen import KIND_SHORT, employer_text
from sro_tui.ui.widgets.fit_table import FitColumn, fill_fitted
from sro_tui.ui.widgets.record_form import FormField, RecordForm

EXPORT_FOLDER = Path.home() / "sro-tui-exports"
AGREEMENT_ACTIONS = {"new_agreement", "set_item", "log_meeting", "adopt", "withdraw"}
COMPLAINT_ACTIONS = {"new_complaint", "route", "add_note", "record_response", "close", "reopen"}


def _participation(counts: dict[str, int]) -> str:
    return " · ".join(f"{counts[r]} {PARTICIPANT_ROLES[r].lower()}" for r in core.REQUIRED_ROLES)


def agreement_detail(agreement: Agreement, today: date) -> str:
    """The checklist, the stakeholder log and what still stands in the way of adoption."""
    lines = [f"[b]{agreement.provider_name}[/b] ({PROVIDER_TYPES[agreement.provider_type]})"]
    if agreement.document_title:
        lines.append(f"Document: {agreement.document_title}")
    lines.append("")
    for item in core.agreement_items(agreement):
        mark = "[green]✓[/]" if item.met else "[red]✗[/]"
        where = f" — {item.where_met}" if item.where_met else ""
        lines.append(f"{mark} {item.code}  {core.AGREEMENT_ITEMS[item.code]}{where}")
    lines += ["", "[b]Stakeholder review[/b]"]
    meetings = core.stakeholder_meetings(agreement)
    if not meetings:
        lines.append("No meeting, survey or consultation logged yet.")
    for meeting in meetings:
        people = ", ".join(
            f"{p.people} {PARTICIPANT_ROLES[p.role].lower()}" + (f" ({p.name})" if p.name else "")
            for p in meeting.participants
        )
        lines.append(
            f"{meeting.held_on}  {MEETING_KINDS[meeting.kind]}"
            f"{': ' + meeting.title if meeting.title else ''} — {people}"
        )
    lines.append(f"Took part: {_participation(core.participation_counts(agreement))}")
    lines.append("")
    if agreement.adopted_on:
        lines.append(f"[green]Adopted {agreement.adopted_on} by {agreement.adopted_by}.[/]")
    else:
        reasons = core.adoption_problems(agreement, today)
        if reasons:
            lines.append("[b $error]Cannot be adopted yet:[/]")
            lines += [f"  • {reason}" for reason in reasons]
        else:
            lines.append("[green]Ready to adopt[/] (press A).")
    return "\n".join(lines)


def complaint_detail(complaint: Complaint, today: date) -> str:
    """Intake, routing, investigation, response and what closing still needs."""
    status = compl.COMPLAINT_STATUSES[compl.complaint_status(complaint)]
    about = complaint.staff.display_name if complaint.staff else complaint.staff_description
    lines = [
        f"[b]{status}[/b] · received {complaint.received_on} "
        f"({COMPLAINT_CHANNELS[complaint.received_how].lower()}) · "
        f"{compl.complaint_age_days(complaint, today)} day(s) "
        + ("open" if complaint.closed_on is None else "from receipt to closing"),
        f"From: {complaint.complainant_name or '(name not given)'}, "
        f"{COMPLAINANT_ROLES[complaint.complainant_role].lower()}"
        + (f" · {complaint.complainant_contact}" if complaint.complainant_contact else "")
        + (f" · language {complaint.language}" if complaint.language else ""),
        f"About: {about} ({COMPLAINT_CATEGORIES[complaint.category].lower()})",
        "",
        complaint.what_happened,
        "",
        f"Routed to the school: {complaint.routed_to_school_on or '—'}"
        + (
            f" · to {complaint.agency_name}: {complaint.routed_to_agency_on or '—'}"
            if complaint.agency_name
            else ""
        ),
    ]
    if complaint.investigation_notes:
        lines += ["[b]Investigation[/b]", complaint.investigation_notes]
    if complaint.response_sent_on:
        lines.append(f"Response sent {complaint.response_sent_on}: {complaint.response_summary}")
    if complaint.closed_on:
        lines.append(
            f"[green]Closed {complaint.closed_on} by {complaint.closed_by}.[/] "
            "Press u to reopen (with a reason)."
        )
    else:
        reasons = compl.closing_problems(complaint)
        lines.append("Before closing: " + "; ".join(reasons) if reasons else "Ready to close (x).")
    return "\n".join(lines)


TRAINING_COLUMNS = (
    FitColumn("Name", "name", min_width=14, keep=1),
    FitColumn("Kind", "kind", min_width=8),
    FitColumn("Employer", "employer", min_width=10),
    FitColumn("Training", "training", min_width=32, max_width=70, keep=1),
)
AGREEMENT_COLUMNS = (
    FitColumn("Agency / company", "provider", min_width=16, keep=1),
    FitColumn("Status", "status"),
    FitColumn("Items", "items"),
    FitColumn("Took part (P/S/C)", "took_part", min_width=10),  # parents/students/community
)
COMPLAINT_COLUMNS = (
    FitColumn("Received", "received"),
    FitColumn("Status", "status", min_width=8),
    FitColumn("Days open", "age"),
    FitColumn("About", "about", min_width=12, keep=1),
    FitColumn("Category", "category", min_width=10),
)


class AgreementsScreen(Screen):
    """Training, agreements and complaints in three tabs."""

    SECTION_TITLE = "Agreements & complaints"
    CSS_PATH = "agreements.tcss"
    DIALOGS = (RecordForm,)
    BINDINGS: ClassVar[list[BindingType]] = [
        # The tab labels say "1 Training  2 Agreements  3 Complaints": the footer keeps its room
        # for the tab's own keys.
        Binding("1", "show_tab('training')", "Training", id="agreements.tab_training", show=False),
        Binding(
            "2", "show_tab('agreements')", "Agreements", id="agreements.tab_agreements", show=False
        ),
        Binding(
            "3", "show_tab('complaints')", "Complaints", id="agreements.tab_complaints", show=False
        ),
        Binding("n", "new_agreement", "New agreement", id="agreements.new"),
        Binding("i", "set_item", "Checklist item", id="agreements.item"),
        Binding("l", "log_meeting", "Log meeting", id="agreements.meeting"),
        Binding("A", "adopt", "Adopt", id="agreements.adopt"),
        Binding("W", "withdraw", "Withdraw adoption", id="agreements.withdraw", show=False),
        Binding("c", "new_complaint", "New complaint", id="complaints.new"),
        Binding("r", "route", "Route", id="complaints.route"),
        Binding("t", "add_note", "Note", id="complaints.note"),
        Binding("s", "record_response", "Response", id="complaints.response"),
        Binding("x", "close", "Close", id="complaints.close"),
        Binding("u", "reopen", "Reopen", id="complaints.reopen"),
        Binding("e", "export", "Export CSV", id="agreements.export"),
        Binding("R", "annual_report", "Annual report", id="agreements.annual_report"),
    ]

    def __init__(self, today: date | None = None) -> None:
        super().__init__()
        self.today = today or date.today()
        self._agreement_ids: list[int] = []
        self._complaint_ids: list[int] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="agreements-warnings", classes="screen-summary")
        with TabbedContent(initial="agreements", id="agreements-tabs"):
            with TabPane("1 Training", id="training"):
                yield Static("", id="training-summary", classes="screen-summary")
                yield DataTable(id="training-table", cursor_type="row", zebra_stripes=True)
            with TabPane("2 Agreements", id="agreements"):
                with Horizontal(classes="master-detail"):
                    yield DataTable(id="agreement-table", cursor_type="row", zebra_stripes=True)
                    with VerticalScroll(classes="detail"):
                        yield Static("", id="agreement-detail")
            with TabPane("3 Complaints", id="complaints"):
                with Horizontal(classes="master-detail"):
                    yield DataTable(id="complaint-table", cursor_type="row", zebra_stripes=True)
                    with VerticalScroll(classes="detail"):
                        yield Static("", id="complaint-detail")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.reload()

    def on_resize(self) -> None:
        # After the new layout (under 100 columns details go under their lists).
        self.call_after_refresh(self._draw_tables)

    def _draw_tables(self) -> None:
        """The three tables, columns fitted to the room they have (cut text ends in "…")."""
        for table_id, columns, rows in (
            ("#training-table", TRAINING_COLUMNS, self._training_rows),
            ("#agreement-table", AGREEMENT_COLUMNS, self._agreement_rows),
            ("#complaint-table", COMPLAINT_COLUMNS, self._complaint_rows),
        ):
            fill_fitted(self.query_one(table_id, DataTable), columns, rows)

    # --- drawing ------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read everything again from the database and redraw the three tabs."""
        year = current_year()
        gaps = core.providers_without_adopted_agreement()
        warnings = [f"[b $warning]⚠[/] {gap.message}" for gap in gaps]
        self.query_one("#agreements-warnings", Static).update(
            "\n".join(warnings)
            or f"School year {year.name if year else '—'}: every agency or "
            "company with staff here has an adopted agreement."
        )
        training = core.training_overview(self.today)
        self._training_rows = [
            (
                t.staff.display_name,
                KIND_SHORT.get(t.staff.kind) or STAFF_KINDS.get(t.staff.kind, t.staff.kind),
                employer_text(t.staff),
                t.label,
            )
            for t in training
        ]
        late = sum(t.state == "overdue" for t in training)
        soon = sum(t.state == "due_soon" for t in training)
        self.query_one("#training-summary", Static).update(
            f"{late} overdue · {soon} due within {core.TRAINING_DUE_SOON_DAYS} days · "
            "record completion or a plan on the Safety staff screen (e)"
        )
        agreements = core.agreements_for_year()
        self._agreement_ids = [a.id for a in agreements]
        self._agreement_rows = []
        for agreement in agreements:
            counts = core.participation_counts(agreement)
            met = sum(i.met for i in agreement.items)
            self._agreement_rows.append(
                (
                    agreement.provider_name,
                    f"adopted {agreement.adopted_on}" if agreement.adopted_on else "in review",
                    f"{met}/{len(core.AGREEMENT_ITEMS)}",
                    " / ".join(str(counts[r]) for r in core.REQUIRED_ROLES),
                )
            )
        complaints = compl.complaints_for_year()
        self._complaint_ids = [c.id for c in complaints]
        self._complaint_rows = [
            (
                str(c.received_on),
                compl.COMPLAINT_STATUSES[compl.complaint_status(c)],
                f"{compl.complaint_age_days(c, self.today)} d",
                c.staff.display_name if c.staff else c.staff_description,
                COMPLAINT_CATEGORIES[c.category],
            )
            for c in complaints
        ]
        self._draw_tables()
        self._show_details()

    def _show_details(self) -> None:
        agreement = self.selected_agreement()
        self.query_one("#agreement-detail", Static).update(
            agreement_detail(agreement, self.today)
            if agreement
            else "No agreement for this school year yet. Press n to start one."
        )
        complaint = self.selected_complaint()
        self.query_one("#complaint-detail", Static).update(
            complaint_detail(complaint, self.today)
            if complaint
            else "No complaint this school year. Press c to log one."
        )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_details()

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.refresh_bindings()
        # A table on a hidden tab had no width of its own: fit it now that it shows.
        self.call_after_refresh(self._draw_tables)

    def _selected(self, selector: str, ids: list[int], model: Any) -> Any:
        table = self.query_one(selector, DataTable)
        if not ids or not 0 <= table.cursor_row < len(ids):
            return None
        return model.get_or_none(model.id == ids[table.cursor_row])

    def selected_agreement(self) -> Agreement | None:
        return self._selected("#agreement-table", self._agreement_ids, Agreement)

    def selected_complaint(self) -> Complaint | None:
        return self._selected("#complaint-table", self._complaint_ids, Complaint)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Agreement keys only on the Agreements tab, complaint keys only on the Complaints tab.
        tab = self.query_one(TabbedContent).active if self.is_mounted else "agreements"
        if action in AGREEMENT_ACTIONS:
            return tab == "agreements"
        if action in COMPLAINT_ACTIONS:
            return tab == "complaints"
        return True

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        self.refresh_bindings()

    def _form(self, title: str, fields: list[FormField], save: Any, done: Any, **kw: Any) -> None:
        # `done` is the message shown once saved, or a function of what `save` returned.
        def after(result: Any) -> None:
            if result is not None:
                self.reload()
                self.notify(done(result) if callable(done) else done)

        self.app.push_screen(RecordForm(title, fields, shown_in_form(save), **kw), after)

    # --- agreements ---------------------------------------------------------------------------

    def action_new_agreement(self) -> None:
        self._form(
            "New agreement for this school year",
            [
                FormField("provider_name", "Agency or company", required=True),
                FormField(
                    "provider_type", "Kind", "select", PROVIDER_TYPES, "law_enforcement_agency"
                ),
                FormField("document_title", "Document title"),
                FormField("document_reference", "Where it is filed"),
            ],
            lambda v: core.start_agreement(
                v["provider_name"],
                v["provider_type"] or "",
                document_title=v["document_title"],
                document_reference=v["document_reference"],
            ),
            "Agreement started: every item is unmet until you mark it.",
        )

    def _need_agreement(self) -> Agreement | None:
        agreement = self.selected_agreement()
        if agreement is None:
            self.notify("Start or choose an agreement first (n).", severity="warning")
        return agreement

    def action_set_item(self) -> None:
        if (agreement := self._need_agreement()) is None:
            return
        items = {code: f"{code} {text}"[:60] for code, text in core.AGREEMENT_ITEMS.items()}
        first_unmet = next((i.code for i in core.agreement_items(agreement) if not i.met), "A1")
        self._form(
            "Checklist item",
            [
                FormField("code", "Item", "select", items, first_unmet),
                FormField("met", "Met by the document", "check", value=True),
                FormField("where_met", "Where (e.g. §4.2, p. 3)"),
            ],
            lambda v: core.set_agreement_item(
                agreement, v["code"] or "", met=v["met"], where_met=v["where_met"]
            ),
            "Checklist updated.",
        )

    def action_log_meeting(self) -> None:
        if (agreement := self._need_agreement()) is None:
            return
        fields = [
            FormField("held_on", "Held on", "date", value=self.today),
            FormField("kind", "Kind", "select", MEETING_KINDS, "meeting"),
            FormField("title", "Title"),
        ]
        fields += [
            FormField(role, f"{label} (how many)", "int")
            for role, label in PARTICIPANT_ROLES.items()
        ]

        def save(v: dict[str, Any]) -> Any:
            people = [{"role": r, "people": v[r]} for r in PARTICIPANT_ROLES if v[r]]
            return core.record_stakeholder_meeting(
                agreement,
                held_on=v["held_on"] or self.today,
                kind=v["kind"] or "",
                participants=people,
                title=v["title"],
                today=self.today,
            )

        self._form(
            "Log a stakeholder meeting, survey or consultation",
            fields,
            save,
            "Meeting logged.",
            intro="Count people by role; names are not needed.",
        )

    def action_adopt(self) -> None:
        if (agreement := self._need_agreement()) is None:
            return
        reasons = core.adoption_problems(agreement, self.today)
        if agreement.adopted_on is None and reasons:
            self.notify(
                "Cannot be adopted yet:\n" + "\n".join(f"• {r}" for r in reasons),
                severity="error",
                timeout=10,
            )
            return
        self._form(
            f"Adopt the agreement with {agreement.provider_name}",
            [
                FormField("adopted_on", "Adopted on", "date", value=self.today),
                FormField("adopted_by", "Adopted by (board, resolution)", required=True),
            ],
            lambda v: core.adopt_agreement(
                agreement,
                adopted_on=v["adopted_on"] or self.today,
                adopted_by=v["adopted_by"],
                today=self.today,
            ),
            "Agreement adopted.",
            confirm_label="Adopt",
        )

    def action_withdraw(self) -> None:
        if (agreement := self._need_agreement()) is None:
            return
        self._form(
            "Withdraw the adoption",
            [FormField("reason", "Why", required=True)],
            lambda v: core.withdraw_adoption(agreement, v["reason"]),
            "Adoption withdrawn; the agreement can be changed again.",
        )

    # --- complaints ---------------------------------------------------------------------------

    def action_new_complaint(self) -> None:
        staff = {s.id: f"{s.display_name} ({employer_text(s)})" for s in list_staff()}
        fields = [
            FormField("received_on", "Received on", "date", value=self.today),
            FormField("received_how", "How", "select", COMPLAINT_CHANNELS, "phone"),
            FormField("complainant_name", "From (name)"),
            FormField("complainant_role", "Who they are", "select", COMPLAINANT_ROLES, "parent"),
            FormField("complainant_contact", "How to reach them"),
            FormField("language", "Their language"),
            FormField("staff", "About (staff member)", "select", staff),
            FormField("staff_description", "…or describe them"),
            FormField("category", "About", "select", COMPLAINT_CATEGORIES, "student_interaction"),
            FormField("what_happened", "What happened", "narrative", required=True),
        ]

        def save(v: dict[str, Any]) -> Any:
            v["staff"] = get_staff(v["staff"]) if v["staff"] else None
            return compl.log_complaint(v, today=self.today)

        self.action_show_tab("complaints")
        self._form("Log a complaint", fields, save, "Complaint logged.")

    def _need_complaint(self) -> Complaint | None:
        complaint = self.selected_complaint()
        if complaint is None:
            self.notify("Choose a complaint first (c logs a new one).", severity="warning")
        return complaint

    def action_route(self) -> None:
        if (c := self._need_complaint()) is None:
            return
        self._form(
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
            lambda v: compl.route_complaint(
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
        self._form(
            "Investigation note",
            [FormField("note", "Note", "narrative", required=True)],
            lambda v: compl.add_investigation_note(c, v["note"], on=self.today),
            "Note added.",
        )

    def action_record_response(self) -> None:
        if (c := self._need_complaint()) is None:
            return
        self._form(
            "Response sent to the complainant",
            [
                FormField("sent_on", "Sent on", "date", value=self.today, required=True),
                FormField("summary", "Summary", "narrative", required=True),
            ],
            lambda v: compl.record_response(
                c, sent_on=v["sent_on"], summary=v["summary"], today=self.today
            ),
            "Response recorded.",
        )

    def action_close(self) -> None:
        if (c := self._need_complaint()) is None:
            return
        self._form(
            "Close the complaint",
            [FormField("closed_on", "Closed on", "date", value=self.today, required=True)],
            lambda v: compl.close_complaint(c, closed_on=v["closed_on"], today=self.today),
            "Complaint closed.",
            confirm_label="Close complaint",
        )

    def action_reopen(self) -> None:
        if (c := self._need_complaint()) is None:
            return
        self._form(
            "Reopen the complaint",
            [FormField("reason", "Why", required=True)],
            lambda v: compl.reopen_complaint(c, v["reason"]),
            "Complaint reopened.",
        )

    # --- files --------------------------------------------------------------------------------

    def action_export(self) -> None:
        def save(v: dict[str, Any]) -> list[Path]:
            return [
                core.export_agreements_csv(v["folder"]),
                compl.export_complaints_csv(v["folder"], today=self.today),
            ]

        self._form(
            "Export agreements and complaints (district CSV)",
            [FormField("folder", "Folder", value=str(EXPORT_FOLDER), required=True)],
            save,
            lambda paths: "Written: " + ", ".join(p.name for p in paths),
            intro="Complaints leave without names, contact details or narrative.",
            confirm_label="Write",
        )

    def action_annual_report(self) -> None:
        from sro_tui.reports import (
            annual_report_incidents,
            annual_report_notes,
            write_annual_report,
        )

        year = current_year()
        self._form(
            "Annual report (RCW 28A.320.1241)",
            [
                FormField("year", "School year", value=year.name if year else "", required=True),
                FormField("folder", "Folder", value=str(EXPORT_FOLDER), required=True),
            ],
            lambda v: write_annual_report(
                v["folder"],
                v["year"],
                incidents=annual_report_incidents,
                incident_notes=annual_report_notes,
            ),
            lambda paths: (
                f"Annual report written to {paths[0].parent}: text for reading "
                f"({paths[0].name}) and CSV for the district ({paths[1].name})."
            ),
            confirm_label="Write",
        )
