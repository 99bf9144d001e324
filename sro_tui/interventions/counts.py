"""The intervention counts for the dashboard and `sro-tui status`: this month's requests by
criterion, the year's by status, restraint and isolation steps still owed, and requests whose
discipline outcome is not recorded yet (`query` lists and finds the requests).

A module of its own, small and quick to import, its counts in plain SQL on a DB-API connection,
without peewee: the dashboard reads them at every start, before the database is opened
(`reports.status`).
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from sro_tui.glance import as_datetime, setting
from sro_tui.terms import CLOSURES_SETTING, STAFF_INITIATED_EMERGENCY

if TYPE_CHECKING:
    from sro_tui.glance import SchoolRow, YearRow
    from sro_tui.models import School, SchoolYear
    from sro_tui.policy.deadlines import Deadline

# Restraint and isolation records with a step not yet done (`query.open_restraint_condition`),
# with the times the steps need; of one school year, or of every year.
_OWED_STEPS = (
    'SELECT "t1"."id", "t1"."occurred_at", "t2"."started_at", "t2"."administrator_informed_at",'
    ' "t2"."written_report_filed_at", "t2"."family_told_verbally_at",'
    ' "t2"."family_told_in_writing_at"'
    ' FROM "restraint_isolation" AS "t2"'
    ' INNER JOIN "intervention_request" AS "t1" ON ("t2"."request_id" = "t1"."id")'
    ' WHERE ("t2"."administrator_informed_at" IS NULL OR "t2"."written_report_filed_at" IS NULL'
    ' OR "t2"."family_told_verbally_at" IS NULL OR "t2"."family_told_in_writing_at" IS NULL)'
)
_OWED_STEPS_OF_YEAR = _OWED_STEPS + ' AND "t1"."school_year_id" = ?'


class _OwedRow(NamedTuple):
    """The times `policy.deadlines_of` reads, as peewee's fields give them."""

    request_id: int
    occurred_at: datetime | None
    started_at: datetime | None
    administrator_informed_at: datetime | None
    written_report_filed_at: datetime | None
    family_told_verbally_at: datetime | None
    family_told_in_writing_at: datetime | None


def closure_days_in(db: Any) -> frozenset[date]:
    """`calendar.closure_days()` on the DB-API connection `db`."""
    raw = setting(db, CLOSURES_SETTING)
    return frozenset(date.fromisoformat(r["date"]) for r in json.loads(raw)) if raw else frozenset()


def owed_restraint_steps(
    year: SchoolYear | None = None,
) -> list[tuple[int, Deadline]]:
    """(request id, step) for every restraint/isolation step still owed this school year (or
    `year`), soonest due first."""
    from sro_tui.db import connection
    from sro_tui.records import current_year

    return owed_steps(connection(), year or current_year())


def owed_steps(db: Any, year: SchoolYear | YearRow | None) -> list[tuple[int, Deadline]]:
    """`owed_restraint_steps` of `year` (None: every year) on the DB-API connection `db`. Only
    the times the steps need, as plain rows: the dashboard counts these at every start, and
    building each request's record (every column) was most of its wait."""
    if year is None:
        rows = db.execute(_OWED_STEPS)
    else:
        rows = db.execute(_OWED_STEPS_OF_YEAR, (year.id,))
    owed: list[tuple[int, Deadline]] = []
    rows = rows.fetchall()
    if not rows:
        return owed
    from sro_tui.policy.deadlines import deadlines_of  # with a restraint record only

    closed = closure_days_in(db)
    for stored in rows:
        row = _OwedRow(stored[0], *(as_datetime(value) for value in stored[1:]))
        started = row.started_at or row.occurred_at
        if started is None:
            continue
        for deadline in deadlines_of(row, started, closed):
            if not deadline.met:
                owed.append((row.request_id, deadline))
    owed.sort(key=lambda pair: pair[1].due_at)
    return owed


