"""Family complaints: intake, routing to the school and the agency, investigation, response,
closing, reopening with a reason, open complaints and their age, and the privacy of the export."""

from __future__ import annotations

import json
from datetime import date

import pytest

from sro_tui.agreements import (
    COMPLAINT_COLUMNS,
    add_investigation_note,
    close_complaint,
    closing_problems,
    complaint_status,
    complaints_for_year,
    export_complaints_csv,
    get_complaint,
    log_complaint,
    open_complaints,
    record_response,
    reopen_complaint,
    route_complaint,
    update_complaint,
)
from sro_tui.db import open_database
from sro_tui.exchange import read_exchange_csv
from sro_tui.models import AuditEvent, Complaint, Student
from sro_tui.records import ValidationError, save_staff, set_setting

TODAY = date(2026, 10, 15)
PD = "Port Townsend Police Department"


@pytest.fixture
def officer(school):
    return save_staff(
        {
            "first_name": "Dana",
            "last_name": "Reyes",
            "kind": "sro",
            "commissioned": True,
            "employer_type": "law_enforcement_agency",
            "employer_name": PD,
        }
    )


def _intake(staff, **extra):
    values = {
        "received_on": date(2026, 10, 1),
        "received_how": "phone",
        "complainant_name": "Maria Lopez",
        "complainant_contact": "+1 360 555 0142",
        "complainant_role": "parent",
        "language": "es",
        "staff": staff,
        "category": "student_interaction",
        "what_happened": "The officer questioned my son at lunch without calling me.",
    }
    values.update(extra)
    return log_complaint(values, today=TODAY)


def test_intake_is_kept_and_routed_to_the_agency_named_on_the_roster(officer, db, db_path):
    complaint = _intake(officer)
    assert complaint_status(complaint) == "received"
    assert complaint.agency_name == PD
    db.close()
    reopened = open_database(db_path)
    try:
        [again] = complaints_for_year()
        assert get_complaint(complaint.id).what_happened == again.what_happened
        assert get_complaint(complaint.id + 1) is None
        assert (again.complainant_name, again.language, again.staff.last_name) == (
            "Maria Lopez",
            "es",
            "Reyes",
        )
        assert AuditEvent.select().where(AuditEvent.table_name == "complaint").count() == 1
    finally:
        reopened.close()


def test_bad_intake_names_each_field_and_saves_nothing(school):
    with pytest.raises(ValidationError) as error:
        log_complaint(
            {
                "received_on": date(2026, 12, 1),
                "received_how": "fax",
                "category": "rudeness",
                "what_happened": " ",
            },
            today=TODAY,
        )
    assert set(error.value.problems) == {
        "received_on",
        "received_how",
        "category",
        "staff",
        "what_happened",
    }
    with pytest.raises(ValidationError) as error:
        log_complaint(
            {
                "received_on": TODAY,
                "received_how": "letter",
                "staff_description": "tall guard at the east door",
                "what_happened": "He asked my daughter whether she is undocumented.",
            },
            today=TODAY,
        )
    assert "what_happened" in error.value.problems
    assert Complaint.select().count() == 0


def test_a_complaint_from_intake_to_closed(officer):
    complaint = _intake(officer)
    with pytest.raises(ValidationError) as error:
        close_complaint(complaint, closed_on=TODAY, today=TODAY)
    reasons = error.value.problems["closed_on"]
    assert "routed to the school" in reasons and PD in reasons and "response" in reasons

    route_complaint(complaint, to_school_on=date(2026, 10, 1), to_agency_on=date(2026, 10, 2))
    assert complaint_status(complaint) == "routed"
    add_investigation_note(complaint, "Spoke with Officer Reyes.", on=date(2026, 10, 3))
    add_investigation_note(complaint, "Reviewed the lunch duty log.", on=date(2026, 10, 5))
    assert complaint_status(complaint) == "investigating"
    assert complaint.investigation_notes.splitlines()[0].startswith("2026-10-03 (")
    assert len(complaint.investigation_notes.splitlines()) == 2
    record_response(
        complaint, sent_on=date(2026, 10, 9), summary="Letter in Spanish; meeting set.", today=TODAY
    )
    assert closing_problems(complaint) == []
    with pytest.raises(ValidationError):
        close_complaint(complaint, closed_on=date(2026, 10, 8), today=TODAY)  # before response
    close_complaint(complaint, closed_on=date(2026, 10, 10), today=TODAY)
    again = Complaint.get_by_id(complaint.id)
    assert complaint_status(again) == "closed" and again.closed_by
    assert open_complaints(TODAY) == []


