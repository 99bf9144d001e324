"""Small helpers for reading what a person would see on a screen in a Pilot test."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.app import App
from textual.geometry import Region
from textual.widgets import DataTable, Static

from sro_tui.ui.widgets.line_table import LineTable


def text_of(app: App, selector: str) -> str:
    """The plain text a Static shows (markup removed)."""
    return str(app.screen.query_one(selector, Static).render())


def drawn_text(app: App, selector: str) -> str:
    """The text a widget draws, border and all, one line per row (trailing spaces removed)."""
    widget = app.screen.query_one(selector)
    width, height = widget.outer_size
    strips = widget.render_lines(Region(0, 0, width, height))
    return "\n".join(strip.text.rstrip() for strip in strips)


def table_rows(app: App, selector: str = "DataTable") -> list[list[str]]:
    """Every row's cells, of a DataTable or a LineTable (which draws only what is on screen)."""
    table = app.screen.query_one(selector)
    assert isinstance(table, DataTable | LineTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def wait_for_workers(app: App) -> None:
    """Let running workers (the student index, an import) finish."""
    await app.workers.wait_for_complete()


async def settle(app: App, pilot) -> None:
    """Let the screen draw, its workers finish, and what they bring be drawn."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def shown_within(app: App, pilot, seen, seconds: float = 10.0) -> bool:
    """Whether `seen()` comes true within `seconds` (workers let finish between looks): for what
    a screen shows after a deliberate delay (a detail once the keys pause), so that a busy machine
    waits longer instead of failing."""
    for _ in range(int(seconds / 0.05)):
        await app.workers.wait_for_complete()
        await pilot.pause(0.05)
        if seen():
            return True
    return seen()


def hold_write_lock(database: Path) -> sqlite3.Connection:
    """Another program writing to `database` for as long as the test holds it: roll back and
    close the connection returned to let go."""
    other = sqlite3.connect(database, isolation_level=None, timeout=5)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO setting (key, value) VALUES ('busy-test', 'x')")
    return other
