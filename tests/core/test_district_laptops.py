"""One school, several laptops (issue 18): the district counts each student, household and record
once, whatever the order the laptops' bundles are merged in, and however often."""

from __future__ import annotations

import itertools
import json
import shutil
from datetime import timedelta

import pytest

from sro_tui.agreements import log_complaint, save_safety_staff, start_agreement
from sro_tui.db import open_database
from sro_tui.district import (
    MergeRefused,
    merge_bundle,
    open_district_database,
)
from sro_tui.district.files import district_annual_report
from sro_tui.district.laptop import set_laptop_name
from sro_tui.district.status import district_status
from sro_tui.exchange.bundle import open_bundle
from sro_tui.models import InterventionRequest, LawEnforcementActivity
from sro_tui.notices import record_notices
from sro_tui.presentation import list_sessions, undo_last_check_in
from sro_tui.records import current_year, ensure_current_year, ensure_school
from sro_tui.roster import import_roster
from tests.core.laptops_helpers import (
    NOW,
    TODAY,
    both_sent,
    check_in,
    households_of,
    send,
)


@pytest.fixture(scope="module")
def laptops(tmp_path_factory):
    """Both laptops' bundles, sent once (the same bundles for every test here)."""
    return both_sent(tmp_path_factory.mktemp("laptops"))


def figures(db) -> list[tuple]:
    return [
        (
            s.code,
            s.students,
            s.presented,
            s.households,
            s.households_notified,
            s.intervention_requests,
            sorted(laptop.name for laptop in s.laptops),
        )
        for s in district_status(now=NOW)
    ]


EXPECTED = [(
    "PTHS", 100, 70, 100, 20, 5, ["Front office", "Principal"]
)]  # fmt: skip


def test_each_bundle_names_its_laptop(laptops):
    with open_bundle(laptops["office"].path) as bundle:
        manifest = bundle.manifest
        assert (manifest.laptop_name, manifest.school_code) == ("Front office", "PTHS")
    with open_bundle(laptops["principal"].path) as bundle:
        assert bundle.manifest.laptop_name == "Principal"


@pytest.mark.parametrize("order", list(itertools.permutations(["office", "principal"])))
def test_two_laptops_are_one_building_in_either_order_and_twice(laptops, tmp_path, order):
    db = open_district_database(tmp_path / "district.sqlite3")
    try:
        for name in order:
            assert not merge_bundle(db, laptops[name].path).already_merged
        assert figures(db) == EXPECTED
        for name in (*order, *reversed(order)):
            assert merge_bundle(db, laptops[name].path).already_merged
        assert figures(db) == EXPECTED
    finally:
        db.close()
    # What the district office sees after reopening it.
    db = open_district_database(tmp_path / "district.sqlite3")
    try:
        assert figures(db) == EXPECTED
    finally:
        db.close()


def after_a_change(laptops, tmp_path, which: str, change) -> list:
    """A copy of one laptop's database, `change`d, sends again; the district merges both
    laptops' first bundles and that later one. Returns its status, one row per school."""
    copy = shutil.copyfile(laptops[f"{which}_db"], tmp_path / f"{which}.sqlite3")
    db = open_database(copy)
    try:
        change()
    finally:
        db.close()
    later = send(copy, tmp_path / "out", now=NOW + timedelta(hours=1))
    district = open_district_database(tmp_path / "district.sqlite3")
    try:
        for bundle in (laptops["office"], laptops["principal"], later):
            merge_bundle(district, bundle.path)
        return district_status(now=NOW)
    finally:
        district.close()


def test_a_later_roster_import_on_one_laptop_does_not_undo_the_others_records(laptops, tmp_path):
    """The principal imports a roster without students 1-30 (left the school): the office's
    check-ins and notices of them still count at the district."""
    short = tmp_path / "short.csv"
    lines = (laptops["folder"] / "roster.csv").read_text().splitlines(keepends=True)
    short.write_text(lines[0] + "".join(lines[31:]))

    def reimport():
        assert import_roster(short).deactivated == 30

    [school] = after_a_change(laptops, tmp_path, "principal", reimport)
    assert (school.students, school.presented, school.households_notified) == (100, 70, 20)


def test_an_undo_on_one_laptop_leaves_the_others_check_in(laptops, tmp_path):
    """The principal undoes her check-ins of students 70 down to 45: 45-50, which the office
    also checked in, still count; 51-70 no longer do."""

    def undo():
        session = list_sessions(current_year())[0]
        undone = [undo_last_check_in(session, actor="principal") for _ in range(26)]
        assert undone[-1].student.sis_id == "000045"

    [school] = after_a_change(laptops, tmp_path, "principal", undo)
    assert (school.students, school.presented) == (100, 50)


