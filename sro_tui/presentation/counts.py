"""The start-of-year presentation's progress and counts: presented / enrolled per grade, for the
check-in screen, the dashboard and `sro-tui status` (`checkins` records the check-ins).

A module of its own, small and quick to import, in plain SQL on a DB-API connection, without
peewee: the dashboard reads these counts at every start, before the database is opened
(`reports.status`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sro_tui.policy.year import beginning_of_year_ends
from sro_tui.terms import GRADE_ORDER

if TYPE_CHECKING:
    from sro_tui.glance import SchoolRow, YearRow
    from sro_tui.models import School, SchoolYear


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


# Per grade: active students, and those with a check-in this year that was not undone (the
# check-in screen's rule, `checkins.presented_in`). The school's students, or every student.
_BY_GRADE = (
    'SELECT s."grade", COUNT(s."id"), COUNT(a."id") FROM "student" AS s'
    ' LEFT OUTER JOIN "presentation_attendance" AS a ON a."student_id" = s."id"'
    ' AND a."school_year_id" = ? AND a."undone_at" IS NULL'
    ' WHERE s."active" = 1{school} GROUP BY s."grade"'
)
_BY_GRADE_OF_SCHOOL = _BY_GRADE.format(school=' AND s."school_id" = ?')
_BY_GRADE_OF_EVERY_SCHOOL = _BY_GRADE.format(school="")


def presentation_progress(
    year: SchoolYear | None = None, school: School | None = None
) -> PresentationProgress:
    """How many active students were presented to this year, overall and per grade.

    Students who left (inactive) are not counted, and students who enrolled after the assembly
    count as not presented yet: they are owed a make-up session.
    """
    from sro_tui.db import connection
    from sro_tui.records import current_year, get_school

    return count_progress(connection(), year or current_year(), school or get_school())


def count_progress(
    db: Any, year: SchoolYear | YearRow | None, school: School | SchoolRow | None
) -> PresentationProgress:
    """`presentation_progress` on the DB-API connection `db`."""
    if year is None:
        return PresentationProgress("")
    if school is None:
        rows = db.execute(_BY_GRADE_OF_EVERY_SCHOOL, (year.id,))
    else:
        rows = db.execute(_BY_GRADE_OF_SCHOOL, (year.id, school.id))
    by_grade = [GradeProgress(grade, done, total) for grade, total, done in rows]
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
    --json` and the dashboard (`count_presentation` on the models' database)."""
    from sro_tui.db import connection
    from sro_tui.records import current_year, get_school

    return count_presentation(connection(), year or current_year(), school or get_school())


def count_presentation(
    db: Any, year: SchoolYear | YearRow | None, school: School | SchoolRow | None
) -> dict:
    """The presentation counts of `year` (for `school`'s students, or every student) on the
    DB-API connection `db`.

    Keys: presented_students, students_to_present (active, not yet presented),
    presentation_sessions, presented_late (students presented after the beginning of the year,
    Policy 4311), unmatched_scans_to_resolve, presented_by_grade
    ({grade: {"presented": n, "enrolled": m}}).
    """
    progress = count_progress(db, year, school)
    late = sessions = unmatched = 0
    if year is not None:
        # Policy 4311: "At the beginning of each school year": a later presentation is late.
        ends = beginning_of_year_ends(year.start_date).isoformat()
        late, sessions, unmatched = db.execute(
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
