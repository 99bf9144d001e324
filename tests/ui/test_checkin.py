"""The check-in screen as the front office uses it: a scanner at full speed, typed names, undo,
unmatched scans, class lists and the not-yet-presented export."""

from __future__ import annotations

import asyncio
import random
import re
import time
from pathlib import Path

import pytest
from textual import events

from sro_tui.models import AuditEvent, PresentationAttendance, PresentationSession, UnmatchedScan
from sro_tui.ui.app import SroApp
from sro_tui.ui.checkin.screen import CheckInScreen

from .conftest import small_school_file
from .helpers import table_rows, text_of, wait_for_workers

EXTRA = 300  # students 500000 … 500299, on top of the small school


@pytest.fixture
def big_school_db(tmp_path: Path) -> Path:
    return small_school_file(tmp_path / "school.sqlite3", extra_students=EXTRA)


async def open_checkin(app: SroApp, pilot) -> CheckInScreen:
    await pilot.pause()
    await wait_for_workers(app)  # the student index
    await pilot.pause()
    assert isinstance(app.screen, CheckInScreen)
    return app.screen


def scanner_burst(app: SroApp, scans: list[str]) -> None:
    """Send every keystroke of `scans` (each ID + Enter) to the app at once, as the terminal
    driver does when input arrives faster than the app can draw: no pause between keys."""
    driver = app._driver
    assert driver is not None
    for scan in scans:
        for char in scan:
            driver.send_message(events.Key(char, char))
        driver.send_message(events.Key("enter", "\r"))


