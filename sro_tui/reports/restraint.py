"""The restraint and isolation summary to OSPI (RCW 28A.600.485) and the student-level rows in the
shape of the state's "Students Restrained or Isolated" file.

By January 1 each year the district summarizes the written reports and submits, for each school:
the number of individual incidents of restraint and isolation, the number of students involved,
the number of injuries to students and to staff, and the types used. The district's copy holds
the real counts and is marked "not for publication"; the published copy hides counts under 10
and their complements (`policy.suppress_table`). The S file holds SSIDs: never published.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sro_tui.policy import RESTRAINT_TYPES, suppress_table, suppress_total
from sro_tui.reports.state_data import StateSchool

NOT_FOR_PUBLICATION = "NOT FOR PUBLICATION — the district's own copy: counts under 10 are shown"
PUBLISHED = "For publication: counts from 1 to 9 show as <10, with the cells that would reveal them"
CHECK_MANUAL = (
    "Check this layout against the current CEDARS manual (Students Restrained or Isolated file) "
    "before anything is uploaded: the fields are those SIS vendors document, not the manual's."
)
SUMMARY_MEASURES = (
    ("incidents", "Incidents of restraint or isolation"),
    ("restraint_incidents", "Incidents with restraint"),
    ("isolation_incidents", "Incidents with isolation"),
    ("students", "Students involved"),
    ("student_injuries", "Injuries to students"),
    ("staff_injuries", "Injuries to staff"),
)
S_FILE_COLUMNS = (
    "S01 School Year",
    "S02 County District Code",
    "S03 District Student Code",
    "S04 SSID",
    "S05 Location ID",
    "S06 Action ID",
    "S07 Action Date",
    "S08 Action Duration",
    "S09 Type of Restraint or Isolation",
    "S10 Student Injured",
    "S11 Number of Staff Injured",
)


@dataclass
class SchoolRestraintSummary:
    """One school's counts (or the district's, `code` "TOTAL")."""

    code: str
    name: str
    incidents: int = 0
    restraint_incidents: int = 0
    isolation_incidents: int = 0
    students: int = 0
    student_injuries: int = 0
    staff_injuries: int = 0
    types: Counter = field(default_factory=Counter)
    # What the records do not say, so the summary says what it lacks.
    injury_not_recorded: int = 0
    type_not_recorded: int = 0
    no_student_named: int = 0

    def measure(self, key: str) -> int:
        return getattr(self, key)


def restraint_summary(schools: list[StateSchool]) -> list[SchoolRestraintSummary]:
    """One summary per school (by code), then the district's total (`code` "TOTAL"; its students
    are the schools' added up: a student in two buildings is counted in each)."""
    rows = []
    for school in sorted(schools, key=lambda s: s.code):
        row = SchoolRestraintSummary(school.code, school.name)
        students: set[str] = set()
        for incident in school.incidents:
            r = incident.restraint
            if r is None:
                continue
            row.incidents += 1
            row.restraint_incidents += r.restraint
            row.isolation_incidents += r.isolation
            involved = incident.restrained_students()
            students.update(s.sis_id for s in involved)
            row.no_student_named += not involved
            if r.student_injured:
                row.student_injuries += 1
            row.staff_injuries += r.staff_injured_count or 0
            if r.student_injured is None or r.staff_injured_count is None:
                row.injury_not_recorded += 1
            row.types.update(set(r.type_codes))
            row.type_not_recorded += not r.type_codes
        row.students = len(students)
        rows.append(row)
    total = SchoolRestraintSummary("TOTAL", "District total")
    for row in rows:
        for key in (
            "incidents", "restraint_incidents", "isolation_incidents", "students",
            "student_injuries", "staff_injuries", "injury_not_recorded", "type_not_recorded",
            "no_student_named",
        ):  # fmt: skip
            setattr(total, key, total.measure(key) + row.measure(key))
        total.types.update(row.types)
    return [*rows, total]


def type_label(code: str) -> str:
    kind, label = RESTRAINT_TYPES.get(code, ("", f"Unknown code {code}"))
    return f"{code} {label}"


def summary_table(
    summary: list[SchoolRestraintSummary], *, published: bool
) -> list[dict[str, str]]:
    """The summary as CSV rows: school, measure, count — one row per school and measure, then one
    per type used. Published: the schools' cells of each measure add up to the district's total
    (a column that adds up), so each measure is suppressed across schools."""
    schools = [s for s in summary if s.code != "TOTAL"]
    total = summary[-1]
    measures = [(key, label) for key, label in SUMMARY_MEASURES]
    measures += [(f"type:{code}", f"Type {type_label(code)}") for code in sorted(
        total.types, key=lambda c: int(c) if c.isdigit() else 99)]  # fmt: skip

    def value(row: SchoolRestraintSummary, key: str) -> int:
        return row.types[key[5:]] if key.startswith("type:") else row.measure(key)

    cells = {(s.code, key): value(s, key) for s in schools for key, _ in measures}
    shown = (
        suppress_table(cells, rows_add_up=False, columns_add_up=True)
        if published
        else {cell: str(n) for cell, n in cells.items()}
    )
    out = []
    for row in [*schools, total]:
        for key, label in measures:
            if row.code == "TOTAL":
                n = value(row, key)
                text = suppress_total(n) if published else str(n)
            else:
                text = shown[(row.code, key)]
            out.append({"school_code": row.code, "school": row.name, "measure": label,
                        "count": text})  # fmt: skip
    return out


