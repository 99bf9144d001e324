"""Check-in while another program holds the database's write lock: no scan is lost, none
overtakes another, and the screen says what is happening."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from sro_tui.models import PresentationAttendance
from sro_tui.ui.app import SroApp
from sro_tui.ui.checkin import screen as checkin_screen

from .conftest import small_school_file
from .helpers import text_of
from .test_checkin import attendance_ids, open_checkin, scanner_burst, wait_until


@pytest.fixture
def school_file(tmp_path: Path) -> Path:
    return small_school_file(tmp_path / "school.sqlite3", extra_students=20)


async def test_scans_wait_in_order_while_another_program_holds_the_write_lock(school_file):
    ids = [str(500000 + n) for n in (7, 3, 19, 0, 12, 5, 8, 1)]
    app = SroApp(school_file, start_section="checkin")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_checkin(app, pilot)
        await pilot.press(*ids[0], "enter")  # one before the lock: confirmed at once
        await wait_until(pilot, lambda: screen.session_count == 1)

        other = sqlite3.connect(school_file, isolation_level=None, timeout=5)
        other.execute("BEGIN IMMEDIATE")  # another program writing, for longer than we wait
        other.execute("INSERT INTO setting (key, value) VALUES ('busy-test', 'x')")
        scanner_burst(app, ids[1:])
        await wait_until(pilot, lambda: len(screen.waiting) == len(ids) - 1, timeout=30)
        await asyncio.sleep(4 * checkin_screen.BUSY_WAIT)  # well past the busy wait
        await pilot.pause()
        assert f"{len(ids) - 1} waiting" in text_of(app, "#checkin-count")
        feedback = text_of(app, "#checkin-feedback")
        assert "Database busy" in feedback and "7 waiting in order" in feedback
        assert "Nothing confirmed is lost" in feedback
        assert attendance_ids() == ids[:1]  # nothing written while the lock is held
        assert screen.query_one("#checkin-box").value == ""  # the box kept taking scans

        other.execute("COMMIT")
        other.close()
        await wait_until(pilot, lambda: not screen.waiting, timeout=30)
        assert attendance_ids() == ids  # every scan, once, in the order scanned
        assert PresentationAttendance.select().count() == len(ids)
        assert screen.session_count == len(ids)
        assert "waiting" not in text_of(app, "#checkin-count")
        assert "in the order scanned" in text_of(app, "#checkin-feedback")


async def test_the_header_recounts_after_an_import_beside_the_screen(school_file, monkeypatch):
    monkeypatch.setattr(checkin_screen, "OTHERS_CHECKED_EVERY", 0.2)
    app = SroApp(school_file, start_section="checkin")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_checkin(app, pilot)
        enrolled = screen.progress.enrolled
        assert f"/ {enrolled:,}" in text_of(app, "#checkin-count")
        other = sqlite3.connect(school_file, isolation_level=None)  # `sro-tui roster import`
        school_id = other.execute("SELECT id FROM school").fetchone()[0]
        for n in range(3):
            other.execute(
                "INSERT INTO student (record_id, created_at, updated_at, school_id, sis_id,"
                " source_id, first_name, middle_name, last_name, preferred_name, grade, homeroom,"
                " active, race_ethnicity, sex, home_language, search_key) VALUES (?, '2026-09-01',"
                " '2026-09-01', ?, ?, '', 'New', '', 'Kid', '', '9', '', 1, '', '', '', '')",
                (f"new-{n}", school_id, f"77000{n}"),
            )
        other.close()
        await wait_until(pilot, lambda: screen.progress.enrolled == enrolled + 3, timeout=10)
        assert f"/ {enrolled + 3:,}" in text_of(app, "#checkin-count")
