"""Deadlines on the real calendar: RCW 1.12.040 counting, RCW 1.16.050 legal holidays, and the
school's own closure days (a setting, a CLI command), shown beside the statutory date."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

import pytest

from sro_tui import interventions
from sro_tui.cli.main import main
from sro_tui.policy import (
    RequestFacts,
    RestraintIsolation,
    Severity,
    add_business_days,
    check_request,
    restraint_deadlines,
    washington_legal_holidays,
)
from sro_tui.policy.deadlines import library_holidays_of_year
from sro_tui.policy.wa_holidays import HOLIDAYS
from sro_tui.records import ValidationError

# RCW 1.16.050(1), as listed in LAW.md: "New Year's Day, Martin Luther King Jr. Day (third Monday
# of January), Presidents' Day (third Monday of February), Memorial Day (last Monday of May),
# Juneteenth (June 19), Independence Day, Labor Day (first Monday of September), Veterans Day
# (November 11), Thanksgiving (fourth Thursday of November), Native American Heritage Day (the
# Friday after Thanksgiving), Christmas. A holiday on a Sunday moves to Monday; on a Saturday, to
# the Friday before."


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    days = [d for d in calendar.Calendar().itermonthdates(year, month) if d.month == month]
    matching = [d for d in days if d.weekday() == weekday]
    return matching[n - 1] if n > 0 else matching[n]


def rcw_1_16_050(year: int) -> set[date]:
    """The statute's list for one year, computed here from its words, observed dates applied."""
    thanksgiving = nth_weekday(year, 11, 3, 4)
    fixed = [date(year, 1, 1), date(year, 6, 19), date(year, 7, 4), date(year, 11, 11)]
    fixed.append(date(year, 12, 25))
    moving = [
        nth_weekday(year, 1, 0, 3),  # Martin Luther King Jr. Day
        nth_weekday(year, 2, 0, 3),  # Presidents' Day
        nth_weekday(year, 5, 0, -1),  # Memorial Day
        nth_weekday(year, 9, 0, 1),  # Labor Day
        thanksgiving,
        thanksgiving + timedelta(days=1),  # Native American Heritage Day
    ]
    days = set(moving)
    for day in fixed:
        if day.weekday() == 6:
            days.add(day + timedelta(days=1))
        elif day.weekday() == 5:
            if day.month > 1:  # January 1 on a Saturday: December 31 of the year before
                days.add(day - timedelta(days=1))
        else:
            days.add(day)
    # New Year's Day of the next year on a Saturday is observed on this year's December 31.
    if date(year + 1, 1, 1).weekday() == 5:
        days.add(date(year, 12, 31))
    return days


@pytest.mark.parametrize("year", range(2024, 2036))
def test_the_holiday_library_gives_the_rcw_1_16_050_list_on_weekdays(year):
    library = {d for d in washington_legal_holidays(year) if d.weekday() < 5}
    assert library == rcw_1_16_050(year)


def test_observed_dates_and_native_american_heritage_day_are_named():
    names = washington_legal_holidays(2026, 2028)
    assert names[date(2026, 7, 3)] == "Independence Day (observed)"  # July 4 on a Saturday
    assert names[date(2027, 7, 5)] == "Independence Day (observed)"  # July 4 on a Sunday
    assert names[date(2027, 12, 24)] == "Christmas Day (observed)"
    assert names[date(2027, 12, 31)] == "New Year's Day (observed)"
    assert names[date(2028, 11, 10)] == "Veterans Day (observed)"
    assert names[date(2026, 11, 27)] == "Native American Heritage Day"
    assert date(2026, 10, 12) not in names  # Columbus Day is not a Washington legal holiday


def by_name(deadlines):
    return {d.name: d for d in deadlines}


def test_the_issues_thanksgiving_incident_is_on_time():
    # "An incident on Wed 2026-11-25 with the report filed Mon 11-30 and the letter postmarked
    # Thu 12-03" was wrongly late: RCW 1.12.040 excludes holidays, Saturdays and Sundays.
    incident = datetime(2026, 11, 25, 13, 40)
    facts = RequestFacts(
        occurred_at=incident,
        staff_initiated_emergency=True,
        criterion="danger_to_others",
        facts="Student was hitting another student on the floor and did not stop when told.",
        responding_staff_kinds=["school_security_officer"],
        actions=["restraint"],
        restraint=RestraintIsolation(
            restraint=True,
            ended_at=incident + timedelta(minutes=4),
            description="Hitting another student who was on the floor.",
            administered_by_name="Lee Park",
            administered_by_title="Campus security officer",
            type_codes=("1",),
            student_injured=False,
            staff_injured_count=0,
            recommendations="Counselor check-ins twice a week.",
            notice_language="es",
            administrator_informed_at=incident + timedelta(minutes=15),
            family_told_verbally_at=incident + timedelta(hours=3),
            written_report_filed_at=datetime(2026, 11, 30, 10, 0),
            family_told_in_writing_at=datetime(2026, 12, 3, 15, 0),
        ),
    )
    findings = check_request(facts, now=datetime(2026, 12, 10))
    assert [f for f in findings if f.check_id == "restraint.deadline_missed"] == []
    assert not [f for f in findings if f.severity is not Severity.ADVICE]


