"""The annual report: what RCW 28A.320.1241(1) asks districts to collect every year, for one school.

(a) the number of safety and security staff in the building and the days per week each works;
(b) the law enforcement agencies and companies the district has an agreement with;
(c) each incident involving safety and security staff that resulted in student discipline, use of
    force against a student or a student arrest, with each student's race, ethnicity, other
    demographics and IEP/504 status;
(d) the number of complaints about job duties and student interactions filed against such staff.

Part (c) comes from intervention requests, which this module does not read itself: the caller
passes an `incidents` source (a function of school and year). Without one the report says plainly
"intervention requests: not recorded in this app yet" instead of a number it does not have.

Two files: plain text for reading, and a district exchange CSV (one row per figure, stable
`record_id`s so a report produced again replaces the earlier rows when the district merges).
No student names or ids leave in either file; (c) carries demographics only.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sro_tui.agreements import agreements_for_year, complaints_for_year
from sro_tui.exchange import (
    MERGE_COLUMNS,
    ExportColumn,
    exchange_csv_bytes,
    exchange_file_name,
    write_export_set,
)
from sro_tui.models import (
    COMPLAINT_CATEGORIES,
    EMPLOYER_TYPES,
    INVOLVED_ROLES,
    PROVIDER_TYPES,
    STAFF_KINDS,
    SafetyStaff,
    School,
    SchoolYear,
    utc_now,
)
from sro_tui.records import ValidationError, current_year, get_school
from sro_tui.search import fold

NOT_RECORDED = "intervention requests: not recorded in this app yet"
# Discipline is the principal's decision after the fact (Policy 3241): the request keeps only
# whether discipline followed, recorded by the principal.
DISCIPLINE_NOTE = (
    "From intervention requests: arrests, restraints (use of force), and student discipline as "
    "the principal recorded it on each request."
)
INCIDENT_OUTCOMES = {
    "discipline": "Student discipline",
    "use_of_force": "Use of force against a student",
    "arrest": "Student arrest",
}
# Stable ids for report rows: the same figure of the same school and year keeps its record_id.
_REPORT_NAMESPACE = uuid.UUID("6f1c3d4e-2b7a-4c51-9e0d-8a4f7b2c1d06")


@dataclass(frozen=True)
class ReportStudent:
    """One student involved in an incident, by demographics only (no name, no id), with their
    part in it (`role`, a key of models.INVOLVED_ROLES) and the outcomes that applied to them."""

    race_ethnicity: str = ""
    sex: str = ""
    grade: str = ""
    iep: bool | None = None
    section_504: bool | None = None
    english_learner: bool | None = None
    role: str = "subject"
    outcomes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportIncident:
    """An incident for part (c); `outcomes` are keys of INCIDENT_OUTCOMES."""

    record_id: str
    occurred_on: date | None
    description: str
    outcomes: tuple[str, ...]
    students: tuple[ReportStudent, ...] = ()


IncidentSource = Callable[[School, SchoolYear], list[ReportIncident]]
NoteSource = Callable[[School, SchoolYear], list[str]]  # what part (c) still lacks, in words


@dataclass
class AnnualReport:
    """The figures of one school's annual report (see the module docstring)."""

    school: School
    year: SchoolYear
    generated_at: datetime
    staff: list[SafetyStaff]  # everyone who worked on site in the school year
    adopted: list[Any]  # Agreement, adopted
    in_review: list[Any]  # Agreement, not adopted yet
    incidents: list[ReportIncident] | None  # None: not recorded in this app yet
    complaints_by_category: dict[str, int] = field(default_factory=dict)
    incident_notes: list[str] = field(default_factory=list)
    # Agencies and companies whose staff worked here with no adopted agreement: name -> state
    providers_without_agreement: dict[str, str] = field(default_factory=dict)

    @property
    def complaints_total(self) -> int:
        return sum(self.complaints_by_category.values())

    @property
    def staff_days_per_week(self) -> float:
        return sum(s.days_per_week for s in self.staff)


