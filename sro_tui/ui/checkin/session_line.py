"""The check-in screen's top line: which session this is, when and where, in the words that fit.

One row, beside the session's count: at 120 columns the whole date is written out ("Saturday 28
November 2026"); on a narrower terminal the line is shortened from the least needed word up
(the weekday's and month's full names, then "year"), so the day and month are never the part
cut off.
"""

from __future__ import annotations

from datetime import date

from rich.markup import escape
from rich.text import Text
from textual import events
from textual.widgets import Static

# The date as written, longest first.
DATE_FORMS = ("%A %d %B %Y", "%a %d %b %Y", "%d %b %Y", "%d %b")


def session_lines(title: str, held_on: date, place: str, year: str) -> list[str]:
    """The line's forms (markup), longest first: the first that fits is shown."""
    head = f"[b]{escape(title)}[/b]"
    where = f" · {escape(place)}" if place else ""
    lines = [f"{head} · {held_on:{form}}{where} · year {year}" for form in DATE_FORMS]
    lines += [f"{head} · {held_on:{form}}{where} · {year}" for form in DATE_FORMS[2:]]
    return [*lines, f"{head} · {held_on:%d %b}{where}"]  # the year is on the dashboard


class SessionLine(Static):
    """A one-row Static showing the longest of its forms that fits its width."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__("", id=id)
        self._forms: list[str] = []

    def show(self, forms: list[str]) -> None:
        """Show the first of `forms` (markup, longest first) that fits; the last when none does."""
        self._forms = forms
        self._fit()

    def on_resize(self, event: events.Resize) -> None:
        self._fit()

    def _fit(self) -> None:
        if not self._forms:
            return
        width = self.content_size.width
        if not width:  # before its first layout: the longest, fitted once it has a size
            self.update(self._forms[0])
            return
        fitting = (f for f in self._forms if Text.from_markup(f).cell_len <= width)
        self.update(next(fitting, self._forms[-1]))