def test_a_laptop_of_another_school_under_the_same_code_is_refused(laptops, tmp_path):
    roster = laptops["folder"] / "roster.csv"
    db = open_database(tmp_path / "impostor.sqlite3")
    try:
        ensure_school("PTHS", "Chimacum High School")
        ensure_current_year(TODAY)
        import_roster(roster)
        set_laptop_name("Chimacum office")
        check_in(range(1, 5))
    finally:
        db.close()
    impostor = send(tmp_path / "impostor.sqlite3", tmp_path / "out", now=NOW)
    district = open_district_database(tmp_path / "district.sqlite3")
    try:
        merge_bundle(district, laptops["office"].path)
        before = figures(district)
        with pytest.raises(MergeRefused, match="already bound to Port Townsend High School"):
            merge_bundle(district, impostor.path)
        assert figures(district) == before
    finally:
        district.close()


def test_a_household_notified_on_both_laptops_counts_once(laptops, tmp_path):
    """The principal also notifies the households of students 11-30: 11-20 the office had
    notified already, so 30 households are notified, not 40."""

    def notify():
        households = households_of(range(11, 31))
        assert record_notices(households, method="mail", today=TODAY).recorded == 20

    [school] = after_a_change(laptops, tmp_path, "principal", notify)
    assert (school.households, school.households_notified) == (100, 30)


def test_a_renamed_laptop_stays_one_laptop(laptops, tmp_path):
    [school] = after_a_change(laptops, tmp_path, "office", lambda: set_laptop_name("Front desk"))
    assert sorted(laptop.name for laptop in school.laptops) == ["Front desk", "Principal"]
    assert (school.presented, school.households_notified) == (70, 20)


def test_a_district_database_from_before_laptops_keeps_its_records(laptops, tmp_path):
    """A district database migrated only to 0001 (issue 14) holding a merged bundle: after the
    laptops migration the school has one "unnamed laptop" holding those records, and a bundle
    from a named laptop of the same school joins the building."""
    from peewee import SqliteDatabase
    from playhouse.migrations import Runner

    from sro_tui.district.database import HISTORY_TABLE, MIGRATIONS_DIR

    path = tmp_path / "old.sqlite3"
    old = SqliteDatabase(str(path))
    Runner(old, str(MIGRATIONS_DIR), table_name=HISTORY_TABLE).up(target="0001_initial")
    school_rid = open_bundle(laptops["office"].path).manifest.school["record_id"]
    old.execute_sql(
        "INSERT INTO district_school (code, school_record_id, name, district, ospi_building_code, "
        "county_district_code, school_year, first_merged_at, last_bundle_created_at, "
        "last_merged_at) VALUES ('PTHS', ?, 'Port Townsend High School', '', '', '', '2026-27', "
        "?, ?, ?)",
        (school_rid, NOW, NOW, NOW),
    )
    old.execute_sql(
        "INSERT INTO district_merge (bundle_hash, school_id, school_year, created_at, merged_at, "
        "merged_by, source, app_version, format_version, files, rows, inserted, updated, "
        "removed, unchanged, kept_newer, details) VALUES ('old', 1, '2026-27', ?, ?, 'clerk', "
        "'', '', 1, 1, 1, 1, 0, 0, 0, 0, '{}')",
        (NOW, NOW),
    )
    old.execute_sql(
        "INSERT INTO district_record (school_id, school_year, kind, record_id, updated_at, "
        "row_hash, data, merge_id) VALUES (1, '2026-27', 'presentation-students', 'r1', ?, 'h', "
        '\'{"sis_id": "000999", "presented": "yes", "updated_at": "x"}\', 1)',
        (NOW,),
    )
    old.close()
    db = open_district_database(path)
    try:
        [before] = district_status(now=NOW)
        assert [laptop.name for laptop in before.laptops] == ["unnamed laptop"]
        assert (before.students, before.presented) == (1, 1)
        merge_bundle(db, laptops["principal"].path)
        [after] = district_status(now=NOW)
        assert sorted(laptop.name for laptop in after.laptops) == ["Principal", "unnamed laptop"]
        assert (after.students, after.presented) == (101, 31)
    finally:
        db.close()