def test_a_closed_complaint_is_never_silently_edited(officer):
    complaint = _intake(officer)
    route_complaint(complaint, to_school_on=date(2026, 10, 1), to_agency_on=date(2026, 10, 1))
    record_response(complaint, sent_on=date(2026, 10, 9), summary="Answered", today=TODAY)
    add_investigation_note(complaint, "Spoke with the officer and the lunch supervisor.")
    close_complaint(complaint, closed_on=date(2026, 10, 9), today=TODAY)
    for change in (
        lambda: update_complaint(complaint, {"language": "en"}, today=TODAY),
        lambda: add_investigation_note(complaint, "late note"),
        lambda: route_complaint(complaint, to_school_on=TODAY),
    ):
        with pytest.raises(ValidationError) as error:
            change()
        assert "reopen it" in str(error.value)
    with pytest.raises(ValidationError):
        reopen_complaint(complaint, "  ")
    reopen_complaint(complaint, "the family wrote back: the meeting never happened")
    event = AuditEvent.select().where(AuditEvent.action == "reopen").get()
    assert event.reason == "the family wrote back: the meeting never happened"
    assert json.loads(event.before)["closed_on"] == "2026-10-09"
    assert complaint_status(Complaint.get_by_id(complaint.id)) == "responded"
    update_complaint(complaint, {"language": "en"}, today=TODAY)
    assert Complaint.get_by_id(complaint.id).language == "en"


def test_open_complaints_with_their_age_oldest_first(officer):
    older = _intake(officer, received_on=date(2026, 9, 20))
    newer = _intake(officer, received_on=date(2026, 10, 12))
    assert [(c.id, age) for c, age in open_complaints(TODAY)] == [(older.id, 25), (newer.id, 3)]


def test_district_staff_complaint_needs_no_agency_routing(school):
    guard = save_staff(
        {
            "first_name": "Sam",
            "last_name": "Ito",
            "kind": "campus_security_officer",
            "employer_type": "district",
        }
    )
    complaint = _intake(guard, category="job_duties")
    route_complaint(complaint, to_school_on=date(2026, 10, 1))
    record_response(complaint, sent_on=date(2026, 10, 2), summary="Answered", today=TODAY)
    # The agreement says "how complaints are investigated and answered" (RCW 28A.320.1242):
    # an answer alone does not close it.
    assert closing_problems(complaint) == ["record at least one investigation note"]
    add_investigation_note(complaint, "Viewed the camera footage with the assistant principal.")
    assert closing_problems(complaint) == []


def test_export_has_no_names_contact_or_narrative(officer, tmp_path):
    set_setting("actor", "Principal Kim")
    student = Student.create(
        school=officer.school, sis_id="000123", first_name="Mateo", last_name="Lopez"
    )
    complaint = _intake(officer, student=student)
    route_complaint(complaint, to_school_on=date(2026, 10, 1))
    add_investigation_note(complaint, "Spoke with Officer Reyes.", on=date(2026, 10, 3))
    path = export_complaints_csv(tmp_path, today=TODAY)
    text = path.read_text(encoding="utf-8-sig")
    for private in ("Maria", "Lopez", "555 0142", "lunch", "Spoke", "000123", "Reyes", "Mateo"):
        assert private not in text, private
    [row] = read_exchange_csv(path, COMPLAINT_COLUMNS).rows
    assert row["record_id"] == complaint.record_id
    assert (row["status"], row["days_open"], row["student_involved"]) == (
        "investigating",
        14,
        "yes",
    )
    assert (row["staff_record_id"], row["employer_name"]) == (officer.record_id, PD)
    assert (row["received_on"], row["routed_to_agency_on"]) == (date(2026, 10, 1), None)


def test_a_complaint_about_an_immigration_question_is_recorded_without_the_status(officer):
    """RCW 10.93.160: the family's complaint goes on record, but nobody's status does."""
    with pytest.raises(ValidationError) as caught:
        _intake(officer, what_happened="The officer asked whether my son is a citizen.")
    message = caught.value.problems["what_happened"]
    assert "RCW 10.93.160" in message and "questioned the student about immigration" in message
    assert Complaint.select().count() == 0
    complaint = _intake(officer, what_happened="The officer questioned my son about immigration.")
    assert Complaint.get_by_id(complaint.id).what_happened.endswith("about immigration.")


# Issue 12: "The complaint form's 'From', 'How to reach them' and 'Their language' are never
# checked: 'SRO asked about her immigration status; born in Guadalajara' and 'he is a Mexican
# citizen' were saved." Policy 4311: "the SRO will not inquire into or collect information about
# an individual’s immigration or citizenship status, or place of birth."
@pytest.mark.parametrize(
    "field",
    ["complainant_name", "complainant_contact", "language", "staff_description", "what_happened"],
)
@pytest.mark.parametrize(
    "text",
    ["SRO asked about her immigration status; born in Guadalajara", "he is a Mexican citizen"],
)
def test_every_intake_field_refuses_immigration_content(officer, field, text):
    with pytest.raises(ValidationError) as error:
        _intake(officer, **{field: text})
    assert field in error.value.problems
    assert "immigration or citizenship status, or place of birth" in error.value.problems[field]
    assert Complaint.select().count() == 0


def test_later_complaint_texts_refuse_immigration_content(officer):
    complaint = _intake(officer)
    for change in (
        lambda: update_complaint(complaint, {"complainant_name": "POB Kharkiv"}, today=TODAY),
        lambda: route_complaint(complaint, to_school_on=TODAY, agency_name="asked for his papers"),
        lambda: add_investigation_note(complaint, "Officer asked whether his family has papers"),
        lambda: record_response(
            complaint, sent_on=TODAY, summary="student is undocumented", today=TODAY
        ),
    ):
        with pytest.raises(ValidationError, match="place of birth"):
            change()
    stored = Complaint.get_by_id(complaint.id)
    assert (stored.complainant_name, stored.investigation_notes) == ("Maria Lopez", "")
