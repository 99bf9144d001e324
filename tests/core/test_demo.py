"""The demo school: the same school every run, and the families, names and staff a demo needs."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from sro_tui.db import open_database
from sro_tui.demo import DemoSchoolError, create_demo_school
from sro_tui.demo import school as demo_school
from sro_tui.models import (
    STAFF_KINDS,
    AuditEvent,
    Guardian,
    Household,
    SafetyStaff,
    School,
    SchoolYear,
    Student,
    StudentGuardian,
)
from sro_tui.records import load_student_index
from sro_tui.reports import full_status

TODAY = date(2026, 11, 28)


def _dump() -> dict[str, list[tuple]]:
    """Everything the demo wrote that should not depend on the run (timestamps aside)."""
    households = dict(Household.select(Household.id, Household.key).tuples())
    guardian_keys = dict(Guardian.select(Guardian.id, Guardian.source_key).tuples())
    sis_ids = dict(Student.select(Student.id, Student.sis_id).tuples())
    skip = {"id", "created_at", "updated_at", "school", "household"}

    def rows(model, order) -> list[tuple]:
        fields = [f for f in model._meta.sorted_fields if f.name not in skip]
        return [tuple(getattr(r, f.name) for f in fields) for r in model.select().order_by(order)]

    return {
        "school": rows(School, School.code),
        "year": rows(SchoolYear, SchoolYear.name),
        "students": rows(Student, Student.sis_id),
        "guardians": rows(Guardian, Guardian.source_key),
        "guardian_households": sorted(
            (key, households.get(h, ""))
            for key, h in Guardian.select(Guardian.source_key, Guardian.household).tuples()
        ),
        "households": rows(Household, Household.key),
        "links": sorted(
            (rid, sis_ids[s], guardian_keys[g], rel)
            for rid, s, g, rel in StudentGuardian.select(
                StudentGuardian.record_id,
                StudentGuardian.student,
                StudentGuardian.guardian,
                StudentGuardian.relationship,
            ).tuples()
        ),
        "staff": rows(SafetyStaff, SafetyStaff.last_name),
    }


def _write_demo(path: Path, today: date = TODAY) -> dict[str, list[tuple]]:
    """Write the demo school to a new file, close it, reopen it and read everything back."""
    database = open_database(path)
    create_demo_school(today)
    database.close()
    reopened = open_database(path)
    try:
        return _dump()
    finally:
        reopened.close()


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    database = open_database(path)
    create_demo_school(TODAY)
    database.close()
    return path


@pytest.fixture
def demo_db(demo_path: Path):
    """The module's demo school, opened for one test (tests here only read it)."""
    database = open_database(demo_path)
    yield database
    database.close()


def _guardians_by_student() -> dict[int, set[int]]:
    by_student: dict[int, set[int]] = defaultdict(set)
    for student_id, guardian_id in StudentGuardian.select(
        StudentGuardian.student, StudentGuardian.guardian
    ).tuples():
        by_student[student_id].add(guardian_id)
    return by_student


def test_two_runs_write_the_same_school_and_survive_reopening(tmp_path):
    first = _write_demo(tmp_path / "one.sqlite3")
    second = _write_demo(tmp_path / "two.sqlite3")
    assert len(first["students"]) == demo_school.DEMO_STUDENTS
    assert len(first["guardians"]) == demo_school.DEMO_GUARDIANS
    assert len(first["staff"]) == 8  # one left in October: kept, with the last day on site
    for table, rows in first.items():
        assert rows == second[table], table
    record_ids = [
        r[0] for table in ("students", "guardians", "households", "staff") for r in first[table]
    ]
    assert len(set(record_ids)) == len(record_ids)
    assert all(
        re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", rid)
        for rid in record_ids
    )


