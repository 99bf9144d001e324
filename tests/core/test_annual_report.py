"""The annual report (RCW 28A.320.1241): staff and days per week, agreements, incidents (said
plainly to be not recorded until intervention requests feed it), complaints; text and CSV."""

from __future__ import annotations

import stat
from datetime import date, datetime

import pytest

from sro_tui.agreements import (
    AGREEMENT_ITEMS,
    adopt_agreement,
    log_complaint,
    record_stakeholder_meeting,
    set_agreement_item,
    start_agreement,
)
from sro_tui.exchange import read_exchange_csv
from sro_tui.models import SchoolYear
from sro_tui.records import ValidationError, save_staff
from sro_tui.reports import (
    ANNUAL_REPORT_COLUMNS,
    NOT_RECORDED,
    ReportIncident,
    ReportStudent,
    annual_report_rows,
    build_annual_report,
    render_annual_report_text,
    write_annual_report,
)

TODAY = date(2026, 10, 15)
PD = "Port Townsend Police Department"
NOW = datetime(2027, 6, 20, 15, 0)


@pytest.fixture
def year_on_record(school):
    officer = save_staff(
        {
            "first_name": "Dana",
            "last_name": "Reyes",
            "kind": "sro",
            "commissioned": True,
            "employer_type": "law_enforcement_agency",
            "employer_name": PD,
            "days_per_week": 5,
        }
    )
    save_staff(
        {
            "first_name": "Sam",
            "last_name": "Ito",
            "kind": "campus_security_officer",
            "employer_type": "district",
            "days_per_week": 2.5,
        }
    )
    save_staff(
        {
            "first_name": "Old",
            "last_name": "Guard",
            "kind": "other",
            "active": False,
            "employer_type": "district",
            "last_day_on_site": date(2026, 6, 12),  # left before the school year began
        }
    )
    adopted = start_agreement(PD, "law_enforcement_agency")
    for code in AGREEMENT_ITEMS:
        set_agreement_item(adopted, code, met=True, where_met="§1")
    record_stakeholder_meeting(
        adopted,
        held_on=date(2026, 9, 1),
        kind="meeting",
        today=TODAY,
        participants=[{"role": r} for r in ("parent", "student", "community_member")],
    )
    adopt_agreement(adopted, adopted_on=TODAY, adopted_by="Board", today=TODAY)
    start_agreement("Acme Security", "security_company")
    for category in ("student_interaction", "student_interaction", "job_duties"):
        log_complaint(
            {
                "received_on": TODAY,
                "received_how": "email",
                "staff": officer,
                "category": category,
                "what_happened": "Shouted at a student",
            },
            today=TODAY,
        )
    return officer


def test_report_counts_staff_agreements_and_complaints(year_on_record):
    report = build_annual_report("2026-27", now=NOW)
    assert len(report.staff) == 2 and report.staff_days_per_week == 7.5
    assert [a.provider_name for a in report.adopted] == [PD]
    assert [a.provider_name for a in report.in_review] == ["Acme Security"]
    assert report.complaints_total == 3
    assert report.complaints_by_category == {"student_interaction": 2, "job_duties": 1}
    assert report.incidents is None
    text = render_annual_report_text(report)
    assert "2 staff, 7.5 staff-days per week" in text
    assert f"{PD} (Law enforcement agency): adopted 2026-10-15" in text
    assert "Acme Security" not in text  # no staff of Acme worked here: nothing to name
    assert NOT_RECORDED in text
    assert "3 complaint(s) filed" in text
    assert "Reyes" not in text  # staff appear by role and employer, not by name


def test_unknown_year_is_refused_naming_the_known_ones(school):
    with pytest.raises(ValidationError) as error:
        build_annual_report("2030-31")
    assert "2026-27" in error.value.problems["year"]


def test_other_years_complaints_are_not_counted(year_on_record):
    SchoolYear.create(name="2025-26", start_date=date(2025, 7, 1), end_date=date(2026, 6, 30))
    report = build_annual_report("2025-26", now=NOW)
    assert report.complaints_total == 0 and report.adopted == [] and report.in_review == []


