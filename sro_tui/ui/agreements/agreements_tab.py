"""The Agreements tab: this year's agreements with each agency or company, their A1–C checklist,
the stakeholder review, adoption and its withdrawal."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Static

from sro_tui import agreements as core
from sro_tui.ui.agreements.details import agreement_detail
from sro_tui.ui.agreements.tab import RecordsTab
from sro_tui.ui.widgets.fit_table import FitColumn
from sro_tui.ui.widgets.record_form import FormField


class AgreementsTab(RecordsTab):
    """The year's agreements beside the one under the cursor."""

    COLUMNS = (
        FitColumn("Agency / company", "provider", min_width=16, keep=1),
        FitColumn("Status", "status"),
        FitColumn("Items", "items"),
        FitColumn("Took part (P/S/C)", "took_part", min_width=10),  # parents/students/community
    )
    TABLE_ID = "agreement-table"

    def compose(self) -> ComposeResult:
        with Horizontal(classes="master-detail"):
            yield DataTable(id=self.TABLE_ID, cursor_type="row", zebra_stripes=True)
            with VerticalScroll(classes="detail"):
                yield Static("", id="agreement-detail")

    def load(self) -> None:
        agreements = core.agreements_for_year()
        self.ids = [a.id for a in agreements]
        self.rows = []
        for agreement in agreements:
            counts = core.participation_counts(agreement)
            met = sum(i.met for i in agreement.items)
            self.rows.append(
                (
                    agreement.provider_name,
                    f"adopted {agreement.adopted_on}" if agreement.adopted_on else "in review",
                    f"{met}/{len(core.AGREEMENT_ITEMS)}",
                    " / ".join(str(counts[r]) for r in core.REQUIRED_ROLES),
                )
            )

    def selected(self) -> Any:
        """The agreement under the cursor, or None."""
        agreement_id = self.selected_id()
        return core.get_agreement(agreement_id) if agreement_id is not None else None

    def show_detail(self) -> None:
        agreement = self.selected()
        self.query_one("#agreement-detail", Static).update(
            agreement_detail(agreement, self.today)
            if agreement
            else "No agreement for this school year yet. Press n to start one."
        )

    def _need_agreement(self) -> Any:
        agreement = self.selected()
        if agreement is None:
            self.notify("Start or choose an agreement first (n).", severity="warning")
        return agreement

    def action_new_agreement(self) -> None:
        self.open_form(
            "New agreement for this school year",
            [
                FormField("provider_name", "Agency or company", required=True),
                FormField(
                    "provider_type",
                    "Kind",
                    "select",
                    core.PROVIDER_TYPES,
                    "law_enforcement_agency",
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

    def action_set_item(self) -> None:
        if (agreement := self._need_agreement()) is None:
            return
        items = {code: f"{code} {text}"[:60] for code, text in core.AGREEMENT_ITEMS.items()}
        first_unmet = next((i.code for i in core.agreement_items(agreement) if not i.met), "A1")
        self.open_form(
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
            FormField("kind", "Kind", "select", core.MEETING_KINDS, "meeting"),
            FormField("title", "Title"),
        ]
        fields += [
            FormField(role, f"{label} (how many)", "int")
            for role, label in core.PARTICIPANT_ROLES.items()
        ]

        def save(v: dict[str, Any]) -> Any:
            people = [{"role": r, "people": v[r]} for r in core.PARTICIPANT_ROLES if v[r]]
            return core.record_stakeholder_meeting(
                agreement,
                held_on=v["held_on"] or self.today,
                kind=v["kind"] or "",
                participants=people,
                title=v["title"],
                today=self.today,
            )

        self.open_form(
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
        self.open_form(
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
        self.open_form(
            "Withdraw the adoption",
            [FormField("reason", "Why", required=True)],
            lambda v: core.withdraw_adoption(agreement, v["reason"]),
            "Adoption withdrawn; the agreement can be changed again.",
        )
