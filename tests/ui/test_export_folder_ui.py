"""The export folder on the dashboard: shown, changed with e, kept after a restart, and offered
by the screens that export."""

from __future__ import annotations

from textual.widgets import Input

from sro_tui.db import open_database
from sro_tui.records import export_folder
from sro_tui.ui.app import SroApp
from sro_tui.ui.widgets.card import CardView

from .helpers import wait_for_workers


async def settle(app, pilot) -> None:
    await pilot.pause()
    await wait_for_workers(app)
    await pilot.pause()


def card_text(app: SroApp) -> str:
    return app.screen.query_one("#card-exports", CardView).text


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


async def test_check_in_not_presented_export_offers_the_folder(school_db, tmp_path):
    folder = tmp_path / "district"
    app = SroApp(school_db, start_section="checkin", export_folder=folder)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.screen.export_dir == folder  # type: ignore[attr-defined]
