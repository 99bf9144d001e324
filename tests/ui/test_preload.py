"""Sections built ahead after start (ui/preload.py): a first F-key shows a screen already built,
with data as fresh as an ordinary first open, and keys typed meanwhile land where they should."""

from __future__ import annotations

import asyncio
import time

from textual import events
from textual.widgets import Input, Select

from sro_tui.db import open_database
from sro_tui.models import PresentationSession
from sro_tui.records import save_staff
from sro_tui.ui import preload
from sro_tui.ui.app import SroApp

from .helpers import text_of
from .test_interventions import _requests_in

BUILT_AHEAD = ["checkin", "interventions", "agreements"]


async def _warm_up(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    app.warm_sections()  # what the app's timer does two seconds after start
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


def _sessions(db) -> int:
    database = open_database(db)
    try:
        return PresentationSession.select().count()
    finally:
        database.close()


async def test_the_warm_up_builds_the_sections_without_showing_them(school_db):
    """After the warm-up the screens are built and mounted, the dashboard still shows, and the
    check-in has not created today's session: that waits until someone opens the check-in."""
    sessions_before = _sessions(school_db)
    app = SroApp(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await _warm_up(app, pilot)
        assert app.current_mode == "dashboard"
        for mode in BUILT_AHEAD:
            assert mode in app._screen_stacks, mode
            assert app._screen_stacks[mode][0].is_mounted, mode
        assert "roster" not in app._screen_stacks  # not marked PRELOAD: opened as before
        assert _sessions(school_db) == sessions_before
        checkin = app._screen_stacks["checkin"][0]
        await pilot.press("f3")
        await pilot.pause()
        assert app.screen is checkin  # the screen built ahead, not a second one
        assert checkin.session is not None
        assert _sessions(school_db) == sessions_before + 1
        assert checkin.focused is checkin.query_one("#checkin-box")
        assert checkin.query_one("#section-bar") is not None
        assert len(checkin.query("#section-bar")) == 1


async def test_a_section_built_ahead_shows_what_changed_since(school_db):
    """Staff added after the sections were built ahead (as F6 would): the requests' staff
    filter offers them and the agreements screen names their employer, at the first open."""
    app = SroApp(school_db)
    async with app.run_test(size=(130, 40)) as pilot:
        await _warm_up(app, pilot)
        assert "agreements" in app._screen_stacks
        save_staff(
            {
                "first_name": "Riley",
                "last_name": "Marsh",
                "kind": "sro",
                "commissioned": True,
                "employer_type": "law_enforcement_agency",
                "employer_name": "Jefferson County Sheriff",
            }
        )
        await pilot.press("f7")
        await pilot.pause()
        assert "Jefferson County Sheriff supplies Riley Marsh" in text_of(
            app, "#agreements-warnings"
        )
        await pilot.press("f5")
        await pilot.pause()
        staff = app.screen.query_one("#flt-staff", Select)
        assert any("Marsh" in str(label) for label, _value in staff._options)


async def test_keys_typed_with_the_f_key_of_a_screen_still_being_built_go_to_it(school_db):
    """F3 and a name typed at once while the warm-up is still building the check-in screen:
    the switch waits for the build to finish, and every letter lands in the check-in box."""
    app = SroApp(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app._modes["checkin"]()
        preload.start_build(app, "checkin", screen)  # the build has begun, not finished
        assert not screen.is_mounted
        for key, character in (("f3", None), ("j", "j"), ("o", "o"), ("s", "s")):
            app.post_message(events.Key(key, character))  # queued together, as a fast typist
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is screen
        assert screen.query_one("#checkin-box", Input).value == "jos"


async def test_cursor_keys_with_f5_wait_for_the_requests_read_ahead(school_db, monkeypatch):
    """F5 and two Downs while the list built ahead is still being read in its thread: the keys
    wait for the rows and move the cursor on them."""
    from sro_tui.ui.interventions import screen as requests_screen

    _requests_in(school_db, ["Gym", "Library", "Cafeteria"])
    read = requests_screen.list_requests

    def slow_read(*args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(0.4)  # a big school on a slow disk
        return read(*args, **kwargs)

    monkeypatch.setattr(requests_screen, "list_requests", slow_read)
    app = SroApp(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app._modes["interventions"]()
        preload.start_build(app, "interventions", screen)
        while not any(w.group == "flow-step" for w in app.workers):
            await asyncio.sleep(0.01)  # the screen is mounting: its list is being read
        assert not screen.is_mounted
        for key in ("f5", "down", "down"):
            app.post_message(events.Key(key, None))  # queued together, as a fast typist
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is screen
        assert len(screen.rows) == 3, text_of(app, "#interventions-summary")
        assert screen.query_one("#interventions-table").cursor_row == 2


async def test_nothing_is_built_ahead_while_someone_types(school_db, monkeypatch):
    """The builds wait for a pause in the typing: keys in the roster's search box never wait
    for a section being built."""
    monkeypatch.setattr(preload, "QUIET_SECONDS", 1.5)  # a loaded test machine types slowly
    app = SroApp(school_db, start_section="roster")
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.warm_sections()
        for _ in range(12):  # 3.6 s of steady typing, a key every 0.15 s
            await pilot.press("a")
            await pilot.pause(0.15)
            await pilot.press("backspace")
            await pilot.pause(0.15)
        assert not any(mode in app._screen_stacks for mode in BUILT_AHEAD)
        await app.workers.wait_for_complete()  # a pause: the warm-up goes on
        await pilot.pause()
        assert all(mode in app._screen_stacks for mode in BUILT_AHEAD)
