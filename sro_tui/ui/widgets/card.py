"""The dashboard's cards: a card's content, and the one widget that draws them all (text, and a
bar drawn as text).

Each section that reports on the dashboard builds a `CardContent` in its own `card.py`; the
registry of cards is `ui.dashboard.cards`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.color import Color
from textual.widget import Widget


class CardContent(NamedTuple):
    lines: list[str]
    progress: tuple[int, int] | None = None  # (done, total), drawn as a bar
    hint: str = ""  # what to do next, shown in the accent colour
    warning: bool = False  # the school owes something here


class DashboardCard(NamedTuple):
    id: str
    title: str
    build: Callable[[dict[str, Any]], CardContent | None]


class CardBar:
    """A progress bar drawn as text, as wide as the card allows (at most 32 cells) and a
    percentage: one line of a card's text instead of three more widgets to mount and style."""

    MAX_WIDTH = 32

    def __init__(self, done: int, total: int, done_style: Style, rest_style: Style):
        self.done, self.total = done, max(total, 1)
        self.done_style, self.rest_style = done_style, rest_style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        share = min(max(self.done / self.total, 0.0), 1.0)
        label = f" {round(share * 100):>3}%"
        width = max(min(options.max_width - len(label), self.MAX_WIDTH), 1)
        filled = round(width * share)
        yield Text.assemble(
            ("━" * filled, self.done_style), ("━" * (width - filled), self.rest_style), label
        )


