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

from collections import defaultdict

from sro_tui.interventions import without_discipline_outcome
from sro_tui.models import (
    InterventionRequest,
    InterventionStudent,
    LawEnforcementActivity,
    RestraintIsolation,
    School,
    SchoolYear,
    Student,
)
from sro_tui.policy import CRITERIA
from sro_tui.reports.annual import ReportIncident, ReportStudent

COUNTED_STATUSES = ("submitted", "reviewed")


def annual_report_incidents(school: School, year: SchoolYear) -> list[ReportIncident]:
    """The year's requests that ended in an arrest or a use of force, oldest first, with the
    demographics of every known student involved (no names, no ids)."""
    ir = InterventionRequest
    requests = list(
        ir.select(ir.id, ir.record_id, ir.occurred_at, ir.criterion, ir.resulted_in_discipline)
        .where(ir.school == school, ir.school_year == year, ir.status.in_(COUNTED_STATUSES))
        .order_by(ir.occurred_at, ir.id)
        .tuples()
    )
    ids = [row[0] for row in requests]
    if not ids:
        return []
    outcomes: dict[int, set[str]] = defaultdict(set)
    for request_id, *_rest, discipline in requests:
        if discipline:
            outcomes[request_id].add("discipline")
    for (request_id,) in (
        LawEnforcementActivity.select(LawEnforcementActivity.request)
        .where(LawEnforcementActivity.request.in_(ids), LawEnforcementActivity.kind == "arrest")
        .tuples()
    ):
        outcomes[request_id].add("arrest")
    for (request_id,) in (
        RestraintIsolation.select(RestraintIsolation.request)
        .where(RestraintIsolation.request.in_(ids), RestraintIsolation.restraint == True)  # noqa: E712
        .tuples()
    ):
        outcomes[request_id].add("use_of_force")
    students: dict[int, list[ReportStudent]] = defaultdict(list)
    for request_id, race, sex, grade, iep, s504, ell in (
        InterventionStudent.select(
            InterventionStudent.request,
            Student.race_ethnicity,
            Student.sex,
            Student.grade,
            Student.iep,
            Student.section_504,
            Student.english_learner,
        )
        .join(Student)
        .where(InterventionStudent.request.in_(list(outcomes)))
        .order_by(InterventionStudent.id)
        .tuples()
    ):
        students[request_id].append(ReportStudent(race, sex, grade, iep, s504, ell))
    incidents = []
    for request_id, record_id, occurred_at, criterion, _discipline in requests:
        if request_id not in outcomes:
            continue
        what = " and ".join(
            {
                "arrest": "a student arrest",
                "discipline": "student discipline",
                "use_of_force": "a restraint (use of force)",
            }[o]
            for o in sorted(outcomes[request_id])
        )
        label = CRITERIA[criterion].label if criterion in CRITERIA else "emergency"
        incidents.append(
            ReportIncident(
                record_id=record_id,
                occurred_on=occurred_at.date() if occurred_at else None,
                description=f"Request for intervention ({label}) that ended in {what}",
                outcomes=tuple(sorted(outcomes[request_id])),
                students=tuple(students[request_id]),
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
