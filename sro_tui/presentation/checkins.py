"""The start-of-year presentation (Policy 4311): sessions, check-ins and who is still owed one.

Policy 4311 requires that at the start of each school year the school presents to and discusses
with students the role and responsibilities of its safety and security staff. A student counts as
presented for a school year once they are recorded in any session of that year.

The disk is the truth: every check-in is its own short IMMEDIATE transaction, committed before the
function returns, so the screen confirms only what a crash cannot take back. Check-ins are never
deleted: an undo marks the row (`undone_at`, by whom, why) and is audited. Scans that match no
student are kept as `UnmatchedScan` rows until someone links or dismisses them.

The attendance rows themselves are the log of who was checked in, when, how and by whom, so a
check-in writes no separate audit event (that would double the work at the gym door); sessions,
undos and resolutions of unmatched scans are audited.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

from peewee import JOIN, Expression, IntegrityError, fn

from sro_tui.exchange import MERGE_COLUMNS, ExportColumn, write_exchange_csv
from sro_tui.models import (
    CHECK_IN_METHODS,
    SESSION_KINDS,
    PresentationAttendance,
    PresentationSession,
    SafetyStaff,
    School,
    SchoolYear,
    SessionPresenter,
    Student,
    UnmatchedScan,
    database_proxy,
    utc_now,
)
from sro_tui.presentation.counts import grade_sort_key
from sro_tui.records import (
    ValidationError,
    audit,
    current_actor,
    current_year,
    ensure_current_year,
    get_school,
    kept_setting,
    snapshot,
)
from sro_tui.search import normalize_id

Outcome = Literal["recorded", "already_recorded", "unknown"]

# Set in a check-in station's kit (see `stations`): check-ins recorded there carry the name.
STATION_NAME_SETTING = "station.name"


def presented_in(year: SchoolYear, presented: type[PresentationAttendance]) -> Expression:
    """Join condition: the student's check-in this year that was not undone (`presented` is an
    alias of the attendance table, LEFT JOINed so students without one stay). The counts say the
    same in SQL (`counts.count_progress`)."""
    return (
        (presented.student == Student.id)
        & (presented.school_year == year)
        & presented.undone_at.is_null()
    )


def station_name() -> str:
    """The name of this check-in station when the database is a station kit, else ""."""
    return kept_setting(STATION_NAME_SETTING)  # asked on every scan


# --- sessions ---------------------------------------------------------------------------------


def default_session_title(kind: str, held_on: date) -> str:
    """ "Assembly 2026-09-02", "Make-up 2026-10-01": what a session is called when not named."""
    return f"{SESSION_KINDS.get(kind, 'Session')} {held_on.isoformat()}"


def _year_for(held_on: date) -> SchoolYear:
    year = (
        SchoolYear.select()
        .where((SchoolYear.start_date <= held_on) & (SchoolYear.end_date >= held_on))
        .first()
    )
    if year is not None:
        return year
    if not SchoolYear.select().exists():
        return ensure_current_year(held_on)
    raise ValidationError({"held_on": f"{held_on.isoformat()} is in no school year on record"})


def _require_school(school: School | None) -> School:
    school = school or get_school()
    if school is None:
        raise ValidationError({"school": "set up the school first (import a roster)"})
    return school


def create_session(
    held_on: date,
    *,
    kind: str = "assembly",
    place: str = "",
    title: str = "",
    notes: str = "",
    presenter_ids: Iterable[int] = (),
    school: School | None = None,
    actor: str | None = None,
) -> PresentationSession:
    """Create a presentation session (audited). Raises ValidationError without writing."""
    problems: dict[str, str] = {}
    if kind not in SESSION_KINDS:
        problems["kind"] = f"kind must be one of: {', '.join(SESSION_KINDS)}"
    if station_name():  # its check-ins would never reach the school's record
        problems["session"] = "a check-in station records into its kit's session only"
    presenter_ids = list(dict.fromkeys(presenter_ids))
    staff = list(SafetyStaff.select().where(SafetyStaff.id.in_(presenter_ids or [0])))
    if len(staff) != len(presenter_ids):
        problems["presenters"] = "a presenter is not on the safety staff roster"
    if problems:
        raise ValidationError(problems)
    with database_proxy.atomic():
        school = _require_school(school)
        year = _year_for(held_on)
        session = PresentationSession.create(
            school=school,
            school_year=year,
            held_on=held_on,
            title=title.strip() or default_session_title(kind, held_on),
            place=place.strip(),
            kind=kind,
            notes=notes.strip(),
        )
        for member in staff:
            SessionPresenter.create(session=session, staff=member)
        after = snapshot(session) | {"presenters": [m.record_id for m in staff]}
        audit("create", session, after=after, actor=actor)
    return session


def todays_session(today: date | None = None, *, actor: str | None = None) -> PresentationSession:
    """The session to check students in to today: the latest one held today, else a new
    "Assembly <date>" (so `sro-tui check-in` can start with one command)."""
    today = today or date.today()
    school = _require_school(None)
    existing = (
        PresentationSession.select()
        .where((PresentationSession.school == school) & (PresentationSession.held_on == today))
        .order_by(PresentationSession.id.desc())
        .first()
    )
    if existing is not None:
        return existing
    return create_session(today, kind="assembly", school=school, actor=actor)


def get_session(session_id: int) -> PresentationSession:
    """The session with this id; ValidationError when there is none."""
    session = PresentationSession.get_or_none(PresentationSession.id == session_id)
    if session is None:
        raise ValidationError({"session": f"no presentation session {session_id}"})
    return session


def list_sessions(year: SchoolYear | None = None) -> list[PresentationSession]:
    """The sessions of a school year (default: the current one), newest first."""
    year = year or current_year()
    if year is None:
        return []
    return list(
        PresentationSession.select()
        .where(PresentationSession.school_year == year)
        .order_by(PresentationSession.held_on.desc(), PresentationSession.id.desc())
    )


def session_presenters(session: PresentationSession) -> list[SafetyStaff]:
    return list(
        SafetyStaff.select()
        .join(SessionPresenter)
        .where(SessionPresenter.session == session)
        .order_by(SafetyStaff.last_name, SafetyStaff.first_name)
    )


def session_check_in_count(session: PresentationSession) -> int:
    """Students recorded in this session (undone check-ins not counted)."""
    return (
        PresentationAttendance.select()
        .where(
            (PresentationAttendance.session == session) & PresentationAttendance.undone_at.is_null()
        )
        .count()
    )


# --- check-in ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckInOutcome:
    """What a scan or a pick did, with what the screen shows in one glance.

    `recorded`: a new check-in (`attendance`). `already_recorded`: the student was already
    recorded this year (`attendance` is that earlier check-in; nothing was written).
    `unknown`: no student has that ID; the scan was kept as `unmatched`.
    """

    status: Outcome
    text: str = ""
    student: Student | None = None
    attendance: PresentationAttendance | None = None
    unmatched: UnmatchedScan | None = None
    earlier_session: PresentationSession | None = None

    @property
    def student_line(self) -> str:
        """ "Ana López · grade 9 · homeroom 101"."""
        s = self.student
        if s is None:
            return ""
        parts = [s.display_name]
        if s.grade:
            parts.append(f"grade {s.grade}")
        if s.homeroom:
            parts.append(f"homeroom {s.homeroom}")
        if not s.active:
            parts.append("inactive in the roster")
        return " · ".join(parts)


def local_time(moment: datetime) -> datetime:
    """A stored (naive UTC) time in the computer's time zone, for display."""
    return moment.replace(tzinfo=UTC).astimezone()


