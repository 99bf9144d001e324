"""SDS v2.1 files as their own format, and OneRoster vendor variants (header-only optional files,
userSourcedId in demographics.csv), with the public samples in ../shared/data/oneroster."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sro_tui.db import open_database
from sro_tui.models import Guardian, Student
from sro_tui.roster import RosterImportError, import_roster, prepare_import
from tests.conftest import SHARED_DATA

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "roster"
SDS = FIXTURES / "sds21"
SHARED = SHARED_DATA / "oneroster"  # the public samples, read where they are (never copied)


def test_sds_bundle_imports_students_guardians_flags_and_grades(school, db_path):
    plan = prepare_import(SDS, school="Port Townsend High School")
    assert plan.format == "sds-2.1"
    import_roster(SDS, school="Port Townsend High School")
    open_database(db_path)
    students = {s.source_id: s for s in Student.select()}
    assert set(students) == {"s-100", "s-101"}  # Blue Heron's student is not ours
    thao, mila = students["s-100"], students["s-101"]
    assert (thao.grade, mila.grade) == ("10", "9")
    assert (thao.iep, thao.english_learner, mila.iep, mila.english_learner) == (
        True,
        False,
        False,
        True,
    )
    assert (thao.sex, thao.race_ethnicity) == ("Female", "Asian")
    hoa = Guardian.get(Guardian.source_key == "g-1")
    assert (hoa.first_name, hoa.email, hoa.phone) == (
        "Hoa",
        "hoa.nguyen@example.org",
        "+13605550601",
    )
    mai = Guardian.get(Guardian.source_key == "g-2")  # linked from the guardian's side
    assert (mai.phone, [lk.relationship for lk in mai.student_links]) == (
        "+13605550602",
        ["Guardian"],
    )
    assert not Guardian.select().where(Guardian.source_key == "g-3").exists()  # emergency contact


def test_sds_birth_place_columns_are_never_read(school):
    plan = prepare_import(SDS, school="sch-pths")
    assert any("birthCity, birthState, birthCountry were not read" in str(w) for w in plan.warnings)
    text = repr(plan.roster)
    assert "Zetaville" not in text
    assert "demographics.csv: birthCity" in plan.columns_ignored
    assert ("users.csv: givenName", "read") in plan.columns_used


def test_sds_without_roles_is_refused_as_sds_not_oneroster(school, tmp_path):
    bundle = tmp_path / "sds"
    shutil.copytree(SDS, bundle)
    (bundle / "roles.csv").unlink()
    with pytest.raises(RosterImportError, match="School Data Sync") as caught:
        prepare_import(bundle, school="sch-pths")
    assert "OneRoster" not in str(caught.value)


def test_oneroster_11_with_a_header_only_demographics_file_using_user_sourced_id(school, tmp_path):
    bundle = tmp_path / "or11"
    shutil.copytree(FIXTURES / "oneroster11", bundle)
    header = (bundle / "demographics.csv").read_text().splitlines()[0]
    (bundle / "demographics.csv").write_text(header.replace("sourcedId", "userSourcedId", 1))
    (bundle / "classes.csv").write_text("sourcedId,status,title,classType\n")  # header only
    result = import_roster(bundle)
    assert result.added == 2
    assert Student.get(Student.sis_id == "00501").sex == ""  # no demographics row: nothing


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"public OneRoster samples not found at {SHARED}")
@pytest.mark.parametrize(
    "sample", ["catalyst-v1p2-full-dataset", "catalyst-v1p2-delta-with-demographics"]
)
def test_public_oneroster_samples_import(db, sample):
    result = import_roster(SHARED / sample)
    assert result.added >= 1
    assert all(s.first_name and s.last_name for s in Student.select())
    assert all(g.first_name or g.last_name for g in Guardian.select())


def test_clever_students_with_contact_columns_and_state_id(school, tmp_path):
    path = tmp_path / "students.csv"
    path.write_text(
        "Student_id,School_id,Student_number,State_id,Last_name,First_name,Grade,"
        "Home_language,Ell_status,IEP_status,Contact_name,Contact_relationship,Contact_type,"
        "Contact_email,Contact_phone\n"
        "c-1,sch-1,4001,WA123,Van der Berg,Mila,09,Dutch,N,Y,Mai Van der Berg,Mother,guardian,"
        "mai@example.org,360-555-0700\n"
        "c-2,sch-1,4002,WA124,Lind,Otto,10,English,N,N,,,,lind.family@example.org,\n"
    )
    plan = prepare_import(path, school="PTHS")
    assert any("no guardian's name (rows 3)" in str(w) for w in plan.warnings)
    import_roster(path, school="PTHS")
    mila = Student.get(Student.sis_id == "4001")
    assert (mila.ssid, mila.source_id, mila.iep) == ("WA123", "c-1", True)
    mai = Guardian.get()
    assert (mai.first_name, mai.last_name, mai.phone) == ("Mai", "Van der Berg", "360-555-0700")
    assert mai.preferred_language == "Dutch"


def test_the_birth_place_warning_names_only_columns_that_held_a_value(school, tmp_path):
    bundle = tmp_path / "or11"
    shutil.copytree(FIXTURES / "oneroster11", bundle)
    demographics = bundle / "demographics.csv"
    header, *rows = demographics.read_text().splitlines()
    # A header-only file (as some vendors send): the columns are there, nothing was dropped.
    demographics.write_text(header + "\n")
    plan = prepare_import(bundle)
    assert not [w for w in plan.warnings if "not read" in str(w)]
    # Only the city of birth filled in: only that column is named; it never reaches the roster.
    blanked = [row.replace("KR,ZZ,", ",,") for row in rows]
    demographics.write_text("\n".join([header, *blanked]) + "\n")
    plan = prepare_import(bundle)
    said = [str(w) for w in plan.warnings if "not read: place of birth" in str(w)]
    assert len(said) == 1 and "column cityOfBirth was not read" in said[0]
    assert "Zetaville" not in repr(plan.roster)
