"""Intervention requests as incidents for the annual report, part (c) of RCW 28A.320.1241:
"each incident in which safety and security staff were involved that resulted in ... use of force
against a student, or a student arrest", with each student's demographics.

What is counted, from submitted and reviewed requests of the school year (drafts and refused
requests are not incidents):
- **arrest**: a law-enforcement activity of kind `arrest`;
- **use of force**: a restraint recorded on the request (restraint, unlike isolation, is physical
  force; Policy 3246).
- **student discipline**: the principal's yes recorded on the request after the fact
  (`interventions.record_discipline_outcome`; the SRO takes no part in discipline). Requests whose
  discipline outcome is not recorded yet are counted apart, so the report says what it lacks.
"""

from __future__ import annotations

import json

from sro_tui.interventions import without_discipline_outcome
from sro_tui.models import (
    STAFF_KINDS,
    InterventionRequest,
    InterventionStudent,
    School,
    SchoolYear,
    Student,
)
from sro_tui.policy import (
    ACTIONS,
    CRITERIA,
    DISCIPLINARY_ACTIONS,
    LAW_ENFORCEMENT_ACTIVITIES,
    REQUESTER_ROLES,
    RESTRAINT_TYPES,
)
from sro_tui.reports.annual import ReportIncident, ReportStudent

COUNTED_STATUSES = ("submitted", "reviewed")


def _described(request: InterventionRequest, outcomes: set[str]) -> str:
    """A description from the record's structured facts (no names, no free text): who asked and
    on which ground, where, what staff did, and how it ended."""
    if request.staff_initiated_emergency:
        asked = "Staff acted without being asked"
    else:
        asked = f"A {REQUESTER_ROLES.get(request.requested_by_role, 'staff member').lower()} asked"
    ground = CRITERIA[request.criterion].label.lower() if request.criterion in CRITERIA else ""
    staff = sorted({STAFF_KINDS.get(link.staff.kind, link.staff.kind).lower()
                    for link in request.staff})  # fmt: skip
    actions = [
        ACTIONS.get(a, DISCIPLINARY_ACTIONS.get(a, a)).split(" (")[0].lower()
        for a in json.loads(request.actions_taken or "[]")
        if a not in ("restraint", "isolation", "law_enforcement_activity")
    ]
    parts = [f"{asked}" + (f" ({ground})" if ground else "")]
    if request.location:
        parts[0] += f" at {request.location}"
    if staff:
        parts.append(f"responding: {', '.join(staff)}")
    if actions:
        parts.append(f"staff: {', '.join(actions)}")
    restraint = request.restraints.first()
    if restraint is not None:
        kinds = [RESTRAINT_TYPES[c][1].lower() for c in restraint.type_codes.split(",") if c]
        what = " and ".join(w for w, on in (("restraint", restraint.restraint),
                                             ("isolation", restraint.isolation)) if on)  # fmt: skip
        minutes = ""
        started = restraint.started_at or request.occurred_at
        if started and restraint.ended_at:
            minutes = f", {int((restraint.ended_at - started).total_seconds() // 60)} min"
        parts.append(f"{what}" + (f" ({'; '.join(kinds)}{minutes})" if kinds or minutes else ""))
    activities = [LAW_ENFORCEMENT_ACTIVITIES[a.kind].label.lower() for a in request.law_enforcement]
    if activities:
        parts.append(f"law enforcement: {', '.join(activities)}")
    ended = " and ".join(_ENDED_IN[o] for o in sorted(outcomes))
    return "; ".join(parts) + f". Ended in {ended}."


_ENDED_IN = {
    "arrest": "a student arrest",
    "discipline": "student discipline (the principal's decision)",
    "use_of_force": "use of force",
}


def annual_report_incidents(school: School, year: SchoolYear) -> list[ReportIncident]:
    """The year's requests that ended in student discipline, use of force or an arrest, oldest
    first: a description from the record's facts, and every known student involved with their
    part and the outcomes that applied to them (demographics only: no names, no ids).

    Each student's outcomes are as recorded on the request; an outcome of the request that no
    student carries (an arrest, a restraint, the principal's discipline) applies to the
    subject(s) of the request, never to a target or witness."""
    ir = InterventionRequest
    requests = list(
        ir.select()
        .where(ir.school == school, ir.school_year == year, ir.status.in_(COUNTED_STATUSES))
        .order_by(ir.occurred_at, ir.id)
    )
    incidents = []
    for request in requests:
        outcomes: set[str] = set()
        if request.resulted_in_discipline:
            outcomes.add("discipline")
        if any(a.kind == "arrest" for a in request.law_enforcement):
            outcomes.add("arrest")
        if any(r.restraint for r in request.restraints):
            outcomes.add("use_of_force")
        links = list(
            request.students.select(InterventionStudent, Student)
            .join(Student)
            .order_by(InterventionStudent.id)
        )
        recorded = {link.id: set(json.loads(link.outcomes or "[]")) for link in links}
        outcomes |= set().union(*recorded.values()) if recorded else set()
        if not outcomes:
            continue
        # An outcome of the request that no student carries applies to its subject(s): never to a
        # target or a witness.
        unassigned = outcomes - set().union(set(), *recorded.values())
        for link in links:
            if link.role == "subject":
                recorded[link.id] |= unassigned
        students = tuple(
            ReportStudent(
                link.student.race_ethnicity,
                link.student.sex,
                link.student.grade,
                link.student.iep,
                link.student.section_504,
                link.student.english_learner,
                role=link.role,
                outcomes=tuple(sorted(recorded[link.id])),
            )
            for link in links
        )
        incidents.append(
            ReportIncident(
                record_id=request.record_id,
                occurred_on=request.occurred_at.date() if request.occurred_at else None,
                description=_described(request, outcomes),
                outcomes=tuple(sorted(outcomes)),
                students=students,
            )
        )
    return incidents


def annual_report_notes(school: School, year: SchoolYear) -> list[str]:
    """What part (c) cannot say yet: submitted requests with no discipline outcome recorded."""
    missing = without_discipline_outcome(year, school)
    if not missing:
        return []
    return [
        f"{missing} request(s) have no discipline outcome recorded yet: on the Intervention "
        "requests screen choose each and press d, so the incidents above are complete."
    ]