# A scan's two reads, as SQL written once per kind of database instead of built by peewee at
# every scan (most of a check-in's time beside the commit itself).
_HOT_QUERIES = {
    "student by id": lambda: Student.select().where(Student.school == 0, Student.sis_id == ""),
    # At most one row: the once-a-year index allows one check-in not undone per student.
    "earlier check-in": lambda: PresentationAttendance.select(PresentationAttendance.id).where(
        (PresentationAttendance.student == 0)
        & (PresentationAttendance.school_year == 0)
        & PresentationAttendance.undone_at.is_null()
    ),
}
_hot_sql: dict[tuple[str, type], str] = {}


def _sql(name: str) -> str:
    key = (name, type(database_proxy.obj))
    if key not in _hot_sql:
        _hot_sql[key] = _HOT_QUERIES[name]().sql()[0]
    return _hot_sql[key]


def find_student_by_id(school: School, text: str) -> Student | None:
    """The school's student whose ID is exactly `text` (surrounding spaces and case ignored)."""
    wanted = text.strip()
    if not wanted:
        return None
    school_id = school if isinstance(school, int) else school.id
    student = next(iter(Student.raw(_sql("student by id"), school_id, wanted)), None)
    if student is None:  # IDs with letters may be typed in another case than the roster's
        student = Student.get_or_none(
            (Student.school == school) & (fn.UPPER(Student.sis_id) == normalize_id(wanted))
        )
    return student