def test_a_bundle_from_before_laptops_merges_as_an_unnamed_laptop(laptops, tmp_path):
    """A bundle written before laptops had names (no `laptop` in its manifest) still merges: it
    counts as the laptop whose id is the school's record_id, shown as "unnamed laptop"."""
    from sro_tui.exchange.bundle import MANIFEST_NAME, manifest_checksum

    old = shutil.copytree(laptops["principal"].path, tmp_path / laptops["principal"].path.name)
    manifest = json.loads((old / MANIFEST_NAME).read_text("utf-8"))
    del manifest["laptop"]
    manifest["manifest_sha256"] = manifest_checksum(manifest)
    (old / MANIFEST_NAME).write_text(json.dumps(manifest), "utf-8")
    db = open_district_database(tmp_path / "district.sqlite3")
    try:
        merge_bundle(db, laptops["office"].path)
        merge_bundle(db, old)
        [school] = district_status(now=NOW)
        assert sorted(laptop.name for laptop in school.laptops) == [
            "Front office",
            "unnamed laptop",
        ]
        assert (school.presented, school.households_notified, school.intervention_requests) == (
            70,
            20,
            5,
        )
    finally:
        db.close()


def test_district_status_on_the_command_line_names_each_laptop(laptops, tmp_path, capsys):
    from sro_tui.cli.main import main

    target = str(tmp_path / "district.sqlite3")
    for name in ("office", "principal"):
        assert main(["district", "merge", str(laptops[name].path), "--db", target]) == 0
    capsys.readouterr()
    assert main(["district", "status", "--db", target]) == 0
    out = capsys.readouterr().out
    assert out.count("PTHS") == 1
    assert "sent from 2 laptop(s): Front office (sent 2026-11-28 12:00 UTC), Principal" in out
    assert main(["district", "status", "--json", "--db", target]) == 0
    [school] = json.loads(capsys.readouterr().out)
    assert [laptop["name"] for laptop in school["laptops"]] == ["Front office", "Principal"]
    assert (school["presented"], school["households_notified"]) == (70, 20)


def annual_report_after_both_send(tmp_path, principal, office, order):
    """Both laptops send again, the office last, and the district merges them in `order`: the
    building's line of the district's annual report."""
    later = {
        "principal": send(principal, tmp_path / "out", now=NOW + timedelta(minutes=30)),
        "office": send(office, tmp_path / "out", now=NOW + timedelta(hours=1)),
    }
    district = open_district_database(tmp_path / "district.sqlite3")
    try:
        for name in order:
            merge_bundle(district, later[name].path)
        [school] = district_annual_report()
    finally:
        district.close()
    return school


@pytest.mark.parametrize("order", list(itertools.permutations(["office", "principal"])))
def test_the_annual_report_counts_the_incidents_of_every_laptop(laptops, tmp_path, order):
    """The office sends again after the principal: its own report lists no incident, and the
    district's annual report still counts the principal's two arrests (and her complaint)."""
    principal = shutil.copyfile(laptops["principal_db"], tmp_path / "principal.sqlite3")
    db = open_database(principal)
    try:
        for request in InterventionRequest.select().limit(2):
            LawEnforcementActivity.create(request=request, kind="arrest")
        log_complaint(
            {
                "received_on": TODAY,
                "received_how": "phone",
                "staff_description": "the officer at lunch",
                "what_happened": "My son was pushed against a wall at lunch.",
            },
            today=TODAY,
        )
    finally:
        db.close()
    school = annual_report_after_both_send(tmp_path, principal, laptops["office_db"], order)
    assert (school.code, school.incidents, school.complaints) == ("PTHS", 2, 1)


@pytest.mark.parametrize("order", list(itertools.permutations(["office", "principal"])))
def test_the_annual_report_counts_the_staff_and_agreements_of_every_laptop(
    laptops, tmp_path, order
):
    """The principal keeps the safety staff and the agreement; the office, which sends last, has
    no staff and started the same agreement again. The district's report keeps her three staff
    (Lee Park, five days a week, and the two added here) and counts the agreement once."""
    copies = {
        name: shutil.copyfile(laptops[f"{name}_db"], tmp_path / f"{name}.sqlite3")
        for name in ("principal", "office")
    }
    db = open_database(copies["principal"])
    try:
        sro = {
            "commissioned": True,
            "employer_type": "law_enforcement_agency",
            "employer_name": "Port Townsend Police Department",
        }
        for first, last, kind, days, more in (
            ("Dana", "Reyes", "sro", 5, sro),
            ("Sam", "Ortiz", "school_security_officer", 3, {}),
        ):
            save_safety_staff(
                {"first_name": first, "last_name": last, "kind": kind, "days_per_week": days} | more
            )
        start_agreement("Port Townsend Police Department", "law_enforcement_agency")
    finally:
        db.close()
    db = open_database(copies["office"])
    try:
        start_agreement("port townsend  POLICE department", "law_enforcement_agency")
    finally:
        db.close()
    school = annual_report_after_both_send(tmp_path, copies["principal"], copies["office"], order)
    assert (school.staff, school.staff_days_per_week) == (3, 13)
    assert (school.agreements_adopted, school.agreements_not_adopted) == (0, 1)
