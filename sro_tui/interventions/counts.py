"""The intervention counts for the dashboard and `sro-tui status`: this month's requests by
criterion, the year's by status, restraint and isolation steps still owed, and requests whose
discipline outcome is not recorded yet (`query` lists and finds the requests).

A module of its own, small and quick to import: the dashboard reads these counts at every start,
before the interventions screen is opened.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sro_tui import policy
from sro_tui.interventions.calendar import closure_days
from sro_tui.models import (
    InterventionRequest,
    InterventionStudent,
    RestraintIsolation,
    School,
    SchoolYear,
    database_proxy,
)
from sro_tui.records import current_year


def open_restraint_condition():
    """Restraint or isolation records with a step not yet done."""
    r = RestraintIsolation
    return (
        r.administrator_informed_at.is_null()
        | r.written_report_filed_at.is_null()
        | r.family_told_verbally_at.is_null()
        | r.family_told_in_writing_at.is_null()
    )


def owed_restraint_steps(
    year: SchoolYear | None = None,
) -> list[tuple[int, policy.Deadline]]:
    """(request id, step) for every restraint/isolation step still owed this school year, soonest
    due first. Only the times the steps need, as plain rows: the dashboard counts these at every
    start, and building each request's record (every column) was most of its wait."""
    r, ir = RestraintIsolation, InterventionRequest
    query = (
        r.select(
            ir.id.alias("request_id"),
            ir.occurred_at,
            r.started_at,
            r.administrator_informed_at,
            r.written_report_filed_at,
            r.family_told_verbally_at,
            r.family_told_in_writing_at,
        )
        .join(ir)
        .where(open_restraint_condition())
    )
    year = year or current_year()
    if year is not None:
        query = query.where(ir.school_year == year)
    owed = []
    closed = closure_days()
    for row in query.namedtuples():
        started = row.started_at or row.occurred_at
        if started is None:
            continue
        for deadline in policy.deadlines_of(row, started, closed):
            if not deadline.met:
                owed.append((row.request_id, deadline))
    owed.sort(key=lambda pair: pair[1].due_at)
    return owed


def without_discipline_outcome(year: SchoolYear | None, school: School | None = None) -> int:
    """Submitted or reviewed requests of the year whose discipline outcome is not recorded yet
    (the annual report's part (c) is incomplete until there are none).

    Left out, because no student discipline can follow them: requests with no student from the
    roster involved (an unknown adult), and medical emergencies (emergency criterion, first aid
    given, no restraint, isolation or law-enforcement activity)."""
    ir = InterventionRequest
    with_student = InterventionStudent.select(InterventionStudent.request).where(
        InterventionStudent.student.is_null(False)
    )
    medical = ir.select(ir.id).where(
        ir.criterion == "emergency_3432",
        ir.actions_taken.contains('"first_aid"'),
        ~ir.actions_taken.contains('"restraint"'),
        ~ir.actions_taken.contains('"isolation"'),
        ~ir.actions_taken.contains('"law_enforcement_activity"'),
    )
    query = ir.select().where(
        ir.status.in_(("submitted", "reviewed")),
        ir.resulted_in_discipline.is_null(),
        ir.id.in_(with_student),
        ir.id.not_in(medical),
    )
    if year is not None:
        query = query.where(ir.school_year == year)
    if school is not None:
        query = query.where(ir.school == school)
    return query.count()


# Plain SQL, built once: what three statements counted, in one pass over the year's requests
# (the dashboard reads these at every start). Ordered as the month's criteria were listed.
_YEAR_REQUESTS = (
    'SELECT "criterion", "staff_initiated_emergency", "status", COUNT(*),'
    ' SUM("occurred_at" >= ? AND "occurred_at" < ?), SUM("reason_findings" > 0)'
    ' FROM "intervention_request" WHERE "school_year_id" = ?'
    ' GROUP BY "criterion", "staff_initiated_emergency", "status"'
    ' ORDER BY "criterion", "staff_initiated_emergency", "status"'
)
_EVERY_YEAR = _YEAR_REQUESTS.replace(' WHERE "school_year_id" = ?', "")
_COUNTED = ("submitted", "reviewed")  # a request in this month's and the findings' counts


def intervention_counts(
    today: date | None = None, now: datetime | None = None, year: SchoolYear | None = None
) -> dict[str, Any]:
    """Dashboard and `sro-tui status` counts for a school year (default: the current one)."""
    today = today or date.today()
    now = now or datetime.now()
    year = year or current_year()
    month_start = datetime(today.year, today.month, 1)
    next_month = datetime(today.year + today.month // 12, today.month % 12 + 1, 1)
    by_criterion: dict[str, int] = defaultdict(int)
    by_status: dict[str, int] = defaultdict(int)
    with_findings = 0
    months = (str(month_start), str(next_month))  # as peewee writes a DateTimeField
    rows = (
        database_proxy.execute_sql(_YEAR_REQUESTS, (*months, year.id))
        if year is not None
        else database_proxy.execute_sql(_EVERY_YEAR, months)
    )
    for criterion, emergency, status, count, this_month, findings in rows:
        by_status[status] += count
        if status in _COUNTED:
            with_findings += findings or 0
            if this_month:
                key = criterion or (policy.STAFF_INITIATED_EMERGENCY if emergency else "none")
                by_criterion[key] += this_month
    owed = owed_restraint_steps(year)
    return {
        "this_month_by_criterion": dict(by_criterion),
        "this_month": sum(by_criterion.values()),
        "drafts": by_status.get("draft", 0),
        "awaiting_review": by_status.get("submitted", 0),
        "reviewed": by_status.get("reviewed", 0),
        "refused": by_status.get("refused", 0),
        "with_findings": with_findings,
        # For the annual report: did student discipline follow? Not recorded yet on these.
        "discipline_outcome_missing": without_discipline_outcome(year),
        "open_restraint_steps": len(owed),
        "overdue_restraint_steps": sum(
            1 for _, d in owed if d.overdue(now) and not d.as_soon_as_possible
        ),
        "requests_with_open_restraint_steps": len({request_id for request_id, _ in owed}),
    }
