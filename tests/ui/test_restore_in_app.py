"""Restore from inside the app (ctrl+r): the app lets go of its database, restores the checked
backup, and every section starts again on the restored records."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from sro_tui.db import open_database
from sro_tui.models import Student
from sro_tui.safekeeping import backup_database
from sro_tui.ui.app import SroApp

from .helpers import wait_for_workers


async def test_ctrl_r_restores_a_backup_and_keeps_the_replaced_file(school_db: Path, tmp_path):
    database = open_database(school_db)
    backup = backup_database(database, tmp_path / "backups/")
    kept_students = Student.select().count()
    Student.create(school=1, sis_id="990001", first_name="Added", last_name="AfterBackup")
    database.close()

    app = SroApp(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert type(app.screen).__name__ == "RestoreDialog"
        app.screen.query_one("#backup-folder", Input).value = str(backup)
        await pilot.press("enter")
        await pilot.pause(0.5)
        await wait_for_workers(app)
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("restored" in m and f"{kept_students} students" in m for m in messages), messages
        assert Student.select().count() == kept_students  # the app reads the restored file
    kept = list(school_db.parent.glob(f"{school_db.name}.before-restore-*"))
    assert len(kept) == 1
    database = open_database(school_db)
    assert Student.select().count() == kept_students
    database.close()