def find_school_year(name: str) -> SchoolYear:
    """The school year called `name` ("2026-27"); ValidationError lists the known ones."""
    year = SchoolYear.get_or_none(SchoolYear.name == name)
    if year is None:
        known = ", ".join(y.name for y in SchoolYear.select().order_by(SchoolYear.name)) or "none"
        raise ValidationError(
            {"year": f"no school year {name!r} in this database (known: {known})"}
        )
    return year


def build_annual_report(
    year: SchoolYear | str | None = None,
    *,
    school: School | None = None,
    incidents: IncidentSource | None = None,
    incident_notes: NoteSource | None = None,
    now: datetime | None = None,
) -> AnnualReport:
    """Gather the figures. Staff are everyone who worked on site at some time in the school year
    (first and last day on site; a staff member with no first day counts from the roster);
    agreements and complaints are the year's."""
    school = school or get_school()
    if isinstance(year, str):
        year = find_school_year(year)
    year = year or current_year()
    if school is None or year is None:
        raise ValidationError({"school": "set up the school and its school year first"})
    staff = staff_in_year(school, year)
    agreements = agreements_for_year(year, school)
    by_category = dict.fromkeys(COMPLAINT_CATEGORIES, 0)
    for complaint in complaints_for_year(year, school):
        by_category[complaint.category] = by_category.get(complaint.category, 0) + 1
    return AnnualReport(
        school=school,
        year=year,
        generated_at=now or utc_now(),
        staff=staff,
        adopted=[a for a in agreements if a.adopted_on is not None],
        in_review=[a for a in agreements if a.adopted_on is None],
        providers_without_agreement=_providers_without_agreement(staff, agreements),
        incidents=None if incidents is None else list(incidents(school, year)),
        complaints_by_category=by_category,
        incident_notes=[] if incident_notes is None else list(incident_notes(school, year)),
    )


def staff_in_year(school: School, year: SchoolYear) -> list[SafetyStaff]:
    """Everyone who worked on site at some time in the school year: first day on or before its
    end (or not recorded) and last day on or after its start (or still working). Someone taken off
    the roster with no last day is not counted (the roster now records the last day)."""
    s = SafetyStaff
    return list(
        s.select()
        .where(
            s.school == school,
            (s.first_day_on_site.is_null()) | (s.first_day_on_site <= year.end_date),
            (s.last_day_on_site.is_null(False) & (s.last_day_on_site >= year.start_date))
            | ((s.active == True) & s.last_day_on_site.is_null()),  # noqa: E712
        )
        .order_by(s.kind, s.last_name, s.first_name)
    )


def _providers_without_agreement(staff: list[SafetyStaff], agreements: list[Any]) -> dict[str, str]:
    """RCW 28A.320.1242: an agency or company that supplies staff needs an adopted agreement.
    Every employer of this year's staff without one, with "in review, NOT adopted" or "NO
    agreement" (names compared without case or accents)."""
    by_name = {fold(a.provider_name): a for a in agreements}
    gaps: dict[str, str] = {}
    for person in staff:
        if person.employer_type == "district" or not person.employer_name.strip():
            continue
        agreement = by_name.get(fold(person.employer_name))
        if agreement is not None and agreement.adopted_on is not None:
            continue
        gaps[person.employer_name] = (
            "agreement in review, NOT adopted" if agreement is not None else "NO agreement"
        )
    return dict(sorted(gaps.items()))


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _days(value: float) -> str:
    return f"{value:g}"


def _on_site(person: SafetyStaff) -> str:
    first, last = person.first_day_on_site, person.last_day_on_site
    if last:
        return f" (on site {first or '?'} to {last})"
    return f" (on site since {first})" if first else ""


