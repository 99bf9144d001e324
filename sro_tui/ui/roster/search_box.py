"""The roster's search box: a keystroke redraws the box, it does not lay out the screen.

Textual's `Input` keeps the width of its text as its virtual size, a reactive that asks for a
layout of the whole screen whenever it changes: on every letter typed. The roster's box has a
fixed size (its height and width are set by the stylesheet, not by its text), so nothing around
it can move: the new virtual size only sets how far the box may scroll sideways (read from it
directly, `Widget.max_scroll_x`), and the box is redrawn without the layout. On the roster (a
header, the results, the detail pane, a footer of keys) that layout was most of a keystroke's
first frame (`benchmarks/bench_roster_keys.py`, phase "layout").

The box also calls back with its new text at once (`typed`): the roster then searches and gives
its table the new rows while the key is handled, so that the letter and the results are drawn
in one frame. (The `Input.Changed` message reaches the screen only after the letter's own frame
was drawn: two frames, the first of them the whole screen's, for every key.)

Private Textual API (pinned to 8.2.*): `Input._watch_value` is wrapped (called as before), to
know that a refresh comes from the text changing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.geometry import Region

from sro_tui.ui.widgets.text_box import TextBox


class SearchBox(TextBox):
    """A `TextBox` of fixed size that is not laid out again as its text changes; `typed(text)`
    is called as the text changes, before the key's frame is drawn."""

    _typing = False

    def __init__(self, *args: Any, typed: Callable[[str], None] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.typed = typed

    def _watch_value(self, value: str) -> None:
        self._typing = True
        try:
            super()._watch_value(value)
        finally:
            self._typing = False
        if self.typed is not None:
            self.typed(value)

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
