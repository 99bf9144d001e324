"""The School form: the school's name, its own short code, the OSPI building code and the
county-district code. Asked on the first import, editable later from the roster screen.

A `RecordForm` (each problem under its box, the focus on the first bad one) that only asks and
checks; it dismisses the `SchoolIdentity`, which the roster screen saves through
`sro_tui.roster.set_school_identity`.
"""

from __future__ import annotations

from typing import Any

from sro_tui.records import ValidationError
from sro_tui.roster import SchoolIdentity, identity_field_problems
from sro_tui.ui.roster.fields import OrderedInput
from sro_tui.ui.widgets.record_form import FormField, RecordForm

# (SchoolIdentity field, label, placeholder)
FIELDS = (
    ("name", "School name", "e.g. Port Townsend High School"),
    ("code", "Short code (in every export)", "e.g. PTHS"),
    ("building_code", "OSPI building code (optional)", "4 digits, e.g. 3021"),
    ("district_code", "County-district code (optional)", "5 digits, e.g. 16050"),
)


def check_identity(values: dict[str, Any]) -> SchoolIdentity:
    """The identity typed, or ValidationError with each problem by its field."""
    identity = SchoolIdentity(**{name: (values[name] or "").strip() for name, _l, _p in FIELDS})
    problems = {}
    if not identity.name:
        problems["name"] = "Type the school's name."
    if not identity.code:
        problems["code"] = "Type the school's short code (letters and digits, e.g. PTHS)."
    for name, problem in identity_field_problems(identity).items():
        problems.setdefault(name, problem[0].upper() + problem[1:] + ".")
    if problems:
        raise ValidationError(problems)
    return identity


class SchoolForm(RecordForm):
    """Edit the school's name and codes; dismisses the SchoolIdentity to save, or None."""

    DIALOG_TITLE = "School: name and codes"
    TITLE_TEXT = "The school"
    INTRO = (
        "Changing the code keeps every record as it is; exports carry the new code from now on. "
        "Every change is kept in the audit trail."
    )
    # Keys typed faster than the focus moves (a name, Tab, a code) stay in order.
    TEXT_BOX = OrderedInput

    def __init__(self, current: SchoolIdentity | None = None):
        current = current or SchoolIdentity()
        fields = [
            FormField(name, label, value=getattr(current, name) or "", placeholder=placeholder)
            for name, label, placeholder in FIELDS
        ]
        super().__init__(
            self.TITLE_TEXT, fields, check_identity, intro=self.INTRO, enter_saves=True
        )
        self.current = current

    def first_field(self) -> str | None:
        # The first of name and code still to type (a new school's roster may name it).
        for field in self.fields[:2]:
            if not field.value:
                return field.name
        return "name"
