"""Restraint and isolation deadlines (RCW 28A.600.485), with business-day arithmetic.

Pure: no database, no UI. Part of the policy module (`sro_tui.policy` re-exports it).

What the statute requires after a student is restrained or isolated during school-sponsored
instruction or activities (text as summarised by the Legislature's own bill reports, 2024 and
2025; the 2023-24 bill that would have changed these steps, E4SHB 1479, was not enacted):
- the staff member (school employee, resource officer or school security officer) informs the
  building administrator or designee **as soon as possible**;
- the staff member submits a **written report** of the incident to the district office **within
  two business days**;
- the principal or designee makes a reasonable effort to **verbally inform the parent or guardian
  within 24 hours** of the incident;
- and sends **written notification** to the parent or guardian as soon as practical but
  **postmarked no later than five business days** after the incident.
Counting follows RCW 1.12.040: the day of the incident is not counted, the last day is, unless
it is a Saturday, Sunday or legal holiday. A business day is Monday to Friday and not a Washington
legal holiday (RCW 1.16.050, taken from the `holidays` library's Washington calendar, observed
dates included; a test checks it against the statute's list). The school's own closure days
(breaks, snow days) are a narrower count: the statutory date is the deadline the law sets, and the
school-day date is shown beside it where the two differ.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from sro_tui.policy.wa_holidays import HOLIDAYS

RESTRAINT_CITATION = "RCW 28A.600.485; Policy 3246"
AS_SOON_AS_POSSIBLE = "as soon as possible"


@dataclass(frozen=True, slots=True)
class Deadline:
    """One step owed after a restraint or isolation: when it is due and when it was done.

    `due_at` is the last moment that still meets the deadline; "as soon as possible" steps are due
    at once (`due_at` is the incident time) and say so in `due_text`."""

    name: str
    label: str
    due_at: datetime
    due_text: str
    met_at: datetime | None
    citation: str
    # The same count with the school's own closure days skipped too; None where it is the same.
    school_due_at: datetime | None = None

    @property
    def as_soon_as_possible(self) -> bool:
        """A step with no fixed hour: due at once, shown until done, never "late"."""
        return self.due_text == AS_SOON_AS_POSSIBLE

    @property
    def met(self) -> bool:
        return self.met_at is not None

    @property
    def met_late(self) -> bool:
        """Done, but after the deadline."""
        return (
            not self.as_soon_as_possible and self.met_at is not None and self.met_at > self.due_at
        )

    def overdue(self, now: datetime) -> bool:
        """Not done and past due at `now` (an "as soon as possible" step is due from the start)."""
        return self.met_at is None and now > self.due_at

    @property
    def school_days_note(self) -> str:
        """Where the school's closures move the date: the school-day date beside the legal one."""
        if self.school_due_at is None:
            return ""
        return (
            f"counting only the school's open days: {self.school_due_at:%a %Y-%m-%d}; the "
            f"statute's count (weekends and legal holidays skipped) is {self.due_at:%a %Y-%m-%d}"
        )

    def status(self, now: datetime) -> str:
        """'met', 'met late', 'overdue' or 'open' (not done, not yet past due)."""
        if self.met_at is not None:
            return "met late" if self.met_late else "met"
        return "overdue" if self.overdue(now) else "open"


@lru_cache(maxsize=64)
def _holidays_of_year(year: int) -> tuple[tuple[date, str], ...]:
    # The library's answer written down (policy/wa_holidays.py, checked against it by a test):
    # the library itself loads every country's calendar first, half a second of every start.
    written = HOLIDAYS.get(year)
    if written is not None:
        return tuple((date.fromisoformat(day), name) for day, name in written)
    return library_holidays_of_year(year)


def library_holidays_of_year(year: int) -> tuple[tuple[date, str], ...]:
    """Washington's legal holidays of `year` from the `holidays` library (observed dates
    included), sorted: the source of `wa_holidays.HOLIDAYS` and of any year it does not hold."""
    # Imported on first use, not with the module: the `holidays` package loads every country's
    # calendar (about a second on a busy school laptop), which every `sro-tui` command would pay.
    import holidays as holiday_calendars

    calendar = holiday_calendars.US(subdiv="WA", years=year, observed=True)
    return tuple(sorted(calendar.items()))


def washington_legal_holidays(first_year: int, last_year: int | None = None) -> dict[date, str]:
    """Washington's legal holidays (RCW 1.16.050) in the calendar years given, with their names;
    a holiday on a Sunday is also kept on the Monday after, on a Saturday on the Friday before
    (both named "... (observed)")."""
    out: dict[date, str] = {}
    for year in range(first_year, (last_year or first_year) + 1):
        out.update(_holidays_of_year(year))
    return out


