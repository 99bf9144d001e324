"""The school's identity: asked on the first import, changed later (audited), codes checked, and
a refused import on a new database leaves no file behind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sro_tui.cli import main
from sro_tui.db import open_database
from sro_tui.models import AuditEvent, School, Student
from sro_tui.roster import (
    RosterImportError,
    SchoolIdentity,
    SchoolIdentityError,
    import_roster,
    prepare_import,
    set_school_identity,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "roster"
OFFICE = FIXTURES / "office_cp1252.csv"
PS = FIXTURES / "powerschool_families.csv"


def test_first_import_takes_the_name_and_codes_given(db, db_path):
    identity = SchoolIdentity("Port Townsend High School", "PTHS", "3021", "16050")
    import_roster(PS, identity=identity)  # the file's school column holds SIS number 310
    open_database(db_path)
    school = School.get()
    assert (school.name, school.code, school.ospi_building_code, school.county_district_code) == (
        "Port Townsend High School",
        "PTHS",
        "3021",
        "16050",
    )
    assert school.source_id == "310"  # later exports match on their own
    assert prepare_import(PS).unchanged == 7


def test_an_import_never_changes_an_existing_schools_identity(school):
    plan = prepare_import(OFFICE, identity=SchoolIdentity(name="Other Name", code="OTH"))
    assert plan.school_code == "PTHS"
    assert any("does not change its name or codes" in str(w) for w in plan.warnings)


@pytest.mark.parametrize(
    ("identity", "match"),
    [
        (SchoolIdentity(code="Port Townsend High"), "not a short code"),
        (SchoolIdentity(district_code="1605"), "not five digits"),
        (SchoolIdentity(building_code="30a1"), "not 4 or 5 digits"),
    ],
)
def test_bad_codes_are_refused_and_change_nothing(school, identity, match):
    with pytest.raises(SchoolIdentityError, match=match):
        set_school_identity(school, identity)
    assert School.get().code == "PTHS"
    with pytest.raises(RosterImportError, match=match):
        prepare_import(OFFICE, identity=identity)


def test_changing_the_code_keeps_every_record_id_and_is_audited(school):
    import_roster(OFFICE)
    records = {s.sis_id: s.record_id for s in Student.select()}
    set_school_identity(school, SchoolIdentity(code="PTHS2", district_code="16050"), "typo")
    fresh = School.get()
    assert (fresh.code, fresh.record_id, fresh.county_district_code) == (
        "PTHS2",
        school.record_id,
        "16050",
    )
    assert {s.sis_id: s.record_id for s in Student.select()} == records
    event = AuditEvent.select().where(AuditEvent.action == "update").order_by(AuditEvent.id).get()
    assert json.loads(event.before)["code"] == "PTHS"
    assert json.loads(event.after)["code"] == "PTHS2" and event.reason == "typo"


def test_a_code_already_used_by_another_school_is_refused(school):
    other = School.create(code="BHMS", name="Blue Heron Middle School")
    with pytest.raises(SchoolIdentityError, match="already Blue Heron"):
        set_school_identity(school, SchoolIdentity(code="BHMS"))
    assert other.code == "BHMS" and School.get_by_id(school.id).code == "PTHS"


def test_cli_first_import_and_school_set(tmp_path, capsys):
    db = tmp_path / "new.sqlite3"
    base = ["roster", "import", str(OFFICE), "--db", str(db)]
    assert main(base) == 1  # the file does not say which school
    assert not db.exists()  # a refused import leaves no database behind
    assert main([*base, "--school-code", "PTHS"]) == 1  # the name is asked too
    assert "--school-name" in capsys.readouterr().err and not db.exists()
    assert main([*base, "--school-code", "PTHS", "--school-name", "Port Townsend HS"]) == 0
    assert main(["school", "set", "--db", str(db), "--name", "Port Townsend High School"]) == 0
    assert main(["school", "set", "--db", str(db), "--district-code", "123"]) == 1
    capsys.readouterr()
    assert main(["school", "show", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "name: Port Townsend High School" in out and "code: PTHS" in out
    assert "county-district code: (not set)" in out


def test_a_damaged_file_on_a_new_db_path_leaves_nothing_behind(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text('Student ID,Last Name,First Name\n1,"Ames,Ann\n2,Bo,Cy\n3,Di,Ed\n')
    db = tmp_path / "sub" / "new.sqlite3"
    args = ["roster", "import", str(bad), "--db", str(db), "--school-code", "PTHS"]
    assert main([*args, "--school-name", "Port Townsend High School"]) == 1
    assert not db.exists() and not Path(f"{db}-wal").exists()
