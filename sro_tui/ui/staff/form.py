"""The add/edit form for a safety or security staff member (a ModalScreen).

Saving goes through `records.save_staff`; its `ValidationError.problems` are shown next to the
fields they concern and the form stays open until the record saves or the person cancels.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from sro_tui.models import EMPLOYER_TYPES, STAFF_KINDS, TRAINING_STATUSES, SafetyStaff
from sro_tui.records import STAFF_FIELDS, ValidationError, parse_date, save_staff, validate_staff
from sro_tui.ui.widgets.dialogs import YesNoCheckbox

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
}
CHOICES: dict[str, dict[str, str]] = {
    "kind": STAFF_KINDS,
    "employer_type": EMPLOYER_TYPES,
    "training_status": TRAINING_STATUSES,
}
DATE_FIELDS = ("training_completed_on", "training_due_on")
CHECKBOX_FIELDS = ("commissioned", "active")


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class StaffForm(ModalScreen[SafetyStaff | None]):
    """Add a staff member (`staff=None`) or edit one; dismisses with the saved record or None."""

    DIALOG_TITLE = "Staff form"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="staff_form.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="staff_form.cancel"),
    ]

    def __init__(self, staff: SafetyStaff | None = None):
        super().__init__()
        self.staff = staff

    def _initial(self, field: str) -> Any:
        if self.staff is not None:
            return getattr(self.staff, field)
        defaults: dict[str, Any] = {
            "kind": "school_security_officer",
            "employer_type": "district",
            "training_status": "not_started",
            "days_per_week": 5.0,
            "commissioned": False,
            "active": True,
        }
        return defaults.get(field, "")

    def _field_widget(self, field: str) -> Widget:
        value = self._initial(field)
        widget_id = f"field-{field}"
        if field in CHOICES:
            return Select(
                [(label, key) for key, label in CHOICES[field].items()],
                value=value,
                allow_blank=False,
                id=widget_id,
                compact=True,
            )
        if field in CHECKBOX_FIELDS:
            return YesNoCheckbox(bool(value), id=widget_id, compact=True)
        placeholder = "YYYY-MM-DD" if field in DATE_FIELDS else ""
        return Input(_as_text(value), placeholder=placeholder, id=widget_id, compact=True)

    def compose(self) -> ComposeResult:
        heading = (
            f"Edit {self.staff.display_name}" if self.staff else "Add safety or security staff"
        )
        with Vertical(id="staff-form", classes="dialog"):
            yield Static(heading, classes="dialog-title")
            yield Static("", id="form-error", classes="field-error")
            with VerticalScroll(id="staff-fields"):
                for field in STAFF_FIELDS:
                    if field == "active" and self.staff is None:
                        continue  # a new record is active; deactivating is its own action
                    with Horizontal(classes="form-row"):
                        yield Label(LABELS[field], classes="form-label")
                        yield self._field_widget(field)
                    yield Static("", id=f"error-{field}", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel (Esc)", id="cancel")

    def on_mount(self) -> None:
        self.show_problems({})
        self.query_one("#field-first_name", Input).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        # A new SRO is by law a commissioned officer assigned by a police department or sheriff:
        # fill those in rather than make the person fix two errors.
        if self.staff is None and event.select.id == "field-kind" and event.value == "sro":
            self.query_one("#field-commissioned", Checkbox).value = True
            self.query_one("#field-employer_type", Select).value = "law_enforcement_agency"

    def form_values(self) -> tuple[dict[str, Any], dict[str, str]]:
        """The values typed in, and the problems found while reading them (bad dates)."""
        values: dict[str, Any] = {}
        problems: dict[str, str] = {}
        for field in STAFF_FIELDS:
            matches = self.query(f"#field-{field}")
            if not matches:
                continue
            widget = matches.first()
            if isinstance(widget, Select):
                values[field] = widget.value
            elif isinstance(widget, Checkbox):
                values[field] = widget.value
            elif isinstance(widget, Input):
                text = widget.value.strip()
                if field in DATE_FIELDS:
                    try:
                        values[field] = parse_date(text) if text else None
                    except ValueError as exc:
                        problems[field] = str(exc)
                        values[field] = None
                else:
                    values[field] = text
        return values, problems

    def show_problems(self, problems: dict[str, str]) -> None:
        """Show each problem under its field; problems about no field go at the top."""
        for error in self.query(".field-error"):
            error.display = False
        general = []
        for field, reason in problems.items():
            matches = self.query(f"#error-{field}")
            if matches:
                error = matches.first(Static)
                error.update(f"↑ {reason}")
                error.display = True
            else:
                general.append(reason)
        top = self.query_one("#form-error", Static)
        top.update("\n".join(general))
        top.display = bool(general)
        for field in STAFF_FIELDS:
            if field in problems and self.query(f"#field-{field}"):
                self.query_one(f"#field-{field}").focus()
                break

    def action_save(self) -> None:
        values, problems = self.form_values()
        if problems:
            # Show every rule the form breaks at once, not one per attempt.
            merged = {**validate_staff({**self._current_record(), **values}), **problems}
            self.show_problems(merged)
            return
        try:
            saved = save_staff(values, self.staff)
        except ValidationError as exc:
            self.show_problems(exc.problems)
            return
        self.dismiss(saved)

    def _current_record(self) -> dict[str, Any]:
        if self.staff is None:
            return {}
        return {f: getattr(self.staff, f) for f in STAFF_FIELDS}

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        # Enter moves to the next field, as on a paper form; ctrl+s saves.
        event.stop()
        self.focus_next()
