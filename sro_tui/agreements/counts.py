"""What the school owes on staff training, this year's agreements and families' complaints, and
the counts of it for the dashboard and `sro-tui status` (`review` and `complaints` record them).

Training (RCW 28A.400.345): each active staff member's state, from the series completed, the due
date the school set, and the law's own date counted from the first day on school property.

A module of its own, small and quick to import, its counts in plain SQL on a DB-API connection,
without peewee: the dashboard reads them at every start, before the database is opened
(`reports.status`). What lists records imports the models where it is used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from sro_tui.glance import as_date

if TYPE_CHECKING:
    from peewee import ModelSelect

    from sro_tui.glance import SchoolRow, YearRow
    from sro_tui.models import Agreement, Complaint, SafetyStaff, School, SchoolYear

# --- training ---------------------------------------------------------------------------------

TRAINING_DUE_SOON_DAYS = 30
TRAINING_STATES = {
    "completed": "Training series completed",
    "overdue": "Training overdue",
    "due_soon": "Training due soon",
    "planned": "Training planned",
    "no_plan": "No training recorded or planned",
}


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):  # clamp Aug 31 + 6 months to Feb 28/29
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def statutory_training_deadlines(first_day_on_site: date, kind: str) -> dict[str, date]:
    """The latest dates RCW 28A.400.345(2) allows for each part of the series, counted from the
    first day the person works on school property when students are expected to be present.

    Returns {"classroom": +6 months, "on_the_job": +1 year, "check_ins": +1 year (not for SROs)}.
    """
    within_year = _add_months(first_day_on_site, 12) - timedelta(days=1)
    deadlines = {
        "classroom": _add_months(first_day_on_site, 6) - timedelta(days=1),
        "on_the_job": within_year,
    }
    if kind != "sro":
        deadlines["check_ins"] = within_year
    return deadlines


@dataclass(frozen=True)
class TrainingState:
    """Where one staff member stands: `state` is a key of TRAINING_STATES; `days` is how many days
    overdue (state overdue) or until due (planned / due_soon)."""

    staff: SafetyStaff
    state: str
    due_on: date | None = None
    days: int | None = None

    @property
    def label(self) -> str:
        if self.state == "completed":
            done = self.staff.training_completed_on
            ref = self.staff.training_reference
            return f"Completed {done:%Y-%m-%d}" + (f" ({ref})" if ref else "")
        if self.state == "overdue":
            return f"Overdue by {self.days} day(s) (due {self.due_on:%Y-%m-%d})"
        if self.state in ("due_soon", "planned"):
            return f"Due {self.due_on:%Y-%m-%d}, in {self.days} day(s)"
        return TRAINING_STATES["no_plan"]


def training_state(staff: SafetyStaff, today: date | None = None) -> TrainingState:
    """Completed, overdue (due date passed), due soon (within TRAINING_DUE_SOON_DAYS), planned, or
    no plan (nothing completed and no due date)."""
    today = today or date.today()
    if staff.training_status == "completed" and staff.training_completed_on:
        return TrainingState(staff, "completed")
    due = staff.training_due_on
    if staff.first_day_on_site is not None:
        # RCW 28A.400.345(2): the classroom series within six months of the first day on school
        # property. A plan due later than that does not move the law's date.
        legal = statutory_training_deadlines(staff.first_day_on_site, staff.kind)["classroom"]
        due = legal if due is None else min(due, legal)
    if due is None:
        return TrainingState(staff, "no_plan")
    days = (due - today).days
    if days < 0:
        return TrainingState(staff, "overdue", due, -days)
    if days <= TRAINING_DUE_SOON_DAYS:
        return TrainingState(staff, "due_soon", due, days)
    return TrainingState(staff, "planned", due, days)


def training_overview(
    today: date | None = None, school: School | None = None
) -> list[TrainingState]:
    """Every active staff member's training state, overdue first, then by due date and name."""
    from sro_tui.models import SafetyStaff
    from sro_tui.records import get_school

    school = school or get_school()
    query = SafetyStaff.select().where(SafetyStaff.active == True)  # noqa: E712
    if school is not None:
        query = query.where(SafetyStaff.school == school)
    order = {"overdue": 0, "no_plan": 1, "due_soon": 2, "planned": 3, "completed": 4}
    states = [training_state(s, today) for s in query]
    return sorted(
        states,
        key=lambda t: (order[t.state], t.due_on or date.max, t.staff.last_name, t.staff.first_name),
    )