def test_a_friday_before_christmas_is_not_due_on_christmas():
    # "an incident on 2026-12-18 gets a written-notice due date of 2026-12-25" was wrong.
    due = by_name(restraint_deadlines(datetime(2026, 12, 18, 10, 0)))
    assert due["family_told_in_writing"].due_at.date() == date(2026, 12, 28)
    assert due["written_report_filed"].due_at.date() == date(2026, 12, 22)
    # Across a year end, next year's holidays count too (New Year's Day 2027 is a Friday).
    assert add_business_days(date(2026, 12, 30), 2) == date(2027, 1, 4)


def test_school_closures_give_a_second_date_beside_the_statutory_one():
    winter_break = [date(2026, 12, 21) + timedelta(days=n) for n in range(12)]
    due = by_name(restraint_deadlines(datetime(2026, 12, 18, 10, 0), school_closures=winter_break))
    writing = due["family_told_in_writing"]
    assert writing.due_at.date() == date(2026, 12, 28)  # the statute's count is the deadline
    assert writing.school_due_at.date() == date(2027, 1, 8)  # school days: Jan 4-8
    assert "2027-01-08" in writing.school_days_note and "2026-12-28" in writing.school_days_note
    assert due["family_told_verbally"].school_due_at is None


def test_closures_are_a_stored_setting_that_survives_a_restart(tmp_path):
    from sro_tui.db import open_database

    path = tmp_path / "school.sqlite3"
    db = open_database(path)
    interventions.add_closures(date(2026, 12, 21), date(2027, 1, 1), "Winter break")
    interventions.add_closures(date(2027, 2, 3), label="Snow day")
    with pytest.raises(ValidationError, match="before"):
        interventions.add_closures(date(2027, 1, 1), date(2026, 12, 1), "Backwards")
    with pytest.raises(ValidationError, match="label"):
        interventions.add_closures(date(2027, 3, 1), label="  ")
    db.close()
    db = open_database(path)
    days = interventions.closure_days()
    assert len(days) == 13 and date(2027, 2, 3) in days and date(2027, 3, 1) not in days
    removed = interventions.remove_closures(date(2026, 12, 24), date(2026, 12, 26))
    assert [c.day.day for c in removed] == [24, 25, 26]
    with pytest.raises(ValidationError):
        interventions.remove_closures(date(2026, 12, 25))
    assert len(interventions.school_closures()) == 10
    db.close()


def test_the_form_check_uses_the_stored_closures(tmp_path):
    from sro_tui.db import open_database

    db = open_database(tmp_path / "school.sqlite3")
    interventions.add_closures(date(2026, 12, 21), date(2027, 1, 1), "Winter break")
    form = interventions.RequestForm(
        occurred_at=datetime(2026, 12, 18, 10, 0),
        staff_initiated_emergency=True,
        criterion="danger_to_others",
        facts="Student was hitting another student on the floor and did not stop when told.",
        actions=["restraint"],
        restraint=RestraintIsolation(restraint=True),
    )
    findings = interventions.check_form(form, {}, now=datetime(2026, 12, 18, 11, 0))
    owed = [f.message for f in findings if f.field == "restraint.family_told_in_writing_at"]
    assert len(owed) == 1 and "2026-12-28" in owed[0] and "2027-01-08" in owed[0]
    db.close()


def test_calendar_cli_adds_lists_and_removes(tmp_path, capsys):
    path = str(tmp_path / "school.sqlite3")
    from sro_tui.db import open_database

    open_database(path).close()
    assert main(["calendar", "closures", "add", "12/21/2026", "--through", "2027-01-01",
                 "--label", "Winter break", "--db", path]) == 0  # fmt: skip
    assert main(["calendar", "closures", "add", "2027-01-05", "--through", "2027-01-01",
                 "--label", "x", "--db", path]) == 1  # fmt: skip
    assert "before" in capsys.readouterr().err
    assert main(["calendar", "closures", "remove", "2026-12-25", "--db", path]) == 0
    capsys.readouterr()
    assert main(["calendar", "closures", "list", "--db", path]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == 11 and listed[0] == "2026-12-21  Mon  Winter break"
    assert not any(line.startswith("2026-12-25") for line in listed)
    assert main(["calendar", "holidays", "2026"]) == 0
    assert "2026-11-27  Fri  Native American Heritage Day" in capsys.readouterr().out


def test_the_written_holiday_table_is_the_librarys_answer():
    """policy/wa_holidays.py spares every start the library's import; it must say what the
    library says (after a library upgrade: `uv run python scripts/write_wa_holidays.py`)."""
    assert HOLIDAYS, "the table is empty"
    for year, written in HOLIDAYS.items():
        library = tuple((day.isoformat(), name) for day, name in library_holidays_of_year(year))
        assert written == library, f"{year}: run scripts/write_wa_holidays.py"
    beyond = max(HOLIDAYS) + 1  # a year the table does not hold comes from the library
    assert washington_legal_holidays(beyond) == dict(library_holidays_of_year(beyond))
    assert date(beyond, 12, 25) in washington_legal_holidays(beyond)
