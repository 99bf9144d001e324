"""The screens' header: Textual's `Header`, with the title written only when its words change,
and the program's long name left out when the terminal is narrow.

Textual's header sets its title once for each of the four names it watches (the app's and the
screen's title and sub-title) as it is mounted: each time the same words, and each time a new
layout of the whole screen, one more frame after a section's first (Textual pinned to 8.2). This
one writes the title when the words differ from those shown. Under `NARROW_COLUMNS` an app with
a `SHORT_TITLE` is named by it, so the school and its year fit: "sro-tui — Port Townsend High
School · school year 2026-27" instead of the program's full name with the school cut off.

Textual internals used (pinned to 8.2): `textual.widgets._header.HeaderTitle` (the title widget
written to), and Header's own mount handler replaced (`prevent_default`), its four watches made
here instead.
"""

from __future__ import annotations

from textual import events
from textual.content import Content
from textual.dom import NoScreen
from textual.widget import Widget
from textual.widgets import Header
from textual.widgets._header import HeaderTitle

NARROW_COLUMNS = 100


class TitleHeader(Header):
    """`Header` (same look) that writes its title only when the words change."""

    _shown: Content | None = None

    def format_title(self) -> Content:
        title = self.screen_title
        short = getattr(self.app, "SHORT_TITLE", None)  # the app's name in a word, if it has one
        if short and self.app.size.width < NARROW_COLUMNS and title == self.app.title:
            title = short
        return self.app.format_title(title, self.screen_sub_title)

    def _on_mount(self, event: events.Mount) -> None:
        # Instead of Header's own (same watches): its handler is not also run.
        event.prevent_default()
        Widget._on_mount(self, event)
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
        if title != self._shown:
            self._shown = title
            self.query_one(HeaderTitle).update(title)