# --- agreements and complaints -----------------------------------------------------------------


def agreements_for_year(
    year: SchoolYear | None = None, school: School | None = None
) -> list[Agreement]:
    """The year's agreements (default: the current school and year), by provider name."""
    from sro_tui.models import Agreement
    from sro_tui.records import current_year, get_school

    school, year = school or get_school(), year or current_year()
    if school is None or year is None:
        return []
    return list(
        Agreement.select()
        .where((Agreement.school == school) & (Agreement.school_year == year))
        .order_by(Agreement.provider_name)
    )


@dataclass
class ProviderGap:
    """An agency or company whose staff work at the school with no agreement adopted this year."""

    provider_name: str
    provider_type: str
    staff: list[SafetyStaff] = field(default_factory=list)
    agreement: Agreement | None = None  # the agreement in progress, if any

    @property
    def message(self) -> str:
        names = ", ".join(s.display_name for s in self.staff)
        state = "its agreement is not adopted yet" if self.agreement else "there is no agreement"
        return f"{self.provider_name} supplies {names}; {state} for this school year"


def _contracted_staff(school: School) -> ModelSelect:
    """Active staff employed by an agency or company (not the district): they need an agreement."""
    from sro_tui.models import SafetyStaff

    return SafetyStaff.select().where(
        (SafetyStaff.school == school)
        & (SafetyStaff.active == True)  # noqa: E712
        & (SafetyStaff.employer_type != "district")
    )


def has_contracted_staff(school: School | None = None) -> bool:
    """Whether any active staff member here works for a police agency or security company (when
    none does, no agreement is owed, and "every provider has one" would be empty words)."""
    from sro_tui.records import get_school

    school = school or get_school()
    return school is not None and _contracted_staff(school).exists()


def providers_without_adopted_agreement(
    year: SchoolYear | None = None, school: School | None = None
) -> list[ProviderGap]:
    """Agencies and companies with active staff on the roster and no adopted agreement this year
    (names compared without case or accents)."""
    from sro_tui.models import SafetyStaff
    from sro_tui.records import current_year, get_school
    from sro_tui.search import fold

    school, year = school or get_school(), year or current_year()
    if school is None or year is None:
        return []
    agreements = {fold(a.provider_name): a for a in agreements_for_year(year, school)}
    gaps: dict[str, ProviderGap] = {}
    staff = _contracted_staff(school).order_by(SafetyStaff.last_name, SafetyStaff.first_name)
    for person in staff:
        key = fold(person.employer_name)
        agreement = agreements.get(key)
        if agreement is not None and agreement.adopted_on is not None:
            continue
        gap = gaps.setdefault(
            key, ProviderGap(person.employer_name, person.employer_type, agreement=agreement)
        )
        gap.staff.append(person)
    return sorted(gaps.values(), key=lambda g: fold(g.provider_name))


def complaint_age_days(complaint: Complaint, today: date | None = None) -> int:
    """Days since the complaint was received, up to its closing (or today when open)."""
    end = complaint.closed_on or today or date.today()
    return (end - complaint.received_on).days


def open_complaints(
    today: date | None = None, school: School | None = None
) -> list[tuple[Complaint, int]]:
    """Every open complaint (any year) with its age in days, oldest first."""
    from sro_tui.models import Complaint
    from sro_tui.records import get_school

    school = school or get_school()
    query = Complaint.select().where(Complaint.closed_on.is_null())
    if school is not None:
        query = query.where(Complaint.school == school)
    query = query.order_by(Complaint.received_on, Complaint.id)
    return [(c, complaint_age_days(c, today)) for c in query]


# --- status for the dashboard and `sro-tui status` --------------------------------------------


def agreements_status(
    today: date | None = None, school: School | None = None, year: SchoolYear | None = None
) -> dict[str, Any]:
    """What the school owes on training, agreements and complaints (of the given, else the
    current, school and year): `count_agreements` on the models' database."""
    from sro_tui.db import connection
    from sro_tui.records import current_year, get_school

    return count_agreements(connection(), school or get_school(), year or current_year(), today)


