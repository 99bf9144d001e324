"""Guardians are people: PowerSchool family fields, office spreadsheets, name splitting, damaged
names, and the list of columns used and ignored."""

from __future__ import annotations

from pathlib import Path

import pytest

from sro_tui.cli import main
from sro_tui.db import open_database
from sro_tui.models import Guardian, Household, Student
from sro_tui.roster import family_coverage, import_roster, prepare_import
from sro_tui.roster.names import damage_in, split_full_name

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "roster"
PS_FAMILIES = FIXTURES / "powerschool_families.csv"


def guardian(first: str, last: str) -> Guardian:
    return Guardian.get(Guardian.first_name == first, Guardian.last_name == last)


@pytest.mark.parametrize(
    ("full", "family", "expected"),
    [
        ("Mai Van der Berg", "Van der Berg", ("Mai", "Van der Berg")),
        ("Mai Van der Berg", "Berg", ("Mai", "Van der Berg")),  # never cut inside the surname
        ("Rosa García López", "García López", ("Rosa", "García López")),
        ("Nguyễn Thị Hoa", "Nguyễn Thị", ("Hoa", "Nguyễn Thị")),  # family name first
        ("Carmen de la Cruz", "Smith", ("Carmen", "de la Cruz")),
        ("García, Rosa", "", ("Rosa", "García")),
        ("Ana Núñez", "Lee", ("Ana", "Núñez")),
        ("Ana María García López", "Lee", ("", "Ana María García López")),  # kept whole
        ("Leilani", "Moana", ("", "Leilani")),
        ("Robert Whitehorse Sr.", "Whitehorse", ("Robert", "Whitehorse Sr.")),
        ("  Ana   Núñez ", "Núñez", ("Ana", "Núñez")),
    ],
)
def test_names_split_with_the_students_family_name(full, family, expected):
    assert split_full_name(full, (family,)) == expected


def test_damaged_names_are_recognised_and_good_ones_are_not():
    assert damage_in("Nguy?n") and damage_in("Ng\ufffdc") and damage_in("JosÃ©")
    assert not damage_in("Nguyễn") and not damage_in("José") and not damage_in("O'Brien-Smith")
    assert damage_in("Jos?") and damage_in("?ngel")


def test_powerschool_family_fields_make_one_guardian_per_person(school, db_path):
    result = import_roster(PS_FAMILIES, school="PTHS")
    open_database(db_path)  # as after a restart
    mai = guardian("Mai", "Van der Berg")
    joost = guardian("Joost", "Van der Berg")
    # her own e-mail; the home phone is the family's; the mailing address is preferred
    assert (mai.email, mai.phone, mai.street) == (
        "mai.vdb@example.org",
        "360-555-0200",
        "PO Box 12",
    )
    # no e-mail of his own: the family e-mail (Guardianemail); his own cell phone
    assert (joost.email, joost.phone) == ("family.vdb@example.org", "360-555-0202")
    assert sorted(link.student.sis_id for link in mai.student_links) == ["5101", "5102"]
    assert mai.household_id == joost.household_id
    assert mai.household.label == "Van der Berg household"
    assert guardian("Hoa", "Nguyễn Thị").phone == "360-555-0221"
    carmen = guardian("Carmen", "de la Cruz")
    assert (carmen.email, carmen.phone) == ("cruz.home@example.org", "360-555-0210")
    kept_whole = guardian("", "Ngozi Adaeze Okoro-Bello")
    assert kept_whole.email == "ngozi@example.org"
    # every guardian has a name: the family e-mail never becomes a guardian of its own
    assert not Guardian.select().where(Guardian.first_name == "", Guardian.last_name == "").count()
    assert result.guardians == Guardian.select().count() == 6
    assert Household.select().where(Household.label == "Unnamed household").count() == 0


def test_powerschool_enroll_status_and_ssid(school):
    result = import_roster(PS_FAMILIES, school="PTHS")
    students = {s.sis_id: s for s in Student.select()}
    # -1 pre-registered and 3 graduated are not enrolled: never added
    assert "5107" not in students and "5108" not in students
    assert result.skipped_inactive == 2
    assert students["5101"].ssid == "7000001001"


def test_a_family_contact_without_a_name_is_a_warning_naming_the_row(school):
    plan = prepare_import(PS_FAMILIES, school="PTHS")
    text = [str(w) for w in plan.warnings]
    assert any("row 7" in w and "no guardian's name" in w for w in text)


def test_unknown_enroll_status_is_refused_with_row_and_column(school, tmp_path):
    path = tmp_path / "ps.csv"
    path.write_text("Student_Number,First_Name,Last_Name,Enroll_Status\n1,A,B,0\n2,C,D,9\n")
    with pytest.raises(Exception, match="row 3, column Enroll_Status"):
        prepare_import(path, school="PTHS")
    assert Student.select().count() == 0


def test_columns_used_and_ignored_are_listed(school):
    plan = prepare_import(PS_FAMILIES, school="PTHS")
    used = dict(plan.roster.columns_used)
    assert used["Guardianemail"].startswith("family e-mail")
    assert used["Home_Phone"].startswith("family phone")
    assert used["State_StudentNumber"] == "student: state student ID (SSID)"
    assert used["Mother_Email"] == "mother: email"
    assert plan.roster.columns_ignored == ["DOB"]
    assert not plan.roster.families_missing