def _check_in(
    session: PresentationSession,
    student: Student,
    method: str,
    actor: str,
    at: datetime | None = None,
    station: str | None = None,
) -> CheckInOutcome:
    """Record one student inside the caller's transaction (no commit here), at this computer's
    station unless another `station` is given (a station's scan linked in the office)."""
    recorded = database_proxy.execute_sql(
        _sql("earlier check-in"), (student.id, session.school_year_id)
    ).fetchone()
    earlier = (
        None
        if recorded is None
        # the rare case: read it whole, with its session
        else (
            PresentationAttendance.select(PresentationAttendance, PresentationSession)
            .join(PresentationSession)
            .where(
                (PresentationAttendance.student == student)
                & (PresentationAttendance.school_year == session.school_year_id)
                & PresentationAttendance.undone_at.is_null()
            )
            .first()
        )
    )
    if earlier is not None:
        return CheckInOutcome(
            "already_recorded", student.sis_id, student, earlier, earlier_session=earlier.session
        )
    attendance = PresentationAttendance.create(
        student=student,
        session=session,
        school_year=session.school_year_id,
        recorded_at=at or utc_now(),
        method=method,
        recorded_by=actor,
        station=station_name() if station is None else station,
    )
    return CheckInOutcome("recorded", student.sis_id, student, attendance)


def check_in_student(
    session: PresentationSession,
    student_id: int,
    method: str = "search",
    actor: str | None = None,
) -> CheckInOutcome:
    """Record that a student (by database id) received the presentation in `session`.

    Committed before returning. A student already recorded in any session of the same school
    year is not recorded twice: the outcome is `already_recorded` with the earlier check-in.
    """
    if method not in CHECK_IN_METHODS:
        raise ValueError(f"method must be one of: {', '.join(CHECK_IN_METHODS)}")
    actor = actor or current_actor()

    def attempt() -> CheckInOutcome:
        with database_proxy.atomic():  # IMMEDIATE: the check and the insert see the same data
            student = Student.get_or_none(
                (Student.id == student_id) & (Student.school == session.school_id)
            )
            if student is None:
                raise ValidationError({"student": "no such student at this school"})
            return _check_in(session, student, method, actor)

    return _once_more_on_conflict(attempt)


def _once_more_on_conflict(attempt):
    """Run `attempt`; if the once-a-year index refused the insert (another program recorded the
    same student between our check and our insert), run it again: it then reports the student
    as already recorded."""
    try:
        return attempt()
    except IntegrityError:
        return attempt()


def record_scan(
    session: PresentationSession, text: str, actor: str | None = None, method: str = "scan"
) -> CheckInOutcome:
    """A scanned (or typed) student ID: check the student in, or keep the scan as unmatched.

    Committed before returning. Raises ValueError for empty text (nothing to keep).
    """
    scanned = text.strip()
    if not scanned:
        raise ValueError("nothing was scanned")
    actor = actor or current_actor()

    def attempt() -> CheckInOutcome:
        with database_proxy.atomic():
            student = find_student_by_id(session.school, scanned)
            if student is not None:
                return _check_in(session, student, method, actor)
            unmatched = UnmatchedScan.create(
                session=session,
                scanned_text=scanned[:255],
                recorded_by=actor,
                station=station_name(),
            )
            return CheckInOutcome("unknown", scanned, unmatched=unmatched)

    return _once_more_on_conflict(attempt)


def undo_last_check_in(
    session: PresentationSession, actor: str | None = None, reason: str = "undone at check-in"
) -> PresentationAttendance | None:
    """Undo the latest check-in of this session that is not undone yet; None when there is none.

    The row is kept with who undid it, when and why, and an audit event is written.
    """
    actor = actor or current_actor()
    with database_proxy.atomic():
        last = (
            PresentationAttendance.select()
            .where(
                (PresentationAttendance.session == session)
                & PresentationAttendance.undone_at.is_null()
            )
            .order_by(PresentationAttendance.recorded_at.desc(), PresentationAttendance.id.desc())
            .first()
        )
        if last is None:
            return None
        before = snapshot(last)
        last.undone_at = utc_now()
        last.undone_by = actor
        last.undo_reason = reason.strip() or "undone at check-in"
        last.save()
        audit(
            "undo", last, before=before, after=snapshot(last), reason=last.undo_reason, actor=actor
        )
    return last