class CardsView(Widget):
    """Every card of the dashboard, drawn by one widget: in two columns, each a block of text in
    a rounded border with its title, as a grid of one widget per card drew them.

    One widget instead of a grid of ten (and a child per line of text or bar before that): the
    dashboard is the first screen, and every widget on it is start-up time to compose, style,
    lay out and draw, and again whenever the counts change. The hint and bar take their colours
    from the theme's variables. A card whose content is None once the counts are read is left
    out (the cards after it move up), as a hidden widget was.
    """

    DEFAULT_CSS = """
    CardsView { height: auto; padding: 1 2; }
    """
    BORDER_COLOR = "primary"
    WARNING_COLOR = "warning"  # the school owes something here
    HINT_COLOR = "accent"
    BAR_DONE_COLOR = "primary"
    BAR_COMPLETE_COLOR = "success"  # every household notified, say
    BAR_REST_COLOR = "surface-lighten-2"
    COLUMNS = 2
    GUTTER = (1, 2)  # rows between cards, columns between the two columns

    def __init__(self, cards: list[DashboardCard], *, id: str | None = None):
        super().__init__(id=id)
        self.cards = cards
        # Before the counts are read every card is drawn empty (None: not read yet).
        self.contents: dict[str, CardContent | None] = {card.id: None for card in cards}
        self._read = False
        # The last lines drawn, with what they were drawn from: Textual asks for them twice when
        # the counts arrive (the height, then the picture).
        self._drawn: tuple[tuple, list[list[Segment]]] | None = None

    def show(self, contents: dict[str, CardContent | None]) -> None:
        """Draw each card's new content (by card id); a card given None is left out."""
        self.contents = {card.id: contents.get(card.id) for card in self.cards}
        self._read = True
        self._drawn = None
        self.refresh(layout=True)

    def shown(self) -> list[DashboardCard]:
        """The cards on screen, in order."""
        if not self._read:
            return list(self.cards)
        return [card for card in self.cards if self.contents[card.id] is not None]

    def text(self, card_id: str) -> str:
        """A card's words as a person reads them (lines, then the hint), without the bar."""
        content = self.contents.get(card_id)
        if content is None:
            return ""
        return "\n".join([*content.lines, *([content.hint] if content.hint else [])])

    def drawn(self, card_id: str) -> str:
        """A card as drawn at the current width, border and all, one line per row."""
        card = self._by_id(card_id)
        shown = self.shown()
        column = shown.index(card) % self.COLUMNS if card in shown else 0
        width = self._column_widths(self.content_size.width)[column]
        lines = self._card_lines(card, width, self._styles())
        return "\n".join("".join(s.text for s in line).rstrip() for line in lines)

    def render(self) -> RenderableType:
        return _Drawn(self)

    # --- drawing ---------------------------------------------------------------------------

    def _by_id(self, card_id: str) -> DashboardCard:
        return next(card for card in self.cards if card.id == card_id)

    def _column_widths(self, width: int) -> list[int]:
        # As Textual's grid shares `1fr` columns: the left one rounded down, the right the rest.
        left = max((width - self.GUTTER[1]) // 2, 0)
        return [left, max(width - self.GUTTER[1] - left, 0)]

    def _styles(self) -> dict[str, Style]:
        base = self.rich_style
        return {
            name: base + Style(color=Color.parse(self.app.theme_variables[name]).rich_color)
            for name in {
                self.BORDER_COLOR,
                self.WARNING_COLOR,
                self.HINT_COLOR,
                self.BAR_DONE_COLOR,
                self.BAR_COMPLETE_COLOR,
                self.BAR_REST_COLOR,
            }
        } | {"": base, "blank": Style(bgcolor=base.bgcolor, bold=False)}

    def _card_lines(
        self, card: DashboardCard, width: int, styles: dict[str, Style]
    ) -> list[list[Segment]]:
        """One card, `width` cells wide: its border with the title, and its padded text."""
        content = self.contents.get(card.id)
        blank = styles["blank"]
        edge = styles[self.WARNING_COLOR if content and content.warning else self.BORDER_COLOR]
        inner = max(width - 4, 1)  # the border and one cell of padding on each side
        title = f" {card.title} "
        if len(card.title) > width - 6:  # cut as Textual cuts a border title: "prese… ─╮"
            title = f" {card.title[: width - 7]}… " if width > 7 else ""
        top = [
            Segment("╭─", edge),
            Segment(title, edge),
            Segment("─" * max(width - 3 - len(title), 0) + "╮", edge),
        ]
        lines = [top]
        if content is None:  # not read yet: one empty line, as an empty widget is drawn
            lines.append(
                [Segment("│", edge), Segment(" " * (width - 2), blank), Segment("│", edge)]
            )
        else:
            for words in self._body(content, styles, inner):
                # The padding and the rest of the line in the background alone (no colour of
                # text), as Textual draws a widget's padding.
                rest = Segment(" " * (inner - Segment.get_line_length(words) + 1), blank)
                lines.append([Segment("│", edge), Segment(" ", blank), *words, rest])
                lines[-1].append(Segment("│", edge))
        lines.append([Segment("╰" + "─" * max(width - 2, 0) + "╯", edge)])
        return lines

    def _body(
        self, content: CardContent, styles: dict[str, Style], inner: int
    ) -> list[list[Segment]]:
        """The card's text, hint and bar as lines of segments at most `inner` cells wide: what
        Rich draws of them (wrapped at word boundaries), drawn here directly when a line fits,
        which is nearly always (Rich's layout of ten cards was a tenth of the first frame)."""
        base = styles[""]
        texts = [(line, base) for line in content.lines]
        if content.hint:
            texts.append((content.hint, styles[self.HINT_COLOR]))
        out: list[list[Segment]] = []
        for text, style in texts:
            if text.isprintable() and cell_len(text) <= inner:  # no control codes, no wrap
                out.append([Segment(text, base + style)])
            else:
                out.extend(self._rich_lines(Text(text, style=style), inner, base))
        if content.progress is not None:
            done, total = content.progress
            done_color = self.BAR_COMPLETE_COLOR if done >= total else self.BAR_DONE_COLOR
            out.append([Segment("", base)])
            bar = CardBar(done, total, styles[done_color], styles[self.BAR_REST_COLOR])
            out.extend(self._rich_lines(bar, inner, base))
        return out

    def _rich_lines(self, what: RenderableType, inner: int, base: Style) -> list[list[Segment]]:
        console = self.app.console
        options = console.options.update(width=inner, height=None)
        return console.render_lines(what, options, style=base, pad=False)

    def lines(self, width: int) -> list[list[Segment]]:
        """Every shown card, two to a row, as lines of segments `width` cells wide."""
        styles = self._styles()
        drawn_from = (width, tuple(styles.items()))
        if self._drawn is not None and self._drawn[0] == drawn_from:
            return self._drawn[1]
        blank = styles["blank"]
        widths = self._column_widths(width)
        shown = self.shown()
        out: list[list[Segment]] = []
        for first in range(0, len(shown), self.COLUMNS):
            row = [
                self._card_lines(card, column, styles)
                for card, column in zip(shown[first : first + self.COLUMNS], widths, strict=False)
            ]
            if first:
                out.extend([[Segment(" " * width, blank)]] * self.GUTTER[0])
            for y in range(max(len(card) for card in row)):
                line: list[Segment] = []
                for index, card in enumerate(row):
                    if index:
                        line.append(Segment(" " * self.GUTTER[1], blank))
                    line.extend(card[y] if y < len(card) else [Segment(" " * widths[index], blank)])
                out.append(line)
        self._drawn = (drawn_from, out)
        return out


class _Drawn:
    """The cards as a Rich renderable, as wide as Textual gives."""

    def __init__(self, view: CardsView):
        self.view = view

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in self.view.lines(options.max_width):
            yield from line
            yield Segment.line()