def test_a_new_step_does_not_change_what_the_others_write(tmp_path, monkeypatch):
    baseline = _write_demo(tmp_path / "base.sqlite3")

    def _add_extra_demo(school, rng, today):  # a later feature's step, drawing from its own rng
        rng.getrandbits(4096)

    steps = [("extra", _add_extra_demo), *demo_school.DEMO_STEPS]
    monkeypatch.setattr(demo_school, "DEMO_STEPS", steps)
    assert _write_demo(tmp_path / "extra.sqlite3") == baseline


def test_about_600_active_students_in_grades_6_to_12_and_status_counts_match(demo_db):
    status = full_status()
    assert status["school_code"] == "PTHS"
    assert status["school_name"] == "Port Townsend High School"
    assert status["school_year"] == "2026-27"
    assert status["active_students"] == 600
    assert status["inactive_students"] == 12
    assert status["active_students"] == Student.select().where(Student.active == True).count()  # noqa: E712
    assert status["guardians"] == Guardian.select().where(Guardian.active == True).count()  # noqa: E712
    assert status["households"] == (
        Household.select().where(Household.active == True).count()  # noqa: E712
    )
    assert status["staff_by_kind"] == {
        "sro": 2,
        "school_security_officer": 2,
        "campus_security_officer": 2,
        "other": 1,
    }
    grades = {g for (g,) in Student.select(Student.grade).tuples()}
    assert grades == {str(g) for g in range(6, 13)}
    for grade in grades:
        rooms = {
            r for (r,) in Student.select(Student.homeroom).where(Student.grade == grade).tuples()
        }
        assert len(rooms) >= 2 and all(r.startswith(grade) for r in rooms)
    # Every student's search key is set, so database-side name search finds them.
    assert not Student.select().where(Student.search_key == "").exists()


def test_siblings_share_their_guardians_household(demo_db):
    """Siblings get one notice per home, not one each: a family's households are its addresses."""
    by_student = _guardians_by_student()
    students_of: dict[int, set[int]] = defaultdict(set)
    for student_id, guardian_ids in by_student.items():
        for guardian_id in guardian_ids:
            students_of[guardian_id].add(student_id)
    guardians = {g.id: g for g in Guardian.select()}
    with_sibling = {s for s, gs in by_student.items() if any(len(students_of[g]) > 1 for g in gs)}
    assert 0.2 <= len(with_sibling) / len(by_student) <= 0.32
    families_checked = 0
    for guardian_id, students in students_of.items():
        if len(students) < 2 or not guardians[guardian_id].active:
            continue
        family = {g for s in students for g in by_student[s]}
        addresses = {guardians[g].mailing_address for g in family} - {""}
        households = {guardians[g].household_id for g in family}
        assert None not in households
        assert len(households) == max(1, len(addresses)), [
            guardians[g].display_name for g in family
        ]
        families_checked += 1
    assert families_checked >= 50


def test_students_of_parents_living_apart_are_in_two_households(demo_db):
    by_student = _guardians_by_student()
    guardians = {g.id: g for g in Guardian.select()}
    split = [
        s
        for s, gs in by_student.items()
        if len({guardians[g].household_id for g in gs if guardians[g].household_id}) == 2
    ]
    assert 0.05 <= len(split) / len(by_student) <= 0.12
    for student_id in split:
        addresses = {guardians[g].mailing_address for g in by_student[student_id]}
        assert len(addresses) == 2 and "" not in addresses


def test_names_with_accents_apostrophes_and_preferred_names_are_searchable(demo_db):
    names = [
        f"{f} {m} {last} {p}"
        for f, m, last, p in Student.select(
            Student.first_name, Student.middle_name, Student.last_name, Student.preferred_name
        ).tuples()
    ]
    assert any("'" in n for n in names)
    assert any(c in "".join(names) for c in "ñéëễ")
    assert Student.select().where(Student.preferred_name != "").count() >= 20
    index = load_student_index()
    obrien = index.search("obrien")
    assert obrien and obrien[0].student.last_name == "O'Brien"
    nunez = index.search("nunez")
    assert nunez and nunez[0].student.last_name.startswith("Núñez")
    leading_zero = Student.select().where(Student.sis_id.startswith("0")).first()
    assert index.search(leading_zero.sis_id)[0].student.sis_id == leading_zero.sis_id