def legal_holidays_near(day: date) -> frozenset[date]:
    """The legal holidays that a count of business days starting on `day` can reach."""
    return frozenset(washington_legal_holidays(day.year, day.year + 1))


def is_business_day(day: date, holidays: Iterable[date] = ()) -> bool:
    """Monday to Friday, not a Washington legal holiday, and not one of `holidays` (the
    school's own closure days, when a school-day count is wanted)."""
    return day.weekday() < 5 and day not in set(holidays) and day not in legal_holidays_near(day)


def add_business_days(start: date, days: int, holidays: Iterable[date] = ()) -> date:
    """The date `days` business days after `start`, not counting `start` itself (RCW 1.12.040):
    Saturdays, Sundays and Washington's legal holidays are skipped, and so is every day in
    `holidays` (the school's own closures, for the school-day count).

    A Friday incident plus two business days is the next Tuesday; Wednesday 2026-11-25 plus two is
    Tuesday 2026-12-01 (Thanksgiving and Native American Heritage Day are legal holidays)."""
    if days < 0:
        raise ValueError("days must not be negative")
    closed = set(holidays) | legal_holidays_near(start)
    current = start
    counted = 0
    while counted < days:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in closed:
            counted += 1
    return current


def _end_of(day: date, like: datetime) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=like.tzinfo)


def restraint_deadlines(
    occurred_at: datetime,
    *,
    administrator_informed_at: datetime | None = None,
    written_report_filed_at: datetime | None = None,
    family_told_verbally_at: datetime | None = None,
    family_told_in_writing_at: datetime | None = None,
    school_closures: Iterable[date] = (),
) -> list[Deadline]:
    """The four steps owed after a restraint or isolation that began at `occurred_at`, in the
    order they fall due, each with when it was met (None while still owed).

    Business days skip weekends and Washington's legal holidays always; `school_closures` (the
    school's own closed days) give the school-day date shown beside the legal one."""
    closed = tuple(school_closures)
    incident_day = occurred_at.date()
    report_day = add_business_days(incident_day, 2)
    writing_day = add_business_days(incident_day, 5)
    school_report_day = add_business_days(incident_day, 2, closed)
    school_writing_day = add_business_days(incident_day, 5, closed)

    def school(day: date, legal: date) -> datetime | None:
        return None if day == legal else _end_of(day, occurred_at)

    return [
        Deadline(
            name="administrator_informed",
            label="Building administrator (or designee) informed",
            due_at=occurred_at,
            due_text=AS_SOON_AS_POSSIBLE,
            met_at=administrator_informed_at,
            citation="RCW 28A.600.485",
        ),
        Deadline(
            name="family_told_verbally",
            label="Parent or guardian told verbally (reasonable effort)",
            due_at=occurred_at + timedelta(hours=24),
            due_text="within 24 hours",
            met_at=family_told_verbally_at,
            citation="RCW 28A.600.485",
        ),
        Deadline(
            name="written_report_filed",
            label="Written incident report submitted to the district office",
            due_at=_end_of(report_day, occurred_at),
            due_text="within two business days",
            met_at=written_report_filed_at,
            citation="RCW 28A.600.485; RCW 1.12.040 (counting)",
            school_due_at=school(school_report_day, report_day),
        ),
        Deadline(
            name="family_told_in_writing",
            label="Written notification to the parent or guardian postmarked",
            due_at=_end_of(writing_day, occurred_at),
            due_text="no later than five business days",
            met_at=family_told_in_writing_at,
            citation="RCW 28A.600.485; RCW 1.12.040 (counting)",
            school_due_at=school(school_writing_day, writing_day),
        ),
    ]


def deadlines_of(
    record: object, started: datetime, school_closures: Iterable[date] = ()
) -> list[Deadline]:
    """`restraint_deadlines` for a restraint record (anything with the four `..._at` times: the
    form's `RestraintIsolation` or a stored row)."""
    return restraint_deadlines(
        started,
        administrator_informed_at=getattr(record, "administrator_informed_at", None),
        written_report_filed_at=getattr(record, "written_report_filed_at", None),
        family_told_verbally_at=getattr(record, "family_told_verbally_at", None),
        family_told_in_writing_at=getattr(record, "family_told_in_writing_at", None),
        school_closures=school_closures,
    )
