"""The state and federal reports (issue 15), counted by hand on two small schools.

ALPHA (OSPI building 3021, county-district 16050), submitted requests:
  1. a1 (White, Male, IDEA, SSID) restrained, type 4, 10 min, student injured; arrested (a4 is
     only the target) -> a1 is both restrained and arrested;
  2. a1 again: restraint and isolation, types 2 and 14, 2 staff injured;
  3. a2 (White, Male): a citation -> referred, not arrested;
  4. a3 (White, Male): arrested;
  5. a5 (no race, no sex recorded): arrested -> counted as "Not recorded", never dropped;
  6. a4 (Hispanic or Latino, Female, 504 only, English learner): isolation, type 13, injuries
     not recorded;
  7-18. twelve White Female students, each a citation;
  and a draft with a restraint of a2, never counted.
BETA (no OSPI codes):
  1. b1 (Asian, Female, SSID): handcuffed by law enforcement, arrest made (type 17), arrested;
  2. b2 (Black, Male, IDEA): restraint with no type recorded.

By hand — ALPHA: 3 incidents (2 with restraint, 2 with isolation), 2 students, 1 student injury,
2 staff injuries; referred 16 students (a1, a2, a3, a5 and the twelve): White × Male 3, White ×
Female 12, Not recorded × Not recorded 1; arrested 3. BETA: 2 incidents, 2 students, 0 injuries;
referred 1, arrested 1. District: 5 incidents, 4 students, 1 student and 2 staff injuries, 17
referred, 4 arrested.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from sro_tui.cli.main import main
from sro_tui.db import open_database
from sro_tui.district import (
    district_state_overview,
    district_state_records,
    merge_bundle,
    open_district_database,
)
from sro_tui.district.laptop import set_laptop_id, set_laptop_name
from sro_tui.models import (
    InterventionRequest,
    InterventionStudent,
    LawEnforcementActivity,
    RestraintIsolation,
    School,
    SchoolYear,
    Student,
)
from sro_tui.policy import hidden_cells, suppress_table
from sro_tui.records import current_year, get_school
from sro_tui.reports import (
    crdc_race,
    crdc_tallies,
    restraint_summary,
    school_state_records,
    student_file_rows,
)
from tests.core.test_district_helpers import send_from

YEAR = "2026-27"
TODAY = date(2026, 12, 2)
T0 = datetime(2026, 10, 5, 10, 15)


# --- the pure rule -----------------------------------------------------------------------------


def test_a_cell_of_3_is_hidden_and_so_is_its_complement():
    cells = {("White", "Male"): 3, ("White", "Female"): 12, ("Asian", "Female"): 15}
    shown = suppress_table(cells)
    # The row White adds up to a known total: 3 alone would be 15 - 12.
    assert shown[("White", "Male")] == "<10"
    assert shown[("White", "Female")] == "<10"
    # Now column Female has one hidden cell (12): Asian × Female goes too, or 27 - 15 gives it.
    assert shown[("Asian", "Female")] == "<10"


def test_zero_is_shown_and_a_line_with_two_small_cells_needs_no_complement():
    cells = {("a", "x"): 0, ("a", "y"): 4, ("a", "z"): 5, ("a", "w"): 40}
    assert suppress_table(cells, columns_add_up=False) == {
        ("a", "x"): "0",
        ("a", "y"): "<10",
        ("a", "z"): "<10",
        ("a", "w"): "40",
    }


def test_only_the_lines_that_add_up_take_a_complement():
    # Schools × measures: a measure's schools add up to the district; measures do not add up.
    cells = {("A", "incidents"): 3, ("B", "incidents"): 20, ("A", "students"): 11}
    hidden = hidden_cells(cells, rows_add_up=False, columns_add_up=True)
    assert hidden == {("A", "incidents"), ("B", "incidents")}


def test_race_is_read_the_way_the_crdc_counts_it():
    assert crdc_race("Hispanic or Latino; White") == "Hispanic or Latino"
    assert crdc_race("White; Asian") == "Two or more races"
    assert crdc_race("Black or African American") == "Black or African American"
    assert crdc_race("") == "Not recorded"
    assert crdc_race("Martian") == "Not recorded"  # never a guess


# --- the fixture: two schools -------------------------------------------------------------------


def _school(path: Path, code: str, name: str, building: str = "", county: str = "") -> dict:
    """A school's database, left open for `_student` and `_request` (`_done` closes it)."""
    db = open_database(path)
    school = School.create(
        code=code, name=name, ospi_building_code=building, county_district_code=county
    )
    year = SchoolYear.create(
        name=YEAR, start_date=date(2026, 9, 1), end_date=date(2027, 6, 18), is_current=True
    )
    return {"school": school, "year": year, "n": 0, "db": db}