class _StaffTraining(NamedTuple):
    """What `training_state` reads of a staff member, as peewee's fields give it."""

    kind: str
    training_status: str
    training_completed_on: date | None
    training_reference: str
    training_due_on: date | None
    first_day_on_site: date | None


_TRAINING = (
    'SELECT "kind", "training_status", "training_completed_on", "training_reference",'
    ' "training_due_on", "first_day_on_site" FROM "safety_staff" WHERE "active" = 1'
)
# The year's agreements by provider name (`agreements_for_year`).
_AGREEMENTS = (
    'SELECT "provider_name", "adopted_on" FROM "agreement"'
    ' WHERE "school_id" = ? AND "school_year_id" = ? ORDER BY "provider_name"'
)
# Who needs an agreement (`_contracted_staff`), in `providers_without_adopted_agreement`'s order.
_CONTRACTED = (
    'SELECT "employer_name" FROM "safety_staff"'
    ' WHERE "school_id" = ? AND "active" = 1 AND "employer_type" != ?'
    ' ORDER BY "last_name", "first_name"'
)
_OPEN_COMPLAINTS = 'SELECT "received_on" FROM "complaint" WHERE "closed_on" IS NULL'
_OF_SCHOOL = ' AND "school_id" = ?'


def count_agreements(
    db: Any,
    school: School | SchoolRow | None,
    year: SchoolYear | YearRow | None,
    today: date | None = None,
) -> dict[str, Any]:
    """What the school owes on training, agreements and complaints (`year`'s), JSON-ready, read
    on the DB-API connection `db`:
    training_overdue / training_due_soon (within training_due_soon_days) / training_no_plan
    (counts), agreements_adopted, agreements_in_review, providers_without_agreement (names),
    complaints_open and oldest_open_complaint_days (None when no complaint is open)."""
    today = today or date.today()
    of_school = () if school is None else (school.id,)
    where = "" if school is None else _OF_SCHOOL
    staff = [
        _StaffTraining(kind, status, as_date(done), ref, as_date(due), as_date(first))
        for kind, status, done, ref, due, first in db.execute(_TRAINING + where, of_school)
    ]
    states = [training_state(person, today).state for person in staff]  # type: ignore[arg-type]
    agreements: list[tuple[str, date | None]] = []
    gaps: dict[str, tuple[str, bool]] = {}  # folded name: (name as first listed, in review)
    if school is not None and year is not None:
        from sro_tui.search import fold  # names compared without case or accents

        agreements = [
            (name, as_date(adopted))
            for name, adopted in db.execute(_AGREEMENTS, (school.id, year.id))
        ]
        adopted_by_name = {fold(name): adopted for name, adopted in agreements}
        for (employer,) in db.execute(_CONTRACTED, (school.id, "district")):
            key = fold(employer)
            if key in adopted_by_name and adopted_by_name[key] is not None:
                continue
            gaps.setdefault(key, (employer, key in adopted_by_name))
    listed = sorted(gaps.values(), key=lambda gap: fold(gap[0]))
    ages = [
        (today - as_date(received)).days
        for (received,) in db.execute(_OPEN_COMPLAINTS + where, of_school)
    ]
    return {
        "training_due_soon_days": TRAINING_DUE_SOON_DAYS,
        "training_overdue": states.count("overdue"),
        "training_due_soon": states.count("due_soon"),
        "training_no_plan": states.count("no_plan"),
        "agreements_adopted": sum(1 for _name, adopted in agreements if adopted is not None),
        "agreements_in_review": sum(1 for _name, adopted in agreements if adopted is None),
        "providers_without_agreement": [name for name, _review in listed],
        # The same providers, split so a screen never reads "1 in review" beside two names.
        "providers_in_review": [name for name, in_review in listed if in_review],
        "providers_with_no_agreement": [name for name, in_review in listed if not in_review],
        "agreements_adopted_with": sorted(name for name, adopted in agreements if adopted),
        "complaints_open": len(ages),
        "oldest_open_complaint_days": max(ages, default=None),
    }
