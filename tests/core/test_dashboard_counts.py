"""The dashboard's counts (`full_status`), counted in SQL: each household by its deciding notice,
the people on record, and the same numbers as the screens that list them."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from sro_tui.db import SCHEMA_VERSION, open_database
from sro_tui.glance import NotSure
from sro_tui.models import Guardian, Household, SafetyStaff, Student, StudentGuardian
from sro_tui.notices import change_delivery_status, load_households, notice_counts, record_notice
from sro_tui.reports import full_status
from sro_tui.reports.status import read_status
from sro_tui.roster.households import rebuild_households
from tests.templates import demo_school

TODAY = date(2026, 11, 20)


def _household(school, n: int) -> int:
    """A household of one student and one guardian with a postal and an e-mail address."""
    student = Student.create(school=school, sis_id=str(n), first_name="Sam", last_name=f"S{n}")
    guardian = Guardian.create(
        school=school,
        source_key=f"g{n}",
        first_name="Kim",
        last_name=f"S{n}",
        street=f"{n} Main St",
        city="Port Townsend",
        state="WA",
        postal_code="98368",
        email=f"kim{n}@example.org",
    )
    StudentGuardian.create(student=student, guardian=guardian)
    return guardian.id


def _notice(household_id: int, method: str, sent_on: date, status: str = "sent") -> None:
    notice = record_notice(household_id, method=method, sent_on=sent_on, today=TODAY)
    if status != "sent":
        change_delivery_status(notice.id, status, reason="as the post office said")


def test_each_household_counts_by_its_deciding_notice(school):
    guardians = [_household(school, n) for n in range(1, 8)]
    rebuild_households(school)
    h1, h2, h3, h4, h5, h6, _h7 = (Guardian.get_by_id(g).household_id for g in guardians)
    # Returned, then e-mailed and delivered after September: notified, late, by e-mail.
    _notice(h1, "mail", date(2026, 9, 1), "returned")
    _notice(h1, "email", date(2026, 10, 5), "delivered")
    # Sent home, then a later letter came back: still notified, by the paper that counted.
    _notice(h2, "paper_home", date(2026, 9, 2))
    _notice(h2, "mail", date(2026, 9, 10), "returned")
    _notice(h3, "mail", date(2026, 9, 3), "returned")  # back on the list
    _notice(h4, "email", date(2026, 9, 4), "bounced")  # back on the list
    # Bounced, then returned (the newest): counted as returned, not as bounced.
    _notice(h5, "email", date(2026, 9, 4), "bounced")
    _notice(h5, "mail", date(2026, 9, 8), "returned")
    _notice(h6, "paper_home", date(2026, 9, 30))  # the last day of the beginning of the year
    # h7: nothing sent yet.

    counts = notice_counts()

    assert counts == {
        "households": 7,
        "notified": 3,
        "pending": 4,
        "returned": 2,
        "bounced": 1,
        "notified_by_method": {"paper_home": 2, "email": 1},
        "notified_late": 1,
        "students_without_notice_guardian": 0,
    }
    assert list(counts["notified_by_method"]) == ["paper_home", "email"]  # most used first
    # The families screen says the same of each household.
    statuses = [h.status for h in load_households()]
    assert statuses.count("notified") == counts["notified"]
    assert statuses.count("returned") == counts["returned"]
    assert statuses.count("bounced") == counts["bounced"]


def test_households_of_students_who_left_and_inactive_households_are_not_on_the_list(school):
    guardians = [_household(school, n) for n in range(1, 4)]
    rebuild_households(school)
    left = Student.get(Student.sis_id == "1")
    left.active = False
    left.save()
    Household.update(active=False).where(
        Household.id == Guardian.get_by_id(guardians[1]).household_id
    ).execute()
    assert notice_counts()["households"] == 1


def test_the_people_on_record_are_counted_once_each(school):
    for n in range(1, 4):
        _household(school, n)
    Student.create(school=school, sis_id="9", first_name="Lee", last_name="Gone", active=False)
    Guardian.update(active=False).where(Guardian.source_key == "g3").execute()
    for kind, active in (("sro", True), ("sro", True), ("school_security_officer", True)):
        SafetyStaff.create(school=school, first_name="Pat", last_name="Lane", kind=kind,
                           employer_type="police", employer_name="PTPD", active=active)  # fmt: skip
    SafetyStaff.create(school=school, first_name="Old", last_name="Hand", kind="sro",
                       employer_type="police", employer_name="PTPD", active=False)  # fmt: skip
    rebuild_households(school)

    status = full_status()

    assert (status["active_students"], status["inactive_students"]) == (3, 1)
    assert status["guardians"] == 2
    assert status["households"] == Household.select().where(Household.active == True).count()  # noqa: E712
    assert status["staff_by_kind"] == {"school_security_officer": 1, "sro": 2}
    assert status["safety_staff"] == 3
    assert status["school_year"] == "2026-27" and status["school_code"] == "PTHS"
    assert status["family_notices"]["households"] == 2  # the third guardian left


# --- the same counts read from the file before the app opens it (`reports.read_status`) --------


def test_the_file_read_before_the_open_gives_the_very_same_counts(tmp_path):
    """The demo has a bit of everything: notices returned and bounced, restraint steps owed and
    overdue, agreements in review, open complaints, overdue training, check-ins by grade."""

    path = demo_school(tmp_path / "demo.sqlite3")
    database = open_database(path)
    try:
        through_the_models = full_status(tmp_path / "exports")
    finally:
        database.close()
    read_early = read_status(path, tmp_path / "exports")
    assert read_early == through_the_models
    assert read_early["interventions"]["open_restraint_steps"] > 0  # the demo covers them
    assert read_early["agreements"]["providers_in_review"]
    assert read_early["family_notices"]["returned"] and read_early["family_notices"]["bounced"]


def test_a_file_the_early_read_cannot_be_sure_of_is_left_to_the_usual_open(tmp_path):

    with pytest.raises(NotSure):
        read_status(tmp_path / "missing.sqlite3")  # opening creates it
    not_a_database = tmp_path / "notes.sqlite3"
    not_a_database.write_text("not a database\n" * 100, encoding="utf-8")
    with pytest.raises(NotSure):
        read_status(not_a_database)
    older = demo_school(tmp_path / "older.sqlite3")
    with sqlite3.connect(older) as connection:  # as a file from an older sro-tui says it
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    connection.close()
    before = older.read_bytes()
    with pytest.raises(NotSure):
        read_status(older)  # opening upgrades it first
    assert older.read_bytes() == before  # nothing written


def test_the_reading_process_prints_the_same_counts_as_json(tmp_path):
    """What the app starts as it opens (`python -m sro_tui.reports.status`), and its refusal."""
    import json
    import subprocess
    import sys

    path = demo_school(tmp_path / "demo.sqlite3")
    command = [sys.executable, "-m", "sro_tui.reports.status", str(path), str(tmp_path)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == read_status(path, tmp_path)
    missing = [sys.executable, "-m", "sro_tui.reports.status", str(tmp_path / "none.sqlite3")]
    refused = subprocess.run(missing, capture_output=True, text=True, check=False)
    assert refused.returncode == 3 and refused.stdout == ""
