"""The Training tab: every safety staff member's training (RCW 28A.320.124), overdue first."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from sro_tui import agreements as core
from sro_tui.records import STAFF_KINDS
from sro_tui.ui.agreements.tab import RecordsTab
from sro_tui.ui.staff.screen import KIND_SHORT, employer_text
from sro_tui.ui.widgets.fit_table import FitColumn


class TrainingTab(RecordsTab):
    """Who is trained, who is overdue and who is due soon; changes are made on the Staff screen."""

    COLUMNS = (
        FitColumn("Name", "name", min_width=14, keep=1),
        FitColumn("Kind", "kind", min_width=8),
        FitColumn("Employer", "employer", min_width=10),
        FitColumn("Training", "training", min_width=32, max_width=70, keep=1),
    )
    TABLE_ID = "training-table"

    def compose(self) -> ComposeResult:
        yield Static("", id="training-summary", classes="screen-summary")
        yield DataTable(id=self.TABLE_ID, cursor_type="row", zebra_stripes=True)

    def load(self) -> None:
        training = core.training_overview(self.today)
        self.rows = [
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
