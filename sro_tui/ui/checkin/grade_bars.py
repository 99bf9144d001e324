"""The check-in's "presented this year" bars, one line per grade, drawn by one widget.

The screen used a row of four widgets per grade (a label, Textual's `ProgressBar` — itself a
bar, a percentage and a hidden ETA — and a count): about 60 widgets for a high school, mounted
and styled at each first open (150 ms of CPU, half the check-in's first open). This widget draws
the same cells — the grade in 6 columns, Textual's 32-cell bar in its colours, the percentage
right-aligned in 5, then the count — as lines of text.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.renderables.bar import Bar
from textual.widget import Widget

BAR_WIDTH = 32  # Textual's ProgressBar bar
NAME_WIDTH = 6
PERCENT_WIDTH = 5
COUNT_WIDTH = 10  # with one cell of padding on its left


class GradeBars(Widget):
    """`Gr  9 ━━━━━━━━━━━━╸━━━━━━━━━━━━━━━━━━━  37% 123/331` for each grade."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"bar--bar", "bar--complete"}
    DEFAULT_CSS = """
    GradeBars {
        height: auto;
        &> .bar--bar {
            color: $primary;
            background: $surface;
        }
        &> .bar--complete {
            color: $success;
            background: $surface;
        }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.grades: list[tuple[str, int, int]] = []  # (grade, presented, enrolled)

    def show(self, grades: list[tuple[str, int, int]]) -> None:
        """Draw these grades' bars (laid out again only when the number of grades changes)."""
        if grades != self.grades:
            layout = len(grades) != len(self.grades)
            self.grades = list(grades)
            self.refresh(layout=layout)

    def get_content_height(self, container, viewport, width: int) -> int:  # type: ignore[no-untyped-def]
        return len(self.grades)

    def render(self) -> Text:
        lines = [self._line(*grade) for grade in self.grades]
        return Text("\n", no_wrap=True, overflow="crop").join(lines)

    def _line(self, grade: str, presented: int, enrolled: int) -> Text:
        total = max(enrolled, 1)
        share = min(max(presented / total, 0.0), 1.0)
        colours = self.get_component_rich_style("bar--bar" if share < 1 else "bar--complete")
        bar = Bar(
            highlight_range=(0, BAR_WIDTH * share),
            highlight_style=Style.from_color(colours.color),
            background_style=Style.from_color(colours.bgcolor),
            width=BAR_WIDTH,
        )
        line = Text(no_wrap=True, overflow="crop")
        line.append(f"Gr {grade or '?':>2}"[:NAME_WIDTH].ljust(NAME_WIDTH))
        for part in bar.__rich_console__(self.app.console, self.app.console.options):
            line.append(part)
        line.append(f"{round(share * 100)}%".rjust(PERCENT_WIDTH))
        line.append((" " + f"{presented}/{enrolled}")[:COUNT_WIDTH].ljust(COUNT_WIDTH))
        return line
