"""The family notice counts for the dashboard and `sro-tui status`, and the rule that gives a
household its status for the year from its notices (`household_notices` lists and records them).

A module of its own, small and quick to import, its counts in plain SQL on a DB-API connection,
without peewee: the dashboard reads them at every start, before the database is opened
(`reports.status`). What needs the models imports them where it is used.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from sro_tui.policy.year import beginning_of_year_ends
from sro_tui.terms import NOTICE_METHODS

if TYPE_CHECKING:
    from peewee import ModelSelect

    from sro_tui.glance import SchoolRow, YearRow
    from sro_tui.models import School, SchoolYear, Student

NOTIFIED = ("sent", "delivered")
BACK_ON_THE_LIST = ("returned", "bounced")


def household_status(delivery_statuses_newest_first: list[str]) -> str:
    """A household's notice status for the year from its notices' delivery statuses: notified
    when any was sent or delivered; else the newest one's returned/bounced; else not notified."""
    if any(status in NOTIFIED for status in delivery_statuses_newest_first):
        return "notified"
    if delivery_statuses_newest_first and delivery_statuses_newest_first[0] in BACK_ON_THE_LIST:
        return delivery_statuses_newest_first[0]
    return "not_notified"


def require_school_and_year(
    school: School | None = None, year: SchoolYear | None = None
) -> tuple[School, SchoolYear]:
    """The given (or current) school and school year; ValidationError when there is none yet."""
    from sro_tui.records import ValidationError, current_year, get_school

    school = school or get_school()
    year = year or current_year()
    if school is None or year is None:
        raise ValidationError({"school": "set up the school and its school year first"})
    return school, year


# Plain SQL, built once: the households on this year's list, each with its deciding notice (the
# newest that counts, else the newest: as `household_notice_statuses` says it), counted by
# status, method and lateness in SQLite. Walking them in Python was most of the dashboard's wait.
_NOTICE_COUNTS = f"""
WITH listed AS (
    SELECT DISTINCT g."household_id" AS hid
    FROM "student_guardian" AS sg  -- CROSS JOIN: in this order (SQLite's own plan was slower)
    CROSS JOIN "guardian" AS g ON sg."guardian_id" = g."id"
    CROSS JOIN "student" AS s ON sg."student_id" = s."id"
    CROSS JOIN "household" AS h ON g."household_id" = h."id"
    WHERE g."school_id" = ? AND g."active" = 1 AND s."active" = 1
        AND sg."receives_notices" = 1 AND h."active" = 1
), deciding AS (
    SELECT n."household_id" AS hid, n."method", n."delivery_status" AS status,
        substr(n."sent_on", 1, 10) > ? AS late,
        ROW_NUMBER() OVER (
            PARTITION BY n."household_id"
            ORDER BY n."delivery_status" IN {NOTIFIED!r} DESC, n."sent_on" DESC, n."id" DESC
        ) AS rank
    FROM "family_notice" AS n
    WHERE n."school_year_id" = ? AND n."household_id" IN (SELECT hid FROM listed)
)
SELECT d.status, d."method", d.late, COUNT(*)
FROM listed LEFT JOIN deciding AS d ON d.hid = listed.hid AND d.rank = 1
GROUP BY d.status, d."method", d.late
"""


# Active students of the school with no active guardian who receives notices (the rule of
# `without_notice_guardian_query`, as peewee writes it).
_WITHOUT_NOTICE_GUARDIAN = (
    'SELECT COUNT(*) FROM "student" AS s WHERE s."active" = 1 AND s."id" NOT IN ('
    'SELECT sg."student_id" FROM "student_guardian" AS sg'
    ' INNER JOIN "guardian" AS g ON sg."guardian_id" = g."id"'
    ' WHERE sg."receives_notices" = 1 AND g."active" = 1) AND s."school_id" = ?'
)

_METHOD_ORDER = {method: i for i, method in enumerate(NOTICE_METHODS)}


def notice_counts(school: School | None = None, year: SchoolYear | None = None) -> dict[str, Any]:
    """Household notice counts for the dashboard and `sro-tui status --json`, of the given (or
    current) school and year (`count_notices` on the models' database)."""
    from sro_tui.db import connection

    school, year = require_school_and_year(school, year)
    return count_notices(connection(), school, year)


def count_notices(
    db: Any, school: School | SchoolRow, year: SchoolYear | YearRow
) -> dict[str, Any]:
    """`notice_counts` on the DB-API connection `db`.

    Counted in SQL rather than with `load_households` (which also loads every name and
    address): the dashboard asks for these at every start. `notified_by_method` lists the most
    used method first.
    """
    by_status: dict[str, int] = defaultdict(int)
    by_method: dict[str, int] = defaultdict(int)
    households = late = 0
    # Policy 4311: "At the beginning of each school year": a later notice is late.
    ends = beginning_of_year_ends(year.start_date).isoformat()
    for status, method, was_late, count in db.execute(_NOTICE_COUNTS, (school.id, ends, year.id)):
        households += count
        state = household_status([status] if status else [])  # the deciding notice's
        by_status[state] += count
        if state == "notified":
            by_method[method] += count
            late += count if was_late else 0
    # Counted in SQL: the dashboard asks at every start (the list is for the families screen).
    (without,) = db.execute(_WITHOUT_NOTICE_GUARDIAN, (school.id,)).fetchone()
    methods = sorted(by_method, key=lambda m: (-by_method[m], _METHOD_ORDER.get(m, 99), m))
    return {
        "households": households,
        "notified": by_status["notified"],
        "pending": households - by_status["notified"],
        "returned": by_status["returned"],
        "bounced": by_status["bounced"],
        "notified_by_method": {m: by_method[m] for m in methods},
        "notified_late": late,
        # Owed a notice with no guardian to send it to: counted, never dropped (issue 12).
        "students_without_notice_guardian": without,
    }


def students_without_notice_guardian(school: School | None = None) -> list[Student]:
    """Active students with no active guardian who receives notices: they are owed the family
    notice like everyone else, and the office must find someone to send it to."""
    from sro_tui.models import Student

    query = without_notice_guardian_query(school)
    return list(query.order_by(Student.last_name, Student.first_name))


def without_notice_guardian_query(school: School | None) -> ModelSelect:
    from sro_tui.models import Guardian, Student, StudentGuardian
    from sro_tui.records import get_school

    school = school or get_school()
    receiving = (
        StudentGuardian.select(StudentGuardian.student)
        .join(Guardian)
        .where(StudentGuardian.receives_notices == True, Guardian.active == True)  # noqa: E712
    )
    query = Student.select().where(
        Student.active == True,  # noqa: E712
        Student.id.not_in(receiving),
    )
    if school is not None:
        query = query.where(Student.school == school)
    return query
