"""A failed read or write is always said in words (what failed, what was written) and logged
with its traceback beside the database: one test per screen forces the core call to raise."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

from peewee import IntegrityError, OperationalError
from textual.widgets import Input

from sro_tui.db import open_database
from sro_tui.models import PresentationAttendance, Student
from sro_tui.paths import LOG_FILENAME
from sro_tui.ui.app import SroApp
from sro_tui.ui.dashboard.screen import DashboardScreen

from .helpers import settle, text_of
from .test_interventions import _submitted_request

ROSTER = (
    "Student ID,Last Name,First Name,Grade,Homeroom\n"
    "000123,Núñez,José,9,201\n"
    "000777,Kowalski,Zofia,10,118\n"
)


def locked(*_args, **_kwargs):
    raise OperationalError("database is locked")


# How every screen says a locked database: the core's plain words, not SQLite's.
BUSY = "the database is busy: another program is writing to it"


def damaged(*_args, **_kwargs):
    raise IntegrityError("CHECK constraint failed: method")


def messages(app: SroApp) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


def assert_logged(db_path: Path, words: str, error: str = "OperationalError") -> None:
    """The log beside the database has the sentence and the traceback; only its owner reads it."""
    log = db_path.parent / LOG_FILENAME
    text = log.read_text(encoding="utf-8")
    assert words in text
    assert "Traceback (most recent call last)" in text and error in text
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


async def test_dashboard_counts_that_fail_are_said_on_every_card(school_db, monkeypatch):
    # The read as the app starts (another process) found the file busy too, and said nothing:
    # the usual read through the open database follows, and says it.
    from concurrent.futures import Future

    def busy(*_args):  # type: ignore[no-untyped-def]
        read: Future = Future()
        read.set_result(None)
        return read

    monkeypatch.setattr("sro_tui.ui.opening.read_status_early", busy)
    monkeypatch.setattr("sro_tui.reports.status.status_of", locked)
    app = SroApp(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        sentence = f"Reading the dashboard counts failed: {BUSY}. Nothing was changed."
        assert sentence in messages(app)
        assert isinstance(app.screen, DashboardScreen)
        assert f"Not read: {BUSY}." in text_of_card(app, "school")
        assert "Press r to try again." in text_of_card(app, "students")
    assert_logged(school_db, sentence)


def text_of_card(app: SroApp, card_id: str) -> str:
    from sro_tui.ui.widgets.card import CardsView

    return app.screen.query_one(CardsView).text(card_id)


async def type_into(pilot, selector: str, text: str) -> None:
    pilot.app.screen.query_one(selector, Input).value = text
    await pilot.pause()


async def start_import(app, pilot, path: Path) -> None:
    await settle(app, pilot)
    await pilot.press("f8", "ctrl+o")
    await pilot.pause()
    await type_into(pilot, "#import-path", str(path))
    await pilot.press("enter")
    await pilot.pause(0.3)


async def test_roster_import_that_fails_writing_says_nothing_was_imported(
    school_db, tmp_path, monkeypatch
):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    monkeypatch.setattr("sro_tui.ui.roster.screen.apply_import", locked)
    app = SroApp(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await start_import(app, pilot, roster)
        assert type(app.screen).__name__ == "ImportPreviewDialog"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "RosterScreen"
        sentence = f"The roster import failed: {BUSY}. Nothing was imported."
        assert sentence in messages(app)
        assert "Roster imported" not in messages(app)
        assert not app.screen.query_one("#import-progress").display
        # The screen is usable again: a second import may start.
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert type(app.screen).__name__ == "ImportPathDialog"
    assert_logged(school_db, sentence)
    database = open_database(school_db)
    try:
        assert not Student.select().where(Student.sis_id == "000777").exists()
    finally:
        database.close()


async def test_roster_import_of_a_corrupt_zip_is_said_in_words(school_db, tmp_path, monkeypatch):
    bundle = tmp_path / "oneroster.zip"
    bundle.write_bytes(b"PK\x03\x04 not really a zip")

    def corrupt(*_args, **_kwargs):
        raise zipfile.BadZipFile("File is not a zip file")

    monkeypatch.setattr("sro_tui.ui.roster.screen.schools_in_roster", corrupt)
    app = SroApp(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await start_import(app, pilot, bundle)
        await settle(app, pilot)
        assert type(app.screen).__name__ == "RosterScreen"
        assert (
            "The roster import failed: File is not a zip file. Nothing was imported."
            in messages(app)
        )
    assert "BadZipFile" in (school_db.parent / LOG_FILENAME).read_text(encoding="utf-8")


async def test_student_detail_that_fails_is_said_in_the_pane(school_db, monkeypatch):
    monkeypatch.setattr("sro_tui.ui.roster.screen.student_detail", locked)
    app = SroApp(school_db, start_section="roster")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        assert f"Could not read this student: {BUSY}." in text_of(app, "#student-detail")
        assert f"Reading the student's guardians and households failed: {BUSY}." in (messages(app))
    assert_logged(school_db, "Reading the student's guardians and households failed")


async def test_interventions_list_that_fails_is_said(school_db, monkeypatch):
    monkeypatch.setattr("sro_tui.ui.interventions.screen.list_requests", locked)
    app = SroApp(school_db, start_section="interventions")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        assert f"The requests could not be read: {BUSY}." in text_of(app, "#interventions-summary")
        sentence = f"Reading the intervention requests failed: {BUSY}."
        assert sentence in messages(app)
    assert_logged(school_db, sentence)


async def test_family_notice_list_that_fails_is_said_in_place(school_db, monkeypatch):
    monkeypatch.setattr("sro_tui.ui.families.screen.load_household_order", locked)
    app = SroApp(school_db, start_section="families")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        assert f"Not read: {BUSY}. Nothing was changed" in text_of(app, "#families-summary")
        sentence = f"Reading the family notice list failed: {BUSY}. Nothing was changed."
        assert sentence in messages(app)
    assert_logged(school_db, sentence)


async def test_interventions_export_that_fails_says_what_was_written(
    school_db, tmp_path, monkeypatch
):
    monkeypatch.setattr("sro_tui.ui.interventions.screen.export_requests", locked)
    folder = tmp_path / "district files"
    app = SroApp(school_db, start_section="interventions", export_folder=folder)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("x")
        await pilot.pause()
        # The export dialog offers the app's one export folder.
        assert app.screen.query_one("#export-folder", Input).value == str(folder)
        await pilot.click("#confirm")
        await settle(app, pilot)
        sentence = (
            f"The intervention requests export failed: {BUSY}. "
            "Files already written are complete; the others were not written."
        )
        assert sentence in messages(app)
    assert_logged(school_db, sentence)


async def test_check_in_that_fails_says_the_student_was_not_recorded(school_db, monkeypatch):
    monkeypatch.setattr("sro_tui.ui.checkin.screen.record_scan", damaged)
    app = SroApp(school_db, start_section="checkin")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press(*"000123", "enter")
        await pilot.pause()
        assert "Not recorded: CHECK constraint failed: method. Scan the student again." in text_of(
            app, "#checkin-feedback"
        )
        sentence = (
            "Recording the check-in failed: CHECK constraint failed: method. "
            "The student was not recorded."
        )
        assert sentence in messages(app)
        # The app is still running and the next scan is recorded.
        monkeypatch.undo()
        await pilot.press(*"000124", "enter")
        await pilot.pause()
        assert "#1" in text_of(app, "#checkin-feedback")
    assert_logged(school_db, sentence, "IntegrityError")
    database = open_database(school_db)
    try:
        recorded = [
            a.student.sis_id
            for a in PresentationAttendance.select().where(
                PresentationAttendance.undone_at.is_null()
            )
        ]
        assert recorded == ["000124"]
    finally:
        database.close()


async def test_check_in_session_that_cannot_be_opened_is_said_and_the_app_stays(
    school_db, monkeypatch
):
    monkeypatch.setattr("sro_tui.ui.checkin.screen.session_for_check_in", locked)
    app = SroApp(school_db, start_section="checkin")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        assert f"Cannot check in: {BUSY}." in text_of(app, "#checkin-feedback")
        assert app.screen.query_one("#checkin-box").disabled
        sentence = f"Opening the check-in session failed: {BUSY}. Nothing was changed."
        assert sentence in messages(app)
        await pilot.press("f2")  # the app is still running
        await pilot.pause()
        assert app.current_mode == "dashboard"
    assert_logged(school_db, sentence)


async def test_check_in_counts_that_fail_are_said_and_scans_still_record(school_db, monkeypatch):
    monkeypatch.setattr("sro_tui.ui.checkin.screen.presentation_progress", locked)
    app = SroApp(school_db, start_section="checkin")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        assert f"The counts could not be read: {BUSY}." in text_of(app, "#checkin-feedback")
        assert f"Reading the check-in counts failed: {BUSY}." in messages(app)
        await pilot.press(*"000123", "enter")
        await pilot.pause()
        assert "✔" in text_of(app, "#checkin-feedback")


async def test_backup_that_fails_says_no_copy_was_written(school_db, tmp_path, monkeypatch):
    def denied(_database, folder):
        raise PermissionError(13, "Permission denied", str(folder))  # as the OS says it

    monkeypatch.setattr("sro_tui.safekeeping.backup_database", denied)  # imported on use
    app = SroApp(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+b")
        await pilot.pause()
        app.screen.query_one("#backup-folder", Input).value = str(tmp_path / "[usb]")
        await pilot.press("enter")
        await settle(app, pilot)
        usb = tmp_path / "[usb]"
        sentence = f"The backup failed: {usb}/ is read-only or not ours. No copy was written."
        assert sentence in messages(app)
    log = (school_db.parent / LOG_FILENAME).read_text(encoding="utf-8")
    assert sentence in log and "PermissionError" in log


async def test_review_and_discipline_writes_that_fail_say_nothing_was_saved(school_db, monkeypatch):
    _submitted_request(school_db)
    monkeypatch.setattr("sro_tui.ui.interventions.screen.review_request", locked)
    monkeypatch.setattr("sro_tui.ui.interventions.screen.record_discipline_outcome", locked)
    app = SroApp(school_db, start_section="interventions")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("v")
        await pilot.pause()
        app.screen.query_one(Input).value = "Criterion met"
        await pilot.press("enter")
        await pilot.pause()
        said = messages(app)
        assert (f"Saving the review failed: {BUSY}. The request was not marked reviewed.") in said
        assert "Reviewed." not in said
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert (
            f"Recording the discipline outcome failed: {BUSY}. Nothing was recorded."
        ) in messages(app)
    assert_logged(school_db, "Saving the review failed")
