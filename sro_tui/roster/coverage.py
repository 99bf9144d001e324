"""Whether the school's families are on record: for the families screen and the notices, which
must say so when a roster came without guardians rather than show an empty list as "done"."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sro_tui.models import AuditEvent, School, Student, StudentGuardian


@dataclass(frozen=True)
class FamilyCoverage:
    """Enrolled students, how many have no guardian on record, and whether the latest roster
    import named no guardian at all (`families_missing`)."""

    enrolled: int
    without_guardian: int
    last_import_without_families: bool

    @property
    def families_missing(self) -> bool:
        """True when families are missing for most students, or the last roster had none: the
        families screen then says so and points at a roster with guardians."""
        if self.last_import_without_families:
            return True
        return self.enrolled > 0 and self.without_guardian * 2 > self.enrolled

    def message(self) -> str:
        """One line for the screen ('' when every enrolled student has a guardian)."""
        if not self.families_missing:
            if self.without_guardian:
                return (
                    f"{self.without_guardian:,} of {self.enrolled:,} enrolled students have no "
                    "guardian on record: no family notice can reach them. Add their guardians "
                    "in the SIS and import the roster again."
                )
            return ""
        return (
            f"{self.without_guardian:,} of {self.enrolled:,} enrolled students have no guardian "
            "on record: the roster imported had no guardian columns. Import a file with "
            "guardians (or a contacts export with --contacts) so families can be notified."
        )


def family_coverage(school: School) -> FamilyCoverage:
    """How complete the school's families are (two counts and the latest import's audit)."""
    enrolled = Student.select().where(Student.school == school, Student.active == True)  # noqa: E712
    with_guardian = (
        StudentGuardian.select(StudentGuardian.student)
        .join(Student)
        .where(Student.school == school, Student.active == True)  # noqa: E712
        .distinct()
    )
    total = enrolled.count()
    missing = total - with_guardian.count()
    last = (
        AuditEvent.select(AuditEvent.after)
        .where(
            AuditEvent.action == "import",
            AuditEvent.table_name == "student",
            AuditEvent.record_id == school.record_id,
        )
        .order_by(AuditEvent.id.desc())
        .first()
    )
    without = False
    if last is not None and last.after:
        try:
            without = bool(json.loads(last.after).get("families_missing", False))
        except ValueError:
            without = False
    return FamilyCoverage(total, missing, without)
