"""An SVG snapshot of every screen (pytest-textual-snapshot). Regenerate after a deliberate
change with `uv run pytest tests/ui/test_snapshots.py --snapshot-update` and look at the diff."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine
from textual.widgets import Input

from sro_tui.db import open_database
from sro_tui.demo import create_demo_school
from sro_tui.ui.app import SroApp

SIZE = (120, 36)


def build_snapshot_school() -> None:
    create_demo_school(today=date(2026, 11, 28))


# The demo school is dated 2026-11-28; the screens count "this month", "overdue" and open
# deadlines against the clock, so the clock is set to that day too (16:00 UTC, 8:00 in Washington).
DEMO_MOMENT = datetime(2026, 11, 28, 16, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def demo_day():
    with time_machine.travel(DEMO_MOMENT, tick=False):
        yield


@pytest.fixture
def snapshot_db(tmp_path: Path) -> Path:
    path = tmp_path / "snapshot.sqlite3"
    database = open_database(path)
    build_snapshot_school()
    database.close()
    return path


async def steady(pilot) -> None:
    """Wait for the student index and stop cursors blinking, so two runs draw the same."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    pilot.app.clear_notifications()
    await pilot.pause()


def test_dashboard(snap_compare, snapshot_db):
    assert snap_compare(SroApp(snapshot_db), terminal_size=SIZE, run_before=steady)


def test_roster_search(snap_compare, snapshot_db):
    async def search(pilot):
        await steady(pilot)
        await pilot.press("f8")
        await steady(pilot)
        await pilot.press(*"jo")
        await steady(pilot)

    assert snap_compare(SroApp(snapshot_db), terminal_size=SIZE, run_before=search)


def test_roster_at_80_columns(snap_compare, snapshot_db):
    """macOS Terminal opens at 80x24: the detail goes under the list, the section bar shortens."""

    async def search(pilot):
        await steady(pilot)
        await pilot.press(*"jo")
        await steady(pilot)

    assert snap_compare(
        SroApp(snapshot_db, start_section="roster"), terminal_size=(80, 24), run_before=search
    )


def test_staff(snap_compare, snapshot_db):
    assert snap_compare(
        SroApp(snapshot_db, start_section="staff"), terminal_size=SIZE, run_before=steady
    )


def test_staff_form_with_problems(snap_compare, snapshot_db):
    async def bad_save(pilot):
        await steady(pilot)
        await pilot.press("a", *"Jordan", "ctrl+s")
        await steady(pilot)

    assert snap_compare(
        SroApp(snapshot_db, start_section="staff"), terminal_size=SIZE, run_before=bad_save
    )


def test_help(snap_compare, snapshot_db):
    async def help_open(pilot):
        await steady(pilot)
        await pilot.press("f1")
        await steady(pilot)

    assert snap_compare(SroApp(snapshot_db), terminal_size=SIZE, run_before=help_open)
