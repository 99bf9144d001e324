"""The state and federal reports at a glance, for the school's dashboard and the district screen:
per school the restraint and isolation counts and the CRDC referral and arrest students, the
January 1 due date and the days left. The real counts: shown inside the school or district only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sro_tui.records import current_year, get_school
from sro_tui.reports.crdc import SchoolTally, crdc_tallies
from sro_tui.reports.restraint import (
    SchoolRestraintSummary,
    days_left_words,
    restraint_due_date,
    restraint_summary,
    type_label,
)
from sro_tui.reports.state_data import StateSchool, school_state_records


@dataclass(frozen=True)
class SchoolOverview:
    """One building's line (or the district total's, code "TOTAL")."""

    code: str
    name: str
    incidents: int
    students: int
    student_injuries: int
    staff_injuries: int
    types: tuple[str, ...]  # "4 Standing restraint (2)", most used first
    referred: int
    arrested: int
    restrained: int  # physical, mechanical or type not recorded
    secluded: int


@dataclass(frozen=True)
class StateReportOverview:
    school_year: str
    due: date
    days_left: int
    due_words: str  # "30 days left"
    schools: tuple[SchoolOverview, ...]  # the total last

    @property
    def total(self) -> SchoolOverview:
        return self.schools[-1]


def _line(summary: SchoolRestraintSummary, tally: SchoolTally) -> SchoolOverview:
    restrained = set()
    for measure in ("physical_restraint", "mechanical_restraint", "restraint_type_not_recorded"):
        restrained |= set(tally.students[measure])
    types = tuple(
        f"{type_label(code)} ({n})"
        for code, n in sorted(summary.types.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    return SchoolOverview(
        summary.code,
        summary.name,
        summary.incidents,
        summary.students,
        summary.student_injuries,
        summary.staff_injuries,
        types,
        len(tally.students["referral"]),
        len(tally.students["arrest"]),
        len(restrained),
        len(tally.students["seclusion"]),
    )


def state_report_overview(
    schools: list[StateSchool], school_year: str, today: date
) -> StateReportOverview:
    """Both reports' headline counts per school and for the district, with the due date."""
    summaries = restraint_summary(schools)
    tallies = crdc_tallies(schools)
    due = restraint_due_date(school_year)
    lines = tuple(_line(s, t) for s, t in zip(summaries, tallies, strict=True))
    return StateReportOverview(
        school_year, due, (due - today).days, days_left_words(due, today), lines
    )


def school_state_overview(today: date | None = None) -> StateReportOverview:
    """The school's own view of this year's reports (the school's database open)."""
    year = current_year()
    return state_report_overview(
        [school_state_records(get_school(), year)], year.name, today or date.today()
    )