def mark_present(
    session: PresentationSession, student_ids: Sequence[int], actor: str | None = None
) -> list[CheckInOutcome]:
    """List mode: record several students at once, in one transaction (all or nothing).

    Students already recorded this year are reported as such and not recorded twice.
    """
    actor = actor or current_actor()
    ids = list(dict.fromkeys(student_ids))
    with database_proxy.atomic():
        students = {
            s.id: s
            for s in Student.select().where(
                Student.id.in_(ids) & (Student.school == session.school_id)
            )
        }
        missing = [i for i in ids if i not in students]
        if missing:
            raise ValidationError({"students": f"{len(missing)} student(s) not at this school"})
        at = utc_now()
        return [_check_in(session, students[i], "list", actor, at) for i in ids]


# --- unmatched scans --------------------------------------------------------------------------


def unmatched_scans(
    session: PresentationSession | None = None,
    *,
    open_only: bool = True,
    year: SchoolYear | None = None,
) -> list[UnmatchedScan]:
    """Scans that matched no student, oldest first (of one session, else of the school year)."""
    query = UnmatchedScan.select(UnmatchedScan, PresentationSession).join(PresentationSession)
    if session is not None:
        query = query.where(UnmatchedScan.session == session)
    else:
        year = year or current_year()
        query = query.where(PresentationSession.school_year == year)
    if open_only:
        query = query.where(UnmatchedScan.resolved_at.is_null())
    return list(query.order_by(UnmatchedScan.scanned_at, UnmatchedScan.id))


def resolve_unmatched_scan(
    scan: UnmatchedScan,
    *,
    student_id: int | None = None,
    dismiss_reason: str = "",
    actor: str | None = None,
) -> CheckInOutcome | None:
    """Resolve an unmatched scan: link it to a student (who is then checked in to the scan's
    session, at the time of the scan) or dismiss it with a reason. Audited, one transaction.

    Returns the check-in outcome when linked, None when dismissed.
    """
    actor = actor or current_actor()
    if (student_id is None) == (not dismiss_reason.strip()):
        raise ValidationError({"resolution": "link a student or give a reason to dismiss"})
    with database_proxy.atomic():
        scan = UnmatchedScan.get_by_id(scan.id)  # the latest state, inside the transaction
        if scan.resolved_at is not None:
            raise ValidationError({"resolution": "this scan was already resolved"})
        before = snapshot(scan)
        outcome = None
        if student_id is not None:
            session = scan.session
            student = Student.get_or_none(
                (Student.id == student_id) & (Student.school == session.school_id)
            )
            if student is None:
                raise ValidationError({"student": "no such student at this school"})
            outcome = _check_in(
                session, student, "scan", actor, scan.scanned_at, scan.station or None
            )
            scan.resolution = "linked"
            scan.linked_student = student
        else:
            scan.resolution = "dismissed"
            scan.dismiss_reason = dismiss_reason.strip()
        scan.resolved_at = utc_now()
        scan.resolved_by = actor
        scan.save()
        audit(
            "resolve",
            scan,
            before=before,
            after=snapshot(scan),
            actor=actor,
            reason=scan.dismiss_reason,
        )
    return outcome


# --- progress ---------------------------------------------------------------------------------


def _presented_ids(year: SchoolYear):
    return PresentationAttendance.select(PresentationAttendance.student).where(
        (PresentationAttendance.school_year == year) & PresentationAttendance.undone_at.is_null()
    )


def presented_times(year: SchoolYear) -> dict[int, datetime]:
    """When each student presented to this year was recorded (undone check-ins left out), by
    student id: the check-in screen marks them among the candidates."""
    query = PresentationAttendance.select(
        PresentationAttendance.student, PresentationAttendance.recorded_at
    ).where(
        (PresentationAttendance.school_year == year) & PresentationAttendance.undone_at.is_null()
    )
    return dict(query.tuples())


def _active_students(school: School | None):
    query = Student.select().where(Student.active == True)  # noqa: E712
    if school is not None:
        query = query.where(Student.school == school)
    return query


@dataclass(frozen=True)
class CheckInRow:
    """One line of the "last check-ins" list."""

    attendance_id: int
    recorded_at: datetime
    sis_id: str
    name: str
    grade: str
    homeroom: str
    method: str