def _done(ctx: dict, path: Path) -> Path:
    # Closed, so everything is in the database file itself (not in its write-ahead log): a test
    # copies the file as a user would copy a closed database to another computer.
    ctx["db"].close()
    return path


def _student(ctx: dict, sis_id: str, race: str, sex: str, **kw) -> Student:
    return Student.create(
        school=ctx["school"], sis_id=sis_id, first_name="S", last_name=sis_id,
        race_ethnicity=race, sex=sex, **kw,
    )  # fmt: skip


def _request(ctx, students, *, kinds=(), restraint=None, status="submitted"):
    ctx["n"] += 1
    when = T0 + timedelta(days=ctx["n"])
    request = InterventionRequest.create(
        school=ctx["school"], school_year=ctx["year"], occurred_at=when, status=status
    )
    for student, role, outcomes in students:
        InterventionStudent.create(
            request=request, student=student, role=role, outcomes=json.dumps(outcomes)
        )
    for kind in kinds:
        LawEnforcementActivity.create(request=request, kind=kind)
    if restraint is not None:
        minutes = restraint.pop("minutes", 5)
        RestraintIsolation.create(
            request=request, started_at=when, ended_at=when + timedelta(minutes=minutes),
            **restraint,
        )  # fmt: skip
    return request


def _alpha(path: Path) -> Path:
    ctx = _school(path, "ALPHA", "Alpha High School", "3021", "16050")
    a1 = _student(ctx, "0001", "White", "Male", iep=True, ssid="1000000001")
    a2 = _student(ctx, "0002", "White", "Male", ssid="1000000002")
    a3 = _student(ctx, "0003", "White", "Male")
    a4 = _student(ctx, "0004", "Hispanic or Latino", "Female",
                  section_504=True, english_learner=True)  # fmt: skip
    a5 = _student(ctx, "0005", "", "")
    twelve = [_student(ctx, f"01{k:02d}", "White", "Female") for k in range(12)]
    _request(
        ctx, [(a1, "subject", ["use_of_force", "arrest"]), (a4, "target", [])],
        kinds=["arrest"],
        restraint=dict(restraint=True, type_codes="4", minutes=10, student_injured=True,
                       staff_injured_count=0),
    )  # fmt: skip
    _request(
        ctx, [(a1, "subject", [])],
        restraint=dict(restraint=True, isolation=True, type_codes="2,14", student_injured=False,
                       staff_injured_count=2),
    )  # fmt: skip
    _request(ctx, [(a2, "subject", [])], kinds=["citation"])
    _request(ctx, [(a3, "subject", [])], kinds=["interview", "arrest"])
    _request(ctx, [(a5, "subject", [])], kinds=["arrest"])
    _request(ctx, [(a4, "subject", [])], restraint=dict(isolation=True, type_codes="13"))
    for student in twelve:
        _request(ctx, [(student, "subject", [])], kinds=["citation"])
    _request(
        ctx, [(a2, "subject", [])], status="draft",
        restraint=dict(restraint=True, type_codes="1", student_injured=True),
    )  # fmt: skip
    return _done(ctx, path)


def _beta(path: Path) -> Path:
    ctx = _school(path, "BETA", "Beta Middle School")
    b1 = _student(ctx, "9001", "Asian", "Female", ssid="2000000001")
    b2 = _student(ctx, "9002", "Black or African American", "Male", iep=True)
    _request(
        ctx, [(b1, "subject", [])], kinds=["arrest"],
        restraint=dict(restraint=True, type_codes="17", student_injured=False,
                       staff_injured_count=0),
    )  # fmt: skip
    _request(ctx, [(b2, "subject", [])], restraint=dict(restraint=True))
    return _done(ctx, path)