def render_annual_report_text(report: AnnualReport) -> str:
    """The report as plain text, for reading and printing."""
    school, year = report.school, report.year
    lines = [
        f"Annual safety and security staff report, school year {year.name}",
        f"{school.name} ({school.code})" + (f", {school.district}" if school.district else ""),
        f"Produced {report.generated_at:%Y-%m-%d %H:%M} UTC. RCW 28A.320.1241(1).",
        "",
        "(a) Safety and security staff working in this building",
        f"    {len(report.staff)} staff, {_days(report.staff_days_per_week)} staff-days per week "
        "(everyone who worked on site during the school year)",
    ]
    for person in report.staff:
        employer = person.employer_name or EMPLOYER_TYPES.get(person.employer_type, "")
        lines.append(
            f"    - {STAFF_KINDS.get(person.kind, person.kind)}, {employer}: "
            f"{_days(person.days_per_week)} day(s) per week{_on_site(person)}"
        )
    lines += ["", "(b) Agencies and companies with an adopted agreement"]
    if not report.adopted:
        lines.append("    none adopted for this year")
    for agreement in report.adopted:
        lines.append(
            f"    - {agreement.provider_name} "
            f"({PROVIDER_TYPES.get(agreement.provider_type, '')}): adopted "
            f"{agreement.adopted_on:%Y-%m-%d}"
        )
    if report.providers_without_agreement:
        lines.append("    Supplying staff WITHOUT an adopted agreement (RCW 28A.320.1242):")
    for name, state in report.providers_without_agreement.items():
        lines.append(f"    - {name}: {state}")
    lines += ["", "(c) Incidents with student discipline, use of force or arrest"]
    if report.incidents is None:
        lines.append(f"    {NOT_RECORDED}")
    else:
        lines.append(f"    {DISCIPLINE_NOTE}")
        lines.extend(f"    Not complete: {note}" for note in report.incident_notes)
        if not report.incidents:
            lines.append("    none recorded")
    for number, incident in enumerate(report.incidents or [], start=1):
        when = f"{incident.occurred_on:%Y-%m-%d}" if incident.occurred_on else "date not recorded"
        outcomes = ", ".join(INCIDENT_OUTCOMES.get(o, o) for o in incident.outcomes)
        lines.append(f"    {number}. {when}: {outcomes}")
        lines.append(f"       {incident.description}")
        for student in incident.students:
            applied = ", ".join(INCIDENT_OUTCOMES.get(o, o).lower() for o in student.outcomes)
            lines.append(
                f"       {INVOLVED_ROLES.get(student.role, student.role)}: "
                f"{applied or 'none of these outcomes'}; "
                f"race/ethnicity {student.race_ethnicity or 'not recorded'}, "
                f"sex {student.sex or 'not recorded'}, grade {student.grade or '?'}, "
                f"IEP {_yes_no(student.iep) or '?'}, 504 {_yes_no(student.section_504) or '?'}, "
                f"English learner {_yes_no(student.english_learner) or '?'}"
            )
    lines += [
        "",
        "(d) Complaints about job duties and student interactions",
        f"    {report.complaints_total} complaint(s) filed",
    ]
    for category, count in report.complaints_by_category.items():
        lines.append(f"    - {COMPLAINT_CATEGORIES.get(category, category)}: {count}")
    return "\n".join(lines) + "\n"


ANNUAL_REPORT_COLUMNS: tuple[ExportColumn, ...] = (
    *MERGE_COLUMNS,
    ExportColumn("section"),
    ExportColumn("measure"),
    ExportColumn("subject_record_id", "id"),
    ExportColumn("subject"),
    ExportColumn("value"),
    ExportColumn("detail"),
    ExportColumn("race_ethnicity"),
    ExportColumn("sex"),
    ExportColumn("grade", "id"),
    ExportColumn("iep"),
    ExportColumn("section_504"),
    ExportColumn("english_learner"),
)


