"""When "the beginning of each school year" (Policy 4311) ends: a module of its own, quick to
import, for the dashboard's counts (`rules` offers the same)."""

from __future__ import annotations

from datetime import date


def beginning_of_year_ends(year_start: date) -> date:
    """The last day that still counts as "the beginning of each school year" (Policy 4311) for a
    school year starting `year_start` (July 1): September 30, the end of the first month of
    instruction. A presentation or notice after it is recorded, and flagged as late."""
    return date(year_start.year, 9, 30)


def late_in_year(day: date, year_start: date) -> bool:
    """True when `day` is after the beginning of the school year (see beginning_of_year_ends)."""
    return day > beginning_of_year_ends(year_start)
