"""Restraint and isolation: its own record, with its deadlines (RCW 28A.600.485) shown until met."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from sro_tui.policy import (
    RequestFacts,
    RestraintIsolation,
    Severity,
    add_business_days,
    can_save,
    check_request,
    is_business_day,
    restraint_deadlines,
)

FRIDAY = datetime(2026, 10, 9, 14, 30)
THANKSGIVING = date(2026, 11, 26)


def by_name(deadlines):
    return {d.name: d for d in deadlines}


# --- business days ----------------------------------------------------------------------------


def test_business_days_skip_weekends_and_the_schools_holidays():
    assert add_business_days(date(2026, 10, 9), 2) == date(2026, 10, 13)  # Fri -> Tue
    assert add_business_days(date(2026, 10, 5), 2) == date(2026, 10, 7)  # Mon -> Wed
    assert add_business_days(date(2026, 10, 10), 2) == date(2026, 10, 13)  # Sat -> Tue
    # Wed 25 Nov + 2, Thanksgiving Thu and the Friday after closed -> Tue 1 Dec.
    assert add_business_days(date(2026, 11, 25), 2) == date(2026, 12, 1)
    # The school's own closure days narrow the count further.
    assert add_business_days(date(2026, 11, 25), 2, [date(2026, 11, 30)]) == date(2026, 12, 2)
    assert is_business_day(date(2026, 10, 9)) and not is_business_day(date(2026, 10, 10))
    assert not is_business_day(THANKSGIVING)
    assert not is_business_day(date(2026, 10, 9), [date(2026, 10, 9)])
    with pytest.raises(ValueError):
        add_business_days(date(2026, 10, 9), -1)


# --- the four deadlines -----------------------------------------------------------------------


def test_a_friday_restraint_owes_four_steps_with_their_due_times():
    deadlines = restraint_deadlines(FRIDAY)
    assert [d.name for d in deadlines] == [
        "administrator_informed",
        "family_told_verbally",
        "written_report_filed",
        "family_told_in_writing",
    ]
    due = {d.name: d.due_at for d in deadlines}
    assert due["administrator_informed"] == FRIDAY  # as soon as possible
    assert due["family_told_verbally"] == FRIDAY + timedelta(hours=24)
    assert due["written_report_filed"] == datetime(2026, 10, 13, 23, 59, 59)  # Tuesday
    assert due["family_told_in_writing"] == datetime(2026, 10, 16, 23, 59, 59)  # next Friday
    assert all("RCW 28A.600.485" in d.citation for d in deadlines)


def test_holidays_push_the_written_deadlines_back():
    # Legal holidays need no setting: Thanksgiving and Native American Heritage Day are skipped.
    wednesday = datetime(2026, 11, 25, 9, 0)
    due = by_name(restraint_deadlines(wednesday))
    assert due["written_report_filed"].due_at.date() == date(2026, 12, 1)
    assert due["family_told_in_writing"].due_at.date() == date(2026, 12, 4)
    assert due["written_report_filed"].school_due_at is None  # no closures: one date


def test_a_deadline_is_shown_until_met_and_knows_when_it_was_late():
    report = by_name(restraint_deadlines(FRIDAY))["written_report_filed"]
    assert report.status(datetime(2026, 10, 12, 9, 0)) == "open"
    assert not report.overdue(datetime(2026, 10, 13, 23, 0))
    assert report.overdue(datetime(2026, 10, 14, 8, 0))
    assert report.status(datetime(2026, 10, 14, 8, 0)) == "overdue"

    on_time = by_name(
        restraint_deadlines(FRIDAY, written_report_filed_at=datetime(2026, 10, 13, 15, 0))
    )["written_report_filed"]
    assert on_time.status(datetime(2026, 12, 1)) == "met" and not on_time.met_late
    late = by_name(
        restraint_deadlines(FRIDAY, written_report_filed_at=datetime(2026, 10, 14, 8, 0))
    )["written_report_filed"]
    assert late.met_late and late.status(datetime(2026, 12, 1)) == "met late"


def test_telling_the_administrator_is_due_at_once_and_never_late():
    asap = by_name(
        restraint_deadlines(FRIDAY, administrator_informed_at=FRIDAY + timedelta(minutes=20))
    )["administrator_informed"]
    assert asap.as_soon_as_possible and asap.met and not asap.met_late
    assert by_name(restraint_deadlines(FRIDAY))["administrator_informed"].overdue(
        FRIDAY + timedelta(minutes=1)
    )


# --- the restraint record in a request --------------------------------------------------------


def a_restraint_request(record: RestraintIsolation | None, **changes) -> RequestFacts:
    values = dict(
        occurred_at=FRIDAY,
        requested_by_name="Sam Ortiz",
        requested_by_role="administrator",
        criterion="danger_to_others",
        facts="Student was hitting another student on the floor and did not stop when told.",
        purpose_is_discipline=False,
        responding_staff_kinds=["sro"],
        actions=["restraint"],
        restraint=record,
    )
    values.update(changes)
    return RequestFacts(**values)


def complete_record(**changes) -> RestraintIsolation:
    values = dict(
        restraint=True,
        ended_at=FRIDAY + timedelta(minutes=3),
        description="Hitting another student who was on the floor.",
        injuries=False,
        administered_by_name="Dana Reyes",
        administered_by_title="School resource officer",
        type_codes=("4",),
        student_injured=False,
        staff_injured_count=0,
        recommendations="Add a behaviour plan meeting with the counselor.",
        notice_language="en",
        administrator_informed_at=FRIDAY + timedelta(minutes=10),
        family_told_verbally_at=FRIDAY + timedelta(hours=2),
        written_report_filed_at=datetime(2026, 10, 12, 11, 0),
        family_told_in_writing_at=datetime(2026, 10, 13, 9, 0),
    )
    values.update(changes)
    return RestraintIsolation(**values)


def test_ticking_restraint_opens_its_own_record():
    findings = check_request(a_restraint_request(None))
    [finding] = [f for f in findings if f.check_id == "restraint.record_missing"]
    assert finding.severity is Severity.BLOCK


def test_a_complete_restraint_record_on_time_can_be_saved_with_no_open_steps():
    findings = check_request(a_restraint_request(complete_record()), now=datetime(2026, 10, 20))
    assert [f for f in findings if f.check_id.startswith("restraint")] == []
    assert can_save(findings)


def test_open_steps_are_shown_with_their_due_time_until_met():
    record = complete_record(written_report_filed_at=None, family_told_in_writing_at=None)
    findings = check_request(a_restraint_request(record), now=datetime(2026, 10, 12, 8, 0))
    open_steps = {f.field: f for f in findings if f.check_id == "restraint.deadline_open"}
    assert set(open_steps) == {
        "restraint.written_report_filed_at",
        "restraint.family_told_in_writing_at",
    }
    assert "Tue 2026-10-13" in open_steps["restraint.written_report_filed_at"].message
    assert all(f.severity is Severity.ADVICE for f in open_steps.values())
    assert can_save(findings)


def test_an_overdue_or_late_step_needs_a_reason():
    overdue = check_request(
        a_restraint_request(complete_record(family_told_verbally_at=None)),
        now=FRIDAY + timedelta(hours=30),
    )
    [finding] = [f for f in overdue if f.check_id == "restraint.deadline_missed"]
    assert finding.field == "restraint.family_told_verbally_at"
    assert not can_save(overdue)
    assert can_save(overdue, {finding.key: "Phone disconnected; letter sent home."})

    late = check_request(
        a_restraint_request(complete_record(written_report_filed_at=datetime(2026, 10, 15, 9)))
    )
    assert "restraint.deadline_missed" in {f.check_id for f in late}


def test_a_step_recorded_before_the_incident_is_blocked():
    record = complete_record(administrator_informed_at=FRIDAY - timedelta(hours=1))
    findings = check_request(a_restraint_request(record))
    assert "restraint.step_before_incident" in {f.check_id for f in findings}
    assert not can_save(findings)


def test_the_record_says_restraint_or_isolation_and_the_report_details():
    record = RestraintIsolation()
    findings = check_request(a_restraint_request(record))
    assert "restraint.kind_missing" in {f.check_id for f in findings}
    [details] = [f for f in findings if f.check_id == "restraint.report_details"]
    assert "when it ended" in details.message and "injured" in details.message


def test_restraint_on_a_disruption_request_needs_a_reason():
    findings = check_request(a_restraint_request(complete_record(), criterion="disruption"))
    [finding] = [f for f in findings if f.check_id == "restraint.threshold"]
    assert finding.severity is Severity.NEEDS_REASON
    assert "imminent likelihood of serious harm" in finding.message


def test_the_restraint_description_is_screened_for_immigration_content():
    record = complete_record(description="He said he was undocumented and ran; being undocumented")
    findings = check_request(a_restraint_request(record))
    fields = {f.field for f in findings if f.check_id == "immigration.free_text"}
    assert fields == {"restraint.description"}


def test_a_restraint_needs_a_start_and_cannot_end_before_it():
    no_start = check_request(a_restraint_request(complete_record(), occurred_at=None))
    assert "restraint.start_missing" in {f.check_id for f in no_start}
    backwards = complete_record(ended_at=FRIDAY - timedelta(minutes=5))
    assert "restraint.times" in {f.check_id for f in check_request(a_restraint_request(backwards))}


# RCW 28A.600.485: the written report includes "the name and job title of the individual who
# administered the restraint or isolation; … the type of restraint or isolation used on the
# student, including the duration; whether the student or staff was physically injured … and any
# medical care provided; and any recommendations for changing the nature or amount of resources
# available to the student and staff members in order to avoid similar incidents."
def test_the_report_holds_what_the_statute_lists_once_it_is_filed():
    bare = complete_record(
        administered_by_name="",
        administered_by_title="",
        type_codes=(),
        student_injured=True,
        staff_injured_count=None,
        medical_care="",
        recommendations="",
    )
    [details] = [
        f
        for f in check_request(a_restraint_request(bare))
        if f.check_id == "restraint.report_details"
    ]
    assert details.severity is Severity.BLOCK  # the report is recorded as filed
    for part in (
        "who administered it",
        "job title",
        "type of restraint",
        "how many staff were injured",
        "medical care",
        "recommendations",
    ):
        assert part in details.message
    draft = complete_record(written_report_filed_at=None, recommendations="")
    [advice] = [
        f
        for f in check_request(a_restraint_request(draft))
        if f.check_id == "restraint.report_details"
    ]
    assert advice.severity is Severity.ADVICE


def test_an_isolation_needs_an_isolation_code_and_the_notice_its_language():
    record = complete_record(isolation=True, notice_language="")
    found = {f.check_id: f for f in check_request(a_restraint_request(record))}
    assert "type of isolation" in found["restraint.report_details"].message
    assert found["restraint.notice_language"].severity is Severity.BLOCK
    with pytest.raises(ValueError, match="restraint type '99'"):
        check_request(a_restraint_request(complete_record(type_codes=("99",))))