def test_office_spreadsheet_in_windows_1252(school, db_path):
    plan = prepare_import(FIXTURES / "office_cp1252.csv")
    assert "Windows-1252" in plan.encoding_note
    assert dict(plan.roster.columns_used)["Parent/Guardian Name"] == "parent: name"
    assert plan.roster.columns_ignored == ["Notes"]  # the empty trailing column is no column
    import_roster(FIXTURES / "office_cp1252.csv")
    open_database(db_path)
    ana = guardian("Ana", "Núñez")
    assert (ana.email, ana.phone, ana.preferred_language) == (
        "ana.n@example.org",
        "(360) 555-0301",
        "Spanish",
    )
    # the one-cell address is split into its parts
    assert (ana.street, ana.city, ana.state, ana.postal_code) == (
        "12 Water St",
        "Port Townsend",
        "WA",
        "98368",
    )
    assert ana.student_links.count() == 2
    assert guardian("Jürgen", "Müller").city == "Port Hadlock"
    assert guardian("Hélène", "Garçon").street == "PO Box 7"  # not an address to split: whole
    assert Student.get(Student.sis_id == "2203").first_name == "Zoë"
    labels = {h.label for h in Household.select()}
    assert "Unnamed household" not in labels and "Müller household" in labels


def test_office_spreadsheet_with_two_numbered_guardians(school):
    import_roster(FIXTURES / "office_two_guardians.csv")
    hoa, tuan = guardian("Hoa", "Nguyễn"), guardian("Tuan", "Nguyễn")
    assert (hoa.email, hoa.phone, tuan.phone) == ("hoa@example.org", "360-555-0401", "360-555-0402")
    assert hoa.household_id == tuan.household_id
    assert guardian("Rosa", "García López").postal_code == "98368"
    assert Guardian.select().count() == 3  # row 4 has only a phone, no guardian's name


def test_damaged_names_are_a_warning_naming_the_rows(school, tmp_path):
    path = tmp_path / "saved-from-excel.csv"
    path.write_bytes(
        "Student ID,Last Name,First Name,Guardian Name\r\n"
        "1,Nguy?n,Lan,Ng?c Nguy?n\r\n"
        "2,Lee,Ann,Grace Lee\r\n"
        "3,Pérez,JosÃ©,Ana Pérez\r\n".encode("cp1252")
    )
    plan = prepare_import(path, school="PTHS")
    text = "\n".join(str(w) for w in plan.warnings)
    assert "'?' where a letter was (rows 2)" in text
    assert "Windows-1252" in text and "(rows 4)" in text
    assert len(plan.to_add) == 3  # a warning: the import can go ahead


def test_a_file_without_guardians_imports_students_and_says_families_are_missing(school, tmp_path):
    path = tmp_path / "names-only.csv"
    path.write_text("Student ID,Last Name,First Name,Grade,Notes\n1,Ames,Ann,9,x\n2,Bo,Cy,10,\n")
    plan = prepare_import(path)
    assert plan.families_missing
    assert any("without families" in str(w) for w in plan.warnings)
    assert family_coverage(school).families_missing is False  # nothing imported yet
    import_roster(path)
    assert Student.select().count() == 2
    coverage = family_coverage(school)
    assert (coverage.enrolled, coverage.without_guardian) == (2, 2)
    assert coverage.families_missing and "2 of 2 enrolled students" in coverage.message()


def test_family_coverage_is_complete_after_a_file_with_guardians(school):
    import_roster(FIXTURES / "office_cp1252.csv")
    coverage = family_coverage(school)
    assert not coverage.families_missing and coverage.message() == ""


def test_cli_lists_columns_read_and_ignored(tmp_path, capsys):
    db = tmp_path / "school.sqlite3"
    code = main(
        ["roster", "import", str(FIXTURES / "office_cp1252.csv"), "--db", str(db)]
        + ["--school-code", "PTHS", "--school-name", "Port Townsend High School"]
    )
    err = capsys.readouterr().err
    assert code == 0
    assert "Parent/Guardian Name  → parent: name" in err
    assert "columns ignored: Notes" in err


def test_several_phone_columns_of_one_person_take_the_first_filled_in(school, tmp_path):
    path = tmp_path / "ps.csv"
    path.write_text(
        "Student_Number,First_Name,Last_Name,Home_Phone,Mother,Mother_Home_Phone,"
        "Mother_Day_Phone\n"
        "1,Ann,Ames,360-555-0900,Bea Ames,,360-555-0901\n"
        "2,Cy,Bell,360-555-0910,Dee Bell,360-555-0911,360-555-0912\n"
    )
    plan = prepare_import(path, school="PTHS")
    assert dict(plan.columns_used)["Mother_Day_Phone"] == "mother: phone"
    import_roster(path, school="PTHS")
    assert guardian("Bea", "Ames").phone == "360-555-0901"  # her own day phone, not the home's
    assert guardian("Dee", "Bell").phone == "360-555-0911"  # home phone preferred when both
