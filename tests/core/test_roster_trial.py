"""Findings of the new-user trial of the roster import (docs/roster-import.md): each test writes
the file shape the trial used and checks what a user would see."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sro_tui.cli.main import main
from sro_tui.db import open_database
from sro_tui.models import Guardian, Household, School, Student, StudentGuardian
from sro_tui.roster import (
    RosterImportError,
    SchoolIdentity,
    family_coverage,
    import_roster,
    prepare_import,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "roster"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_sds_race_and_ethnicity_code_lists_are_read(school, db_path, tmp_path):
    bundle = tmp_path / "sds"
    shutil.copytree(FIXTURES / "sds21", bundle)
    _write(
        bundle / "demographics.csv",
        "userSourcedId,sex,birthDate,birthCity,birthState,birthCountry,ethnicityCodes,raceCodes\n"
        's-100,female,2010-01-02,Zetaville,ZZ,ZZ,hispanic,"white,asian"\n'
        "s-101,male,2011-03-04,Zetaville,ZZ,ZZ,notHispanic,blackOrAfricanAmerican\n",
    )
    plan = prepare_import(bundle, school="sch-pths")
    assert "demographics.csv: raceCodes" not in plan.columns_ignored
    import_roster(bundle, school="sch-pths")
    open_database(db_path)
    races = {s.source_id: s.race_ethnicity for s in Student.select()}
    assert races == {
        "s-100": "Hispanic or Latino; Asian; White",
        "s-101": "Black or African American",
    }


def test_an_unknown_sds_race_code_is_named_in_a_warning(school, tmp_path):
    bundle = tmp_path / "sds"
    shutil.copytree(FIXTURES / "sds21", bundle)
    _write(
        bundle / "demographics.csv",
        "userSourcedId,sex,ethnicityCodes,raceCodes\ns-100,female,,martian\n",
    )
    plan = prepare_import(bundle, school="sch-pths")
    assert any("'martian'" in str(w) and "row" in str(w) for w in plan.warnings)


def test_a_school_name_equal_to_its_code_is_refused(db, tmp_path):
    roster = _write(tmp_path / "r.csv", "Student ID,Last Name,First Name\n1,Ames,Ann\n")
    with pytest.raises(RosterImportError, match="short code"):
        prepare_import(roster, identity=SchoolIdentity(name="CHPS", code="chps"))
    assert not Student.select().exists()


PS_STUDENTS = (
    "Student_Number,SchoolID,First_Name,Last_Name,Grade_Level,Enroll_Status,Home_Phone,"
    "Mailing_Street,Mailing_City,Mailing_State,Mailing_Zip,Family_Ident\n"
    "0023007,520,Noah,Bell,7,0,360-344-1005,12 Birch Ln,Port Townsend,WA,98368,807\n"
    "0023010,520,Priya,Shah,8,0,360-344-1010,3 Elm St,Port Townsend,WA,98368,810\n"
)


CONTACTS_HEADER = (
    "Student_Number,Contact_ID,Contact_First_Name,Contact_Last_Name,Relationship,Custodial,"
    "Lives_With,Email,Cell_Phone\n"
)


def test_a_contact_who_does_not_live_with_the_student_gets_no_address(school, tmp_path):
    students = _write(tmp_path / "students.csv", PS_STUDENTS)
    contacts = _write(
        tmp_path / "contacts.csv",
        CONTACTS_HEADER + "0023007,90010,Margaret,Bell,Grandmother,Yes,Yes,mbell@aol.com,\n"
        "0023007,90011,Jason,Bell,Father,No,No,,360-555-0111\n",
    )
    import_roster(students, school="PTHS", contacts=contacts)
    streets = {g.first_name: g.street for g in Guardian.select()}
    assert streets == {"Margaret": "12 Birch Ln", "Jason": ""}


def test_the_students_home_phone_reaches_contacts_living_there_without_a_phone(school, tmp_path):
    students = _write(tmp_path / "students.csv", PS_STUDENTS)
    contacts = _write(
        tmp_path / "contacts.csv",
        CONTACTS_HEADER + "0023007,90010,Margaret,Bell,Grandmother,Yes,Yes,mbell@aol.com,\n"
        "0023007,90011,Jason,Bell,Father,No,No,,\n"
        "0023010,90012,Ravi,Shah,Father,Yes,Yes,,360-555-0199\n",
    )
    plan = prepare_import(students, school="PTHS", contacts=contacts)
    assert "Home_Phone" not in plan.columns_ignored
    import_roster(students, school="PTHS", contacts=contacts)
    phones = {g.first_name: g.phone for g in Guardian.select()}
    assert phones == {"Margaret": "360-344-1005", "Jason": "", "Ravi": "360-555-0199"}


def test_first_import_never_suggests_the_sis_school_number_as_code(tmp_path, capsys):
    students = _write(tmp_path / "students.csv", PS_STUDENTS)
    db = tmp_path / "new.sqlite3"
    args = ["--db", str(db), "roster", "import", str(students)]
    assert main([*args, "--school-name", "Blue Heron Middle School"]) == 1
    err = capsys.readouterr().err
    assert "--school-code PTHS" in err and "520 is the SIS's number" in err
    assert not db.exists()
    assert main([*args, "--school-name", "Blue Heron Middle School", "--school-code", "BHMS"]) == 0
    open_database(db)
    assert School.get().code == "BHMS" and School.get().source_id == "520"


def test_the_cli_refuses_a_school_name_equal_to_the_code(tmp_path, capsys):
    students = _write(tmp_path / "students.csv", PS_STUDENTS)
    db = tmp_path / "new.sqlite3"
    args = ["--db", str(db), "roster", "import", str(students)]
    assert main([*args, "--school-name", "CHPS", "--school-code", "CHPS"]) == 1
    assert "give its full name" in capsys.readouterr().err
    assert not db.exists()


PS_FAMILY = (
    "Student_Number,Last_Name,First_Name,Grade_Level,Enroll_Status,Home_Phone,Mailing_Street,"
    "Mailing_City,Mailing_State,Mailing_Zip,Family_Ident,Mother,Father,Guardianemail\n"
    "0001201,Van der Berg,Ava,3,0,360-555-0781,4 Oak St,Port Townsend,WA,98368,781,"
    "Mai Van der Berg,Henk Van der Berg,{email}\n"
    "0001202,Van der Berg,Ben,5,0,360-555-0781,4 Oak St,Port Townsend,WA,98368,781,"
    "Mai Van der Berg,Henk Van der Berg,{email}\n"
    "0001203,Ames,Ann,4,0,,9 Elm St,Port Townsend,WA,98368,782,Jo Ames,,jo@example.org\n"
)


def test_a_changed_family_email_keeps_the_same_guardians(school, db_path, tmp_path):
    first = _write(tmp_path / "a.csv", PS_FAMILY.format(email="vdb@example.org"))
    import_roster(first, school="PTHS")
    before = {(g.first_name, g.record_id) for g in Guardian.select()}
    links = sorted((lk.student.sis_id, lk.guardian.record_id) for lk in StudentGuardian.select())
    changed = _write(tmp_path / "b.csv", PS_FAMILY.format(email="vanderberg@example.net"))
    plan = prepare_import(changed, school="PTHS")
    assert plan.guardian_link_changes == []
    assert (plan.guardians_added, plan.guardians_deactivated) == (0, 0)
    import_roster(changed, school="PTHS")
    open_database(db_path)
    assert {(g.first_name, g.record_id) for g in Guardian.select()} == before
    assert (
        sorted((lk.student.sis_id, lk.guardian.record_id) for lk in StudentGuardian.select())
        == links
    )
    mai = Guardian.get(Guardian.first_name == "Mai")
    assert (mai.email, mai.active) == ("vanderberg@example.net", True)
    # and the next import finds them by their new key: nothing changes
    again = prepare_import(changed, school="PTHS")
    assert (again.guardians_added, again.guardians_deactivated, again.unchanged) == (0, 0, 3)


def test_a_student_without_a_guardian_is_named_at_import_and_counted(school, tmp_path):
    students = _write(tmp_path / "students.csv", PS_STUDENTS)
    contacts = _write(
        tmp_path / "contacts.csv",
        "Student_Number,Contact_ID,Contact_First_Name,Contact_Last_Name,Relationship,Custodial,"
        "Lives_With\n0023007,90010,Margaret,Bell,Grandmother,Yes,Yes\n",
    )
    plan = prepare_import(students, school="PTHS", contacts=contacts)
    alone = [str(w) for w in plan.warnings if "no guardian in this file" in str(w)]
    assert alone == [
        "students.csv, row 3: 1 enrolled student(s) have no guardian in this file: 0023010 Priya "
        "Shah (row 3). No family notice can reach them until a guardian is added in the SIS (or "
        "the contacts file) and imported"
    ]
    import_roster(students, school="PTHS", contacts=contacts)
    coverage = family_coverage(school)
    assert (coverage.enrolled, coverage.without_guardian) == (2, 1)
    assert coverage.message().startswith("1 of 2 enrolled students have no guardian on record")


def test_a_dry_run_counts_families_and_says_what_the_import_would_refuse(tmp_path, capsys):
    office = _write(
        tmp_path / "office.csv",
        "Student ID,Last Name,First Name,Grade,Parent/Guardian Name,Parent Email,Address\n"
        '1,Moss,Ada,3,Lena Moss,lena@m.com,"12 Water St, Port Townsend, WA 98368"\n'
        '2,Moss,Bo,5,Lena Moss,lena@m.com,"12 Water St, Port Townsend, WA 98368"\n'
        '3,Ames,Cy,5,Jo Ames,jo@a.com,"9 Elm St, Port Townsend, WA 98368"\n',
    )
    db = tmp_path / "new.sqlite3"
    assert main(["--db", str(db), "roster", "import", "--dry-run", str(office)]) == 0
    out = capsys.readouterr().out
    assert "3 students would be added" in out and "2 guardians in 2 households" in out
    assert (
        "without --dry-run this import would be refused: this file does not say which school" in out
    )
    assert not db.exists()
    # a file that leaves out most of the school: the dry run says the import needs confirming
    rows = [f"{n},Last{n},First{n},5\n" for n in range(1, 21)]
    full = _write(tmp_path / "full.csv", "Student ID,Last Name,First Name,Grade\n" + "".join(rows))
    args = ["--db", str(db), "roster", "import"]
    assert main([*args, str(full), "--school-name", "Split Test", "--school-code", "SPL"]) == 0
    header = "Student ID,Last Name,First Name,Grade\n"
    part = _write(tmp_path / "part.csv", header + "".join(rows[:4]))
    capsys.readouterr()
    assert main([*args, "--dry-run", str(part)]) == 0
    out = capsys.readouterr().out
    assert "would be refused: part.csv leaves out 16 of the 20 students" in out
    assert "--confirm-deactivations" in out


def test_two_people_or_a_role_in_one_name_cell_are_read_and_named(school, tmp_path):
    office = _write(
        tmp_path / "office.csv",
        "Student ID,Last Name,First Name,Grade,Guardian 1 Name,Guardian 1 Email\n"
        "7003,Brooks,Mia,2,Mr. and Mrs. Brooks,brooks@example.org\n"
        "7004,Ward,Leo,4,Mary & Tom Ward,wards@example.org\n"
        "7005,O'Neil,Cy,4,Mary O'Neil / Tom O'Neil,oneil@example.org\n"
        "7006,Lee,Bo,4,Grandparent: Susan Lee,susan@example.org\n",
    )
    plan = prepare_import(office)
    warnings = [str(w) for w in plan.warnings]
    assert any("2 guardian name cell(s) hold two people (rows 3, 4" in w for w in warnings)
    assert any("by title only (rows 2" in w and "Mr. and Mrs. Brooks" in w for w in warnings)
    import_roster(office)
    names = sorted((g.first_name, g.last_name) for g in Guardian.select())
    assert names == [
        ("Mary", "O'Neil"),
        ("Mary", "Ward"),
        ("Mr. and Mrs.", "Brooks"),
        ("Susan", "Lee"),
        ("Tom", "O'Neil"),
        ("Tom", "Ward"),
    ]
    susan = Guardian.get(Guardian.first_name == "Susan")
    assert [lk.relationship for lk in susan.student_links] == ["Grandparent"]


def test_siblings_at_two_addresses_and_a_second_email_are_named(school, tmp_path):
    siblings = _write(
        tmp_path / "ps.csv",
        "Student_Number,Last_Name,First_Name,Grade_Level,Enroll_Status,Mailing_Street,Mailing_City,"
        "Mailing_State,Mailing_Zip,Family_Ident,Mother,Mother_Email\n"
        "0005001,Lindqvist,Astrid,3,0,1 Oak St,Port Townsend,WA,98368,9001,Karin Lindqvist,k@l.se\n"
        "0005002,Lindqvist,Nils,3,0,9 Pine St,Port Townsend,WA,98368,9001,Karin Lindqvist,k2@l.se\n"
        "0005003,Hall,Ivy,3,0,45 Maple St,Port Townsend,WA,98368,9002,Jessica Hall,\n"
        "0005004,Hall,Finn,3,0,45 Maple Street,Port Townsend,WA,98368,9002,Jessica Hall,\n",
    )
    warnings = [str(w) for w in prepare_import(siblings).warnings]
    assert any(
        "1 guardian(s) have another address on a sibling's row" in w
        and "Karin Lindqvist: '9 Pine St'" in w
        and "siblings who live apart share one household" in w
        for w in warnings
    )
    assert any("another e-mail" in w and "'k2@l.se'" in w for w in warnings)


def test_korean_order_suffixes_and_a_multi_line_address(school, tmp_path):
    office = _write(
        tmp_path / "office.csv",
        "Student ID,Last Name,First Name,Grade,Mother,Father,Address\n"
        '1,Kim,Min-jun,5,Kim Soo-jin,Park Ji-ho,"12 Water St\nApt 3\nPort Townsend, WA 98368"\n'
        "2,Whitehorse,Amy,6,,Robert Whitehorse Sr.,\n",
    )
    import_roster(office)
    names = sorted((g.first_name, g.last_name) for g in Guardian.select())
    assert names == [("Ji-ho", "Park"), ("Robert", "Whitehorse Sr."), ("Soo-jin", "Kim")]
    park = Guardian.get(Guardian.last_name == "Park")
    assert (park.street, park.city, park.postal_code) == (
        "12 Water St, Apt 3",
        "Port Townsend",
        "98368",
    )
    labels = sorted(h.label for h in Household.select())
    # The guardians in the order the file gives them: the Mother column, then the Father's.
    assert labels == ["Kim / Park household", "Whitehorse household"]


def test_a_quote_closed_in_the_middle_of_a_cell_is_named_with_its_row(school, tmp_path):
    roster = _write(
        tmp_path / "r.csv",
        '"Student ID","Last Name","First Name","Grade","Homeroom"\n'
        '"1","Ames","Ann","9","201"\n'
        '"2","Bo","Cy","10","Room "B" east"\n'
        '"3","Dee","Eve","11","203"\n',
    )
    plan = prepare_import(roster)
    found = [w for w in plan.warnings if "closes a cell and text follows it" in w.reason]
    assert [(w.file, w.row) for w in found] == [("r.csv", 3)]
    assert len(plan.to_add) == 3  # a warning: the import can go ahead


def test_a_changed_relationship_is_written_on_reimport(school, db_path, tmp_path):
    text = (
        "Student ID,Last Name,First Name,Grade,Guardian 1 Name,Guardian 1 Email,"
        "Guardian 1 Relationship\n1,Ames,Ann,9,Jo Ames,jo@example.org,{rel}\n"
    )
    import_roster(_write(tmp_path / "a.csv", text.format(rel="Aunt")))
    changed = _write(tmp_path / "b.csv", text.format(rel="Guardian"))
    plan = prepare_import(changed)
    assert plan.guardian_link_changes == ["relationship Aunt → Guardian: Jo Ames — Ann Ames (1)"]
    import_roster(changed)
    open_database(db_path)
    assert [lk.relationship for lk in StudentGuardian.select()] == ["Guardian"]
