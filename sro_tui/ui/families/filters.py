"""The Families screen's filters: Textual's `Select`, lighter to build and to change.

A `Select` shows its value in a row of three `Static`s (the label and two arrows, one hidden),
and relabelling it (every filter change) lays out the whole screen again: a `Static`'s text may
take another number of lines. Three filters were 18 widgets to build, style and lay out at the
screen's first open, and each filter change cost a layout of every widget on the screen.

`FilterSelect` is a `Select` (the same keys, choices, messages and values; Textual's code opens
and closes its list) whose current value is one widget that draws its line itself: one line
whatever the label (a long one ends in "…"), so a new value is drawn again, never laid out. Its
list of choices (an `OptionList`, hidden until opened) is built when it is first opened, and
filled again when next opened after the choices change: three lists to build and style made a
tenth of the screen's first open, and filling one lays out the screen, which the languages and
grades arriving after the rows would otherwise cost while nothing on screen changes. It tells
its screen of a new value as the value changes (`chosen`), so the screen's list changes in the
same frame as the filter's label.

Textual is pinned to 8.2: this leans on `Select`'s private `_setup_options_renderables`,
`_watch_value`, `_watch_prompt`, `_watch_expanded`, `_options` and `_type_to_search`, and on
`SelectCurrent` and `SelectOverlay` from `textual.widgets._select`.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import RenderableType
from textual.app import ComposeResult
from textual.content import Content
from textual.css.query import NoMatches
from textual.widgets import Select
from textual.widgets._select import NoSelection, SelectCurrent, SelectOverlay

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
    """`Select` whose current value is one self-drawn line, and whose list of choices is built
    when it is first opened (see the module's docstring)."""

    _list_filled = False  # the list holds the current choices
    # Called as the value changes, before the label's frame is drawn (see `_watch_value`).
    chosen: Callable[[], object] | None = None

    def compose(self) -> ComposeResult:
        yield FilterCurrent(self.prompt)  # the list (SelectOverlay) is mounted when opened

    def _list(self) -> SelectOverlay:
        """The list of choices, mounted (hidden) on first use and filled with the choices."""
        try:
            overlay = self.query_one(SelectOverlay)
        except NoMatches:
            overlay = SelectOverlay(type_to_search=self._type_to_search)
            overlay.compact = self.compact
            self.mount(overlay)
        if not self._list_filled:
            self._list_filled = True
            super()._setup_options_renderables()
        return overlay

    def _setup_options_renderables(self) -> None:
        # New choices: the list is filled when next opened. Filled now, it would lay out the
        # screen and draw a frame for a list nobody sees.
        self._list_filled = False
        if self.expanded:
            self._list()

    def _watch_value(self, value: str | NoSelection) -> None:
        # Select's, without its list when the list is not built yet.
        self._value = value
        try:
            current = self.query_one(FilterCurrent)
        except NoMatches:
            return
        label: object = self.NULL
        for index, (prompt, option) in enumerate(self._options):
            if value != self.NULL and option == value:
                label = prompt
                if self._list_filled:
                    self._list().highlighted = index
                break
        current.update(label)
        if self.chosen is not None and self.is_mounted:
            # The screen follows now, in this turn: its list is drawn in the label's frame. A
            # Changed message is handled after that frame is drawn, and the list came a frame
            # (~17 ms at Textual's 60 a second) after the label.
            self.chosen()
        self.post_message(self.Changed(self, value))

    def _watch_prompt(self, prompt: str) -> None:
        if self._list_filled:
            super()._watch_prompt(prompt)
        elif self.is_mounted:  # the list takes the new prompt when it is filled
            current = self.query_one(FilterCurrent)
            current.placeholder = prompt
            if self.value == self.NULL:
                current.update(self.NULL)

    def _watch_expanded(self, expanded: bool) -> None:
        if expanded:
            self._list()  # before Textual's code highlights the chosen value in it
        super()._watch_expanded(expanded)
        for current in self.query_children(FilterCurrent):
            current.refresh()  # the arrow turns

    def action_show_overlay(self) -> None:
        self._list()
        super().action_show_overlay()
