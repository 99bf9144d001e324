"""Write screenshots/*.svg of every screen, from the demo school, for the README.

    uv run python scripts/screenshots.py [OUTPUT_DIR]

Runs the app headless at 120×36 on a throwaway copy of the demo school (dated 2026-11-28, with the
clock set to that morning, so the pictures do not change from day to day) and saves one SVG per
section, plus the help screen. Needs the dev dependencies (time-machine).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import time_machine

from sro_tui.db import open_database
from sro_tui.demo import create_demo_school
from sro_tui.presentation import students_not_presented
from sro_tui.ui.app import SroApp
from sro_tui.ui.navigation import HELP_KEY, SECTIONS
from sro_tui.ui.widgets.still import hold_still

SIZE = (120, 36)
DEMO_DAY = date(2026, 11, 28)
DEMO_MOMENT = datetime(2026, 11, 28, 16, 0, tzinfo=UTC)  # 8:00 in Washington


def write_demo_school(db_path: Path) -> None:
    database = open_database(db_path)
    try:
        create_demo_school(today=DEMO_DAY)
    finally:
        database.close()


async def settle(app: SroApp, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    hold_still(app)
    await pilot.pause()


async def checkin_in_progress(app: SroApp, pilot, out_dir: Path) -> Path:
    """The check-in screen mid-assembly: a few scans, an unknown card, a name being typed."""
    await pilot.press("f3")
    await settle(app, pilot)
    for student in students_not_presented()[:6]:
        await pilot.press(*student.sis_id, "enter")
    await pilot.press(*"0000913", "enter", *"nguy")
    await pilot.pause(0.3)
    await settle(app, pilot)
    return Path(app.save_screenshot("checkin.svg", path=str(out_dir)))


async def intervention_screens(app: SroApp, pilot, out_dir: Path) -> list[Path]:
    """The intervention form (yesterday's restraint, deadlines still open) and the history of the
    request amended after review."""
    await pilot.press("f5")
    await settle(app, pilot)
    await pilot.press("o")  # the newest request: the restraint with open deadlines
    await settle(app, pilot)
    form = app.screen.query_one("#form-fields")
    form.scroll_to_widget(app.screen.query_one("#f-actions"), animate=False, top=True)
    await settle(app, pilot)
    shots = [Path(app.save_screenshot("interventions-form.svg", path=str(out_dir)))]
    await pilot.press("escape")
    await settle(app, pilot)
    await pilot.press("down", "down", "h")  # the request amended after its review
    await settle(app, pilot)
    shots.append(Path(app.save_screenshot("interventions-history.svg", path=str(out_dir))))
    await pilot.press("escape")
    await settle(app, pilot)
    return shots


async def take_screenshots(db_path: Path, out_dir: Path) -> list[Path]:
    """One SVG per section (in navigation order) and one of the help screen."""
    written: list[Path] = []
    app = SroApp(db_path, title_note="DEMO")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        for number, section in enumerate(SECTIONS, start=1):
            await pilot.press(section.key)
            await settle(app, pilot)
            written.append(
                Path(app.save_screenshot(f"{number:02d}-{section.id}.svg", path=str(out_dir)))
            )
        written.append(await checkin_in_progress(app, pilot, out_dir))
        written += await intervention_screens(app, pilot, out_dir)
        await pilot.press(HELP_KEY)
        await settle(app, pilot)
        written.append(Path(app.save_screenshot("99-help.svg", path=str(out_dir))))
    return written


def main(argv: list[str]) -> int:
    out_dir = Path(argv[0]) if argv else Path(__file__).resolve().parent.parent / "screenshots"
    out_dir.mkdir(parents=True, exist_ok=True)
    with (
        time_machine.travel(DEMO_MOMENT, tick=True),
        tempfile.TemporaryDirectory(prefix="sro-tui-shots-") as work,
    ):
        db_path = Path(work) / "demo.sqlite3"
        write_demo_school(db_path)
        for path in asyncio.run(take_screenshots(db_path, out_dir)):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
