"""Roster import from SIS CSV exports (PowerSchool, generic, Clever), encodings, bad rows."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from sro_tui.db import open_database
from sro_tui.models import Guardian, School, Student, StudentGuardian
from sro_tui.roster import (
    RosterImportError,
    SchoolChoiceNeeded,
    import_roster,
    prepare_import,
    schools_in_roster,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "roster"
GENERIC = FIXTURES / "generic_roster.csv"


def students_by_id() -> dict[str, Student]:
    return {s.sis_id: s for s in Student.select()}


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_powerschool_export_keeps_leading_zeros_grades_and_enrollment(school, db_path):
    result = import_roster(FIXTURES / "powerschool_students.csv", school="PTHS")
    assert (result.added, result.skipped_inactive) == (4, 1)  # 000126 is transferred out
    db = open_database(db_path)  # what a user sees after reopening the database
    s = students_by_id()
    assert set(s) == {"000123", "000124", "000125", "000127"}
    assert (s["000123"].first_name, s["000123"].last_name, s["000123"].grade) == (
        "José",
        "Núñez",
        "9",
    )
    assert s["000124"].grade == "K" and s["000125"].grade == "PK"
    assert s["000123"].homeroom == "101" and s["000123"].race_ethnicity == "Hispanic or Latino"
    assert s["000127"].sex == "X" and s["000123"].sex == "Male"
    assert s["000123"].iep is None  # no IEP column in this file: unknown, not "no"
    assert "jose" in s["000123"].search_key and "nunez" in s["000123"].search_key
    db.close()


def test_powerschool_siblings_share_guardians_and_one_household(school):
    result = import_roster(FIXTURES / "powerschool_students.csv", school="PTHS")
    ana = Guardian.get(Guardian.email == "ana.nunez@example.org")
    assert sorted(link.student.sis_id for link in ana.student_links) == ["000123", "000124"]
    assert {link.relationship for link in ana.student_links} == {"Mother"}
    pedro = Guardian.get(Guardian.first_name == "Pedro")
    assert pedro.street == "12 Water St"  # from the student's address: no address of his own
    assert ana.household_id == pedro.household_id is not None
    # Ana, Pedro, Maire, Bao (Grace Lee's only child transferred out, so she is not imported)
    assert result.guardians == Guardian.select().count() == 4
    assert result.households == 3


def test_generic_roster_reads_guardians_flags_and_names(school):
    import_roster(GENERIC)
    s = students_by_id()
    assert (s["0042"].grade, s["0042"].homeroom, s["0044"].grade) == ("7", "7A", "K")
    assert (s["0042"].iep, s["0042"].section_504, s["0042"].english_learner) == (True, False, False)
    assert (s["0044"].section_504, s["0044"].english_learner, s["0044"].home_language) == (
        True,
        True,
        "Spanish",
    )
    rosa = Guardian.get(Guardian.email == "rosa.garcia@example.org")
    assert (rosa.first_name, rosa.last_name, rosa.preferred_language) == (
        "Rosa",
        "García",
        "Spanish",
    )
    # Ngozi is on two rows with differently written phones: one guardian, two children
    ngozi = Guardian.select().where(Guardian.first_name == "Ngozi")
    assert ngozi.count() == 1
    assert ngozi.get().student_links.count() == 2
    marisol = s["0044"]
    links = StudentGuardian.select().where(StudentGuardian.student == marisol)
    assert sorted(link.relationship for link in links) == ["Father", "Mother"]
    assert all(link.receives_notices for link in links)


def test_sis_school_number_is_tied_to_the_school_once(school):
    path = FIXTURES / "powerschool_students.csv"
    with pytest.raises(RosterImportError, match="the file is for 310 .*pass --school PTHS"):
        prepare_import(path)
    import_roster(path, school="PTHS")
    assert School.get().source_id == "310"
    assert prepare_import(path).unchanged == 4  # the next export matches without --school


def test_new_database_takes_the_school_name_from_school_and_the_sis_number_from_the_file(db):
    import_roster(FIXTURES / "powerschool_students.csv", school="PTHS")
    assert [(s.code, s.name, s.source_id) for s in School.select()] == [("PTHS", "PTHS", "310")]


def test_clever_file_with_two_schools_needs_a_choice_and_imports_only_that_one(db):
    path = FIXTURES / "clever_students.csv"
    assert [s.identifier for s in schools_in_roster(path)] == ["sch-pths", "sch-bms"]
    with pytest.raises(SchoolChoiceNeeded) as info:
        prepare_import(path)
    assert "sch-pths" in str(info.value) and "sch-bms" in str(info.value)
    assert Student.select().count() == 0
    result = import_roster(path, school="sch-bms")
    assert result.added == 1
    assert [(s.sis_id, s.source_id) for s in Student.select()] == [("40001", "c-9101")]
    assert School.get().code == "sch-bms"
    assert Guardian.select().count() == 1  # Samir, only as Layla's father


def test_sis_csv_without_school_column_needs_school_for_a_new_database(db, tmp_path):
    with pytest.raises(
        RosterImportError, match="does not say which school: give the school.s name and short code"
    ):
        prepare_import(GENERIC)
    import_roster(GENERIC, school="Port Townsend High School")
    assert School.get().name == "Port Townsend High School"


def test_file_for_another_school_is_refused(school):
    with pytest.raises(
        RosterImportError, match="keeps Port Townsend High School's records; the file is for"
    ):
        prepare_import(FIXTURES / "clever_students.csv", school="sch-bms")
    with pytest.raises(RosterImportError, match="keeps Port Townsend High School's records"):
        prepare_import(GENERIC, school="Blue Heron Middle School")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
def test_bom_and_windows_1252_files_read_the_same(school, tmp_path, encoding):
    text = GENERIC.read_text(encoding="utf-8").replace("\n", "\r\n")
    path = write(tmp_path, "roster.csv", text, encoding)
    plan = prepare_import(path)
    assert len(plan.to_add) == 3
    assert ("Windows-1252" in plan.encoding_note) == (encoding == "cp1252")
    import_roster(path)
    assert Guardian.get(Guardian.email == "rosa.garcia@example.org").last_name == "García"


def test_blank_lines_extra_columns_semicolons_and_quoted_ids(school, tmp_path):
    path = write(
        tmp_path,
        "export.csv",
        "\r\nStudent ID;LastName;FirstName;Grade Level;Notes\r\n"
        '"007";Smith;Jo;10;x;extra\n\n'
        "\r\n"
        "0008;Smythe;Al;11;;\r\n;;;;\n",
    )
    plan = prepare_import(path)
    assert sorted(r.sis_id for r in plan.to_add) == ["0008", "007"]
    assert any("no column header" in p.reason for p in plan.warnings)


def test_missing_required_column_is_named(school, tmp_path):
    path = write(tmp_path, "r.csv", "Student ID,First Name,Grade\n1,Ann,9\n")
    with pytest.raises(RosterImportError) as info:
        prepare_import(path)
    problem = info.value.problems[0]
    assert (problem.file, problem.row) == ("r.csv", 1)
    assert "no last name column" in problem.reason and "Student ID" in problem.reason


def test_every_bad_row_is_reported_and_nothing_is_written(school, tmp_path):
    path = write(
        tmp_path,
        "bad.csv",
        "Student ID,Last Name,First Name,Grade,IEP\n"
        "1,Ames,Ann,9,Y\n"
        ",Brook,Ben,9,N\n"  # row 3: no ID
        "3,Cole,Cy,13x,N\n"  # row 4: not a grade
        "4,Dunn,Di,10,maybe\n"  # row 5: not a flag
        "5,,,10,N\n"  # row 6: no name
        "1,Ames,Annie,10,Y\n"  # row 7: same ID, another student
        "1.23457E+11,Eve,Ed,9,N\n",
    )  # row 8: an ID Excel destroyed
    with pytest.raises(RosterImportError) as info:
        prepare_import(path)
    found = [(p.row, p.column) for p in info.value.problems]
    assert found == [
        (3, "Student ID"),
        (4, "Grade"),
        (5, "IEP"),
        (6, "Last Name"),
        (7, "Student ID"),
        (8, "Student ID"),
    ]
    assert str(info.value.problems[1]) == "bad.csv, row 4, column Grade: '13x' is not a grade"
    assert str(info.value).startswith(
        "6 problems in the roster, nothing imported; first: bad.csv, row 3"
    )
    assert Student.select().count() == 0
    assert gc.isenabled()  # the import pauses the collector and gives it back, even on failure


def test_the_collector_stays_paused_from_the_preparation_to_the_writing(
    school, db_path, monkeypatch
):
    """Between preparing and writing, the plan (every row read) is alive: a collection there
    walks all of it for nothing. import_roster and `sro-tui roster import` keep the collector
    paused across both, and give it back at the end."""
    import sro_tui.roster
    import sro_tui.roster.importer as importer
    from sro_tui.cli import main

    writing = importer.apply_import
    paused_at_writing: list[bool] = []

    def noted(plan, *args, **kwargs):  # type: ignore[no-untyped-def]
        paused_at_writing.append(not gc.isenabled())
        return writing(plan, *args, **kwargs)

    monkeypatch.setattr(importer, "apply_import", noted)
    monkeypatch.setattr(sro_tui.roster, "apply_import", noted)  # the package's copy, if made
    import_roster(FIXTURES / "powerschool_students.csv", school="PTHS")
    assert paused_at_writing == [True] and gc.isenabled()
    code = main(["roster", "import", str(GENERIC), "--db", str(db_path), "--school", "PTHS"])
    assert code == 0
    assert paused_at_writing == [True, True] and gc.isenabled()


def test_problem_list_is_capped(school, tmp_path):
    rows = "".join(f"{i},Last,First,99\n" for i in range(300))
    path = write(tmp_path, "many.csv", "Student ID,Last Name,First Name,Grade\n" + rows)
    with pytest.raises(RosterImportError) as info:
        prepare_import(path)
    assert len(info.value.problems) == 100 and info.value.more == 200
    assert str(info.value).startswith("300 problems")


def test_birth_place_columns_are_never_stored(school, db_path):
    import_roster(FIXTURES / "powerschool_students.csv", school="PTHS")
    for suffix in ("", "-wal"):
        data = (
            Path(f"{db_path}{suffix}").read_bytes() if Path(f"{db_path}{suffix}").exists() else b""
        )
        assert b"Guadalajara" not in data


def test_an_excel_workbook_is_refused_with_what_to_do(school, tmp_path):
    """Offices export to Excel first: a workbook (by name or by content) says how to save a CSV."""
    import zipfile

    book = tmp_path / "students.xlsx"
    with zipfile.ZipFile(book, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    renamed = tmp_path / "students_export.zip"  # the same workbook under another name
    renamed.write_bytes(book.read_bytes())
    for path in (book, renamed):
        with pytest.raises(RosterImportError) as info:
            prepare_import(path)
        assert f"{path.name}: is a spreadsheet workbook, not a CSV file" in str(info.value)
        assert "Save As › CSV UTF-8" in str(info.value)
    assert Student.select().count() == 0
