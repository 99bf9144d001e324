"""Presentation sessions and check-ins: what the front office relies on at the gym door."""

from __future__ import annotations

import csv
import stat
from datetime import date

import pytest

from sro_tui.db import open_database
from sro_tui.models import (
    AuditEvent,
    PresentationAttendance,
    SchoolYear,
    Student,
    UnmatchedScan,
    database_proxy,
)
from sro_tui.presentation import (
    check_in_student,
    class_groups,
    class_list,
    create_session,
    export_not_presented_csv,
    last_check_ins,
    list_sessions,
    mark_present,
    presentation_progress,
    presentation_status,
    record_scan,
    resolve_unmatched_scan,
    session_presenters,
    students_not_presented,
    todays_session,
    undo_last_check_in,
    unmatched_scans,
)
from sro_tui.records import ValidationError, current_year, save_staff
from sro_tui.search import build_index

ROSTER = [
    # sis_id, first, last, preferred, grade, homeroom
    ("000101", "José", "Núñez", "Pepe", "9", "101"),
    ("000102", "Ana", "López", "", "9", "101"),
    ("000103", "Mei", "Chen", "", "9", "102"),
    ("000201", "Liam", "O'Brien", "", "10", "201"),
    ("000202", "Aroha", "Ngata", "", "10", "201"),
    ("S-77", "Grace", "Martinez", "", "K", "K1"),
]


@pytest.fixture
def students(school) -> dict[str, Student]:
    made = {}
    for sis_id, first, last, preferred, grade, homeroom in ROSTER:
        made[sis_id] = Student.create(
            school=school,
            sis_id=sis_id,
            first_name=first,
            last_name=last,
            preferred_name=preferred,
            grade=grade,
            homeroom=homeroom,
        )
    return made


@pytest.fixture
def session(students):
    return create_session(date(2026, 9, 2), kind="assembly", place="Gym")


def _live_rows() -> list[tuple[str, str]]:
    return [
        (a.student.sis_id, a.method)
        for a in PresentationAttendance.select()
        .where(PresentationAttendance.undone_at.is_null())
        .order_by(PresentationAttendance.id)
    ]


def test_session_has_year_title_and_presenters(school):
    officer = save_staff(
        {
            "first_name": "Dana",
            "last_name": "Reyes",
            "kind": "sro",
            "commissioned": True,
            "employer_type": "law_enforcement_agency",
            "employer_name": "Port Townsend PD",
        }
    )
    made = create_session(date(2026, 9, 2), place="Gym", presenter_ids=[officer.id])
    assert made.title == "Assembly 2026-09-02"
    assert made.school_year.name == "2026-27"
    assert [p.display_name for p in session_presenters(made)] == ["Dana Reyes"]
    assert list_sessions() == [made]
    assert AuditEvent.select().where(AuditEvent.record_id == made.record_id).count() == 1


def test_bad_session_is_refused_and_nothing_written(school):
    with pytest.raises(ValidationError) as info:
        create_session(date(2026, 9, 2), kind="picnic", presenter_ids=[999])
    assert set(info.value.problems) == {"kind", "presenters"}
    with pytest.raises(ValidationError, match="no school year"):
        create_session(date(2031, 9, 2))
    assert list_sessions() == []


def test_todays_session_is_created_once_then_reused(students):
    first = todays_session(date(2026, 9, 2))
    again = todays_session(date(2026, 9, 2))
    assert first.id == again.id
    assert first.title == "Assembly 2026-09-02" and first.kind == "assembly"


def test_scan_records_the_student_and_survives_reopening(students, session, db, db_path):
    outcome = record_scan(session, " 000101 \n")
    assert outcome.status == "recorded"
    assert outcome.student_line == "Pepe Núñez · grade 9 · homeroom 101"
    # Letters in an ID may be typed in another case than the roster's.
    assert record_scan(session, "s-77").student.sis_id == "S-77"
    db.close()
    reopened = open_database(db_path)
    try:
        assert _live_rows() == [("000101", "scan"), ("S-77", "scan")]
    finally:
        reopened.close()
        database_proxy.initialize(db)
        db.connect(reuse_if_open=True)


