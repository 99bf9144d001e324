"""The family notice counts for the dashboard and `sro-tui status`, and the rule that gives a
household its status for the year from its notices (`household_notices` lists and records them).

A module of its own, small and quick to import: the dashboard reads these counts at every start,
before any notice screen is opened.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from peewee import ModelSelect

from sro_tui.models import (
    NOTICE_METHODS,
    Guardian,
    School,
    SchoolYear,
    Student,
    StudentGuardian,
    database_proxy,
)
from sro_tui.policy import beginning_of_year_ends
from sro_tui.records import ValidationError, current_year, get_school

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


_METHOD_ORDER = {method: i for i, method in enumerate(NOTICE_METHODS)}


def notice_counts(school: School | None = None, year: SchoolYear | None = None) -> dict[str, Any]:
    """Household notice counts for the dashboard and `sro-tui status --json`.

    Counted in SQL rather than with `load_households` (which also loads every name and
    address): the dashboard asks for these at every start. `notified_by_method` lists the most
    used method first.
    """
    school, year = require_school_and_year(school, year)
    by_status: dict[str, int] = defaultdict(int)
    by_method: dict[str, int] = defaultdict(int)
    households = late = 0
    # Policy 4311: "At the beginning of each school year": a later notice is late.
    ends = beginning_of_year_ends(year.start_date).isoformat()
    for status, method, was_late, count in database_proxy.execute_sql(
        _NOTICE_COUNTS, (school.id, ends, year.id)
    ):
        households += count
        state = household_status([status] if status else [])  # the deciding notice's
        by_status[state] += count
        if state == "notified":
            by_method[method] += count
            late += count if was_late else 0
    # Counted in SQL: the dashboard asks at every start (the list is for the families screen).
    without = without_notice_guardian_query(school).count()
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
    query = without_notice_guardian_query(school)
    return list(query.order_by(Student.last_name, Student.first_name))


def without_notice_guardian_query(school: School | None) -> ModelSelect:
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