async def wait_until(pilot, condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the screen did not catch up in time"
        await pilot.pause(0.05)
    await pilot.pause()


def attendance_ids() -> list[str]:
    return [
        sis_id
        for (sis_id,) in PresentationAttendance.select(PresentationAttendance.student.sis_id)
        .join(PresentationAttendance.student.rel_model)
        .where(PresentationAttendance.undone_at.is_null())
        .order_by(PresentationAttendance.id)
        .tuples()
    ]


def count_bells(app: SroApp) -> list[int]:
    rings = [0]

    def bell() -> None:
        rings[0] += 1

    app.bell = bell  # type: ignore[method-assign]
    return rings


@pytest.mark.slow
async def test_300_scans_back_to_back_are_all_recorded_in_order_once(big_school_db):
    ids = [str(500000 + n) for n in range(EXTRA)]
    random.Random(4311).shuffle(ids)
    scans = list(ids)
    # Repeats (a student scanned twice) and unknown cards, mixed into the stream.
    for position, repeat in ((40, ids[3]), (120, ids[100]), (260, ids[0])):
        scans.insert(position, repeat)
    unknown = ["9990001", "LIB-42", "9990003"]
    for position, text in zip((10, 150, 290), unknown, strict=True):
        scans.insert(position, text)

    app = SroApp(big_school_db, start_section="checkin")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_checkin(app, pilot)
        rings = count_bells(app)
        scanner_burst(app, scans)
        await wait_until(
            pilot,
            lambda: (
                PresentationAttendance.select().count() + UnmatchedScan.select().count()
                >= EXTRA + len(unknown)
            ),
        )
        await wait_until(pilot, lambda: screen.session_count == EXTRA)
        assert attendance_ids() == ids  # every scan, in order, none merged, none twice
        methods = {
            m for (m,) in PresentationAttendance.select(PresentationAttendance.method).tuples()
        }
        assert methods == {"scan"}
        assert [s.scanned_text for s in UnmatchedScan.select().order_by(UnmatchedScan.id)] == (
            unknown
        )
        assert rings[0] == len(unknown)
        assert f"This session: {EXTRA}" in text_of(app, "#checkin-count")
        assert "3 unmatched scan(s)" in text_of(app, "#checkin-unmatched")
        recent = table_rows(app, "#checkin-recent")
        assert [r[2] for r in recent] == list(reversed(ids[-10:]))
        assert app.focused is screen.query_one("#checkin-box")
        assert screen.query_one("#checkin-box").value == ""


async def test_repeat_unknown_and_typed_name(school_db):
    app = SroApp(school_db, start_section="checkin")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_checkin(app, pilot)
        rings = count_bells(app)
        await pilot.press(*"000123", "enter")
        assert "Pepe Núñez · grade 9 · homeroom 104" in text_of(app, "#checkin-feedback")
        assert screen.query_one("#checkin-feedback").has_class("-ok")

        await pilot.press(*"000123", "enter")
        feedback = text_of(app, "#checkin-feedback")
        assert "already recorded" in feedback and "Assembly" in feedback
        assert screen.query_one("#checkin-feedback").has_class("-already")

        await pilot.press(*"424242", "enter")
        assert "Unknown ID “424242”" in text_of(app, "#checkin-feedback")
        assert rings[0] == 1

        # A typed name: candidates appear, arrows move, Enter picks.
        await pilot.press(*"nunez")
        await pilot.pause(0.3)
        candidates = screen.query_one("#checkin-candidates")
        assert candidates.display and candidates.option_count == 2
        # José was checked in a moment ago: his line says so, Ana's does not.
        lines = [str(candidates.get_option_at_index(i).prompt) for i in range(2)]
        assert "Ana Núñez" in lines[0] and "presented" not in lines[0]
        assert "000123" in lines[1] and re.search(r"✔ presented \d\d:\d\d\b", lines[1])
        # Same last name: by first name, Ana before José; down moves to José (already in).
        await pilot.press("down", "enter")
        await pilot.pause()
        assert "Pepe Núñez" in text_of(app, "#checkin-feedback")
        assert "already recorded" in text_of(app, "#checkin-feedback")
        # Issue 12: with several matches and none chosen, Enter asks which one; nothing recorded.
        await pilot.press(*"nunez", "enter")
        await pilot.pause(0.3)
        assert "2 students match “nunez”: which one?" in text_of(app, "#checkin-feedback")
        assert screen.query_one("#checkin-box").value == "nunez"
        assert candidates.display and candidates.highlighted is None
        assert len(attendance_ids()) == 1
        await pilot.press("enter")  # still none chosen: still asks
        await pilot.pause(0.3)
        assert "which one?" in text_of(app, "#checkin-feedback") and len(attendance_ids()) == 1
        await pilot.press("down", "enter")  # the first one, chosen with an arrow
        await pilot.pause()
        assert "Ana Núñez" in text_of(app, "#checkin-feedback")

        # An accent-free, lower-case first name finds José's classmate Josephine ("Jo").
        await pilot.press(*"josephine", "enter")
        await pilot.pause()
        assert "Jo Adams" in text_of(app, "#checkin-feedback")

        await pilot.press(*"zzqq", "enter")
        await pilot.pause()
        assert "No student matches" in text_of(app, "#checkin-feedback")
        assert screen.query_one("#checkin-box").value == "zzqq"  # given back to correct
        assert rings[0] == 4  # the unknown ID, "which one?" twice, no match

        assert attendance_ids() == ["000123", "000124", "000202"]
        methods = [
            a.method for a in PresentationAttendance.select().order_by(PresentationAttendance.id)
        ]
        assert methods == ["scan", "search", "search"]
        assert [s.scanned_text for s in UnmatchedScan.select()] == ["424242"]


async def test_undo_last_is_kept_and_audited(school_db):
    app = SroApp(school_db, start_section="checkin")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_checkin(app, pilot)
        await pilot.press(*"000123", "enter", *"000200", "enter")
        await pilot.press("f9")
        await pilot.pause()
        assert "Undone: Mia O'Brien" in text_of(app, "#checkin-feedback")
        assert attendance_ids() == ["000123"]
        assert screen.session_count == 1
        undone = PresentationAttendance.get(PresentationAttendance.undone_at.is_null(False))
        assert undone.student.sis_id == "000200"
        assert AuditEvent.select().where(AuditEvent.action == "undo").count() == 1
        assert [r[2] for r in table_rows(app, "#checkin-recent")] == ["000123"]


async def test_unmatched_scan_dismissed_with_a_reason(school_db):
    app = SroApp(school_db, start_section="checkin")
    async with app.run_test(size=(120, 36)) as pilot:
        await open_checkin(app, pilot)
        await pilot.press(*"777", "enter", "f10")
        await pilot.pause()
        await pilot.press("d", *"library card", "enter")
        await pilot.pause()
        scan = UnmatchedScan.get()
        assert (scan.resolution, scan.dismiss_reason) == ("dismissed", "library card")
        await pilot.press("escape")
        await pilot.pause()
        assert "No unmatched scans" in text_of(app, "#checkin-unmatched")
        assert isinstance(app.screen, CheckInScreen)
        assert app.focused is app.screen.query_one("#checkin-box")


async def test_class_list_marks_a_homeroom(school_db):
    app = SroApp(school_db, start_section="checkin")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_checkin(app, pilot)
        await pilot.press(*"000123", "enter", "f11")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#class-group").value = "homeroom:104"
        await pilot.pause()
        assert "2 students, 1 already presented" in text_of(app, "#class-summary")
        await pilot.press("a", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CheckInScreen)
        assert "1 student(s) recorded" in text_of(app, "#checkin-feedback")
        assert attendance_ids() == ["000123", "000202"]
        assert screen.progress.presented == 2


async def test_not_presented_list_exports_csv(school_db, tmp_path):
    # Into the app's one export folder (the CLI passes the documents folder's).
    folder = tmp_path / "district files"
    app = SroApp(school_db, start_section="checkin", export_folder=folder)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_checkin(app, pilot)
        await pilot.press(*"000123", "enter", "ctrl+n")
        await pilot.pause()
        assert "4 students" in text_of(app, "#not-presented-summary")  # 5 active, 1 presented
        await pilot.press("e")
        await pilot.pause()
        exported = list(folder.glob("PTHS_not-presented_*.csv"))
        assert len(exported) == 1
        text = exported[0].read_text(encoding="utf-8-sig")
        assert "Adams" in text and "Núñez,José" not in text.replace('"', "")


async def test_new_session_from_the_sessions_dialog(school_db):
    app = SroApp(school_db, start_section="checkin")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_checkin(app, pilot)
        first = screen.session
        await pilot.press("f12")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        app.screen.query_one("#field-place").value = "Room 104"
        app.screen.query_one("#field-kind").value = "make_up"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await asyncio.sleep(0)
        assert isinstance(app.screen, CheckInScreen)
        assert screen.session.id != first.id and screen.session.kind == "make_up"
        assert PresentationSession.select().count() == 2
        assert "Room 104" in text_of(app, "#checkin-session")


async def test_session_line_keeps_day_and_month_at_80_columns(school_db):
    app = SroApp(school_db, start_section="checkin")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_checkin(app, pilot)
        held_on = screen.session.held_on
        wide = text_of(app, "#checkin-session")
        assert f"{held_on:%A %d %B %Y}" in wide and "year" in wide
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        line = app.screen.query_one("#checkin-session")
        narrow = text_of(app, "#checkin-session")
        # Shortened to fit its row, the day and the month still on it; nothing cut off.
        assert f"{held_on:%d %b}" in narrow
        assert len(narrow) <= line.content_size.width
        assert narrow.startswith(screen.session.title)
        # The session's count beside it never runs into it, whatever the line's length.
        count = app.screen.query_one("#checkin-count")
        assert count.region.x - (line.region.x + line.region.width) >= 0
        assert count.content_region.x - line.content_region.right >= 2
