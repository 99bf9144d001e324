"""The screens' header, drawn by one widget: Textual's `Header`, same look, and the program's long
name left out when the terminal is narrow.

Textual's header is a widget holding three (the icon, the title, the clock's space), each
composed, styled, laid out and drawn; on the dashboard, the first screen, that is first-frame
time. This one draws the same cells as one widget: the icon in the first eight cells (pointed at,
its background lightens and its tooltip shows; clicked, it opens the command palette), the
title and sub-title centred, cut with an ellipsis, and the clock's ten empty cells on the right;
a click elsewhere makes the header three rows tall, or one again, as Textual's does.
`tests/ui/test_title_header.py` checks it cell by cell against Textual's header.

The title is written only when its words change (Textual's header sets it once for each of the
four names it watches as it is mounted, each a new layout). Under `NARROW_COLUMNS` an app with a
`SHORT_TITLE` is named by it, so the school and its year fit: "sro-tui — Port Townsend High
School · school year 2026-27" instead of the program's full name with the school cut off.

The title's cells are drawn as Textual draws a Static's content (`Visual.to_strips`: centred,
no wrap, cut with an ellipsis) over the cells between the icon and the clock's space (Textual
pinned to 8.2).
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.color import Color
from textual.content import Content
from textual.dom import NoScreen
from textual.strip import Strip
from textual.visual import Visual
from textual.widget import Widget

NARROW_COLUMNS = 100


class TitleHeader(Widget):
    """The app's header: the icon, the screen's title and sub-title, the clock's space."""

    DEFAULT_CSS = """
    TitleHeader {
        dock: top;
        width: 100%;
        background: $panel;
        color: $foreground;
        height: 1;
        /* the title's, as Textual's HeaderTitle */
        text-wrap: nowrap;
        text-overflow: ellipsis;
        content-align: center middle;
    }
    TitleHeader.-tall {
        height: 3;
    }
    """

    ICON = "⭘"
    ICON_WIDTH = 8  # Textual's HeaderIcon: 8 cells, one of padding each side
    CLOCK_WIDTH = 10  # HeaderClockSpace: the clock's cells, empty
    ICON_HOVER = 0.1  # HeaderIcon:hover: the foreground at 10% over the header's background

    def __init__(self) -> None:
        super().__init__()
        self._title = Content("")
        self._hover = False
        self._drawn: tuple[tuple, list[Strip]] | None = None

    # --- the title ---------------------------------------------------------------------------

    @property
    def screen_title(self) -> str:
        title = self.screen.title
        return title if title is not None else self.app.title

    @property
    def screen_sub_title(self) -> str:
        sub_title = self.screen.sub_title
        return sub_title if sub_title is not None else self.app.sub_title

    def format_title(self) -> Content:
        title = self.screen_title
        short = getattr(self.app, "SHORT_TITLE", None)  # the app's name in a word, if it has one
        if short and self.app.size.width < NARROW_COLUMNS and title == self.app.title:
            title = short
        return self.app.format_title(title, self.screen_sub_title)

    def _on_mount(self, event: events.Mount) -> None:
        for node, name in (
            (self.app, "title"),
            (self.app, "sub_title"),
            (self.screen, "title"),
            (self.screen, "sub_title"),
        ):
            self.watch(node, name, self.show_title)

    def on_resize(self, event: events.Resize) -> None:
        self.show_title()  # the short or the long name

    def show_title(self) -> None:
        """Write the title when its words differ from those on screen."""
        try:
            title = self.format_title()
        except NoScreen:
            return
        if title != self._title:
            self._title = title
            self._drawn = None
            self.refresh()

    @property
    def title_text(self) -> str:
        """The title and sub-title as shown (before any cut for the width)."""
        return self._title.plain

    # --- drawing -----------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width, height = self.size
        return self._lines(width, height)[y] if y < height else Strip.blank(width)

    def _lines(self, width: int, height: int) -> list[Strip]:
        style = self.visual_style
        drawn_from = (width, height, self._title, self._hover, style)
        if self._drawn is not None and self._drawn[0] == drawn_from:
            return self._drawn[1]
        base = style.rich_style
        background = base.bgcolor
        blank = Style.from_color(None, background)
        icon_style, icon_blank = base, blank
        if self._hover:
            over = Color.parse(self.app.theme_variables["foreground"]).multiply_alpha(
                self.ICON_HOVER
            )
            lit = (self.background_colors[1] + over).rich_color
            icon_style, icon_blank = base + Style(bgcolor=lit), Style.from_color(None, lit)
        # The title widget: one row (the top one of a tall header), between the icon and the
        # clock's space; below it, the header's own background.
        shown = max(width - self.ICON_WIDTH - self.CLOCK_WIDTH, 0)
        title = Visual.to_strips(self, self._title, shown, 1, style) if shown else []
        # The icon, padded one cell each side, in the middle row of its column.
        middle = (height - 1) // 2
        inner = self.ICON_WIDTH - 2
        lines: list[Strip] = []
        for row in range(height):
            glyph = [Segment(self.ICON, icon_style)] if row == middle else []
            icon = [
                Segment(" ", icon_blank),
                *glyph,
                Segment(" " * (inner - len(glyph)), icon_style),
                Segment(" ", icon_blank),
            ]
            words = list(title[0]) if row == 0 and title else [Segment(" " * shown, blank)]
            # The clock's space: its one (empty) line, then rows of the header's colours.
            clock_width = max(width - self.ICON_WIDTH - shown, 0)
            if row == 0 or clock_width < 2:
                clock = [Segment(" " * clock_width, blank)]
            else:
                clock = [
                    Segment(" ", blank),
                    Segment(" " * (clock_width - 2), base),
                    Segment(" ", blank),
                ]
            line = Strip([*icon, *words, *clock]).crop(0, width)
            lines.append(line)
        self._drawn = (drawn_from, lines)
        return lines

    # --- the mouse ---------------------------------------------------------------------------

    def _set_hover(self, hover: bool) -> None:
        hover = hover and self.app.ENABLE_COMMAND_PALETTE
        if hover == self._hover:
            return
        self._hover = hover
        self.tooltip = "Open the command palette" if hover else None
        self.refresh()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._set_hover(event.x < self.ICON_WIDTH)

    def on_leave(self, event: events.Leave) -> None:
        self._set_hover(False)

    async def on_click(self, event: events.Click) -> None:
        if event.x < self.ICON_WIDTH and self.app.ENABLE_COMMAND_PALETTE:
            event.stop()
            await self.run_action("app.command_palette")
        else:
            self.toggle_class("-tall")
