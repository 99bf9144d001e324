"""Check-in station kits: what a kit holds (and does not), merging without a duplicate, refusals
that change nothing, an older roster's unknown IDs offered for linking, and the CLI."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import stat
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from sro_tui.cli.main import main
from sro_tui.db import open_database
from sro_tui.models import (
    AuditEvent,
    Guardian,
    PresentationAttendance,
    PresentationSession,
    SafetyStaff,
    SchoolYear,
    Student,
    StudentGuardian,
    UnmatchedScan,
)
from sro_tui.presentation import (
    StationKitError,
    create_session,
    link_matching_scans,
    linkable_scans,
    make_station_kit,
    merge_station_kit,
    read_station_kit,
    record_scan,
    session_for_check_in,
    station_name,
    station_summary,
    undo_last_check_in,
)
from sro_tui.records import ValidationError, ensure_current_year, ensure_school
from sro_tui.reports import full_status

IDS = [f"{800000 + n}" for n in range(12)]


@contextmanager
def opened(path: Path):
    database = open_database(path)
    try:
        yield database
    finally:
        database.close()


def make_school(path: Path, code: str = "PTHS", name: str = "Port Townsend High School") -> int:
    """A school with 12 students (one with a guardian and demographics), a safety officer and a
    session; returns the session's id."""
    with opened(path):
        school = ensure_school(code, name)
        ensure_current_year(date(2026, 11, 28))
        for n, sis_id in enumerate(IDS):
            Student.create(
                school=school,
                sis_id=sis_id,
                first_name=f"Kid{n}",
                last_name=f"Family{n:02d}",
                preferred_name="Kiddo" if n == 0 else "",
                grade=str(9 + n % 4),
                homeroom=f"1{n % 3:02d}",
                race_ethnicity="Hispanic/Latino",
                iep=True,
                search_key=f"family{n:02d} kid{n} {sis_id}",
            )
        guardian = Guardian.create(
            school=school, source_key="g1", first_name="Pat", last_name="Family00", phone="555"
        )
        StudentGuardian.create(student=Student.get(Student.sis_id == IDS[0]), guardian=guardian)
        SafetyStaff.create(school=school, first_name="Dana", last_name="Reyes", kind="sro")
        return create_session(date(2026, 11, 30), place="Gym").id


@pytest.fixture
def school_file(tmp_path: Path) -> Path:
    path = tmp_path / "school.sqlite3"
    make_school(path)
    return path


def kit_for(school_file: Path, folder: Path, station: str) -> Path:
    with opened(school_file):
        return make_station_kit(folder, station, PresentationSession.get())


def scan_at(kit: Path, scans: list[str], undo: bool = False) -> None:
    with opened(kit):
        session = session_for_check_in()
        for text in scans:
            record_scan(session, text, actor="door staff")
            time.sleep(0.002)  # distinct times, as students walking past
        if undo:
            undo_last_check_in(session, "door staff", "undone at check-in (F9)")


def fingerprint(path: Path) -> str:
    """Every row of every table: equal before and after means nothing changed."""
    conn = sqlite3.connect(path)
    try:
        tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        digest = hashlib.sha256()
        for table in sorted(tables):
            for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY 1'):
                digest.update(repr(row).encode())
        return digest.hexdigest()
    finally:
        conn.close()


def test_a_kit_holds_what_a_door_needs_and_nothing_more(school_file: Path, tmp_path: Path):
    kit = kit_for(school_file, tmp_path / "usb", "North door")
    assert kit.name == "PTHS-2026-11-30-north-door.sqlite3"
    assert stat.S_IMODE(kit.stat().st_mode) == 0o600
    assert not list((tmp_path / "usb").glob(".*"))  # no temporary file left behind
    conn = sqlite3.connect(kit)
    filled = {
        t
        for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        if conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
    }
    assert filled == {"school", "school_year", "presentation_session", "student", "setting"}
    assert conn.execute(
        "SELECT COUNT(*) FROM student WHERE race_ethnicity != '' OR iep IS NOT NULL"
    ).fetchone() == (0,)
    assert conn.execute(
        "SELECT first_name, preferred_name, grade, homeroom FROM student WHERE sis_id = ?",
        (IDS[0],),
    ).fetchone() == ("Kid0", "Kiddo", "9", "100")
    conn.close()
    info = read_station_kit(kit)
    assert (info.station, info.school_code, info.school_year) == ("North door", "PTHS", "2026-27")

    with opened(kit):  # `sro-tui check-in --db KIT` opens the kit's session and says its door
        assert station_name() == "North door"
        session = session_for_check_in()
        assert (session.title, session.place) == ("Assembly 2026-11-30", "Gym")
        assert record_scan(session, IDS[0]).attendance.station == "North door"
        assert record_scan(session, "424242").unmatched.station == "North door"


