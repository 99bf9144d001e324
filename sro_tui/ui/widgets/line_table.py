"""A table that builds only the rows on screen (Toolong's way, with Textual's Line API).

`DataTable` keeps a styled copy of every row: filling it with 50,000 households takes seconds and
hundreds of MB, and a filter change fills it again. `LineTable` holds no rows at all: it is told
how many rows there are and given a function that returns the cells of row `i`, and asks for a
row only when it draws it. A filter change is a new count and a new function: nothing is built
until it is on screen.

It looks and moves like a row-cursor `DataTable` (the same theme classes, zebra stripes, header,
up/down/page/home/end, a click picks a row) and posts `RowHighlighted` and `RowSelected`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from sro_tui.ui.widgets.fit_table import cells_wide, clip

Cells = Sequence[str | Text]


class LineTable(ScrollView, can_focus=True):
    """Rows drawn on demand from `row_at(i)`; one header line; a row cursor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Select", show=False, id="table.select"),
        Binding("up", "cursor_up", "Cursor up", show=False, id="table.up"),
        Binding("down", "cursor_down", "Cursor down", show=False, id="table.down"),
        Binding("pageup", "page_up", "Page up", show=False, id="table.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="table.page_down"),
        Binding("home,ctrl+home", "first_row", "First row", show=False, id="table.first"),
        Binding("end,ctrl+end", "last_row", "Last row", show=False, id="table.last"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "datatable--header",
        "datatable--cursor",
        "datatable--even-row",
        "datatable--odd-row",
    }
    # The look of a focused row-cursor DataTable (the same theme variables).
    DEFAULT_CSS = """
    LineTable {
        background: $surface;
        color: $foreground;
        height: 1fr;
        overflow-x: hidden;  /* the columns are fitted to the width: nothing to scroll to */
        &:focus {
            background-tint: $foreground 5%;
            & > .datatable--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .datatable--header { background-tint: $foreground 5%; }
        }
        &:dark > .datatable--even-row { background: $surface-darken-1 40%; }
        & > .datatable--header { text-style: bold; background: $panel; color: $foreground; }
        &:ansi > .datatable--header { background: ansi_bright_blue; color: ansi_default; }
        & > .datatable--even-row { background: $surface-lighten-1 50%; }
        & > .datatable--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    class RowHighlighted(Message):
        """The cursor is on another row (or the rows changed under it)."""

        def __init__(self, table: LineTable, cursor_row: int) -> None:
            super().__init__()
            self.table = table
            self.cursor_row = cursor_row

        @property
        def control(self) -> LineTable:
            return self.table

    class RowSelected(RowHighlighted):
        """Enter (or a click) on a row."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.labels: list[str] = []
        self.widths: list[int] = []
        self.cell_padding = 1
        self.row_count = 0
        self._row_at: Callable[[int], Cells] = lambda i: ()
        self.cursor_row = 0
        # While the rows load, the screen may keep cursor keys to apply once they are in
        # (`hold(action)` returns True when it kept it): no key pressed meanwhile is lost.
        self.hold: Callable[[Callable[[], None]], bool] | None = None

    # --- what to show ---------------------------------------------------------------------------

    def set_columns(self, labels: Sequence[str], widths: Sequence[int]) -> None:
        """Column headings and their widths in cells (padding not included)."""
        self.labels, self.widths = list(labels), list(widths)
        self._resized()

    def set_rows(self, count: int, row_at: Callable[[int], Cells]) -> None:
        """`count` rows, row `i` being `row_at(i)`; the cursor stays on the same row number."""
        self.row_count, self._row_at = count, row_at
        self._resized()
        self.move_cursor(row=self.cursor_row, always=True)

    def get_row_at(self, row: int) -> Cells:
        """The cells of row `row` (as DataTable names it)."""
        if not 0 <= row < self.row_count:
            raise IndexError(row)
        return self._row_at(row)

    def refresh_row(self, row: int) -> None:
        """Draw row `row` again (its cells changed)."""
        self.refresh_line(row - int(self.scroll_y) + 1)

    @property
    def row_width(self) -> int:
        return sum(w + 2 * self.cell_padding for w in self.widths)

    def _resized(self) -> None:
        size = Size(self.row_width, self.row_count + 1)  # + the header
        if size == self.virtual_size:
            self.refresh()
            return
        # A new row count changes nothing around the table (its own height is set by the
        # screen) unless its scrollbar comes or goes: only then is the screen laid out again
        # (a search keystroke would otherwise lay out every widget of the screen).
        scrollbar = self.show_vertical_scrollbar
        if self.is_mounted and self.size.height:
            self.set_reactive(ScrollView.virtual_size, size)
            self._refresh_scrollbars()
            if self.show_vertical_scrollbar == scrollbar:
                self._scroll_update(size)
                self.refresh()
                return
        self.virtual_size = size
        self.refresh(layout=True)

    # --- the cursor -----------------------------------------------------------------------------

    def move_cursor(self, *, row: int, always: bool = False) -> None:
        """Put the cursor on `row` (kept within the rows) and scroll it into view."""
        row = max(0, min(row, self.row_count - 1))
        before, top = self.cursor_row, int(self.scroll_y)
        moved = row != before
        self.cursor_row = row
        self._scroll_cursor_into_view()
        if always or int(self.scroll_y) != top:
            self.refresh()
        elif moved:  # only the two rows whose look changed are drawn again
            self.refresh_row(before)
            self.refresh_row(row)
        if moved or always:
            self.post_message(self.RowHighlighted(self, row))

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _scroll_cursor_into_view(self) -> None:
        top, page = int(self.scroll_y), self._page()
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + page:
            self.scroll_to(y=self.cursor_row - page + 1, animate=False, immediate=True)

    def action_cursor_up(self) -> None:
        if not self._held(self.action_cursor_up):
            self.move_cursor(row=self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        if not self._held(self.action_cursor_down):
            self.move_cursor(row=self.cursor_row + 1)

    def action_page_up(self) -> None:
        if not self._held(self.action_page_up):
            self.move_cursor(row=self.cursor_row - self._page())

    def action_page_down(self) -> None:
        if not self._held(self.action_page_down):
            self.move_cursor(row=self.cursor_row + self._page())

    def action_first_row(self) -> None:
        if not self._held(self.action_first_row):
            self.move_cursor(row=0)

    def action_last_row(self) -> None:
        if not self._held(self.action_last_row):
            self.move_cursor(row=self.row_count - 1)

    def _held(self, action: Callable[[], None]) -> bool:
        return self.hold is not None and self.hold(action)

    def action_select_cursor(self) -> None:
        if self._held(self.action_select_cursor):
            return
        if self.row_count:
            self.post_message(self.RowSelected(self, self.cursor_row))

    def on_click(self, event: events.Click) -> None:
        y = event.y - self.scrollable_content_region.y + self.region.y
        if y >= 1:  # not the header
            self.move_cursor(row=int(self.scroll_y) + y - 1)
            if event.chain > 1:
                self.action_select_cursor()

    def on_resize(self) -> None:
        self._scroll_cursor_into_view()

    # --- drawing --------------------------------------------------------------------------------

    def _cells(self, cells: Cells, style: Style) -> list[Segment]:
        pad = " " * self.cell_padding
        segments = []
        for value, width in zip(cells, self.widths, strict=False):
            fitted = clip(value, width)
            if isinstance(fitted, Text):
                text = fitted.copy()
                text.pad_right(width - text.cell_len)
                segments.append(Segment(pad, style))
                segments.extend(
                    Segment(s.text, style + s.style if s.style else style)
                    for s in text.render(self.app.console)
                )
                segments.append(Segment(pad, style))
            else:
                segments.append(
                    Segment(f"{pad}{fitted}{' ' * (width - cells_wide(fitted))}{pad}", style)
                )
        return segments

    def render_line(self, y: int) -> Strip:
        scroll_y = self.scroll_offset.y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            style = base + self.get_component_rich_style("datatable--header")
            segments = self._cells(self.labels, style)
        else:
            row = scroll_y + y - 1
            if row >= self.row_count:
                return Strip.blank(width, base)
            if row == self.cursor_row:
                name = "datatable--cursor"
            else:
                name = "datatable--even-row" if row % 2 == 0 else "datatable--odd-row"
            style = base + self.get_component_rich_style(name)
            segments = self._cells(self._row_at(row), style)
        return Strip(segments, self.row_width).extend_cell_length(width, style).crop(0, width)