def test_several_home_languages_english_most(demo_db):
    counts: dict[str, int] = defaultdict(int)
    for (language,) in Student.select(Student.home_language).tuples():
        counts[language] += 1
    assert max(counts, key=counts.get) == "English"
    assert {
        "Spanish",
        "Vietnamese",
        "Russian",
        "Ukrainian",
        "Somali",
        "Tagalog",
        "Korean",
        "Chinese (Mandarin)",
    } <= counts.keys()
    assert Student.select().where(Student.english_learner == True).exists()  # noqa: E712
    assert (
        not Student.select()
        .where(
            Student.english_learner == True,  # noqa: E712
            Student.home_language == "English",
        )
        .exists()
    )
    assert Guardian.select().where(Guardian.preferred_language == "Spanish").exists()


def test_guardians_contact_details_look_like_the_peninsula(demo_db):
    zips = {"Port Townsend": "98368", "Port Hadlock": "98339", "Chimacum": "98325"}
    guardians = list(Guardian.select())
    assert any(g.street == "" for g in guardians)
    assert any(g.email == "" for g in guardians)
    for g in guardians:
        if g.street:
            assert (g.state, g.postal_code) == ("WA", zips[g.city])
        if g.phone:
            assert re.fullmatch(r"\(\d{3}\) 555-01\d\d", g.phone), g.phone
        if g.email:
            assert re.fullmatch(r"[a-z]+\.[a-z]+\d\d@example\.(org|com|net)", g.email), g.email
    # Guardians without an address still belong to a household (rule 2, or their own).
    assert (
        not Guardian.select()
        .where(
            Guardian.active == True,  # noqa: E712
            Guardian.household.is_null(),
        )
        .exists()
    )


def test_every_kind_of_safety_staff_with_training_relative_to_today(demo_db):
    staff = list(SafetyStaff.select())
    assert {s.kind for s in staff} == set(STAFF_KINDS)
    for s in staff:
        if s.kind == "sro":
            assert s.commissioned and s.employer_type == "law_enforcement_agency"
        if s.training_status == "completed":
            assert s.training_completed_on < TODAY
        if s.training_status == "planned":
            assert s.training_due_on > TODAY
    assert {s.training_status for s in staff} == {"completed", "planned", "not_started"}
    assert {s.employer_name for s in staff} >= {
        "Port Townsend Police Department",
        "Jefferson County Sheriff's Office",
        "Olympic Peninsula Security LLC",
    }
    # Each staff record's creation is in the audit trail under its (seeded) record_id.
    audited = {
        r
        for (r,) in AuditEvent.select(AuditEvent.record_id)
        .where(AuditEvent.table_name == "safety_staff")
        .tuples()
    }
    assert audited == {s.record_id for s in staff}
    # Issue 12: first days on site (training deadlines), and a guard who left this year.
    assert all(s.first_day_on_site is not None for s in staff)
    [left] = [s for s in staff if not s.active]
    assert left.last_day_on_site is not None and left.last_day_on_site <= TODAY
    summary = AuditEvent.get(AuditEvent.action == "demo")
    assert '"students": 612' in summary.after and "2026-27" in summary.reason


def test_today_decides_the_school_year(tmp_path):
    database = open_database(tmp_path / "summer.sqlite3")
    try:
        create_demo_school(date(2027, 8, 20))
        assert full_status()["school_year"] == "2027-28"
    finally:
        database.close()


def test_refuses_a_database_that_already_holds_students(school):
    Student.create(school=school, sis_id="0001", first_name="Ana", last_name="Real")
    audit_events = AuditEvent.select().count()
    with pytest.raises(DemoSchoolError, match="already holds"):
        create_demo_school(TODAY)
    assert Student.select().count() == 1
    assert Guardian.select().count() == 0 and SafetyStaff.select().count() == 0
    assert AuditEvent.select().count() == audit_events
