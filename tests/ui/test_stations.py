"""Two doors, two laptops: each station kit is given 300 scans through the real check-in screen,
then the office merges both kits, in either order and twice, without a duplicate."""

from __future__ import annotations

import shutil
import time
from datetime import datetime
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList

from sro_tui.models import PresentationAttendance, Student, UnmatchedScan
from sro_tui.presentation import (
    make_station_kit,
    merge_station_kit,
    read_station_kit,
    record_scan,
    session_for_check_in,
    station_summary,
    todays_session,
)
from sro_tui.reports import full_status
from sro_tui.ui.app import SroApp
from sro_tui.ui.checkin.card import presentation_card
from tests.core.test_stations import opened

from .conftest import add_students, build_small_school
from .helpers import text_of, wait_for_workers
from .test_checkin import open_checkin, scanner_burst, wait_until

EXTRA = 560  # students 500000 … 500559
SHARED = [str(500000 + n) for n in range(40)]  # scanned at both doors
NORTH_ONLY = [str(500040 + n) for n in range(257)]
SOUTH_ONLY = [str(500300 + n) for n in range(257)]
NORTH_UNKNOWN = ["9990001", "LIB-42", "9990003"]
SOUTH_UNKNOWN = ["9990101", "VISITOR-7", "9990103"]


def live_rows() -> dict[str, tuple[datetime, str]]:
    """Counted check-ins: student ID -> (time, station)."""
    query = (
        PresentationAttendance.select(
            Student.sis_id, PresentationAttendance.recorded_at, PresentationAttendance.station
        )
        .join(Student)
        .where(PresentationAttendance.undone_at.is_null())
    )
    return {sis: (at, station) for sis, at, station in query.tuples()}


async def scan_at_station(
    kit: Path, station: str, bursts: list[list[str]], undo_after: bool
) -> None:
    """Open `sro-tui check-in --db KIT`'s screen, send each burst at scanner speed and wait for
    the screen to confirm it; then F9 once when asked."""
    app = SroApp(kit, start_section="checkin")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_checkin(app, pilot)
        assert screen.title == f"Check-in station: {station}"  # the door says which it is
        for burst in bursts:
            expected = (
                PresentationAttendance.select().count() + UnmatchedScan.select().count()
            ) + len(burst)
            scanner_burst(app, burst)
            await wait_until(
                pilot,
                lambda e=expected: (
                    PresentationAttendance.select().count() + UnmatchedScan.select().count() >= e
                ),
            )
        if undo_after:
            await pilot.press("f9")
            await pilot.pause()
            assert "Undone:" in text_of(app, "#checkin-feedback")


@pytest.mark.slow
async def test_two_doors_merge_once_in_either_order(tmp_path: Path):
    started = time.monotonic()
    school_file = tmp_path / "school.sqlite3"
    with opened(school_file):
        build_small_school(extra_students=EXTRA)
        session = todays_session()
        north = make_station_kit(tmp_path / "usb", "North door", session)
        south = make_station_kit(tmp_path / "usb", "South door", session)

    # North sees the first 20 shared students before South opens; South sees all 40 and ends
    # on shared student 500005 (undone there: North's check-in of that student must stand);
    # North then sees the other 20 shared students, ending on one of its own (undone).
    north_first = SHARED[:20] + NORTH_ONLY[:130] + NORTH_UNKNOWN[:2]
    north_then = SHARED[20:] + NORTH_ONLY[130:-1] + [NORTH_UNKNOWN[2], NORTH_ONLY[-1]]
    south_scans = SOUTH_ONLY[:120] + SOUTH_UNKNOWN + SHARED + SOUTH_ONLY[120:]
    south_scans.remove("500005")
    south_scans.append("500005")
    assert len(north_first) + len(north_then) == 300 and len(south_scans) == 300
    north_undone = north_then[-1]
    assert north_undone in NORTH_ONLY

    await scan_at_station(
        north, "North door", [north_first[:76], north_first[76:]], undo_after=False
    )
    await scan_at_station(
        south, "South door", [south_scans[:150], south_scans[150:]], undo_after=True
    )
    await scan_at_station(north, "North door", [north_then], undo_after=True)
    scanning = time.monotonic() - started

    stations = {}
    for kit in (north, south):
        with opened(kit):
            stations[kit] = live_rows()
            assert len(stations[kit]) == 296  # 300 scans − 3 unknown − 1 undone
    north_rows, south_rows = stations[north], stations[south]
    assert north_undone not in north_rows and "500005" not in south_rows
    expected = {}
    for rows in (north_rows, south_rows):
        for sis, (at, station) in rows.items():
            if sis not in expected or at < expected[sis][0]:
                expected[sis] = (at, station)
    assert len(expected) == 40 + 257 + 257 - 1  # every distinct student once; North's undo
    assert {expected[s][1] for s in SHARED[:20]} == {"North door"}  # North was first for these
    assert {expected[s][1] for s in SHARED[20:] if s != "500005"} == {"South door"}
    assert expected["500005"][1] == "North door"  # South's undo did not touch North's

    results = {}
    for order in ((north, south), (south, north)):
        copy = tmp_path / f"school-{order[0].stem}.sqlite3"
        shutil.copy(school_file, copy)
        with opened(copy):
            first = [merge_station_kit(kit) for kit in order]
            again = [merge_station_kit(kit) for kit in order]
            assert all(r.changed for r in first)
            assert not any(r.changed for r in again)
            assert all("already merged" in r.summary for r in again)
            results[order[0]] = live_rows()
            assert sorted(u.scanned_text for u in UnmatchedScan.select()) == sorted(
                NORTH_UNKNOWN + SOUTH_UNKNOWN
            )
            assert {u.station for u in UnmatchedScan.select()} == {"North door", "South door"}
            lines = {s.station: s for s in station_summary(session)}
            assert lines["North door"].counted + lines["South door"].counted == len(expected)
            assert lines["North door"].merged_at is not None
            assert lines["South door"].merged_at is not None
            undone_by_station = [
                a.student.sis_id
                for a in PresentationAttendance.select().where(
                    PresentationAttendance.undo_reason.startswith("undone at check-in")
                )
            ]
            assert sorted(undone_by_station) == sorted([north_undone, "500005"])
    assert results[north] == results[south] == expected
    total = time.monotonic() - started
    print(f"600 scans through two station screens: {scanning:.1f} s; with merges {total:.1f} s")


