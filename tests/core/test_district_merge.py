"""The district merge on SQLite: verified, all or nothing, idempotent, removals carried."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from sro_tui.db import open_database
from sro_tui.district import MergeRefused, merge_bundle, open_district_database
from sro_tui.district.files import write_district_report, write_merged_csvs
from sro_tui.district.models import BundleMerge, DistrictRecord
from sro_tui.district.status import district_status
from sro_tui.exchange import read_exchange_csv
from sro_tui.exchange.bundle import BundleError
from sro_tui.interventions import amend_request
from sro_tui.models import InterventionRequest, School, Student, utc_now
from sro_tui.presentation import (
    check_in_student,
    list_sessions,
    presentation_progress,
    students_not_presented,
    undo_last_check_in,
)
from sro_tui.records import current_year, get_school
from tests.core.test_district_helpers import (
    build_demo_school,
    copy_school,
    other_school,
    send_from,
)


@pytest.fixture(scope="module")
def school_template(tmp_path_factory):
    return build_demo_school(tmp_path_factory.mktemp("school") / "school.sqlite3")


@pytest.fixture
def district(tmp_path):
    db = open_district_database(tmp_path / "district" / "district.sqlite3")
    yield db
    db.close()


def _snapshot_of_district() -> list[tuple]:
    return list(
        DistrictRecord.select(
            DistrictRecord.kind,
            DistrictRecord.record_id,
            DistrictRecord.row_hash,
            DistrictRecord.removed_at,
        )
        .order_by(DistrictRecord.id)
        .tuples()
    )


def test_merge_then_the_same_bundle_again_changes_nothing(school_template, tmp_path, district):
    school = copy_school(school_template, tmp_path / "school.sqlite3")
    sent = send_from(school, tmp_path / "out")
    first = merge_bundle(district, sent.path, merged_by="district.clerk")
    assert first.counts["inserted"] == sum(sent.rows.values())
    before = _snapshot_of_district()
    again = merge_bundle(district, sent.path, merged_by="district.clerk")
    assert again.already_merged and "nothing changed" in again.summary()
    assert _snapshot_of_district() == before
    log = list(BundleMerge.select())
    assert len(log) == 1
    assert (log[0].bundle_hash, log[0].merged_by) == (sent.bundle_hash, "district.clerk")
    assert log[0].inserted == first.counts["inserted"]
    # Reopened, the district shows what the school has.
    district.close()
    open_district_database(tmp_path / "district" / "district.sqlite3")
    (row,) = district_status()
    assert (row.code, row.students, row.presented) == ("PTHS", 600, 540)


def _corrupt(path, name, change):
    target = path / name
    data = bytearray(target.read_bytes())
    change(data)
    target.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("name", "change", "reason"),
    [
        ("family-notices.csv", lambda d: d.__setitem__(500, d[500] ^ 0x01), "SHA-256 differs"),
        ("presentation-students.csv", lambda d: d.__delitem__(slice(len(d) // 2, None)), ""),
        ("manifest.json", lambda d: d.__setitem__(d.index(b'"rows": 600'), ord("'")), "JSON"),
        (
            "manifest.json",
            lambda d: d.__setitem__(slice(d.index(b"Port"), d.index(b"Port") + 4), b"Fort"),
            "checksum",
        ),
    ],
)
def test_a_damaged_bundle_is_refused_naming_the_file_and_nothing_changes(
    school_template, tmp_path, district, name, change, reason
):
    school = copy_school(school_template, tmp_path / "school.sqlite3")
    first = send_from(school, tmp_path / "out")
    merge_bundle(district, first.path)
    before = _snapshot_of_district()
    second = send_from(school, tmp_path / "out", now=utc_now() + timedelta(minutes=1))
    _corrupt(second.path, name, change)
    with pytest.raises(BundleError) as refused:
        merge_bundle(district, second.path)
    assert name in str(refused.value) and reason in str(refused.value)
    assert _snapshot_of_district() == before
    assert BundleMerge.select().count() == 1


def test_a_damaged_copy_of_a_merged_bundle_is_still_refused(school_template, tmp_path, district):
    school = copy_school(school_template, tmp_path / "school.sqlite3")
    sent = send_from(school, tmp_path / "out")
    merge_bundle(district, sent.path)
    _corrupt(sent.path, "complaints.csv", lambda d: d.__setitem__(-3, ord("#")))
    with pytest.raises(BundleError, match="complaints.csv"):
        merge_bundle(district, sent.path)


def test_another_school_claiming_a_bound_code_is_refused(school_template, tmp_path, district):
    school = copy_school(school_template, tmp_path / "school.sqlite3")
    merge_bundle(district, send_from(school, tmp_path / "out").path)
    before = _snapshot_of_district()
    impostor = copy_school(school_template, tmp_path / "other.sqlite3")
    db = open_database(impostor)
    School.update(record_id="another-school", name="Another School").execute()
    db.close()
    with pytest.raises(MergeRefused, match="already bound to Port Townsend High School"):
        merge_bundle(district, send_from(impostor, tmp_path / "out2").path)
    assert _snapshot_of_district() == before


def test_ten_check_ins_an_undo_and_an_amendment_arrive_exactly(school_template, tmp_path, district):
    school = copy_school(school_template, tmp_path / "school.sqlite3")
    merge_bundle(district, send_from(school, tmp_path / "out").path)
    db = open_database(school)
    year = current_year()
    session = list_sessions(year)[0]
    waiting = students_not_presented(year, get_school())[:10]
    for student in waiting:
        check_in_student(session, student.id, "scan", actor="front.office")
    assert undo_last_check_in(session, actor="front.office")  # the tenth, undone
    request = InterventionRequest.select().where(InterventionRequest.status == "submitted").first()
    amend_request(request, {"outcome": "Went home with a parent."}, "Time corrected", actor="p")
    expected_presented = presentation_progress(year).presented
    db.close()
    newer = send_from(school, tmp_path / "out", now=utc_now() + timedelta(minutes=5))
    result = merge_bundle(district, newer.path)
    assert result.by_kind["presentation-students"]["updated"] == 9
    assert result.by_kind["interventions"]["updated"] == 1
    changes = {
        kind: {k: n for k, n in counts.items() if n and k not in ("unchanged",)}
        for kind, counts in result.by_kind.items()
    }
    # Exactly those changes: nine students now presented, the amended request, and its involved
    # student saved again by the amendment (a new link record replaces the old one).
    assert {k: v for k, v in changes.items() if v} == {
        "presentation-students": {"updated": 9},
        "interventions": {"updated": 1},
        "intervention-students": {"inserted": 1, "removed": 1},
    }
    (row,) = district_status()
    assert row.presented == expected_presented == 540 + 9
    stored = DistrictRecord.get(DistrictRecord.record_id == request.record_id)
    assert json.loads(stored.data)["version"] == "2"


def test_removals_are_carried_and_an_older_bundle_never_overwrites_newer_data(
    school_template, tmp_path, district
):
    school = copy_school(school_template, tmp_path / "school.sqlite3")
    old = send_from(school, tmp_path / "out", now=utc_now() - timedelta(days=1))
    db = open_database(school)
    session = list_sessions(current_year())[0]
    for _ in range(5):
        undo_last_check_in(session, actor="front.office")
    Student.update(active=False).where(Student.id.in_([1, 2, 3])).execute()
    expected = presentation_progress(current_year())
    db.close()
    new = send_from(school, tmp_path / "out")
    merge_bundle(district, old.path)
    result = merge_bundle(district, new.path)
    assert result.by_kind["presentation-students"]["removed"] == 3
    (row,) = district_status()
    assert (row.students, row.presented) == (597, expected.presented)
    # Another district that gets the two bundles the other way round ends the same.
    other = open_district_database(tmp_path / "other.sqlite3")
    merge_bundle(other, new.path)
    after_new = _snapshot_of_district()
    late = merge_bundle(other, old.path)
    assert late.counts["kept_newer"] == sum(f for f in old.rows.values())
    assert late.changed == 0
    assert _snapshot_of_district() == after_new
    (row,) = district_status()
    assert (row.students, row.presented) == (597, expected.presented)
    other.close()


def test_district_files_hold_every_building(school_template, tmp_path, district):
    first = copy_school(school_template, tmp_path / "a.sqlite3")
    second = other_school(school_template, tmp_path / "b.sqlite3")
    for school in (first, second):
        merge_bundle(district, send_from(school, tmp_path / "out").path)
    paths = write_merged_csvs(tmp_path / "files")
    students = next(p for p in paths if "presentation-students" in p.name)
    rows = read_exchange_csv(students).rows
    assert len(rows) == 1200 and {r["school_code"] for r in rows} == {"PTHS", "BMS"}
    text, csv_path = write_district_report(tmp_path / "files")
    report = text.read_text("utf-8")
    assert (
        report.index("Blue Heron") < report.index("Port Townsend") < report.index("District total")
    )
    # 8 staff per demo school: one left this year and is still counted (issue 12).
    totals = read_exchange_csv(csv_path).rows[-1]
    assert (
        totals["school_code"] == "DISTRICT" and totals["staff"] == "16"
    )  # 8 per demo school: one left this year (issue 12)


def test_a_server_url_without_the_driver_says_which_extra_to_install(monkeypatch, tmp_path):
    """School laptops install no PostgreSQL driver; a district that names a server is told how."""
    import importlib.util

    from sro_tui.district import database

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        database.importlib.util,
        "find_spec",
        lambda name, *a: None if name == "psycopg" else real_find_spec(name, *a),
    )
    with pytest.raises(database.DistrictDatabaseError, match=r"postgres extra"):
        database.open_district_database("postgresql://district@localhost/sro")
