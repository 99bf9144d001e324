"""The add/edit form for a safety or security staff member: a `RecordForm` whose save is
`agreements.save_safety_staff` (text screened, then `records.save_staff`). Every rule the form
breaks is shown at once, each under its field."""

from __future__ import annotations

from typing import Any

from textual.widgets import Select

from sro_tui.agreements import save_safety_staff
from sro_tui.records import (
    EMPLOYER_TYPES,
    STAFF_FIELDS,
    STAFF_KINDS,
    TRAINING_STATUSES,
    validate_staff,
)
from sro_tui.ui.widgets.dialogs import YesNoCheckbox
from sro_tui.ui.widgets.record_form import FormField, RecordForm

LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "kind": "Kind",
    "commissioned": "Commissioned officer",
    "employer_type": "Employed by",
    "employer_name": "Agency / company",
    "days_per_week": "Days per week on site",
    "training_status": "Training (RCW 28A.320.124)",
    "training_completed_on": "Completed on",
    "training_reference": "Where the ESD record is filed",
    "training_plan": "Training plan",
    "training_due_on": "Planned training due",
    "email": "E-mail",
    "phone": "Phone",
    "active": "Active (works at the school)",
    "first_day_on_site": "First day on site (training deadlines count from it)",
    "last_day_on_site": "Last day on site (if they left)",
}
CHOICES: dict[str, dict[str, str]] = {
    "kind": STAFF_KINDS,
    "employer_type": EMPLOYER_TYPES,
    "training_status": TRAINING_STATUSES,
}
DATE_FIELDS = ("training_completed_on", "training_due_on", "first_day_on_site", "last_day_on_site")
CHECKBOX_FIELDS = ("commissioned", "active")
NEW_STAFF_DEFAULTS: dict[str, Any] = {
    "kind": "school_security_officer",
    "employer_type": "district",
    "training_status": "not_started",
    "days_per_week": 5.0,
    "commissioned": False,
    "active": True,
}


def staff_fields(staff: Any = None) -> list[FormField]:
    """The form's fields, filled from `staff` (a SafetyStaff) or with a new record's defaults."""
    fields = []
    for name in STAFF_FIELDS:
        if name == "active" and staff is None:
            continue  # a new record is active; deactivating is its own action
        value = getattr(staff, name) if staff is not None else NEW_STAFF_DEFAULTS.get(name)
        if name in CHOICES:
            kind = "select"
        elif name in CHECKBOX_FIELDS:
            kind = "check"
        elif name in DATE_FIELDS:
            kind = "date"
        else:
            kind = "text"  # days per week too: the core says what is wrong with it
        fields.append(FormField(name, LABELS[name], kind, CHOICES.get(name), value))
    return fields


class StaffForm(RecordForm):
    """Add a staff member (`staff=None`) or edit one; dismisses with the saved record or None."""

    DIALOG_TITLE = "Staff form"

    def __init__(self, staff: Any = None):
        heading = f"Edit {staff.display_name}" if staff else "Add safety or security staff"
        super().__init__(heading, staff_fields(staff), self._save)
        self.staff = staff

    def _save(self, values: dict[str, Any]) -> Any:
        return save_safety_staff(values, self.staff)

    def problems_before_save(
        self, values: dict[str, Any], problems: dict[str, str]
    ) -> dict[str, str]:
        # Show every rule the form breaks at once, not one per attempt.
        current = {f: getattr(self.staff, f) for f in STAFF_FIELDS} if self.staff else {}
        typed = {k: v for k, v in values.items() if k not in problems}
        return {**validate_staff({**current, **typed}), **problems}

    def on_select_changed(self, event: Select.Changed) -> None:
        # A new SRO is by law a commissioned officer assigned by a police department or sheriff:
        # fill those in rather than make the person fix two errors.
        if self.staff is None and event.select.id == "field-kind" and event.value == "sro":
            self.query_one("#field-commissioned", YesNoCheckbox).value = True
            self.query_one("#field-employer_type", Select).value = "law_enforcement_agency"
