"""An SVG snapshot (pytest-textual-snapshot) of every screen and main dialog, at 120x36 and at
80x24 (where macOS Terminal opens: details go under their lists, dialogs scroll with their buttons
in view). Regenerate after a deliberate change with
`uv run pytest tests/ui/test_snapshots.py --snapshot-update`, then look at the pictures.

Each test runs on its own copy of the demo school, with the clock stopped on the demo day, and
waits for the app's workers and stops every cursor blinking before the picture: two runs, in
any order and on any xdist worker, draw the same.
"""

from __future__ import annotations

import shutil
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine
from textual.widgets import Input

from sro_tui.db import open_database
from sro_tui.demo import create_demo_school
from sro_tui.ui.app import SroApp
from sro_tui.ui.widgets.still import hold_still

SIZES = {"120x36": (120, 36), "80x24": (80, 24)}
STEADY_TRIES = 30

# The demo school is dated 2026-11-28; the screens count "this month", "overdue" and open
# deadlines against the clock, so the clock is set to that day too (16:00 UTC, 8:00 in Washington).
DEMO_DAY = date(2026, 11, 28)
DEMO_MOMENT = datetime(2026, 11, 28, 16, 0, tzinfo=UTC)

# A roster export from the student information system: one new student, one changed, the rest of
# the demo school missing (so the preview shows every kind of change).
ROSTER = (
    "Student ID,Last Name,First Name,Grade,Homeroom,Guardian 1 Name,Guardian 1 Email\n"
    "990001,Kowalski,Zofia,10,118,Ewa Kowalski,ewa@example.org\n"
)


@pytest.fixture(autouse=True)
def demo_day():
    with time_machine.travel(DEMO_MOMENT, tick=False):
        yield


@pytest.fixture(scope="session")
def demo_school_file(tmp_path_factory) -> Path:
    """The demo school, written once per test process (each xdist worker has its own)."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    with time_machine.travel(DEMO_MOMENT, tick=False):
        database = open_database(path)
        try:
            create_demo_school(today=DEMO_DAY)
        finally:
            database.close()
    return path


@pytest.fixture
def snapshot_db(demo_school_file: Path, tmp_path: Path) -> Path:
    """This test's own copy of the demo school (a test may change it)."""
    path = tmp_path / "snapshot.sqlite3"
    shutil.copyfile(demo_school_file, path)
    return path


async def steady(pilot, *, wait_for_workers: bool = True) -> None:
    """Wait for the app's workers and stop cursors blinking, then until two pictures in a row are
    the same: on a busy machine Pilot's idle check can pass before a widget's last idle-time
    update (a table taking its new size after its rows came), so two runs draw the same."""
    app = pilot.app
    if wait_for_workers:
        await app.workers.wait_for_complete()
    await pilot.pause()
    hold_still(app)
    await pilot.pause()
    picture = app.export_screenshot()
    for _ in range(STEADY_TRIES):
        await pilot.pause(0.01)
        if wait_for_workers:
            await app.workers.wait_for_complete()
        again = app.export_screenshot()
        if again == picture:
            return
        picture = again
    raise AssertionError(f"the screen kept changing for {STEADY_TRIES} pictures")


def keys(*pressed: str) -> Callable[..., Awaitable[None]]:
    """Press these keys on a steady screen (each is handled before the next is pressed), then
    wait for the screen to be steady again."""

    async def run(pilot, tmp_path: Path) -> None:
        await steady(pilot)
        for key in pressed:
            await pilot.press(key)
        await steady(pilot)

    return run


async def import_preview(pilot, tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    await steady(pilot)
    # The import worker asks for the file, shows the preview and waits there for the person's
    # yes: from here on wait for the dialogs, not for the worker (and with no timed pause: the
    # clock stands still).
    await pilot.press("ctrl+o")
    await steady(pilot, wait_for_workers=False)
    pilot.app.screen.query_one("#import-path", Input).value = str(roster)
    await pilot.press("enter")
    for _ in range(200):
        await steady(pilot, wait_for_workers=False)
        if type(pilot.app.screen).__name__ == "ImportPreviewDialog":
            break
    assert type(pilot.app.screen).__name__ == "ImportPreviewDialog"
    await steady(pilot, wait_for_workers=False)


# name: (section the app opens on, what a person does before the picture)
SCENES: dict[str, tuple[str, Callable[..., Awaitable[None]]]] = {
    "dashboard": ("dashboard", keys()),
    "checkin": ("checkin", keys()),
    "families": ("families", keys()),
    "interventions": ("interventions", keys()),
    "intervention_form": ("interventions", keys("o")),  # the newest: a restraint, deadlines open
    "staff": ("staff", keys()),
    "agreements_training": ("agreements", keys("1")),
    "agreements": ("agreements", keys()),
    "agreements_complaints": ("agreements", keys("3")),
    "roster_search": ("roster", keys(*"jo")),
    "help": ("dashboard", keys("f1")),
    "state_reports": ("dashboard", keys("o")),  # issue 15: restraint to OSPI, CRDC
    # The main dialogs.
    "record_notice_dialog": ("families", keys("n")),
    "new_session_dialog": ("checkin", keys("f12", "n")),
    "staff_form_with_problems": ("staff", keys("a", *"Jordan", "ctrl+s")),
    "meeting_form": ("agreements", keys("l")),
    "complaint_form": ("agreements", keys("3", "c")),
    "import_preview_dialog": ("roster", import_preview),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scene", SCENES)
def test_screen(snap_compare, snapshot_db, tmp_path, scene, size):
    section, before = SCENES[scene]

    async def run_before(pilot) -> None:
        await before(pilot, tmp_path)

    assert snap_compare(
        SroApp(snapshot_db, start_section=section),
        terminal_size=SIZES[size],
        run_before=run_before,
    )