async def test_the_office_merges_from_the_sessions_dialog_and_links_a_new_students_scan(
    tmp_path: Path,
):
    school_file = tmp_path / "school.sqlite3"
    with opened(school_file):
        build_small_school()
        kit = make_station_kit(tmp_path / "usb", "North door", todays_session())
        add_students(  # enrolled after the kit was made: the door does not know them
            Student.get().school, [("600001", "New", "", "Comer", "", "9", "104", True)]
        )
    with opened(kit):
        session = session_for_check_in()
        for text in ("000123", "000200", "600001"):
            record_scan(session, text, actor="door staff")

    app = SroApp(school_file, start_section="checkin")
    async with app.run_test(size=(120, 36)) as pilot:
        await open_checkin(app, pilot)
        await pilot.press("f12", "m")
        await pilot.pause()
        app.screen.query_one(Input).value = str(kit)
        await pilot.press("enter")
        await wait_for_workers(app)
        await pilot.pause()
        result = text_of(app, "#station-merge-result")
        assert "North door (" in result and "2 check-in(s) added" in result
        assert "1 unknown ID(s) now match a student" in result and "New Comer" in result
        await pilot.press("escape")
        await pilot.pause()
        stations = text_of(app, "#sessions-stations")  # the session's detail, per station
        assert "North door: 2 student(s)" in stations and "kit merged" in stations
        await pilot.press("escape", "f10")
        await pilot.pause()
        listed = str(app.screen.query_one(OptionList).get_option_at_index(0).prompt)
        assert "600001" in listed and "North door" in listed and "now matches New Comer" in listed
        await pilot.press("m")
        await pilot.pause()
        assert "Nothing left to resolve" in text_of(app, "#unmatched-note")
        assert sorted(live_rows()) == ["000123", "000200", "600001"]
        assert live_rows()["600001"][1] == "North door"
        card = presentation_card(full_status())  # the dashboard's card counts all of it
        assert card is not None and card.lines[0].startswith("3 of 6 students presented")


async def test_a_kit_is_written_from_the_check_in_screen(tmp_path: Path):
    school_file = tmp_path / "school.sqlite3"
    with opened(school_file):
        build_small_school()
    app = SroApp(school_file, start_section="checkin")
    async with app.run_test(size=(120, 36)) as pilot:
        await open_checkin(app, pilot)
        await pilot.press("ctrl+t")
        await pilot.pause()
        await pilot.press(*"Gym door", "enter")
        app.screen.query_one("#station-folder", Input).value = str(tmp_path / "usb")
        await pilot.press("enter")
        await wait_for_workers(app)
        await pilot.pause()
        kits = list((tmp_path / "usb").glob("*.sqlite3"))
        assert [k.name.endswith("-gym-door.sqlite3") for k in kits] == [True]
        assert not app.screen.is_modal  # back on the check-in screen, the kit written
    info = read_station_kit(kits[0])
    assert (info.station, info.school_code) == ("Gym door", "PTHS")
