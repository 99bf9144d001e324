"""The roster's search box: a keystroke redraws the box, it does not lay out the screen.

Textual's `Input` keeps the width of its text as its virtual size, a reactive that asks for a
layout of the whole screen whenever it changes: on every letter typed. The roster's box has a
fixed size (its height and width are set by the stylesheet, not by its text), so nothing around
it can move: the new virtual size only sets how far the box may scroll sideways (read from it
directly, `Widget.max_scroll_x`), and the box is redrawn without the layout. On the roster (a
header, the results, the detail pane, a footer of keys) that layout was most of a keystroke's
first frame (`benchmarks/bench_roster_keys.py`, phase "layout").

Private Textual API (pinned to 8.2.*): `Input._watch_value` is wrapped (called as before), to
know that a refresh comes from the text changing.
"""

from __future__ import annotations

from textual.geometry import Region

from sro_tui.ui.widgets.text_box import TextBox


class SearchBox(TextBox):
    """A `TextBox` of fixed size that is not laid out again as its text changes."""

    _typing = False

    def _watch_value(self, value: str) -> None:
        self._typing = True
        try:
            super()._watch_value(value)
        finally:
            self._typing = False

    def refresh(
        self,
        *regions: Region,
        repaint: bool = True,
        layout: bool = False,
        recompose: bool = False,
    ) -> SearchBox:
        if self._typing and layout and not self.styles.auto_dimensions:
            layout = False  # only the text's width changed: the box keeps its size
        super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)
        return self
