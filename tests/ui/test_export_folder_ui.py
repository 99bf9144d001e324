"""The export folder on the dashboard: shown, changed with e, kept after a restart. (The screens
that export offer it: tests/ui/test_checkin.py and test_failures.py.)"""

from __future__ import annotations

from textual.widgets import Input

from sro_tui.db import open_database
from sro_tui.records import export_folder
from sro_tui.ui.app import SroApp
from sro_tui.ui.widgets.card import CardsView

from .helpers import settle


def card_text(app: SroApp) -> str:
    return app.screen.query_one(CardsView).text("exports")


async def test_dashboard_shows_and_changes_the_export_folder(school_db, tmp_path):
    default = tmp_path / "Documents" / "sro-tui exports"
    chosen = tmp_path / "usb stick"
    app = SroApp(school_db, export_folder=default)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        assert str(default) in card_text(app)
        await pilot.press("e")
        await pilot.pause()
        box = app.screen.query_one("#export-folder-setting", Input)
        assert box.value == str(default)
        box.value = str(chosen)
        await pilot.press("enter")
        await settle(app, pilot)
        assert str(chosen) in card_text(app)
        assert app.export_folder == chosen
    database = open_database(school_db)  # kept in the database: after a restart too
    try:
        assert export_folder(default) == chosen
    finally:
        database.close()


async def test_a_file_is_refused_with_a_word_and_nothing_changes(school_db, tmp_path):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x")
    default = tmp_path / "exports"
    app = SroApp(school_db, export_folder=default)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#export-folder-setting", Input).value = str(a_file)
        await pilot.press("enter")
        await settle(app, pilot)
        said = "\n".join(str(n.message) for n in app._notifications)
        assert "is a file, not a folder. The export folder was not changed." in said
        assert app.export_folder == default
