"""Policy 4311: "At the beginning of each school year, if the district has safety and security staff
working on school property, the district must present to and discuss with students, and distribute
to students’ families, information about the role and responsibilities of safety and security
staff." Issue 12: presentations and notices recorded late in the year are flagged as late; students
with no guardian who receives notices are counted as owed a notice and listed."""

from __future__ import annotations

from datetime import date

from sro_tui.models import Guardian, Student, StudentGuardian
from sro_tui.notices import notice_counts, record_notice, students_without_notice_guardian
from sro_tui.policy import WORDS_BEGINNING_OF_YEAR, beginning_of_year_ends, late_in_year
from sro_tui.presentation import check_in_student, create_session, presentation_status
from sro_tui.roster.households import rebuild_households


def test_the_beginning_of_the_year_ends_with_september():
    assert "At the beginning of each school year" in WORDS_BEGINNING_OF_YEAR
    start = date(2026, 7, 1)
    assert beginning_of_year_ends(start) == date(2026, 9, 30)
    assert not late_in_year(date(2026, 9, 30), start) and late_in_year(date(2026, 10, 1), start)


def _student(school, sis_id: str, last: str) -> Student:
    return Student.create(school=school, sis_id=sis_id, first_name="Sam", last_name=last)


def test_late_presentations_and_notices_are_flagged(school):
    early, late = _student(school, "1", "Early"), _student(school, "2", "Late")
    check_in_student(create_session(date(2026, 9, 8)), early.id)
    check_in_student(create_session(date(2026, 11, 2), kind="make_up"), late.id)
    assert presentation_status()["presented_late"] == 1
    mum = Guardian.create(school=school, source_key="g1", first_name="Ana", last_name="Early")
    StudentGuardian.create(student=early, guardian=mum)
    dad = Guardian.create(school=school, source_key="g2", first_name="Bo", last_name="Late",
                          street="1 Main St", city="Port Townsend")  # fmt: skip
    StudentGuardian.create(student=late, guardian=dad)
    rebuild_households(school)
    mum, dad = Guardian.get_by_id(mum.id), Guardian.get_by_id(dad.id)
    record_notice(mum.household_id, method="paper_home", sent_on=date(2026, 9, 10),
                  today=date(2026, 11, 20))  # fmt: skip
    record_notice(dad.household_id, method="paper_home", sent_on=date(2026, 11, 18),
                  today=date(2026, 11, 20))  # fmt: skip
    counts = notice_counts()
    assert (counts["notified"], counts["notified_late"]) == (2, 1)


def test_students_with_no_guardian_for_notices_are_counted_and_listed(school):
    alone = _student(school, "3", "Alone")
    opted_out = _student(school, "4", "Optedout")
    covered = _student(school, "5", "Covered")
    g = Guardian.create(school=school, source_key="g3", first_name="Kai", last_name="Covered")
    StudentGuardian.create(student=covered, guardian=g)
    h = Guardian.create(school=school, source_key="g4", first_name="Lu", last_name="Optedout")
    StudentGuardian.create(student=opted_out, guardian=h, receives_notices=False)
    rebuild_households(school)
    assert [s.last_name for s in students_without_notice_guardian()] == ["Alone", "Optedout"]
    assert notice_counts()["students_without_notice_guardian"] == 2
    assert alone.active
