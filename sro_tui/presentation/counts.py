"""The start-of-year presentation's progress and counts: presented / enrolled per grade, for the
check-in screen, the dashboard and `sro-tui status` (`checkins` records the check-ins).

A module of its own, small and quick to import: the dashboard reads these counts at every start,
before the check-in screen is opened.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from peewee import JOIN, Expression, fn

from sro_tui.models import (
    GRADE_ORDER,
    PresentationAttendance,
    School,
    SchoolYear,
    Student,
    database_proxy,
)
from sro_tui.policy import beginning_of_year_ends
from sro_tui.records import current_year, get_school


@dataclass
class GradeProgress:
    grade: str
    presented: int
    enrolled: int

    @property
    def fraction(self) -> float:
        return self.presented / self.enrolled if self.enrolled else 0.0


@dataclass
class PresentationProgress:
    """Presented / enrolled (active students) for a school year, overall and per grade."""

    school_year: str
    presented: int = 0
    enrolled: int = 0
    by_grade: list[GradeProgress] = field(default_factory=list)

    @property
    def not_presented(self) -> int:
        return self.enrolled - self.presented


def grade_sort_key(grade: str) -> tuple[int, str]:
    return (GRADE_ORDER.get(grade, 99), grade)


def presented_in(year: SchoolYear, presented: type[PresentationAttendance]) -> Expression:
    """Join condition: the student's check-in this year that was not undone (`presented` is an
    alias of the attendance table, LEFT JOINed so students without one stay)."""
    return (
        (presented.student == Student.id)
        & (presented.school_year == year)
        & presented.undone_at.is_null()
    )


def presentation_progress(
    year: SchoolYear | None = None, school: School | None = None
) -> PresentationProgress:
    """How many active students were presented to this year, overall and per grade.

    Students who left (inactive) are not counted, and students who enrolled after the assembly
    count as not presented yet: they are owed a make-up session.
    """
    year = year or current_year()
    school = school or get_school()
    if year is None:
        return PresentationProgress("")
    presented = PresentationAttendance.alias()
    rows = (
        Student.select(Student.grade, fn.COUNT(Student.id), fn.COUNT(presented.id))
        .join(presented, JOIN.LEFT_OUTER, on=presented_in(year, presented))
        .where(Student.active == True)  # noqa: E712
    )
    if school is not None:
        rows = rows.where(Student.school == school)
    by_grade = [
        GradeProgress(grade, done, total)
        for grade, total, done in rows.group_by(Student.grade).tuples()
    ]
    by_grade.sort(key=lambda g: grade_sort_key(g.grade))
    return PresentationProgress(
        year.name,
        presented=sum(g.presented for g in by_grade),
        enrolled=sum(g.enrolled for g in by_grade),
        by_grade=by_grade,
    )


# Plain SQL, built once: three counts in one statement (the dashboard reads them at every start).
_YEAR_COUNTS = (
    'SELECT (SELECT COUNT(*) FROM "presentation_attendance" AS a'
    ' JOIN "presentation_session" AS s ON a."session_id" = s."id"'
    ' WHERE a."school_year_id" = ? AND a."undone_at" IS NULL AND s."held_on" > ?),'
    ' (SELECT COUNT(*) FROM "presentation_session" WHERE "school_year_id" = ?),'
    ' (SELECT COUNT(*) FROM "unmatched_scan" AS u'
    ' JOIN "presentation_session" AS s ON u."session_id" = s."id"'
    ' WHERE s."school_year_id" = ? AND u."resolved_at" IS NULL)'
)


def presentation_status(year: SchoolYear | None = None, school: School | None = None) -> dict:
    """The presentation counts of a school year (default: the current one), for `sro-tui status
    --json` and the dashboard.

    Keys: presented_students, students_to_present (active, not yet presented),
    presentation_sessions, presented_late (students presented after the beginning of the year,
    Policy 4311), unmatched_scans_to_resolve, presented_by_grade
    ({grade: {"presented": n, "enrolled": m}}).
    """
    year = year or current_year()
    progress = presentation_progress(year, school)
    late = sessions = unmatched = 0
    if year is not None:
        # Policy 4311: "At the beginning of each school year": a later presentation is late.
        ends = beginning_of_year_ends(year.start_date).isoformat()
        late, sessions, unmatched = database_proxy.execute_sql(
            _YEAR_COUNTS, (year.id, ends, year.id, year.id)
        ).fetchone()
    return {
        "presented_students": progress.presented,
        "students_to_present": progress.not_presented,
        "presentation_sessions": sessions,
        "presented_late": late,
        "unmatched_scans_to_resolve": unmatched,
        "presented_by_grade": {
            g.grade or "(none)": {"presented": g.presented, "enrolled": g.enrolled}
            for g in progress.by_grade
        },
    }
