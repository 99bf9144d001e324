"""Two laptops of one school (issue 18), each its own database made from the same roster file.

The front office records 50 check-ins (students 1-50) and 20 family notices (the households of
students 1-20); the principal records 30 check-ins (students 41-70: ten the office also checked
in) and 5 intervention requests.
"""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta
from pathlib import Path

from sro_tui.db import open_database
from sro_tui.district import send_to_district
from sro_tui.district.laptop import set_laptop_name
from sro_tui.district.send import SentBundle
from sro_tui.interventions import InvolvedStudent, RequestForm, submit_request
from sro_tui.models import Guardian, Student, StudentGuardian
from sro_tui.notices import record_notices
from sro_tui.presentation import check_in_student, create_session
from sro_tui.records import ensure_current_year, ensure_school, save_staff
from sro_tui.roster import import_roster

TODAY = date(2026, 11, 28)
NOW = datetime(2026, 11, 28, 12, 0)
STUDENTS = 100
CODE, NAME = "PTHS", "Port Townsend High School"


def sis(n: int) -> str:
    return f"{n:06d}"  # leading zeros, as the SIS writes them


def write_roster(path: Path, students: int = STUDENTS) -> Path:
    """A generic SIS export: each student with one guardian at an address of their own."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(
            [
                "Student ID",
                "Last Name",
                "First Name",
                "Grade",
                "Guardian 1 Name",
                "Guardian 1 Relationship",
                "Guardian 1 Email",
                "Guardian 1 Address",
                "Guardian 1 City",
                "Guardian 1 State",
                "Guardian 1 Zip",
            ]
        )
        for n in range(1, students + 1):
            out.writerow(
                [
                    sis(n),
                    f"Family{n}",
                    f"Student{n}",
                    str(9 + n % 4),
                    f"Parent{n} Family{n}",
                    "Mother",
                    f"parent{n}@example.org",
                    f"{n} Water St",
                    "Port Townsend",
                    "WA",
                    "98368",
                ]
            )
    return path


def new_laptop(path: Path, roster: Path, name: str) -> Path:
    """A laptop's own database: the school set up and the roster imported, the laptop named."""
    db = open_database(path)
    try:
        ensure_school(CODE, NAME, district="Port Townsend SD")
        ensure_current_year(TODAY)
        import_roster(roster)
        set_laptop_name(name)
    finally:
        db.close()
    return path


def _students(numbers) -> list[Student]:
    return list(Student.select().where(Student.sis_id.in_([sis(n) for n in numbers])))


def check_in(numbers, held_on: date = TODAY) -> None:
    session = create_session(held_on, actor="test")
    for student in _students(numbers):
        assert check_in_student(session, student.id, "scan", actor="test").status == "recorded"


def households_of(numbers) -> set[int]:
    return {
        g.household_id
        for g in Guardian.select()
        .join(StudentGuardian)
        .join(Student)
        .where(Student.sis_id.in_([sis(n) for n in numbers]))
    }


def requests(numbers) -> None:
    """One submitted intervention request per student."""
    guard = save_staff(
        {"first_name": "Lee", "last_name": "Park", "kind": "school_security_officer"}
    )
    for i, student in enumerate(_students(numbers)):
        form = RequestForm(
            occurred_at=datetime(2026, 11, 3 + i, 10, 15),
            location="Cafeteria",
            requested_by_name="Ms. Alvarez",
            requested_by_role="teacher",
            criterion="danger_to_others",
            facts="Student was swinging a chair at classmates and would not stop when asked.",
            purpose_is_discipline=False,
            actions=["de_escalation", "escort"],
            outcome="Student calmed down and went to the counselor.",
            students=[InvolvedStudent(student.id, role="subject")],
            staff_ids=[guard.id],
        )
        submit_request(form, actor="principal", now=NOW)


def office_and_principal(folder: Path) -> tuple[Path, Path]:
    """The two laptops, with their records (see the module)."""
    roster = write_roster(folder / "roster.csv")
    office = new_laptop(folder / "office.sqlite3", roster, "Front office")
    principal = new_laptop(folder / "principal.sqlite3", roster, "Principal")
    db = open_database(office)
    try:
        check_in(range(1, 51))
        result = record_notices(
            households_of(range(1, 21)), method="email", sent_on=TODAY, actor="office", today=TODAY
        )
        assert result.recorded == 20
    finally:
        db.close()
    db = open_database(principal)
    try:
        check_in(range(41, 71))
        requests(range(60, 65))
    finally:
        db.close()
    return office, principal


def send(school_db: Path, out: Path, now: datetime | None = None) -> SentBundle:
    db = open_database(school_db)
    try:
        return send_to_district(out, now=now)
    finally:
        db.close()


def both_sent(folder: Path) -> dict:
    """Both laptops made in `folder` and each sent once (the office at NOW, the principal five
    minutes later): their databases (`office_db`, `principal_db`) and bundles (`office`,
    `principal`), and `folder` (where roster.csv is)."""
    office, principal = office_and_principal(folder)
    return {
        "folder": folder,
        "office_db": office,
        "principal_db": principal,
        "office": send(office, folder / "out", now=NOW),
        "principal": send(principal, folder / "out", now=NOW + timedelta(minutes=5)),
    }