def test_a_student_counts_once_per_year_across_sessions(students, session):
    record_scan(session, "000101")
    make_up = create_session(date(2026, 10, 1), kind="make_up")
    outcome = record_scan(make_up, "000101")
    assert outcome.status == "already_recorded"
    assert outcome.earlier_session.id == session.id
    again = check_in_student(make_up, students["000101"].id, "search")
    assert again.status == "already_recorded"
    assert _live_rows() == [("000101", "scan")]


def test_the_database_itself_refuses_a_second_check_in_the_same_year(students, session):
    record_scan(session, "000101")
    from peewee import IntegrityError

    with pytest.raises(IntegrityError), database_proxy.atomic():
        PresentationAttendance.create(
            student=students["000101"],
            session=session,
            school_year=session.school_year,
            method="scan",
        )


def test_unknown_scan_is_kept_then_linked_or_dismissed(students, session):
    outcome = record_scan(session, "999999")
    assert outcome.status == "unknown" and outcome.unmatched is not None
    record_scan(session, "12345")
    kept = unmatched_scans(session)
    assert [s.scanned_text for s in kept] == ["999999", "12345"]
    assert PresentationAttendance.select().count() == 0

    linked = resolve_unmatched_scan(kept[0], student_id=students["000202"].id, actor="office")
    assert linked.status == "recorded"
    assert linked.attendance.recorded_at == kept[0].scanned_at  # attended at the scan's time
    assert resolve_unmatched_scan(kept[1], dismiss_reason="visitor's library card") is None
    assert unmatched_scans(session) == []
    dismissed = UnmatchedScan.get_by_id(kept[1].id)
    assert (dismissed.resolution, dismissed.dismiss_reason) == (
        "dismissed",
        "visitor's library card",
    )
    assert AuditEvent.select().where(AuditEvent.action == "resolve").count() == 2
    with pytest.raises(ValidationError, match="already resolved"):
        resolve_unmatched_scan(kept[1], dismiss_reason="again")
    with pytest.raises(ValidationError):
        resolve_unmatched_scan(UnmatchedScan.create(session=session, scanned_text="x"))


def test_undo_marks_the_last_check_in_and_is_audited(students, session):
    record_scan(session, "000101")
    record_scan(session, "000102")
    undone = undo_last_check_in(session, actor="front office", reason="scanned twice by mistake")
    assert undone.student.sis_id == "000102"
    row = PresentationAttendance.get_by_id(undone.id)  # kept, not deleted
    assert row.undone_at is not None and row.undone_by == "front office"
    event = AuditEvent.get(AuditEvent.action == "undo")
    assert event.record_id == row.record_id and event.reason == "scanned twice by mistake"
    assert [r.sis_id for r in last_check_ins(session)] == ["000101"]
    # The undone student can be checked in again.
    assert record_scan(session, "000102").status == "recorded"
    undo_last_check_in(session)
    undo_last_check_in(session)
    assert undo_last_check_in(session) is None


def test_list_mode_marks_a_homeroom_in_one_transaction(students, session):
    record_scan(session, "000101")
    rows = class_list(session.school_year, session.school, homeroom="101")
    assert [(r.sis_id, r.presented_at is not None) for r in rows] == [
        ("000102", False),
        ("000101", True),
    ]
    outcomes = mark_present(session, [r.student_id for r in rows])
    assert [o.status for o in outcomes] == ["recorded", "already_recorded"]
    assert _live_rows() == [("000101", "scan"), ("000102", "list")]
    with pytest.raises(ValidationError):  # one bad id: nothing written
        mark_present(session, [students["000103"].id, 99999])
    assert len(_live_rows()) == 2
    grades, homerooms = class_groups(session.school)
    assert grades == ["K", "9", "10"] and homerooms == ["101", "102", "201", "K1"]


