"""Fit a DataTable's columns to the room it has: each column as wide as its longest cell, and
when that is wider than the table, the columns allowed to give way shrink (longest first) and their
cut cells end in "…", so a cut name is seen as cut instead of read as a different name."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.widgets import DataTable

ELLIPSIS = "…"


@dataclass(frozen=True)
class FitColumn:
    label: str
    key: str
    min_width: int = 0  # 0: never shrinks; otherwise it may shrink down to this many cells
    max_width: int = 60
    keep: int = 0  # columns with a higher `keep` give way only once the others are at minimum


def fit_widths(columns: Sequence[FitColumn], rows: Sequence[Sequence[str]], room: int) -> list[int]:
    """Cells of each column (padding not included) so that the table fits `room` cells of
    content, as far as the columns' minimums allow."""
    longest = [max((cell_len(str(row[i])) for row in rows), default=0) for i in range(len(columns))]
    return fit_longest(columns, longest, room)


def cells_wide(text: str) -> int:
    """Cells `text` takes on screen (the quick way for plain ASCII, which most names are)."""
    return len(text) if text.isascii() else cell_len(text)


def fit_longest(columns: Sequence[FitColumn], longest: Sequence[int], room: int) -> list[int]:
    """As `fit_widths`, from each column's longest cell (in cells) instead of the rows: for a
    table that measures its rows once and fits them again at every resize."""
    widths = [
        max(1, min(column.max_width, max(cell_len(column.label), wide)))
        for column, wide in zip(columns, longest, strict=True)
    ]
    excess = sum(widths) - room
    while excess > 0:
        # Take one cell from the widest column that may still give way, least kept first.
        candidates = [i for i, c in enumerate(columns) if c.min_width and widths[i] > c.min_width]
        if not candidates:
            break
        least = min(columns[i].keep for i in candidates)
        widest = max((i for i in candidates if columns[i].keep == least), key=lambda i: widths[i])
        widths[widest] -= 1
        excess -= 1
    return widths


def clip(value: object, width: int) -> str | Text:
    """The cell cut to `width` cells, ending in "…" when cut (Text keeps its styles)."""
    if isinstance(value, Text):
        if value.cell_len <= width:
            return value
        cut = value.copy()
        cut.truncate(width, overflow="ellipsis")
        return cut
    text = str(value)
    if cell_len(text) <= width:
        return text
    # set_cell_size cuts at a cell boundary (a wide character that would straddle it is
    # replaced by a space, stripped here).
    return set_cell_size(text, max(width - 1, 0)).rstrip() + ELLIPSIS


def fill_fitted(
    table: DataTable,
    columns: Sequence[FitColumn],
    rows: Sequence[Sequence[object]],
    room: int | None = None,
) -> None:
    """Replace the table's columns and rows with `rows`, fitted to the table's width (or `room`
    cells). The cursor row is kept."""
    cursor = table.cursor_row
    padding = 2 * table.cell_padding * len(columns)
    # The vertical scrollbar takes two cells when the rows overflow (or the height is not known).
    height = table.size.height
    scrollbar = 2 if not height or len(rows) > height - 1 else 0
    if room is None:  # before the first layout the table has no width yet: the screen's then
        room = table.size.width or table.app.size.width
    available = room - padding - scrollbar
    plain = [[c.plain if isinstance(c, Text) else str(c) for c in row] for row in rows]
    widths = fit_widths(columns, plain, max(available, len(columns)))
    table.clear(columns=True)
    for column, width in zip(columns, widths, strict=True):
        table.add_column(column.label, key=column.key, width=width)
    table.add_rows(
        [tuple(clip(cell, w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    )
    if rows:
        table.move_cursor(row=min(max(cursor, 0), len(rows) - 1))
