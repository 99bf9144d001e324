"""A PowerSchool students export joined with its contacts export by student number."""

from __future__ import annotations

from pathlib import Path

import pytest

from sro_tui.cli import main
from sro_tui.db import open_database
from sro_tui.models import Guardian, Household, Student, StudentGuardian
from sro_tui.roster import RosterImportError, import_roster, prepare_import

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "roster"
STUDENTS = FIXTURES / "ps_students_for_contacts.csv"
CONTACTS = FIXTURES / "ps_contacts.csv"


def test_contacts_are_grouped_by_contact_and_joined_by_student_number(school, db_path):
    result = import_roster(STUDENTS, school="PTHS", contacts=CONTACTS)
    open_database(db_path)  # as after a restart
    nadia = Guardian.get(Guardian.source_key == "contact:C-100")
    # three rows (two phones, two children): one guardian, the preferred phone, two links
    assert (nadia.first_name, nadia.last_name, nadia.email) == (
        "Nadia",
        "Haddad",
        "nadia@example.org",
    )
    assert nadia.phone == "360-555-0501"
    assert sorted((lk.student.sis_id, lk.relationship) for lk in nadia.student_links) == [
        ("7001", "Mother"),
        ("7002", "Mother"),
    ]
    # she lives with the children and has no address of her own: theirs
    assert nadia.street == "21 Fir St"
    karim = Guardian.get(Guardian.source_key == "contact:C-101")
    assert (karim.street, karim.phone) == ("400 Water St Apt 2", "360-555-0510")
    assert karim.household_id != nadia.household_id  # parents at two addresses: two households
    # custodial grandmother is a guardian; the neighbour (no flag, not a parent) is not
    assert Guardian.get(Guardian.source_key == "contact:C-104").first_name == "Grandma"
    assert not Guardian.select().where(Guardian.last_name == "Ortiz").exists()
    assert result.guardians == Guardian.select().count() == 4
    assert Student.get(Student.sis_id == "7003").ssid == "7100000003"
    mai = Guardian.get(Guardian.source_key == "contact:C-103")
    assert (mai.first_name, mai.last_name) == ("Mai", "Van der Berg")


def test_contacts_warnings_name_what_was_left_out(school):
    plan = prepare_import(STUDENTS, school="PTHS", contacts=CONTACTS)
    text = "\n".join(str(w) for w in plan.warnings)
    assert "row 10, column Student_Number: 1 contact row(s)" in text
    assert "1 contact(s) are neither custodial" in text
    assert ("ps_contacts.csv: Is Custodial", "contact: custodial") in plan.columns_used
    assert "ps_contacts.csv: Receives Mail" in plan.columns_ignored


def test_a_contacts_file_given_as_the_students_file_says_what_it_is(school):
    with pytest.raises(RosterImportError, match="is a contacts export .*--contacts contacts.csv"):
        prepare_import(CONTACTS, school="PTHS")
    assert Student.select().count() == 0


def test_a_students_file_given_as_contacts_is_refused(school):
    with pytest.raises(RosterImportError, match="looks like a students export"):
        prepare_import(STUDENTS, school="PTHS", contacts=FIXTURES / "powerschool_families.csv")


def test_contacts_reimport_keeps_the_same_guardians(school):
    import_roster(STUDENTS, school="PTHS", contacts=CONTACTS)
    ids = {g.source_key: g.record_id for g in Guardian.select()}
    plan = prepare_import(STUDENTS, contacts=CONTACTS)
    assert (plan.guardians_added, plan.guardians_deactivated, plan.guardian_link_changes) == (
        0,
        0,
        [],
    )
    import_roster(STUDENTS, contacts=CONTACTS)
    assert {g.source_key: g.record_id for g in Guardian.select()} == ids
    assert StudentGuardian.select().count() == 6


def test_cli_takes_the_contacts_file(tmp_path, capsys):
    db = tmp_path / "school.sqlite3"
    args = ["roster", "import", str(STUDENTS), "--contacts", str(CONTACTS), "--db", str(db)]
    assert main([*args, "--school-code", "PTHS", "--school-name", "Port Townsend HS"]) == 0
    out = capsys.readouterr()
    assert "4 students added" in out.out and "4 guardians" in out.out
    assert "ps_contacts.csv: Contact ID" in out.err


