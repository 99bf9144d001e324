"""The records the state and federal reports count, in one plain shape for a school's own database
and for the district's merged one (`district.state_reports` reads the bundles into the same shape).

What is counted, the same on both sides: every request that left the draft stage (submitted,
reviewed, or refused as discipline — the district never receives drafts), with its restraint or
isolation record, its law-enforcement activities and the students involved.

Who a count is about: a student whose recorded outcomes on the request carry it ("use_of_force"
for a restraint, "arrest" for an arrest) — or, when no student on the request carries it, the
subject(s) of the request, never a target or a witness (the rule of the annual report,
`reports.incidents`). An isolation has no outcome of its own: it is about the subject(s), or the
students recorded with use of force on the same request.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from peewee import JOIN

from sro_tui.models import (
    InterventionRequest,
    InterventionStudent,
    LawEnforcementActivity,
    RestraintIsolation,
    School,
    SchoolYear,
    Student,
)

# CRDC: "Citations, tickets, court referrals, and school-related arrests are considered referrals
# to law enforcement." Interviews, searches and detentions alone are not referrals.
REFERRAL_KINDS = frozenset(
    {
        "arrest",
        "citation",
        "delinquency_petition",
        "probation_referral",
        "other_juvenile_justice_referral",
    }
)


class StateStudent(NamedTuple):
    """A student from the roster as the reports need them: ids and the demographics the law asks
    for. `iep`, `section_504`, `english_learner` are None when not recorded."""

    sis_id: str
    ssid: str = ""
    race_ethnicity: str = ""
    sex: str = ""
    iep: bool | None = None
    section_504: bool | None = None
    english_learner: bool | None = None


class InvolvedStudent(NamedTuple):
    student: StateStudent | None  # None: a person described in words, not on the roster
    role: str
    outcomes: frozenset[str] = frozenset()


class StateRestraint(NamedTuple):
    """A restraint or isolation record: what RCW 28A.600.485 and the S file count."""

    restraint: bool
    isolation: bool
    started_at: datetime | None  # the school's wall clock
    duration_minutes: int | None
    type_codes: tuple[str, ...] = ()
    student_injured: bool | None = None
    staff_injured_count: int | None = None


@dataclass(slots=True)
class StateIncident:
    """One request that left the draft stage."""

    record_id: str
    occurred_at: datetime | None
    students: tuple[InvolvedStudent, ...] = ()
    law_enforcement: tuple[str, ...] = ()  # kinds, policy.LAW_ENFORCEMENT_ACTIVITIES
    restraint: StateRestraint | None = None

    def _about(self, outcome: str) -> list[StateStudent]:
        known = [s for s in self.students if s.student is not None]
        carrying = [s for s in known if outcome in s.outcomes]
        chosen = carrying or [s for s in known if s.role == "subject"]
        seen: dict[str, StateStudent] = {}
        for link in chosen:
            seen.setdefault(link.student.sis_id, link.student)  # type: ignore[union-attr]
        return list(seen.values())

    def restrained_students(self) -> list[StateStudent]:
        """The students the restraint or isolation was used on (see the module docstring)."""
        return self._about("use_of_force") if self.restraint else []

    def arrested_students(self) -> list[StateStudent]:
        """Students arrested: an arrest activity, or an arrest outcome recorded on a student."""
        if "arrest" in self.law_enforcement or any("arrest" in s.outcomes for s in self.students):
            return self._about("arrest")
        return []

    def referred_students(self) -> list[StateStudent]:
        """Students referred to law enforcement (CRDC: citations, court referrals and arrests):
        those arrested, and for another referral the subject(s) of the request."""
        found = {s.sis_id: s for s in self.arrested_students()}
        if (REFERRAL_KINDS - {"arrest"}).intersection(self.law_enforcement):
            for s in self._about("referral"):  # no such outcome: the subject(s)
                found.setdefault(s.sis_id, s)
        return list(found.values())

    def unknown_people(self) -> int:
        """People on the request described in words only: never counted as students."""
        return sum(1 for s in self.students if s.student is None)


@dataclass
class StateSchool:
    """One building's records of one school year."""

    code: str
    name: str
    ospi_building_code: str = ""
    county_district_code: str = ""
    incidents: list[StateIncident] = field(default_factory=list)


def minutes_between(start: datetime | None, end: datetime | None) -> int | None:
    """Whole minutes from start to end, None when either is unknown."""
    if start is None or end is None:
        return None
    return int((end - start).total_seconds() // 60)


def type_codes_of(text: str) -> tuple[str, ...]:
    """'2,14' or '2;14' -> ('2', '14')."""
    return tuple(c.strip() for c in text.replace(";", ",").split(",") if c.strip())


def school_state_records(school: School, year: SchoolYear) -> StateSchool:
    """The school's own records of `year` in the reports' shape (the school's database open)."""
    ir = InterventionRequest
    requests = list(
        ir.select(ir.id, ir.record_id, ir.occurred_at)
        .where(ir.school == school, ir.school_year == year, ir.status != "draft")
        .order_by(ir.occurred_at, ir.id)
        .tuples()
    )
    ids = [r[0] for r in requests]
    students: dict[int, list[InvolvedStudent]] = defaultdict(list)
    kinds: dict[int, list[str]] = defaultdict(list)
    restraints: dict[int, StateRestraint] = {}
    for chunk in _chunks(ids):
        query = (
            InterventionStudent.select(InterventionStudent, Student)
            .join(Student, JOIN.LEFT_OUTER)
            .where(InterventionStudent.request.in_(chunk))
            .order_by(InterventionStudent.id)
        )
        for link in query:
            s = link.student
            known = None
            if s is not None:
                known = StateStudent(
                    s.sis_id, s.ssid, s.race_ethnicity, s.sex,
                    s.iep, s.section_504, s.english_learner,
                )  # fmt: skip
            outcomes = frozenset(json.loads(link.outcomes or "[]"))
            students[link.request_id].append(InvolvedStudent(known, link.role, outcomes))
        for request_id, kind in (
            LawEnforcementActivity.select(
                LawEnforcementActivity.request, LawEnforcementActivity.kind
            )
            .where(LawEnforcementActivity.request.in_(chunk))
            .order_by(LawEnforcementActivity.id)
            .tuples()
        ):
            kinds[request_id].append(kind)
        for r in RestraintIsolation.select().where(RestraintIsolation.request.in_(chunk)):
            restraints[r.request_id] = r
    incidents = []
    for request_id, record_id, occurred_at in requests:
        r = restraints.get(request_id)
        state_restraint = None
        if r is not None and (r.restraint or r.isolation):
            started = r.started_at or occurred_at
            state_restraint = StateRestraint(
                restraint=r.restraint,
                isolation=r.isolation,
                started_at=started,
                duration_minutes=minutes_between(started, r.ended_at),
                type_codes=type_codes_of(r.type_codes),
                student_injured=r.student_injured,
                staff_injured_count=r.staff_injured_count,
            )
        incidents.append(
            StateIncident(
                record_id,
                occurred_at,
                tuple(students[request_id]),
                tuple(kinds[request_id]),
                state_restraint,
            )
        )
    return StateSchool(
        school.code, school.name, school.ospi_building_code, school.county_district_code, incidents
    )


def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    # SQLite's limit on bound parameters: ask for the linked rows a slice of requests at a time.
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
