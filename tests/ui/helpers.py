"""Small helpers for reading what a person would see on a screen in a Pilot test."""

from __future__ import annotations

from textual.app import App
from textual.widgets import DataTable, Static


def text_of(app: App, selector: str) -> str:
    """The plain text a Static shows (markup removed)."""
    return str(app.screen.query_one(selector, Static).render())


def table_rows(app: App, selector: str = "DataTable") -> list[list[str]]:
    table = app.screen.query_one(selector, DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def wait_for_workers(app: App) -> None:
    """Let running workers (the student index, an import) finish."""
    await app.workers.wait_for_complete()
