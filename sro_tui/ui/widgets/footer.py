"""The footer of a screen's own keys: Textual's `Footer`, composed again only when they change.

Textual's footer builds one widget per key and builds them all again whenever the screen says its
bindings may have changed (the screen shown, a widget focused, a check box ticked): four times
in the first second of the dashboard, each time mounting and styling every key again while the
dashboard's counts wait for the interpreter. This one draws the same keys the same way, from the
first frame, and rebuilds only when the keys shown (their key, words, action, or whether they
are enabled) differ from those on screen.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeysFooter(Footer):
    """`Footer` (same look, same keys) that skips rebuilding identical keys."""

    def __init__(self, *, compact: bool = False) -> None:
        super().__init__(compact=compact)
        self._composed_keys: tuple | None = None

    def _shown_keys(self) -> tuple:
        """What compose draws, as a value to compare: the shown keys and the palette's."""
        palette = self.app.COMMAND_PALETTE_BINDING
        return tuple(
            (key, b.key, b.description, b.action, b.group, b.tooltip, enabled, tooltip)
            for key, (_, b, enabled, tooltip) in self.screen.active_bindings.items()
            if b.show or key == palette
        )

    def compose(self) -> ComposeResult:
        # Textual's footer draws no key until the screen first reports its bindings, then builds
        # them all after the first frame; the screen's keys are known now (focus only adds
        # hidden ones), so they are drawn on the first frame and kept when the report matches.
        self.set_reactive(Footer._bindings_ready, True)
        self._composed_keys = self._shown_keys()
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                # Bound to the footer's `compact` on mount (not the palette's key: it keeps
                # its default, compact); set now, so mounting does not style each key again
                # for it (twice in a footer that is not compact: compact, then not).
                compact = self.compact or widget.has_class("-command-palette")
                widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(compact, "-compact", update=False)
            yield widget

    async def recompose(self) -> None:
        if not self.is_attached or self._pruning:
            return  # its screen was removed meanwhile (a restore): nothing to build, as Textual's
        if self._shown_keys() == self._composed_keys:
            return
        await super().recompose()