def test_a_reimport_without_contacts_keeps_the_guardians_on_record(school, db_path, capsys):
    import_roster(STUDENTS, school="PTHS", contacts=CONTACTS)
    links = sorted((lk.student.sis_id, lk.guardian.record_id) for lk in StudentGuardian.select())
    homes = sorted((h.id, h.label, h.active) for h in Household.select())
    guardians = sorted((g.record_id, g.active, g.household_id) for g in Guardian.select())
    plan = prepare_import(STUDENTS)  # --contacts forgotten
    assert (plan.guardians_deactivated, plan.guardian_link_changes) == (0, [])
    assert "the guardians on record are kept (4)" in str(plan.warnings[0])
    args = ["roster", "import", str(STUDENTS), "--db", str(db_path)]
    assert main(args) == 0
    out = capsys.readouterr()
    assert "4 guardians in 4 households (0 new, 0 no longer listed)" in out.out
    assert "this file has no guardian columns" in out.err and "would be replaced" not in out.err
    open_database(db_path)  # as after a restart
    after = sorted((lk.student.sis_id, lk.guardian.record_id) for lk in StudentGuardian.select())
    assert after == links
    assert sorted((h.id, h.label, h.active) for h in Household.select()) == homes
    assert sorted((g.record_id, g.active, g.household_id) for g in Guardian.select()) == guardians


def test_one_column_per_phone_type_is_read(school, tmp_path, capsys):
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(
        "Student_Number,Contact_ID,Contact_First_Name,Contact_Last_Name,Relationship,Custodial,"
        "Lives_With,Email,Home_Phone,Cell_Phone,Work_Phone,Mobile_Phone\n"
        "7001,C-1,Nadia,Haddad,Mother,Yes,Yes,,360-555-0500,360-555-0501,360-555-0502,\n"
        "7002,C-1,Nadia,Haddad,Mother,Yes,Yes,,360-555-0500,360-555-0501,360-555-0502,\n"
        "7001,C-2,Karim,Haddad,Father,Yes,No,,360-555-0510,,360-555-0512,\n"
        "7003,C-3,Mai,Van der Berg,Mother,Yes,Yes,,,,360-555-0522,\n"
        "7004,C-4,Joe,Bell,Father,Yes,Yes,,360-555-0530,,,360-555-0531\n",
        encoding="utf-8",
    )
    plan = prepare_import(STUDENTS, school="PTHS", contacts=contacts)
    assert ("contacts.csv: Cell_Phone", "contact: cell phone") in plan.columns_used
    assert not [c for c in plan.columns_ignored if "Phone" in c]
    import_roster(STUDENTS, school="PTHS", contacts=contacts)
    phones = {g.source_key: g.phone for g in Guardian.select()}
    assert phones == {
        "contact:C-1": "360-555-0501",  # cell before home and work
        "contact:C-2": "360-555-0510",  # home before work
        "contact:C-3": "360-555-0522",  # work, the only one
        "contact:C-4": "360-555-0531",  # mobile before home
    }
    args = ["roster", "import", str(STUDENTS), "--contacts", str(contacts)]
    db = str(tmp_path / "s.sqlite3")
    assert (
        main([*args, "--db", db, "--school-code", "PTHS", "--school-name", "Port Townsend HS"]) == 0
    )
    assert "Phone" not in capsys.readouterr().err.split("columns ignored:")[-1].split("\n")[0]


def test_a_parent_living_elsewhere_without_an_address_gets_a_household_of_his_own(
    school, db_path, tmp_path
):
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(
        "Student_Number,Contact ID,Contact First Name,Contact Last Name,Relationship,"
        "Is Custodial,Lives With,Email Address,Street,City,State,Postal Code\n"
        "7004,C-1,Mary,Park,Mother,Yes,Yes,mary@example.org,,,,\n"
        "7004,C-2,Tom,Park,Father,No,No,tom@example.org,,,,\n",
        encoding="utf-8",
    )
    import_roster(STUDENTS, school="PTHS", contacts=contacts)
    open_database(db_path)  # as after a restart
    mary = Guardian.get(Guardian.source_key == "contact:C-1")
    tom = Guardian.get(Guardian.source_key == "contact:C-2")
    # Mary lives with Jin: his address. Tom lives elsewhere and the file has no address for him:
    # none rather than a wrong one, and a household of his own so he is sent the notice too.
    assert (mary.street, tom.street) == ("3 Quincy St", "")
    assert (mary.lives_apart, tom.lives_apart) == (False, True)
    assert mary.household_id != tom.household_id
    assert Household.select().where(Household.active == True).count() == 2  # noqa: E712
    # Imported again: the same two households, nothing to change.
    plan = prepare_import(STUDENTS, contacts=contacts)
    assert (plan.guardians_added, plan.guardians_deactivated) == (0, 0)
    import_roster(STUDENTS, contacts=contacts)
    again = Guardian.get(Guardian.source_key == "contact:C-2")
    assert again.household_id == tom.household_id