@pytest.fixture(scope="module")
def schools(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("schools")
    return {"ALPHA": _alpha(folder / "alpha.sqlite3"), "BETA": _beta(folder / "beta.sqlite3")}


@pytest.fixture(scope="module")
def district(schools, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("district")
    path = folder / "district.sqlite3"
    db = open_district_database(path)
    try:
        for school_db in schools.values():
            sent = send_from(school_db, folder / "bundles")
            merge_bundle(db, sent.path, merged_by="test")
    finally:
        db.close()
    return path


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# --- from a school's own database ----------------------------------------------------------------


def test_a_school_counts_its_own_restraints_from_its_database(schools):
    db = open_database(schools["ALPHA"])
    try:
        records = school_state_records(get_school(), current_year())
    finally:
        db.close()
    alpha, total = restraint_summary([records])
    assert (alpha.incidents, alpha.restraint_incidents, alpha.isolation_incidents) == (3, 2, 2)
    assert (alpha.students, alpha.student_injuries, alpha.staff_injuries) == (2, 1, 2)
    assert dict(alpha.types) == {"4": 1, "2": 1, "14": 1, "13": 1}
    assert alpha.injury_not_recorded == 1  # the isolation of a4
    assert total.incidents == 3


# --- from the district's merged database ---------------------------------------------------------


def test_the_district_counts_what_each_school_counts(district, schools):
    db = open_district_database(district)
    try:
        merged = district_state_records(YEAR)
    finally:
        db.close()
    alpha, beta, total = restraint_summary(merged)
    assert [s.code for s in (alpha, beta, total)] == ["ALPHA", "BETA", "TOTAL"]
    assert (alpha.incidents, alpha.students, alpha.student_injuries, alpha.staff_injuries) == (
        3, 2, 1, 2,
    )  # fmt: skip
    assert (beta.incidents, beta.students, dict(beta.types), beta.type_not_recorded) == (
        2, 2, {"17": 1}, 1,
    )  # fmt: skip
    assert (total.incidents, total.students, total.student_injuries, total.staff_injuries) == (
        5, 4, 1, 2,
    )  # fmt: skip
    # The same numbers as the school's own database gives.
    school = open_database(schools["ALPHA"])
    try:
        own = restraint_summary([school_state_records(get_school(), current_year())])[0]
    finally:
        school.close()
    assert own == alpha


def test_crdc_counts_each_student_once_and_keeps_the_unclassified(district):
    db = open_district_database(district)
    try:
        alpha, beta, total = crdc_tallies(district_state_records(YEAR))
    finally:
        db.close()
    assert len(alpha.students["referral"]) == 16
    assert len(alpha.students["arrest"]) == 3
    assert alpha.instances["arrest"] == 3
    cells = alpha.cells("referral")
    assert (cells[("White", "Male")], cells[("White", "Female")]) == (3, 12)
    assert cells[("Not recorded", "Not recorded")] == 1  # a5: counted, not dropped
    assert sum(cells.values()) == 16  # adds up to the referrals on record
    assert [s.sis_id for s in alpha.unclassified("arrest")] == ["0005"]
    # a1: restrained twice, physical once as a student; secluded with a4.
    assert len(alpha.students["physical_restraint"]) == 1
    assert alpha.instances["physical_restraint"] == 2
    assert sorted(alpha.students["seclusion"]) == ["0001", "0004"]
    only_504 = alpha.subgroup_cells("seclusion", "Section 504 only")
    assert only_504[("Section 504 only", "Female")] == 1
    assert list(beta.students["mechanical_restraint"]) == ["9001"]
    assert list(beta.students["restraint_type_not_recorded"]) == ["9002"]
    assert (len(total.students["referral"]), len(total.students["arrest"])) == (17, 4)


def test_the_s_file_fills_what_the_records_hold_and_names_what_they_lack(district):
    db = open_district_database(district)
    try:
        rows, warnings = student_file_rows(district_state_records(YEAR), YEAR)
    finally:
        db.close()
    # ALPHA: a1 type 4; a1 types 2 and 14; a4 type 13. BETA: b1 type 17; b2 no type.
    assert len(rows) == 6
    first = rows[0]
    assert first["S01 School Year"] == "2027"
    assert (first["S02 County District Code"], first["S05 Location ID"]) == ("16050", "3021")
    assert (first["S03 District Student Code"], first["S04 SSID"]) == ("0001", "1000000001")
    assert first["S06 Action ID"] == "1000000001" + "1006261015"
    assert (first["S07 Action Date"], first["S08 Action Duration"]) == ("2026-10-06", "10")
    assert (first["S09 Type of Restraint or Isolation"], first["S10 Student Injured"]) == ("4", "Y")
    types = [r["S09 Type of Restraint or Isolation"] for r in rows]
    assert types == ["4", "2", "14", "13", "17", ""]
    by_field = {w.split(":")[0]: w for w in warnings}
    assert "empty on 2 of 6" in by_field["S04 SSID"]  # a4 and b2 have no SSID: not guessed
    assert "empty on 2 of 6" in by_field["S05 Location ID"]  # BETA has no OSPI code
    assert "empty on 1 of 6" in by_field["S09 Type of Restraint or Isolation"]


def test_the_command_writes_the_district_copy_and_the_published_one(district, tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["report", "crdc", "--district", str(district), "--year", YEAR, "--out", str(out)])
    assert code == 0
    private = _read(out / f"crdc_{YEAR}_NOT-FOR-PUBLICATION.csv")
    public = _read(out / f"crdc_{YEAR}_published.csv")

    def cell(rows, school, group, sex, measure="Referred to law enforcement"):
        key = (school, measure, group, sex)
        (row,) = [r for r in rows if (r["school_code"], r["measure"], r["group"], r["sex"]) == key]
        return row

    assert cell(private, "ALPHA", "White", "Male")["students"] == "3"
    assert cell(public, "ALPHA", "White", "Male")["students"] == "<10"
    # The complement: 12 would give the 3 away from the row's total.
    assert cell(private, "ALPHA", "White", "Female")["students"] == "12"
    assert cell(public, "ALPHA", "White", "Female")["students"] == "<10"
    total = cell(public, "ALPHA", "All students", "All")
    assert (total["students"], total["instances"]) == ("16", "16")
    assert cell(public, "TOTAL", "All students", "All")["students"] == "17"
    arrests = cell(private, "TOTAL", "All students", "All", "School-related arrest")
    assert arrests["students"] == "4"
    text = (out / f"crdc_{YEAR}_NOT-FOR-PUBLICATION.txt").read_text()
    assert "NOT FOR PUBLICATION" in text and "0005" in text  # the unclassified student, named
    assert "0005" not in (out / f"crdc_{YEAR}_published.txt").read_text()
    assert oct((out / f"crdc_{YEAR}_published.csv").stat().st_mode & 0o777) == "0o600"


def test_the_restraint_report_from_the_command_line_for_real(schools, district, tmp_path):
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "sro_tui.cli", "report", "restraint", "--year", YEAR,
         "--out", str(out), "--district", str(district)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "warning: S04 SSID: empty on 2 of 6" in done.stdout
    private = _read(out / f"restraint-summary_{YEAR}_NOT-FOR-PUBLICATION.csv")
    public = _read(out / f"restraint-summary_{YEAR}_published.csv")
    got = {(r["school_code"], r["measure"]): r["count"] for r in private}
    shown = {(r["school_code"], r["measure"]): r["count"] for r in public}
    assert got[("ALPHA", "Incidents of restraint or isolation")] == "3"
    assert got[("TOTAL", "Injuries to staff")] == "2"
    assert got[("BETA", "Type 17 Handcuffs by law enforcement (arrest made)")] == "1"
    assert shown[("ALPHA", "Incidents of restraint or isolation")] == "<10"
    assert shown[("TOTAL", "Students involved")] == "<10"
    s_file = _read(out / f"students-restrained-or-isolated_{YEAR}_NOT-FOR-PUBLICATION.csv")
    assert len(s_file) == 6
    text = (out / f"restraint-summary_{YEAR}_NOT-FOR-PUBLICATION.txt").read_text()
    assert "Due to OSPI by January 1, 2027" in text and "CEDARS manual" in text
    # And from the school's own database, the school's numbers only.
    mine = tmp_path / "mine"
    done = subprocess.run(
        [sys.executable, "-m", "sro_tui.cli", "report", "restraint", "--year", YEAR,
         "--out", str(mine), "--db", str(schools["BETA"])],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = _read(mine / f"restraint-summary_{YEAR}_NOT-FOR-PUBLICATION.csv")
    assert {r["school_code"] for r in rows} == {"BETA", "TOTAL"}


def test_a_year_the_district_does_not_hold_is_one_line_and_writes_nothing(
    district, tmp_path, capsys
):
    out = tmp_path / "out"
    code = main(["report", "restraint", "--district", str(district), "--year", "2019-20",
                 "--out", str(out)])  # fmt: skip
    assert code == 1
    assert "no school has sent records of 2019-20 (years held: 2026-27)" in capsys.readouterr().err
    assert not out.exists()


def test_the_overview_counts_days_to_january_first(district):
    db = open_district_database(district)
    try:
        overview = district_state_overview(YEAR, today=TODAY)
    finally:
        db.close()
    assert (overview.due, overview.days_left, overview.due_words) == (
        date(2027, 1, 1), 30, "30 days left",
    )  # fmt: skip
    alpha = overview.schools[0]
    assert (alpha.incidents, alpha.referred, alpha.arrested, alpha.secluded) == (3, 16, 3, 2)
    assert overview.total.arrested == 4


def test_a_bundle_from_before_the_ssid_column_still_merges_and_counts(tmp_path):
    """The exchange contract gained `student_ssid` at the end of intervention-students (issue
    15): a school on an older version sends without it; its restraint counts, no SSID guessed."""
    from sro_tui.exchange.bundle import BundleFileSpec, write_bundle
    from sro_tui.interventions.export_columns import IDENTIFIED_COLUMNS

    columns = {k: [c.name for c in cols] for k, cols in IDENTIFIED_COLUMNS.items()}
    columns["intervention-students"].remove("student_ssid")
    merge = {"school_code": "OLD", "school_year": YEAR, "updated_at": "2026-11-01T10:00:00Z"}
    cells = {
        "interventions": [{"record_id": "r1", "status": "reviewed"}],
        "intervention-students": [
            {
                "record_id": "s1",
                "request_record_id": "r1",
                "role": "subject",
                "student_sis_id": "0042",
                "race_ethnicity": "Asian",
                "sex": "Male",
            },
        ],  # fmt: skip
        "intervention-law-enforcement": [],
        "intervention-restraint-isolation": [
            {
                "record_id": "x1",
                "request_record_id": "r1",
                "restraint": "yes",
                "isolation": "no",
                "type_codes": "3",
                "started_at_local": "2026-10-20 09:30",
                "duration_minutes": "4",
                "student_injured": "no",
                "staff_injured_count": "1",
            },
        ],  # fmt: skip
    }
    specs = [
        BundleFileSpec(kind, tuple(columns[kind]),
                       [[{**merge, **row}.get(c, "") for c in columns[kind]] for row in rows])
        for kind, rows in cells.items()
    ]  # fmt: skip
    bundle = write_bundle(
        tmp_path / "bundles", specs, school={"code": "OLD", "name": "Old", "record_id": "old"},
        school_year=YEAR, app_version="0.9", created_at=datetime(2026, 11, 2, 8),
    )  # fmt: skip
    db = open_district_database(tmp_path / "district.sqlite3")
    try:
        merge_bundle(db, bundle.path, merged_by="test")
        merged = district_state_records(YEAR)
        (old, _total) = restraint_summary(merged)
        rows, warnings = student_file_rows(merged, YEAR)
    finally:
        db.close()
    assert (old.incidents, old.students, old.staff_injuries, dict(old.types)) == (1, 1, 1, {"3": 1})
    assert rows[0]["S03 District Student Code"] == "0042" and rows[0]["S04 SSID"] == ""
    assert any(w.startswith("S04 SSID: empty on 1 of 1") for w in warnings)


def test_a_student_row_is_matched_to_its_request_however_its_json_is_spaced():
    from sro_tui.district.state_reports import _linked_to

    assert _linked_to('{"role":"subject","request_record_id":"r1"}', {"r1"})
    assert not _linked_to('{"request_record_id":"r2"}', {"r1"})
    assert _linked_to('{"request_record_id": "r1", "role": "subject"}', {"r1"})  # decoded


def test_a_school_database_copied_to_another_computer_is_counted_once(district, schools, tmp_path):
    """The copy sends as a laptop of its own with the same requests: the district holds each
    record twice, and the state reports still count each incident and student once."""
    copy = shutil.copyfile(schools["ALPHA"], tmp_path / "alpha-copy.sqlite3")
    db = open_database(copy)
    try:
        set_laptop_id("a-second-computer")
        set_laptop_name("Counselor")
    finally:
        db.close()
    merged_twice = shutil.copyfile(district, tmp_path / "district.sqlite3")
    db = open_district_database(merged_twice)
    try:
        sent = send_from(copy, tmp_path / "bundles")
        assert not merge_bundle(db, sent.path, merged_by="test").already_merged
        alpha, _beta, total = restraint_summary(district_state_records(YEAR))
        arrested = crdc_tallies(district_state_records(YEAR))
    finally:
        db.close()
    assert (alpha.incidents, alpha.students, alpha.student_injuries, alpha.staff_injuries) == (
        3, 2, 1, 2,
    )  # fmt: skip
    assert (total.incidents, total.students) == (5, 4)
    db = open_district_database(district)
    try:
        assert arrested == crdc_tallies(district_state_records(YEAR))
    finally:
        db.close()