def _contains(text: str) -> str:
    """A LIKE pattern (ESCAPE '\\') for `text` anywhere, as peewee's `contains` writes it."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# Submitted or reviewed requests with a student from the roster and no discipline outcome yet,
# medical emergencies left out (`without_discipline_outcome`).
_WITHOUT_OUTCOME = (
    'SELECT COUNT(*) FROM "intervention_request" AS r'
    ' WHERE r."status" IN (?, ?) AND r."resulted_in_discipline" IS NULL'
    ' AND r."id" IN (SELECT s."request_id" FROM "intervention_student" AS s'
    ' WHERE s."student_id" IS NOT NULL)'
    ' AND r."id" NOT IN (SELECT m."id" FROM "intervention_request" AS m'
    ' WHERE m."criterion" = ? AND m."actions_taken" LIKE ? ESCAPE \'\\\''
    " AND NOT m.\"actions_taken\" LIKE ? ESCAPE '\\'"
    " AND NOT m.\"actions_taken\" LIKE ? ESCAPE '\\'"
    " AND NOT m.\"actions_taken\" LIKE ? ESCAPE '\\')"
)
_WITHOUT_OUTCOME_PARAMETERS = (
    "submitted",
    "reviewed",
    "emergency_3432",
    *(
        _contains(f'"{action}"')
        for action in ("first_aid", "restraint", "isolation", "law_enforcement_activity")
    ),
)


def without_discipline_outcome(year: SchoolYear | None, school: School | None = None) -> int:
    """Submitted or reviewed requests of the year whose discipline outcome is not recorded yet
    (the annual report's part (c) is incomplete until there are none)."""
    from sro_tui.db import connection

    return count_without_outcome(connection(), year, school)


def count_without_outcome(
    db: Any, year: SchoolYear | YearRow | None, school: School | SchoolRow | None = None
) -> int:
    """`without_discipline_outcome` on the DB-API connection `db`.

    Left out, because no student discipline can follow them: requests with no student from the
    roster involved (an unknown adult), and medical emergencies (emergency criterion, first aid
    given, no restraint, isolation or law-enforcement activity)."""
    sql, parameters = _WITHOUT_OUTCOME, list(_WITHOUT_OUTCOME_PARAMETERS)
    if year is not None:
        sql += ' AND r."school_year_id" = ?'
        parameters.append(year.id)
    if school is not None:
        sql += ' AND r."school_id" = ?'
        parameters.append(school.id)
    return db.execute(sql, parameters).fetchone()[0]


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
    from sro_tui.db import connection
    from sro_tui.records import current_year

    return count_interventions(connection(), year or current_year(), today, now)


def count_interventions(
    db: Any,
    year: SchoolYear | YearRow | None,
    today: date | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """`intervention_counts` of `year` (None: every year) on the DB-API connection `db`."""
    today = today or date.today()
    now = now or datetime.now()
    month_start = datetime(today.year, today.month, 1)
    next_month = datetime(today.year + today.month // 12, today.month % 12 + 1, 1)
    by_criterion: dict[str, int] = defaultdict(int)
    by_status: dict[str, int] = defaultdict(int)
    with_findings = 0
    months = (str(month_start), str(next_month))  # as peewee writes a DateTimeField
    rows = (
        db.execute(_YEAR_REQUESTS, (*months, year.id))
        if year is not None
        else db.execute(_EVERY_YEAR, months)
    )
    for criterion, emergency, status, count, this_month, findings in rows:
        by_status[status] += count
        if status in _COUNTED:
            with_findings += findings or 0
            if this_month:
                key = criterion or (STAFF_INITIATED_EMERGENCY if emergency else "none")
                by_criterion[key] += this_month
    owed = owed_steps(db, year)
    return {
        "this_month_by_criterion": dict(by_criterion),
        "this_month": sum(by_criterion.values()),
        "drafts": by_status.get("draft", 0),
        "awaiting_review": by_status.get("submitted", 0),
        "reviewed": by_status.get("reviewed", 0),
        "refused": by_status.get("refused", 0),
        "with_findings": with_findings,
        # For the annual report: did student discipline follow? Not recorded yet on these.
        "discipline_outcome_missing": count_without_outcome(db, year),
        "open_restraint_steps": len(owed),
        "overdue_restraint_steps": sum(
            1 for _, d in owed if d.overdue(now) and not d.as_soon_as_possible
        ),
        "requests_with_open_restraint_steps": len({request_id for request_id, _ in owed}),
    }