def annual_report_rows(report: AnnualReport) -> list[dict[str, Any]]:
    """One row per figure: section (a-d), measure, what it is about, value, detail."""
    prefix = f"{report.school.code}/{report.year.name}"
    rows: list[dict[str, Any]] = []

    def add(section: str, measure: str, key: str, **cells: Any) -> None:
        rid = str(uuid.uuid5(_REPORT_NAMESPACE, f"{prefix}/{section}/{measure}/{key}"))
        rows.append(
            {
                "record_id": rid,
                "updated_at": report.generated_at,
                "section": section,
                "measure": measure,
                **cells,
            }
        )

    add(
        "a",
        "staff_total",
        "",
        subject=report.school.code,
        value=str(len(report.staff)),
        detail=f"{_days(report.staff_days_per_week)} staff-days per week",
    )
    for person in report.staff:
        add(
            "a",
            "staff_days_per_week",
            person.record_id,
            subject_record_id=person.record_id,
            subject=STAFF_KINDS.get(person.kind, person.kind),
            value=_days(person.days_per_week),
            detail=person.employer_name or EMPLOYER_TYPES.get(person.employer_type, ""),
        )
    for name, state in report.providers_without_agreement.items():
        add("b", "provider_without_agreement", fold(name), subject=name, value=state)
    for agreement in report.adopted + report.in_review:
        add(
            "b",
            "agreement",
            agreement.record_id,
            subject_record_id=agreement.record_id,
            subject=agreement.provider_name,
            value=f"adopted {agreement.adopted_on:%Y-%m-%d}"
            if agreement.adopted_on
            else "not adopted",
            detail=PROVIDER_TYPES.get(agreement.provider_type, ""),
        )
    if report.incidents is None:
        add("c", "incidents", "", value="not recorded", detail=NOT_RECORDED)
    else:
        add("c", "incidents", "", value=str(len(report.incidents)))
        # Always one row, so a later report that is complete replaces an incomplete one.
        add(
            "c",
            "incidents_complete",
            "",
            value="no" if report.incident_notes else "yes",
            detail=" ".join(report.incident_notes),
        )
        for incident in report.incidents:
            add(
                "c",
                "incident",
                incident.record_id,
                subject_record_id=incident.record_id,
                subject=f"{incident.occurred_on or ''}",
                value=",".join(incident.outcomes),
                detail=incident.description,
            )
            for number, student in enumerate(incident.students, start=1):
                add(
                    "c",
                    "incident_student",
                    f"{incident.record_id}/{number}",
                    subject_record_id=incident.record_id,
                    value=str(number),
                    subject=student.role,
                    detail=",".join(student.outcomes),
                    race_ethnicity=student.race_ethnicity,
                    sex=student.sex,
                    grade=student.grade,
                    iep=_yes_no(student.iep),
                    section_504=_yes_no(student.section_504),
                    english_learner=_yes_no(student.english_learner),
                )
    add("d", "complaints_total", "", value=str(report.complaints_total))
    for category, count in report.complaints_by_category.items():
        add("d", "complaints", category, subject=category, value=str(count))
    return rows


def write_annual_report(
    out_dir: Path | str,
    year: SchoolYear | str | None = None,
    *,
    school: School | None = None,
    incidents: IncidentSource | None = None,
    incident_notes: NoteSource | None = None,
    now: datetime | None = None,
) -> tuple[Path, Path]:
    """Write the text report and the district CSV into `out_dir` as one set (both or neither,
    even under a kill; 0600; `write_export_set`). Returns (text path, csv path)."""
    report = build_annual_report(
        year, school=school, incidents=incidents, incident_notes=incident_notes, now=now
    )
    stamp = datetime.now()
    name = exchange_file_name(report.school.code, "annual-report", report.year.name, stamp)
    csv_path, text_path = write_export_set(
        out_dir,
        [
            (
                name,
                exchange_csv_bytes(
                    annual_report_rows(report),
                    ANNUAL_REPORT_COLUMNS,
                    school_code=report.school.code,
                    school_year=report.year.name,
                ),
            ),
            (name.removesuffix(".csv") + ".txt", render_annual_report_text(report).encode("utf-8")),
        ],
    )
    return text_path, csv_path
