"""Roster import from OneRoster 1.1 and 1.2 bundles (folders and zips), and the real samples."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from sro_tui.db import open_database
from sro_tui.models import Guardian, School, Student, StudentGuardian
from sro_tui.records import ensure_school
from sro_tui.roster import (
    RosterImportError,
    SchoolChoiceNeeded,
    apply_import,
    import_roster,
    prepare_import,
    schools_in_roster,
)
from tests.conftest import SHARED_DATA

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "roster"
V11 = FIXTURES / "oneroster11"
DISTRICT = FIXTURES / "oneroster12_district"
SAMPLES = SHARED_DATA / "oneroster"
needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"public OneRoster samples not found at {SAMPLES}"
)


def zipped(folder: Path, tmp_path: Path, inner: str = "") -> Path:
    target = tmp_path / f"{folder.name}.zip"
    with zipfile.ZipFile(target, "w") as archive:
        for file in folder.iterdir():
            archive.write(file, f"{inner}{file.name}")
    return target


def copy_bundle(folder: Path, tmp_path: Path) -> Path:
    target = tmp_path / folder.name
    shutil.copytree(folder, target)
    return target


def test_oneroster_11_roles_in_users_guardians_demographics_homeroom(db):
    result = import_roster(V11)
    school = School.get()
    assert (school.code, school.name, school.source_id) == (
        "PTHS",
        "Port Townsend High School",
        "org-pths",
    )
    s = {x.sis_id: x for x in Student.select()}
    assert set(s) == {"00501", "00502"}  # the teacher is not a student; 00503 is tobedeleted
    assert result.skipped_inactive == 1
    hana, joon = s["00501"], s["00502"]
    assert (hana.grade, hana.homeroom, joon.homeroom) == ("9", "HR 101 Rivera", "")
    assert (hana.sex, hana.race_ethnicity, hana.iep, hana.english_learner) == (
        "Female",
        "Asian",
        True,
        False,
    )
    assert joon.race_ethnicity == "Asian; White; Two or more races"
    assert hana.source_id == "u-s1"
    links = {
        (link.student.sis_id, link.guardian.source_key, link.relationship)
        for link in StudentGuardian.select()
    }
    assert links == {
        ("00501", "u-p1", "Parent"),
        ("00501", "u-p2", "Guardian"),
        ("00502", "u-p1", "Parent"),
    }
    assert Guardian.get(Guardian.source_key == "u-p2").phone == "360-555-0191"  # from sms
    assert result.households == 1  # Soo-jin and Tae share Hana: one notice


def test_district_bundle_without_choice_is_refused_and_lists_schools(db):
    assert [(s.identifier, s.name) for s in schools_in_roster(DISTRICT)] == [
        ("PTHS", "Port Townsend High School"),
        ("BHMS", "Blue Heron Middle School"),
    ]
    with pytest.raises(SchoolChoiceNeeded) as info:
        prepare_import(DISTRICT)
    assert [s.sourced_id for s in info.value.schools] == ["sch-a", "sch-b"]
    assert "Port Townsend High School (PTHS)" in str(info.value)
    assert "Blue Heron Middle School (BHMS)" in str(info.value)
    with pytest.raises(SchoolChoiceNeeded, match="no school 'Lincoln'"):
        prepare_import(DISTRICT, school="Lincoln")
    assert Student.select().count() == School.select().count() == 0


@pytest.mark.parametrize("choice", ["BHMS", "sch-b", "blue heron middle school"])
def test_district_bundle_imports_only_the_chosen_school(db, choice):
    result = import_roster(DISTRICT, school=choice)
    assert [s.sis_id for s in Student.select()] == ["0200300"]
    assert result.guardians == 1  # Carmen, only as Pablo's parent: Javier and Li are not ours
    assert Student.get().homeroom == "Homeroom 7C"
    assert School.get().code == "BHMS"


def test_district_zip_with_a_folder_inside_reads_like_the_folder(db, tmp_path):
    plan = prepare_import(zipped(DISTRICT, tmp_path, inner="export/"), school="PTHS")
    assert plan.format == "oneroster-1.2"
    assert sorted(r.sis_id for r in plan.to_add) == ["0100200", "0100201", "0100202"]
    apply_import(plan)
    elena = Student.get(Student.sis_id == "0100200")
    assert (elena.preferred_name, elena.grade, elena.homeroom) == ("Ellie", "10", "Homeroom 204")
    assert elena.race_ethnicity == "Hispanic or Latino; White"
    assert Student.get(Student.sis_id == "0100201").race_ethnicity == ""  # no demographics row
    # links in both directions: Carmen lists Mateo, Javier lists Mateo, Zoe lists Li
    pairs = {
        (link.student.first_name, link.guardian.first_name, link.relationship)
        for link in StudentGuardian.select()
    }
    assert pairs == {
        ("Elena", "Carmen", "Parent"),
        ("Mateo", "Carmen", "Parent"),
        ("Mateo", "Javier", "Guardian"),
        ("Zoe", "Li", "Relative"),
    }


def test_database_of_one_school_picks_it_from_a_district_bundle(db):
    import_roster(DISTRICT, school="PTHS")
    plan = prepare_import(DISTRICT)  # no --school: the database keeps PTHS
    assert plan.unchanged == 3 and not plan.to_add
    assert any("importing Port Townsend High School" in w.reason for w in plan.warnings)


def test_bundle_for_another_school_is_refused(school, tmp_path):
    with pytest.raises(
        RosterImportError,
        match="keeps Port Townsend High School's records; the file is for Blue Heron Middle School",
    ):
        prepare_import(DISTRICT, school="BHMS")


def test_birth_place_is_never_stored(db, db_path):
    import_roster(V11)
    for suffix in ("", "-wal"):
        file = Path(f"{db_path}{suffix}")
        data = file.read_bytes() if file.exists() else b""
        assert b"Zetaville" not in data
    assert Student.select().count() == 2


def test_birth_place_never_stored_from_district_bundle(db, db_path):
    import_roster(DISTRICT, school="sch-a")
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    assert b"Zetaville" not in db_path.read_bytes()
    assert Student.select().count() == 3


def test_bad_bundle_rows_are_all_reported_and_nothing_written(db, tmp_path):
    bundle = copy_bundle(DISTRICT, tmp_path)
    users = (bundle / "users.csv").read_text()
    users = users.replace("Elena,Rivera,,0100200,,,,a-p1,10,", "Elena,Rivera,,0100200,,,,a-p1,1O,")
    users = users.replace("Zoe,Chen,,0100202", "Zoe,Chen,,0100200")  # same ID as Elena
    (bundle / "users.csv").write_text(users)
    demo = (bundle / "demographics.csv").read_text()
    demo = demo.replace(
        "female,false,false,false,false,true,", "female,false,false,false,false,si,"
    )
    (bundle / "demographics.csv").write_text(demo)
    with pytest.raises(RosterImportError) as info:
        prepare_import(bundle, school="PTHS")
    problems = {(p.file, p.row, p.column) for p in info.value.problems}
    assert ("users.csv", 2, "grades") in problems
    assert ("users.csv", 4, "identifier") in problems
    assert ("demographics.csv", 2, "white") in problems
    assert Student.select().count() == 0


def test_missing_users_file_and_column_are_named(db, tmp_path):
    bundle = copy_bundle(DISTRICT, tmp_path)
    (bundle / "roles.csv").write_text("sourcedId,userSourcedId,role\nr1,a-s1,student\n")
    with pytest.raises(RosterImportError, match="roles.csv, row 1: no orgsourcedid column"):
        prepare_import(bundle)
    (bundle / "users.csv").unlink()
    with pytest.raises(RosterImportError, match="needs users.csv"):
        prepare_import(bundle)


def test_dangling_agents_are_warnings_not_refusals(db, tmp_path):
    bundle = copy_bundle(DISTRICT, tmp_path)
    users = (bundle / "users.csv").read_text().replace(",a-p3,09,", ',"a-p3,a-gone",09,')
    (bundle / "users.csv").write_text(users)
    plan = prepare_import(bundle, school="PTHS")
    assert any(
        w.reason == "agent a-gone is not in users.csv; not linked" and w.row == 4
        for w in plan.warnings
    )
    assert len(plan.to_add) == 3


@needs_samples
def test_real_full_sample_with_department_org_and_messy_headers(db):
    plan = prepare_import(SAMPLES / "catalyst-v1p2-full-dataset")
    reasons = " | ".join(str(w) for w in plan.warnings)
    assert "prefferedGivenName as preferredGivenName" in reasons
    assert "dataLastModified as dateLastModified" in reasons
    assert "'1/05/2023' are not ISO 8601" in reasons
    assert "History Department (type department) holds the students" in reasons
    assert "agent usr-222-987654 is a teacher, not a parent or guardian" in reasons
    assert sorted(r.sis_id for r in plan.to_add) == ["anna.brown", "mary.jones", "mmichel.jones"]
    apply_import(plan)
    mary = Student.get(Student.sis_id == "mary.jones")
    assert (mary.preferred_name, mary.grade) == ("MJ", "12")
    john = Guardian.get()
    assert (john.display_name, john.source_key) == ("John Doe", "usr-222-123456")
    assert john.student_links.count() == 2


@needs_samples
def test_real_delta_sample_keeps_absent_students_and_drops_birth_place(db, db_path):
    gotham = ensure_school("ORG_1", "Gotham High School", source_id="ORG_1")
    Student.create(school=gotham, sis_id="alfred", first_name="Alfred", last_name="Pennyworth")
    plan = prepare_import(SAMPLES / "catalyst-v1p2-delta-with-demographics")
    assert plan.delta and plan.school_name == "Gotham High School" and plan.school_code == "ORG_1"
    # Its birth-place columns are there but empty: never read, and no warning of a loss.
    assert "demographics.csv: cityOfBirth" in plan.columns_ignored
    assert not any("cityOfBirth" in w.reason for w in plan.warnings)
    assert not plan.to_deactivate  # a delta lists changes only: Alfred is not gone
    apply_import(plan)
    assert [(s.sis_id, s.active) for s in Student.select().order_by(Student.id)] == [
        ("alfred", True),
        ("bruce.wayne", True),
    ]


def delta_bundle(tmp_path: Path, users: list[str]) -> Path:
    """A OneRoster 1.1 delta of the V11 bundle: its orgs and the given users.csv rows."""
    folder = tmp_path / "delta"
    folder.mkdir()
    shutil.copy(V11 / "orgs.csv", folder / "orgs.csv")
    manifest = (V11 / "manifest.csv").read_text(encoding="utf-8").replace(",bulk", ",absent")
    manifest = manifest.replace("file.users,absent", "file.users,delta")
    (folder / "manifest.csv").write_text(manifest, encoding="utf-8")
    header = (V11 / "users.csv").read_text(encoding="utf-8").splitlines()[0]
    (folder / "users.csv").write_text("\n".join([header, *users]) + "\n", encoding="utf-8")
    return folder


def links_now() -> set[tuple[str, str, bool]]:
    return {
        (lk.student.sis_id, lk.guardian.source_key, lk.guardian.active)
        for lk in StudentGuardian.select()
    }


def test_a_delta_that_changes_a_grade_keeps_the_students_guardians(db, db_path, tmp_path):
    import_roster(V11)
    before = links_now()
    # Hana moves up a grade; her parents are unchanged, so (as in any delta) not in the file
    grade = 'u-s1,active,,true,org-pths,student,hkim,,Hana,Kim,,00501,,,,"u-p1,u-p2",10,'
    plan = prepare_import(delta_bundle(tmp_path, [grade]))
    assert [str(row) for row in plan.to_update] == ["00501 Hana Kim (grade 10): grade 9 → 10"]
    assert plan.guardian_link_changes == [] and plan.guardians_deactivated == 0
    assert not [w for w in plan.warnings if "not linked" in str(w)]
    apply_import(plan)
    open_database(db_path)  # as after a restart
    assert Student.get(Student.sis_id == "00501").grade == "10"
    assert links_now() == before


def test_a_delta_removes_only_the_guardian_it_marks_tobedeleted(db, tmp_path):
    import_roster(V11)
    gone = "u-p2,tobedeleted,,true,org-district,guardian,tpark,,Tae,Park,,,,360-555-0191,,u-s1,,"
    plan = prepare_import(delta_bundle(tmp_path, [gone]))
    assert plan.guardians_deactivated == 1
    assert plan.guardian_link_changes == ["no longer linked: Tae Park — Hana Kim (00501)"]
    apply_import(plan)
    assert links_now() == {("00501", "u-p1", True), ("00502", "u-p1", True)}
    assert not Guardian.get(Guardian.source_key == "u-p2").active
