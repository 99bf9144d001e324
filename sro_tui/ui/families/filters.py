"""The Families screen's filters: Textual's `Select`, lighter to build and to change.

A `Select` shows its value in a row of three `Static`s (the label and two arrows, one hidden),
and relabelling it (every filter change) lays out the whole screen again: a `Static`'s text may
take another number of lines. Three filters were 18 widgets to build, style and lay out at the
screen's first open, and each filter change cost a layout of every widget on the screen.

`FilterSelect` is a `Select` (the same keys, choices, messages and values; Textual's code opens
and closes its list) whose current value is one widget that draws its line itself: one line
whatever the label (a long one ends in "…"), so a new value is drawn again, never laid out.
"""

from __future__ import annotations

from rich.console import RenderableType
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Select
from textual.widgets._select import SelectCurrent, SelectOverlay

# Select's own look: the prompt and the arrow dimmed, a chosen value in the text colour.
DIMMED = "$foreground 50%"


class FilterCurrent(SelectCurrent):
    """The chosen value (or the prompt) and the arrow, drawn as one line by this widget."""

    DEFAULT_CSS = """
    FilterCurrent {
        height: 1;
    }
    """

    def compose(self) -> ComposeResult:
        return iter(())  # nothing to build: `render` draws the line

    def update(self, label: RenderableType | object) -> None:
        self.label = label  # type: ignore[assignment]
        self.has_value = label is not Select.NULL
        self.refresh()  # the same size: drawn again, not laid out

    def _watch_has_value(self, has_value: bool) -> None:
        self.refresh()  # the label's colour (no class: nothing to restyle)

    def render(self) -> Content:
        room = max(self.content_size.width - 2, 0)  # the arrow and a space before it
        expanded = isinstance(self.parent, Select) and self.parent.expanded
        if self.label is Select.NULL:
            label = Content.styled(self.placeholder, DIMMED)
        else:
            label = Content(str(self.label))
        label = label.truncate(room, ellipsis=True)
        gap = " " * (room - label.cell_length + 1)
        return Content.assemble(label, gap, ("▲" if expanded else "▼", DIMMED))


class FilterSelect(Select[str]):
    """`Select` whose current value is one self-drawn line (see the module's docstring)."""

    def compose(self) -> ComposeResult:
        yield FilterCurrent(self.prompt)
        yield SelectOverlay(type_to_search=self._type_to_search).data_bind(compact=Select.compact)

    def _watch_expanded(self, expanded: bool) -> None:
        super()._watch_expanded(expanded)
        for current in self.query_children(FilterCurrent):
            current.refresh()  # the arrow turns
