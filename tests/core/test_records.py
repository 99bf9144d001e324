"""Safety staff roster, school years and the audit trail."""

from __future__ import annotations

import json
from datetime import date

import pytest

from sro_tui.models import AuditEvent, SafetyStaff
from sro_tui.records import (
    ValidationError,
    ensure_current_year,
    get_staff,
    list_staff,
    save_staff,
    school_year_for,
)
from sro_tui.reports import full_status

SRO = {
    "first_name": "Dana",
    "last_name": "Whitecloud",
    "kind": "sro",
    "commissioned": True,
    "employer_type": "law_enforcement_agency",
    "employer_name": "Port Townsend Police Department",
    "days_per_week": 3,
    "training_status": "completed",
    "training_completed_on": date(2026, 8, 20),
}


def test_school_year_runs_july_to_june():
    assert school_year_for(date(2026, 11, 28)) == ("2026-27", date(2026, 7, 1), date(2027, 6, 30))
    assert school_year_for(date(2027, 3, 1))[0] == "2026-27"
    assert school_year_for(date(2027, 7, 1))[0] == "2027-28"


def test_current_year_is_created_once(db):
    first = ensure_current_year(date(2026, 11, 28))
    again = ensure_current_year(date(2027, 9, 1))  # an existing current year is kept
    assert first.id == again.id and again.name == "2026-27"


def test_staff_is_saved_and_audited(school):
    staff = save_staff(SRO)
    assert SafetyStaff.get_by_id(staff.id).employer_name == "Port Townsend Police Department"
    event = AuditEvent.get(AuditEvent.table_name == "safety_staff")
    assert event.action == "create" and event.record_id == staff.record_id
    assert json.loads(event.after)["last_name"] == "Whitecloud"

    save_staff({"days_per_week": 5}, staff)
    update = AuditEvent.select().where(AuditEvent.action == "update").get()
    assert json.loads(update.before)["days_per_week"] == 3.0
    assert json.loads(update.after)["days_per_week"] == 5.0
    assert full_status()["staff_by_kind"] == {"sro": 1}


@pytest.mark.parametrize(
    "change, field",
    [
        ({"first_name": "  "}, "first_name"),
        ({"kind": "bouncer"}, "kind"),
        ({"commissioned": False}, "commissioned"),
        ({"employer_type": "security_company"}, "employer_type"),
        ({"days_per_week": 8}, "days_per_week"),
        ({"days_per_week": "three"}, "days_per_week"),
        ({"training_completed_on": None}, "training_completed_on"),
        ({"training_status": "planned", "training_due_on": None}, "training_due_on"),
    ],
)
def test_invalid_staff_is_refused_and_nothing_is_written(school, change, field):
    with pytest.raises(ValidationError) as caught:
        save_staff({**SRO, **change})
    assert field in caught.value.problems
    assert SafetyStaff.select().count() == 0
    assert AuditEvent.select().where(AuditEvent.table_name == "safety_staff").count() == 0


def test_contracted_staff_must_name_their_company(school):
    with pytest.raises(ValidationError) as caught:
        save_staff(
            {
                "first_name": "A",
                "last_name": "B",
                "kind": "school_security_officer",
                "employer_type": "security_company",
                "employer_name": "",
            }
        )
    assert "employer_name" in caught.value.problems


def test_get_staff_finds_one_member_or_none(school):
    staff = save_staff(SRO)
    assert get_staff(staff.id).last_name == staff.last_name
    assert get_staff(staff.id + 100) is None


def test_inactive_staff_are_kept_but_not_listed(school):
    staff = save_staff(SRO)
    save_staff({"active": False}, staff)
    assert list_staff() == []
    assert [s.id for s in list_staff(include_inactive=True)] == [staff.id]
    assert full_status()["safety_staff"] == 0


def test_dates_as_an_office_types_them():
    from sro_tui.records import parse_date

    assert parse_date("2026-09-08") == date(2026, 9, 8)
    assert parse_date(" 9/8/2026 ") == date(2026, 9, 8)  # US order: month first
    for bad in ("9/8/26", "31/12/2026", "next tuesday", ""):
        with pytest.raises(ValueError, match="YYYY-MM-DD or MM/DD/YYYY"):
            parse_date(bad)
