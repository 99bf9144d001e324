"""UI fixtures: a small school on disk, an app on it, and a steady screen for snapshots."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from peewee import chunked

from sro_tui.models import Guardian, SafetyStaff, Student, StudentGuardian, database_proxy
from sro_tui.records import ensure_current_year, ensure_school
from sro_tui.roster import rebuild_households
from sro_tui.search import student_search_key
from tests.templates import copy_template, empty_database

# (sis_id, first, middle, last, preferred, grade, homeroom, active)
STUDENTS = [
    ("000123", "José", "Luis", "Núñez", "Pepe", "9", "104", True),
    ("000124", "Ana", "", "Núñez", "", "11", "210", True),
    ("000200", "Mia", "", "O'Brien", "", "10", "118", True),
    ("000201", "Liam", "", "Nguyen", "", "12", "220", True),
    ("000202", "Josephine", "", "Adams", "Jo", "9", "104", True),
    ("000300", "Noah", "", "Whitaker", "", "10", "118", False),
]
# (source_key, first, last, email, phone, street, city, state, zip, language, [(sis_id, relation)])
GUARDIANS = [
    (
        "g-maria",
        "María",
        "Núñez",
        "maria.nunez@example.org",
        "360-555-0101",
        "12 Water St",
        "Port Townsend",
        "WA",
        "98368",
        "Spanish",
        [("000123", "Mother"), ("000124", "Mother")],
    ),
    (
        "g-carlos",
        "Carlos",
        "Núñez",
        "",
        "360-555-0102",
        "800 Lawrence St",
        "Port Townsend",
        "WA",
        "98368",
        "Spanish",
        [("000123", "Father"), ("000124", "Father")],
    ),
    (
        "g-erin",
        "Erin",
        "O'Brien",
        "erin@example.org",
        "",
        "5 Oak Ave",
        "Port Hadlock",
        "WA",
        "98339",
        "English",
        [("000200", "Guardian")],
    ),
]


def add_students(school, rows) -> None:
    """Insert students in one batch, with the search key the roster import would store."""
    records = [
        dict(
            school=school,
            sis_id=sis,
            first_name=first,
            middle_name=middle,
            last_name=last,
            preferred_name=preferred,
            grade=grade,
            homeroom=room,
            active=active,
            search_key=student_search_key(sis, first, middle, last, preferred),
        )
        for sis, first, middle, last, preferred, grade, room, active in rows
    ]
    with database_proxy.atomic():
        for chunk in chunked(records, 500):
            Student.insert_many(chunk).execute()


def build_small_school(extra_students: int = 0) -> None:
    """Port Townsend High: six students (accents, apostrophes, siblings, one inactive), three
    guardians in two households plus one at a second address, two safety staff."""
    school = ensure_school("PTHS", "Port Townsend High School", district="Port Townsend SD")
    ensure_current_year(date(2026, 11, 28))
    rows = list(STUDENTS)
    rows += [
        (
            f"{500000 + n}",
            f"Student{n}",
            "",
            f"Family{n:05d}",
            "",
            str(9 + n % 4),
            str(100 + n % 30),
            True,
        )
        for n in range(extra_students)
    ]
    add_students(school, rows)
    for key, first, last, email, phone, street, city, state, zip_code, language, links in GUARDIANS:
        guardian = Guardian.create(
            school=school,
            source_key=key,
            first_name=first,
            last_name=last,
            email=email,
            phone=phone,
            street=street,
            city=city,
            state=state,
            postal_code=zip_code,
            preferred_language=language,
        )
        for sis_id, relationship in links:
            student = Student.get(Student.sis_id == sis_id)
            StudentGuardian.create(student=student, guardian=guardian, relationship=relationship)
    rebuild_households(school)
    SafetyStaff.create(
        school=school,
        first_name="Dana",
        last_name="Reyes",
        kind="sro",
        commissioned=True,
        employer_type="law_enforcement_agency",
        employer_name="Port Townsend Police Department",
        days_per_week=3,
        training_status="completed",
        training_completed_on=date(2026, 8, 20),
    )
    SafetyStaff.create(
        school=school,
        first_name="Sam",
        last_name="Okafor",
        kind="school_security_officer",
        employer_type="district",
        training_status="planned",
        training_due_on=date(2027, 1, 15),
    )


def small_school_file(path: Path, extra_students: int = 0) -> Path:
    """A database file at `path` holding the small school (and `extra_students` more), closed so
    the app opens it itself: a copy of the one built once per test process."""
    name = f"small-school+{extra_students}"
    return copy_template(name, lambda: build_small_school(extra_students), path)


@pytest.fixture
def school_db(tmp_path: Path) -> Path:
    """A database file holding the small school, closed again so the app opens it itself."""
    return small_school_file(tmp_path / "school.sqlite3")


@pytest.fixture
def empty_db(tmp_path: Path) -> Path:
    """A new, empty database file (no school yet)."""
    return empty_database(tmp_path / "empty.sqlite3")
