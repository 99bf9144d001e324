"""One student as the roster screen shows them: who, where, their guardians and households.

Demographics are left out on purpose: the roster screen shows what the office needs to reach a
family, nothing more (minimum necessary).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from peewee import JOIN

from sro_tui.models import Guardian, Household, Student, StudentGuardian


@dataclass(frozen=True)
class GuardianContact:
    """A guardian linked to the student, with what the office needs to reach them."""

    name: str
    relationship: str
    active: bool
    phone: str
    email: str
    preferred_language: str
    receives_notices: bool
    mailing_address: str


@dataclass(frozen=True)
class HouseholdLine:
    label: str
    address: str


@dataclass(frozen=True)
class StudentDetail:
    """A student's names, place in the school, guardians (by name) and households."""

    display_name: str
    legal_name: str
    preferred_name: str
    sis_id: str
    grade: str
    homeroom: str
    active: bool
    guardians: list[GuardianContact] = field(default_factory=list)
    households: list[HouseholdLine] = field(default_factory=list)


def student_detail(student_id: int) -> StudentDetail | None:
    """The student with this database id, their guardians and households (None when gone)."""
    student = Student.get_or_none(Student.id == student_id)
    if student is None:
        return None
    links = (
        StudentGuardian.select(StudentGuardian, Guardian, Household)
        .join(Guardian)
        .join(Household, JOIN.LEFT_OUTER, on=(Guardian.household == Household.id))
        .where(StudentGuardian.student == student)
        .order_by(Guardian.last_name, Guardian.first_name)
    )
    guardians: list[GuardianContact] = []
    households: dict[int, HouseholdLine] = {}
    for link in links:
        g = link.guardian
        guardians.append(
            GuardianContact(
                name=g.display_name,
                relationship=link.relationship,
                active=g.active,
                phone=g.phone,
                email=g.email,
                preferred_language=g.preferred_language,
                receives_notices=link.receives_notices,
                mailing_address=g.mailing_address,
            )
        )
        if g.household_id:
            households[g.household_id] = HouseholdLine(g.household.label, g.household.address)
    legal = " ".join(p for p in (student.first_name, student.middle_name, student.last_name) if p)
    return StudentDetail(
        display_name=student.display_name,
        legal_name=legal,
        preferred_name=student.preferred_name,
        sis_id=student.sis_id,
        grade=student.grade,
        homeroom=student.homeroom,
        active=student.active,
        guardians=guardians,
        households=list(households.values()),
    )