def last_check_ins(session: PresentationSession, n: int = 10) -> list[CheckInRow]:
    """The latest `n` check-ins of a session that are not undone, newest first."""
    query = (
        PresentationAttendance.select(PresentationAttendance, Student)
        .join(Student)
        .where(
            (PresentationAttendance.session == session) & PresentationAttendance.undone_at.is_null()
        )
        .order_by(PresentationAttendance.recorded_at.desc(), PresentationAttendance.id.desc())
        .limit(n)
    )
    return [
        CheckInRow(
            a.id,
            a.recorded_at,
            a.student.sis_id,
            a.student.display_name,
            a.student.grade,
            a.student.homeroom,
            a.method,
        )
        for a in query
    ]


def students_not_presented(
    year: SchoolYear | None = None,
    school: School | None = None,
    *,
    grade: str | None = None,
    homeroom: str | None = None,
) -> list[Student]:
    """Active students not yet presented to this year (by grade, homeroom, name)."""
    year = year or current_year()
    school = school or get_school()
    query = _active_students(school)
    if year is not None:
        query = query.where(Student.id.not_in(_presented_ids(year)))
    if grade is not None:
        query = query.where(Student.grade == grade)
    if homeroom is not None:
        query = query.where(Student.homeroom == homeroom)
    students = list(query.order_by(Student.homeroom, Student.last_name, Student.first_name))
    students.sort(key=lambda s: grade_sort_key(s.grade))  # stable: keeps homeroom/name order
    return students


@dataclass(frozen=True)
class ClassListRow:
    """A student of a class list, with the time they were presented to this year (or None)."""

    student_id: int
    sis_id: str
    name: str
    grade: str
    homeroom: str
    presented_at: datetime | None


def class_list(
    year: SchoolYear, school: School, *, grade: str | None = None, homeroom: str | None = None
) -> list[ClassListRow]:
    """The active students of a homeroom or a grade, by name, with their check-in this year."""
    if grade is None and homeroom is None:
        raise ValueError("choose a grade or a homeroom")
    presented = PresentationAttendance.alias()
    query = (
        Student.select(Student, presented.recorded_at.alias("presented_at"))
        .join(presented, JOIN.LEFT_OUTER, on=presented_in(year, presented))
        .where((Student.active == True) & (Student.school == school))  # noqa: E712
    )
    if grade is not None:
        query = query.where(Student.grade == grade)
    if homeroom is not None:
        query = query.where(Student.homeroom == homeroom)
    query = query.order_by(Student.last_name, Student.first_name, Student.sis_id)
    return [
        ClassListRow(
            s.id,
            s.sis_id,
            f"{s.last_name}, {s.preferred_name or s.first_name}",
            s.grade,
            s.homeroom,
            s.presented_at,
        )
        for s in query.objects()
    ]


def class_groups(school: School) -> tuple[list[str], list[str]]:
    """The grades and the homerooms of the school's active students, for the list-mode picker."""
    base = _active_students(school)
    grades = sorted(
        {g for (g,) in base.select(Student.grade).distinct().tuples() if g}, key=grade_sort_key
    )
    homerooms = sorted(h for (h,) in base.select(Student.homeroom).distinct().tuples() if h)
    return grades, homerooms


# --- export -----------------------------------------------------------------------------------

NOT_PRESENTED_COLUMNS: tuple[ExportColumn, ...] = (
    *MERGE_COLUMNS,
    ExportColumn("sis_id", "id"),
    ExportColumn("last_name", "text"),
    ExportColumn("first_name", "text"),
    ExportColumn("preferred_name", "text"),
    ExportColumn("grade", "id"),
    ExportColumn("homeroom", "id"),
)


def export_not_presented_csv(
    year: SchoolYear | None, out_dir: Path | str, school: School | None = None
) -> Path:
    """Write the students not yet presented to (for make-up sessions) as an exchange CSV.

    One row per student: the student's `record_id` and `updated_at`, ID kept as text, names
    guarded against spreadsheet formulas. Atomic, 0600; returns the file's path.
    """
    year = year or current_year()
    school = _require_school(school)
    if year is None:
        raise ValidationError({"school_year": "no current school year"})
    rows = [
        {
            "record_id": s.record_id,
            "updated_at": s.updated_at,
            "sis_id": s.sis_id,
            "last_name": s.last_name,
            "first_name": s.first_name,
            "preferred_name": s.preferred_name,
            "grade": s.grade,
            "homeroom": s.homeroom,
        }
        for s in students_not_presented(year, school)
    ]
    return write_exchange_csv(
        rows,
        NOT_PRESENTED_COLUMNS,
        out_dir,
        school_code=school.code,
        kind="not-presented",
        school_year=year.name,
    )
