"""Whether what a screen shows may be out of date, so that coming back to a section re-reads only
when something changed: a commit by any connection (a worker's, another program's) or by the
screen's own, or a while gone by (counts of "this month" and "overdue" move with the clock)."""

from __future__ import annotations

from time import monotonic

from sro_tui.db import change_count

MAX_AGE_SECONDS = 60.0


class Freshness:
    """`mark()` when the data is read (before reading: a change meanwhile makes it stale);
    `stale()` when the screen comes back."""

    def __init__(self, max_age: float = MAX_AGE_SECONDS) -> None:
        self.max_age = max_age
        self._seen: tuple[int, int] | None = None
        self._at = 0.0

    def mark(self) -> None:
        self._seen, self._at = change_count(), monotonic()

    def stale(self) -> bool:
        if self._seen is None or monotonic() - self._at > self.max_age:
            return True
        try:
            return change_count() != self._seen
        except Exception:  # noqa: BLE001 - the database is busy or gone: read again and say so
            return True
