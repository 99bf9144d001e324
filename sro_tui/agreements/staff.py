"""Saving a safety or security staff member with every free-text field screened.

`records.save_staff` sits below the policy layer and cannot screen text; the screens and the
demo save through `save_safety_staff`, which refuses immigration or citizenship status or place of
birth in any typed field (RCW 10.93.160; Policy 4311) before anything is written.
"""

from __future__ import annotations

from typing import Any

from sro_tui.models import SafetyStaff, School
from sro_tui.policy import immigration_problems
from sro_tui.records import STAFF_TEXT_FIELDS, ValidationError, save_staff


def save_safety_staff(
    values: dict[str, Any], staff: SafetyStaff | None = None, school: School | None = None
) -> SafetyStaff:
    """`records.save_staff`, after screening every typed field. Raises ValidationError (by field)
    without writing."""
    problems = immigration_problems(values, [f for f in STAFF_TEXT_FIELDS if f in values])
    if problems:
        raise ValidationError(problems)
    return save_staff(values, staff, school)