def test_a_kit_is_never_overwritten_nor_named_twice_nor_made_at_a_station(
    school_file: Path, tmp_path: Path
):
    kit = kit_for(school_file, tmp_path / "usb", "North door")
    with pytest.raises(ValidationError, match="already made"):
        kit_for(school_file, tmp_path / "other", "north DOOR")
    before = kit.read_bytes()
    with pytest.raises(StationKitError, match="already exists"):
        kit_for(school_file, tmp_path / "usb", "North-door")  # another name, the same file
    assert kit.read_bytes() == before
    with opened(kit):
        with pytest.raises(StationKitError, match="itself a station kit"):
            make_station_kit(tmp_path / "more", "East door")
        with pytest.raises(StationKitError, match="itself a station kit"):
            merge_station_kit(kit)
        with pytest.raises(ValidationError, match="kit's session only"):
            create_session(date(2026, 12, 1))


def test_two_kits_merge_once_at_the_earliest_time_in_either_order(
    school_file: Path, tmp_path: Path
):
    north = kit_for(school_file, tmp_path / "usb", "North door")
    south = kit_for(school_file, tmp_path / "usb", "South door")
    scan_at(north, [IDS[0], IDS[1], "LOST-1", IDS[2]])
    scan_at(south, [IDS[1], IDS[3], IDS[0], "LOST-2", IDS[4]], undo=True)  # undoes IDS[4]
    scan_at(north, [IDS[3], IDS[5]], undo=True)  # North was later for IDS[3]; undoes IDS[5]

    states = []
    for order in ((north, south), (south, north)):
        copy = tmp_path / f"school-{order[0].stem}.sqlite3"
        shutil.copy(school_file, copy)
        with opened(copy):
            assert all(merge_station_kit(k).changed for k in order)
            assert not any(merge_station_kit(k).changed for k in order)  # twice: nothing
            live = {
                a.student.sis_id: (a.station, a.recorded_at)
                for a in PresentationAttendance.select().where(
                    PresentationAttendance.undone_at.is_null()
                )
            }
            assert sorted(live) == [IDS[0], IDS[1], IDS[2], IDS[3]]
            assert {k: v[0] for k, v in live.items()} == {
                IDS[0]: "North door",
                IDS[1]: "North door",
                IDS[2]: "North door",
                IDS[3]: "South door",
            }
            assert PresentationAttendance.select().count() == 9  # every scan kept
            assert sorted(u.scanned_text for u in UnmatchedScan.select()) == ["LOST-1", "LOST-2"]
            # Both stations of a student scanned twice are in the audit.
            twice = [e.after for e in AuditEvent.select().where(AuditEvent.action == "count once")]
            assert len(twice) == 3 and all("North door" in a and "South door" in a for a in twice)
            assert AuditEvent.select().where(AuditEvent.action == "undo").count() == 2
            summary = {s.station: s for s in station_summary(PresentationSession.get())}
            assert (summary["North door"].counted, summary["North door"].counted_elsewhere) == (
                3,
                1,
            )
            assert (summary["South door"].counted, summary["South door"].undone) == (1, 1)
            assert "kit merged" in summary["South door"].line
            # The dashboard's presentation card reads the status: merged rows count there.
            status = full_status()["presentation"]
            assert status["presented_students"] == 4
            assert status["unmatched_scans_to_resolve"] == 2
            states.append(live)
    assert states[0] == states[1]


def test_an_undo_at_a_station_after_a_merge_follows_and_the_other_door_counts_again(
    school_file: Path, tmp_path: Path
):
    north = kit_for(school_file, tmp_path / "usb", "North door")
    south = kit_for(school_file, tmp_path / "usb", "South door")
    scan_at(north, [IDS[0]])
    scan_at(south, [IDS[0]])
    with opened(school_file):
        merge_station_kit(north)
        merge_station_kit(south)
    scan_at(north, [], undo=True)  # North's check-in of IDS[0] was a mistake after all
    with opened(school_file):
        result = merge_station_kit(north)
        assert (result.changed, result.undos) == (True, 1)
        live = PresentationAttendance.get(PresentationAttendance.undone_at.is_null())
        assert (live.student.sis_id, live.station) == (IDS[0], "South door")
        assert not merge_station_kit(north).changed


