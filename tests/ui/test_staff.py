"""Safety staff: add with a validation error then fixed, edit, deactivate with confirmation."""

from __future__ import annotations

import re

from textual.widgets import Input

from sro_tui.db import open_database
from sro_tui.models import SafetyStaff
from sro_tui.ui.app import SroApp

from .helpers import hold_write_lock, table_rows, text_of


def field(app, name: str):
    return app.screen.query_one(f"#field-{name}")


def error_shown(app, name: str) -> str:
    widget = app.screen.query_one(f"#error-{name}")
    return str(widget.render()) if widget.display else ""


async def test_add_staff_shows_problems_next_to_fields_then_saves(school_db):
    app = SroApp(school_db, start_section="staff")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"Jordan")  # the first name has focus
        field(app, "kind").value = "sro"  # the form fills in "commissioned" and the employer
        await pilot.pause()
        assert field(app, "commissioned").value is True
        field(app, "training_status").value = "completed"
        field(app, "training_completed_on").value = "2026-13-01"
        await pilot.press("ctrl+s")
        await pilot.pause()
        # Still open, and every problem is next to its field.
        assert type(app.screen).__name__ == "StaffForm"
        assert "last name is required" in error_shown(app, "last_name")
        assert "agency or company" in error_shown(app, "employer_name")
        assert "YYYY-MM-DD" in error_shown(app, "training_completed_on")
        assert error_shown(app, "first_name") == ""
        assert app.screen.focused is field(app, "last_name")

        field(app, "last_name").value = "Pak"
        field(app, "employer_name").value = "Jefferson County Sheriff's Office"
        field(app, "training_completed_on").value = "9/1/2026"  # as an office types it
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "StaffScreen"
        names = [row[0] for row in table_rows(app, "#staff-table")]
        assert "Jordan Pak" in names
    database = open_database(school_db)
    try:
        saved = SafetyStaff.get(SafetyStaff.last_name == "Pak")
        assert (saved.kind, saved.commissioned, saved.employer_type) == (
            "sro",
            True,
            "law_enforcement_agency",
        )
        assert saved.training_completed_on.isoformat() == "2026-09-01"
    finally:
        database.close()


async def test_edit_and_deactivate_with_confirmation(school_db):
    app = SroApp(school_db, start_section="staff")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        rows = table_rows(app, "#staff-table")
        assert [r[0] for r in rows] == ["Sam Okafor", "Dana Reyes"]
        assert rows[0][4] == "Planned, due 2027-01-15"
        await pilot.press("enter")  # edit Sam
        await pilot.pause()
        assert isinstance(field(app, "days_per_week"), Input)
        field(app, "days_per_week").value = "2.5"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert table_rows(app, "#staff-table")[0][3] == "2.5"

        await pilot.press("d")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmDialog"
        await pilot.press("escape")  # cancel: nothing changes
        await pilot.pause()
        assert len(table_rows(app, "#staff-table")) == 2
        await pilot.press("d")
        await pilot.pause()
        await pilot.click("#confirm")
        await pilot.pause()
        assert [r[0] for r in table_rows(app, "#staff-table")] == ["Dana Reyes"]
        await pilot.press("i")  # show inactive: Sam is kept on record
        await pilot.pause()
        assert ["Sam Okafor", "inactive"] == [table_rows(app, "#staff-table")[0][i] for i in (0, 5)]
        assert "all staff" in text_of(app, "#staff-summary")
    database = open_database(school_db)
    try:
        sam = SafetyStaff.get(SafetyStaff.last_name == "Okafor")
        assert (sam.active, sam.days_per_week) == (False, 2.5)
    finally:
        database.close()


def test_the_form_has_a_widget_for_every_staff_field():
    # A field added to records.STAFF_FIELDS must get a label (and so a widget) on the form.
    from sro_tui.records import STAFF_FIELDS
    from sro_tui.ui.staff.form import LABELS

    assert set(LABELS) == set(STAFF_FIELDS)


async def test_a_save_while_another_program_writes_says_so_and_keeps_the_form(school_db):
    """A form's save runs on the screen's thread: with the database held by another program it
    must not freeze for long or end the app with a traceback; it says so, logs it, keeps what
    was typed, and saves once the other program is done."""
    app = SroApp(school_db, start_section="staff")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"Jordan")
        field(app, "last_name").value = "Pak"
        field(app, "employer_name").value = "Cascade Security"
        await pilot.pause()

        other = hold_write_lock(school_db)  # for longer than a save waits
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.is_running
        assert type(app.screen).__name__ == "StaffForm"  # still open, nothing lost
        banner = app.screen.query_one("#form-error")
        assert banner.display and "database is busy" in str(banner.render())
        assert "Nothing was saved" in str(banner.render())
        assert field(app, "first_name").value == "Jordan"
        log = school_db.parent / "sro-tui.log"
        assert "Saving" in log.read_text() and "database is busy" in log.read_text()
        assert log.stat().st_mode & 0o777 == 0o600

        other.execute("ROLLBACK")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "StaffScreen"

        other.execute("BEGIN IMMEDIATE")  # again, while someone is deactivated
        other.execute("INSERT INTO setting (key, value) VALUES ('busy-test', 'x')")
        await pilot.press("d")
        await pilot.pause()
        await pilot.click("#confirm")
        await pilot.pause()
        assert app.is_running
        assert re.search(r"Deactivating \w+ \w+ failed: the database is busy", log.read_text())
        other.execute("ROLLBACK")
        other.close()
    database = open_database(school_db)
    try:
        assert SafetyStaff.get(SafetyStaff.last_name == "Pak").first_name == "Jordan"
        assert all(s.active for s in SafetyStaff.select())  # nobody deactivated
    finally:
        database.close()