def test_incidents_come_from_the_hook_with_demographics_only(year_on_record):
    def incidents(school, year):
        assert (school.code, year.name) == ("PTHS", "2026-27")
        return [
            ReportIncident(
                "inc-1",
                date(2026, 11, 2),
                "Fight in the cafeteria; arrest.",
                ("arrest", "use_of_force"),
                (ReportStudent("Hispanic/Latino", "F", "10", True, False, True),),
            )
        ]

    report = build_annual_report("2026-27", incidents=incidents, now=NOW)
    text = render_annual_report_text(report)
    assert NOT_RECORDED not in text
    assert "2026-11-02: Student arrest, Use of force against a student" in text
    assert "race/ethnicity Hispanic/Latino, sex F, grade 10, IEP yes, 504 no" in text


def test_files_are_private_and_the_csv_reads_back(year_on_record, tmp_path):
    text_path, csv_path = write_annual_report(tmp_path / "report", "2026-27", now=NOW)
    for path in (text_path, csv_path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert csv_path.name.startswith("PTHS_annual-report_2026-27_")
    assert text_path.read_text().startswith(
        "Annual safety and security staff report, school year 2026-27"
    )
    rows = read_exchange_csv(csv_path, ANNUAL_REPORT_COLUMNS).rows
    by_measure = {}
    for row in rows:
        by_measure.setdefault((row["section"], row["measure"]), []).append(row)
    assert by_measure[("a", "staff_total")][0]["value"] == "2"
    days = {r["subject_record_id"]: r["value"] for r in by_measure[("a", "staff_days_per_week")]}
    assert days[year_on_record.record_id] == "5"
    assert sorted((r["subject"], r["value"]) for r in by_measure[("b", "agreement")]) == [
        ("Acme Security", "not adopted"),
        (PD, "adopted 2026-10-15"),
    ]
    assert by_measure[("c", "incidents")][0]["detail"] == NOT_RECORDED
    assert by_measure[("d", "complaints_total")][0]["value"] == "3"
    # Producing the report again gives the same record ids, so the district merge replaces rows.
    _, again = write_annual_report(tmp_path / "report", "2026-27", now=NOW)
    assert [r["record_id"] for r in read_exchange_csv(again).rows] == [r["record_id"] for r in rows]


# RCW 28A.320.1241(1)(a): "the number of safety and security staff" of the year — issue 12:
# "count everyone who worked in the school year (keep staff history)".
def test_staff_who_worked_in_the_year_are_counted_even_after_leaving(year_on_record):
    save_staff(
        {
            "first_name": "Left",
            "last_name": "Midyear",
            "kind": "school_security_officer",
            "employer_type": "security_company",
            "employer_name": "Acme Security",
            "first_day_on_site": date(2026, 8, 25),
            "last_day_on_site": date(2027, 1, 29),
            "active": False,
            "days_per_week": 3,
        }
    )
    save_staff(
        {
            "first_name": "Starts",
            "last_name": "Later",
            "kind": "campus_security_officer",
            "employer_type": "district",
            "first_day_on_site": date(2027, 8, 30),
        }
    )
    report = build_annual_report("2026-27", now=NOW)
    assert len(report.staff) == 3 and report.staff_days_per_week == 10.5
    text = render_annual_report_text(report)
    assert "on site 2026-08-25 to 2027-01-29" in text


# RCW 28A.320.1241(1)(b) with RCW 28A.320.1242: list the adopted agreements and name every
# agency or company that supplied staff without one.
def test_providers_without_an_adopted_agreement_are_named(year_on_record):
    save_staff(
        {
            "first_name": "Pat",
            "last_name": "Moss",
            "kind": "sro",
            "commissioned": True,
            "employer_type": "law_enforcement_agency",
            "employer_name": "Jefferson County Sheriff's Office",
        }
    )
    save_staff(
        {
            "first_name": "Kim",
            "last_name": "Vo",
            "kind": "school_security_officer",
            "employer_type": "security_company",
            "employer_name": "Acme Security",
        }
    )
    report = build_annual_report("2026-27", now=NOW)
    assert report.providers_without_agreement == {
        "Acme Security": "agreement in review, NOT adopted",
        "Jefferson County Sheriff's Office": "NO agreement",
    }
    text = render_annual_report_text(report)
    assert "(b) Agencies and companies with an adopted agreement" in text
    assert "- Jefferson County Sheriff's Office: NO agreement" in text
    rows = [r for r in annual_report_rows(report) if r["measure"] == "provider_without_agreement"]
    assert [r["subject"] for r in rows] == ["Acme Security", "Jefferson County Sheriff's Office"]