@pytest.mark.parametrize("other", ["school", "session", "year"])
def test_a_kit_of_another_school_year_or_session_is_refused_and_changes_nothing(
    school_file: Path, tmp_path: Path, other: str
):
    elsewhere = tmp_path / "elsewhere.sqlite3"
    if other == "school":
        make_school(elsewhere, code="CHMS", name="Chimacum Middle School")
    else:
        shutil.copy(school_file, elsewhere)  # the same school's records, another session/year
    with opened(elsewhere):
        if other == "year":
            PresentationSession.update(held_on=date(2025, 9, 2)).execute()
            SchoolYear.update(name="2025-26").execute()
        session = (
            create_session(date(2026, 12, 1)) if other == "session" else PresentationSession.get()
        )
        kit = make_station_kit(tmp_path / "usb", "North door", session)
    scan_at(kit, [IDS[0], "LOST"])
    before = fingerprint(school_file)
    with opened(school_file), pytest.raises(StationKitError) as refused:
        merge_station_kit(kit)
    reason = str(refused.value)
    assert "nothing merged" in reason
    assert {"school": "CHMS", "session": "Assembly 2026-12-01", "year": "2025-26"}[other] in reason
    assert fingerprint(school_file) == before
    assert main(["station", "merge", "--db", str(school_file), str(kit)]) == 1
    assert fingerprint(school_file) == before


def test_an_older_roster_still_merges_and_its_unknown_ids_are_offered_for_linking(
    school_file: Path, tmp_path: Path, capsys
):
    kit = kit_for(school_file, tmp_path / "usb", "North door")
    with opened(school_file):  # a student enrols after the kit was made
        Student.create(school=1, sis_id="800099", first_name="New", last_name="Comer", grade="9")
    scan_at(kit, [IDS[0], "800099", "NOPE"])
    assert main(["station", "merge", "--db", str(school_file), str(kit)]) == 0
    out = capsys.readouterr().out
    assert "1 unknown ID(s) now match a student" in out
    assert "800099 (North door" in out and "New Comer" in out
    with opened(school_file):
        assert [i.scan.scanned_text for i in linkable_scans()] == ["800099"]
        scanned_at = UnmatchedScan.get(UnmatchedScan.scanned_text == "800099").scanned_at
    assert main(["station", "link", "--db", str(school_file)]) == 0
    assert "linked 800099" in capsys.readouterr().out
    with opened(school_file):
        linked = PresentationAttendance.get(PresentationAttendance.student == 13)
        assert linked.recorded_at == scanned_at  # checked in at the time of the scan
        assert linkable_scans() == [] and link_matching_scans() == []
        assert [
            u.scanned_text
            for u in UnmatchedScan.select().where(UnmatchedScan.resolved_at.is_null())
        ] == ["NOPE"]


def test_station_commands(school_file: Path, tmp_path: Path, capsys):
    usb = tmp_path / "usb"
    assert (
        main(
            [
                "station",
                "kit",
                "--db",
                str(school_file),
                "--to",
                str(usb),
                "--name",
                "Gym",
                "--session",
                "1",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    kit = usb / "PTHS-2026-11-30-gym.sqlite3"
    assert f"sro-tui check-in --db {kit}" in out
    scan_at(kit, [IDS[0], IDS[1]])
    assert main(["station", "merge", "--db", str(school_file), str(kit)]) == 0
    assert "2 check-in(s) added" in capsys.readouterr().out
    assert main(["station", "merge", "--db", str(school_file), str(kit)]) == 0
    assert "already merged" in capsys.readouterr().out
    assert main(["station", "list", "--db", str(school_file)]) == 0
    out = capsys.readouterr().out
    assert "Gym: 2 student(s)" in out and "kit merged" in out
    assert main(["station", "merge", "--db", str(school_file), str(tmp_path / "nope")]) == 1
    assert "no such file" in capsys.readouterr().err
    assert main(["station", "merge", "--db", str(school_file), str(school_file)]) == 1
    assert "is not a station kit" in capsys.readouterr().err
