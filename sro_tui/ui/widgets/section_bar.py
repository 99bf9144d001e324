"""The row of sections under the header: every F-key and where you are, on every screen.

The footer keeps the current screen's own keys; listing seven sections there pushed them off the
edge of an 80-120 column terminal.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from sro_tui.ui.navigation import SECTIONS


class SectionBar(Static):
    """`F2 Dashboard  F3 Assembly check-in  …` with the current section highlighted."""

    DEFAULT_CSS = """
    SectionBar {
        height: 1;
        width: 1fr;
        background: $panel;
        color: $text-muted;
        padding: 0 1;
    }
    """

    def __init__(self, current: str = "") -> None:
        super().__init__(id="section-bar")
        self.current = current
        self._shown: Text | None = None

    def show_current(self, section_id: str) -> None:
        self.current = section_id
        self._show()

    def on_mount(self) -> None:
        self._show()

    def on_resize(self) -> None:
        self._show()

    def _show(self) -> None:
        # Only when the words or the highlight change: each update lays the screen out again
        # (three times for the same bar as the first screen starts, otherwise).
        label = self._label(self.content_size.width)
        if label != self._shown:
            self._shown = label
            self.update(label)

    def _label(self, width: int) -> Text:
        """The roomiest layout that fits `width` cells: every F-key stays visible at 80 columns
        (the last layout is used, cut with an ellipsis, only on narrower terminals)."""
        layouts = (
            lambda s: (f" {s.key.upper()} ", f"{s.short_title} ", " "),
            lambda s: (f" {s.key.upper()} ", s.short_title, " "),
            lambda s: (f"{s.key.upper()} ", s.short_title, " "),
            lambda s: (f"{s.key.upper()} ", s.tiny_title, " "),
        )
        text = Text()
        for layout in layouts:
            text = Text(no_wrap=True, overflow="ellipsis")
            for s in SECTIONS:
                key, title, gap = layout(s)
                style = "bold reverse" if s.id == self.current else ""
                text.append(key, style=f"bold {style}".strip())
                text.append(title, style=style)
                text.append(gap)
            text.rstrip()  # no trailing gap: it would count against the width
            if width <= 0 or text.cell_len <= width:
                break
        return text