def test_progress_counts_active_students_per_grade(students, session):
    for sis_id in ("000101", "000102", "000201"):
        record_scan(session, sis_id)
    late = Student.create(
        school=session.school,
        sis_id="000104",
        first_name="Zoe",
        last_name="Adams",
        grade="9",
        homeroom="102",
    )  # enrolled after
    students["000202"].active = False  # left the school
    students["000202"].save()
    progress = presentation_progress()
    assert (progress.presented, progress.enrolled) == (3, 6)
    assert [(g.grade, g.presented, g.enrolled) for g in progress.by_grade] == [
        ("K", 0, 1),
        ("9", 2, 4),
        ("10", 1, 1),
    ]
    # By grade, then homeroom, then name.
    assert [s.sis_id for s in students_not_presented()] == ["S-77", "000104", "000103"]
    assert late.sis_id in {s.sis_id for s in students_not_presented(grade="9")}
    status = presentation_status()
    assert status["presented_students"] == 3 and status["students_to_present"] == 3
    assert status["presented_by_grade"]["9"] == {"presented": 2, "enrolled": 4}
    assert status["presentation_sessions"] == 1


def test_last_check_ins_newest_first(students, session):
    for sis_id in ("000101", "000102", "000103"):
        record_scan(session, sis_id)
    assert [r.sis_id for r in last_check_ins(session, n=2)] == ["000103", "000102"]


def test_not_presented_export_reads_back_in_a_spreadsheet_safe_way(students, session, tmp_path):
    Student.create(
        school=session.school,
        sis_id="000999",
        first_name="=HYPERLINK(1)",
        last_name="-Dash",
        grade="9",
        homeroom="101",
    )
    record_scan(session, "000101")
    path = export_not_presented_csv(current_year(), tmp_path / "exports")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.name.startswith("PTHS_not-presented_2026-27_")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0])[:4] == ["record_id", "school_code", "school_year", "updated_at"]
    by_name = {r["last_name"]: r for r in rows}
    assert "Núñez" not in by_name  # presented
    assert by_name["López"]["sis_id"] == '="000102"'  # Excel keeps the leading zeros
    assert by_name["'-Dash"]["first_name"] == "'=HYPERLINK(1)"
    assert by_name["López"]["record_id"] == students["000102"].record_id
    assert by_name["López"]["school_year"] == "2026-27"
    assert len(rows) == 6


def test_sessions_belong_to_the_year_of_their_date(school):
    SchoolYear.create(name="2027-28", start_date=date(2027, 7, 1), end_date=date(2028, 6, 30))
    later = create_session(date(2027, 9, 1))
    assert later.school_year.name == "2027-28"
    assert list_sessions() == []  # the current year is still 2026-27


# --- search ranking as the check-in box uses it -------------------------------------------------


def _index(students: dict[str, Student]):
    return build_index(
        (s.id, s.sis_id, s.last_name, s.first_name, s.preferred_name, s.grade, s.homeroom, True)
        for s in students.values()
    )


def test_candidates_exact_id_first_then_prefix(students):
    index = _index(students)
    hits = [m.student.sis_id for m in index.search("000101")]
    assert hits[0] == "000101"
    # ID prefixes come before any name match, in name order (Ngata, O'Brien).
    assert [m.student.sis_id for m in index.search("0002")] == ["000202", "000201"]


def test_candidates_last_name_prefix_and_accents(students):
    index = _index(students)
    assert index.search("nun")[0].student.sis_id == "000101"
    assert index.search("jose")[0].student.sis_id == "000101"
    assert index.search("pepe")[0].student.sis_id == "000101"
    assert index.search("lopez")[0].student.sis_id == "000102"
    assert index.search("Mrtinez")[0].student.sis_id == "S-77"  # one typo
