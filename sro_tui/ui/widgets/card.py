"""A dashboard card: its content, and the widget that draws it (text and a bar drawn as text).

Each section that reports on the dashboard builds a `CardContent` in its own `card.py`; the
registry of cards is `ui.dashboard.cards`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.style import Style
from rich.text import Text
from textual.color import Color
from textual.widget import Widget


@dataclass(frozen=True)
class CardContent:
    lines: list[str]
    progress: tuple[int, int] | None = None  # (done, total), drawn as a bar
    hint: str = ""  # what to do next, shown in the accent colour
    warning: bool = False  # the school owes something here


@dataclass(frozen=True)
class DashboardCard:
    id: str
    title: str
    build: Callable[[dict[str, Any]], CardContent | None] = field(repr=False)


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


class CardView(Widget):
    """One card on the dashboard: a bordered block of text, redrawn by `show(content)`.

    One widget per card (no child Statics or ProgressBar): the dashboard is the first screen,
    and every widget mounted there is start-up time. For the same reason its hint and bar take
    their colours from the theme's variables, not from component classes (each one styled like
    a widget of its own: three more per card to style as the dashboard starts).
    """

    DEFAULT_CSS = """
    CardView { height: auto; border: round $primary; padding: 0 1; }
    CardView.-warning { border: round $warning; }
    """
    HINT_COLOR = "accent"
    BAR_DONE_COLOR = "primary"
    BAR_COMPLETE_COLOR = "success"  # every household notified, say
    BAR_REST_COLOR = "surface-lighten-2"

    def __init__(self, card: DashboardCard):
        super().__init__(id=f"card-{card.id}")
        self.card = card
        self.border_title = card.title
        self.card_content: CardContent | None = None

    def show(self, content: CardContent) -> None:
        self.card_content = content
        self.set_class(content.warning, "-warning")
        self.refresh(layout=True)

    @property
    def text(self) -> str:
        """The card's words as a person reads them (lines, then the hint), without the bar."""
        content = self.card_content
        if content is None:
            return ""
        return "\n".join([*content.lines, *([content.hint] if content.hint else [])])

    def render(self) -> RenderableType:
        content = self.card_content
        if content is None:
            return ""
        parts: list[RenderableType] = [Text("\n".join(content.lines))]
        if content.hint:
            parts.append(Text(content.hint, style=self._theme_style(self.HINT_COLOR)))
        if content.progress is not None:
            done, total = content.progress
            done_color = self.BAR_COMPLETE_COLOR if done >= total else self.BAR_DONE_COLOR
            parts.append(Text(""))
            parts.append(
                CardBar(
                    done,
                    total,
                    self._theme_style(done_color),
                    self._theme_style(self.BAR_REST_COLOR),
                )
            )
        return Group(*parts)

    def _theme_style(self, variable: str) -> Style:
        """The card's own style (its background) in the colour of a theme variable: what a
        `color: $variable` rule gives a component class."""
        color = Color.parse(self.app.theme_variables[variable])
        return self.rich_style + Style(color=color.rich_color)