def render_restraint_summary(
    summary: list[SchoolRestraintSummary], school_year: str, *, published: bool, today: date
) -> str:
    """The summary as text for people: one block per school, types by name."""
    due = restraint_due_date(school_year)
    lines = [
        f"Restraint and isolation summary to OSPI (RCW 28A.600.485) — school year {school_year}",
        f"Due to OSPI by {due:%B} {due.day}, {due.year} ({days_left_words(due, today)}).",
        PUBLISHED if published else NOT_FOR_PUBLICATION,
        "",
    ]
    table = summary_table(summary, published=published)
    by_school: dict[str, list[dict[str, str]]] = {}
    for cell in table:
        by_school.setdefault(cell["school_code"], []).append(cell)
    for row in summary:
        lines.append(f"{row.code} — {row.name}")
        for cell in by_school[row.code]:
            if cell["measure"].startswith("Type ") and cell["count"] == "0":
                continue
            lines.append(f"  {cell['measure']:<60} {cell['count']:>5}")
        lacks = []
        if row.injury_not_recorded:
            lacks.append(f"{row.injury_not_recorded} with injuries not recorded")
        if row.type_not_recorded:
            lacks.append(f"{row.type_not_recorded} with no type recorded")
        if row.no_student_named:
            lacks.append(f"{row.no_student_named} naming no student from the roster")
        if lacks and not published:
            lines.append("  Records that lack something: " + "; ".join(lacks) + ".")
        lines.append("")
    return "\n".join(lines)


def restraint_due_date(school_year: str) -> date:
    """January 1 after the school year's first autumn: 2026-27 -> 2027-01-01."""
    return date(int(school_year[:4]) + 1, 1, 1)


def days_left_words(due: date, today: date) -> str:
    """'30 days left', 'due today', '5 days late'."""
    days = (due - today).days
    if days == 0:
        return "due today"
    if days > 0:
        return f"{days} day{'s' if days != 1 else ''} left"
    return f"{-days} day{'s' if days != -1 else ''} late"


def student_file_rows(
    schools: list[StateSchool], school_year: str
) -> tuple[list[dict[str, str]], list[str]]:
    """The S-file rows (one per student, incident and type used; a record with no type gives one
    row with S09 empty) and one warning per field the records could not fill, naming how many
    rows. Nothing is guessed: a missing SSID leaves S04 and S06 empty."""
    ending_year = str(int(school_year[:4]) + 1)
    rows: list[dict[str, str]] = []
    empty: Counter = Counter()
    for school in sorted(schools, key=lambda s: s.code):
        for incident in school.incidents:
            r = incident.restraint
            if r is None:
                continue
            for student in incident.restrained_students():
                start = r.started_at
                action_id = ""
                if student.ssid and start is not None:
                    action_id = f"{student.ssid}{start:%m%d%y%H%M}"
                base = {
                    "S01 School Year": ending_year,
                    "S02 County District Code": school.county_district_code,
                    "S03 District Student Code": student.sis_id,
                    "S04 SSID": student.ssid,
                    "S05 Location ID": school.ospi_building_code,
                    "S06 Action ID": action_id,
                    "S07 Action Date": f"{start:%Y-%m-%d}" if start else "",
                    "S08 Action Duration": (
                        "" if r.duration_minutes is None else str(r.duration_minutes)
                    ),
                    "S10 Student Injured": _yes_no(r.student_injured),
                    "S11 Number of Staff Injured": (
                        "" if r.staff_injured_count is None else str(r.staff_injured_count)
                    ),
                }
                for code in r.type_codes or ("",):
                    row = {**base, "S09 Type of Restraint or Isolation": code}
                    rows.append({c: row[c] for c in S_FILE_COLUMNS})
    for row in rows:
        empty.update(c for c in S_FILE_COLUMNS if not row[c])
    why = {
        "S02 County District Code": "set the county-district code on each school (sro-tui school)",
        "S04 SSID": "the roster has no state student ID for them; import it from the SIS",
        "S05 Location ID": "set the OSPI building code on each school (sro-tui school)",
        "S06 Action ID": "it is built from the SSID and the start time",
        "S07 Action Date": "the record has no start time",
        "S08 Action Duration": "the record has no end time",
        "S09 Type of Restraint or Isolation": "no type recorded",
        "S10 Student Injured": "not recorded",
        "S11 Number of Staff Injured": "not recorded",
    }
    warnings = [
        f"{column}: empty on {empty[column]} of {len(rows)} row(s) — {why.get(column, 'unknown')}"
        for column in S_FILE_COLUMNS
        if empty[column]
    ]
    return rows, warnings


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("Y" if value else "N")
