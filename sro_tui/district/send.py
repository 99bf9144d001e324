"""The school's side of the district exchange: one send, one bundle with every export of the year.

Each duty's own export writes its CSV (the same files `sro-tui … export` writes) into a private
staging folder; the cells are read back exactly (`read_exchange_csv`) and written into the bundle
in its plain form (`exchange.bundle`). Two files have no export of their own and are built here:
`presentation-students` (every active student, presented or still to present, no names) and
`training` (each safety staff member's training). The interventions go in their identified form,
which since issue 12 carries only what the district office needs (docs/intervention-exports.md):
stable record ids and versions to merge, student SIS ids but no student names, demographics
(RCW 28A.320.1241(c)) and the restraint report RCW 28A.600.485 sends to the district office. The
de-identified form (34 CFR 99.3) has a new random key per export, so it cannot be merged.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sro_tui import __version__
from sro_tui.agreements import (
    export_agreements_csv,
    export_complaints_csv,
    training_overview,
)
from sro_tui.district.laptop import laptop_fields, laptop_name
from sro_tui.district.workbook import write_bundle_workbook
from sro_tui.exchange import read_exchange_csv
from sro_tui.exchange.bundle import (
    BundleError,
    BundleFileSpec,
    WrittenBundle,
    iso_utc,
    parse_iso_utc,
    write_bundle,
)
from sro_tui.exchange.csvfiles import encode_cell
from sro_tui.interventions import export_requests
from sro_tui.models import (
    Household,
    PresentationAttendance,
    School,
    SchoolYear,
    Student,
    utc_now,
)
from sro_tui.notices import export_family_notice_list
from sro_tui.records import ValidationError, current_year, get_school, get_setting, set_setting
from sro_tui.reports import annual_report_incidents, annual_report_notes, write_annual_report

LAST_SENT_AT = "district_last_sent_at"
LAST_SENT_TO = "district_last_sent_to"

INTERVENTION_KINDS = (
    "interventions",
    "intervention-students",
    "intervention-law-enforcement",
    "intervention-restraint-isolation",
)
BUNDLE_KINDS = (
    "presentation-students",
    "family-notices",
    *INTERVENTION_KINDS,
    "agreements",
    "training",
    "complaints",
    "annual-report",
)
"""Every kind of file a bundle holds, in the order they are written."""

PRESENTATION_COLUMNS = (
    "record_id",
    "school_code",
    "school_year",
    "updated_at",
    "sis_id",
    "grade",
    "homeroom",
    "presented",
    "presented_at",
    "method",
    "ssid",  # issue 18: with sis_id, who the student is across the school's laptops
)
TRAINING_COLUMNS = (
    "record_id",
    "school_code",
    "school_year",
    "updated_at",
    "staff_name",
    "staff_kind",
    "commissioned",
    "employer_type",
    "employer_name",
    "days_per_week",
    "training_state",
    "training_completed_on",
    "training_due_on",
)


def _dt(value: datetime | None) -> str:
    return encode_cell(value, "datetime") if value else ""


def presentation_rows(school: School, year: SchoolYear) -> list[list[str]]:
    """One row per active student: presented this year or not, when and how.

    `updated_at` is the latest of the student's own change, a check-in and an undone check-in, so
    an undo reaches the district as a newer row saying "not presented"."""
    touched: dict[int, datetime] = {}
    live: dict[int, tuple[datetime, str]] = {}
    for student_id, recorded_at, undone_at, method in (
        PresentationAttendance.select(
            PresentationAttendance.student,
            PresentationAttendance.recorded_at,
            PresentationAttendance.undone_at,
            PresentationAttendance.method,
        )
        .where(PresentationAttendance.school_year == year)
        .tuples()
    ):
        latest = max(recorded_at, undone_at or recorded_at)
        if student_id not in touched or latest > touched[student_id]:
            touched[student_id] = latest
        if undone_at is None and (student_id not in live or recorded_at < live[student_id][0]):
            live[student_id] = (recorded_at, method)
    rows = []
    for sid, record_id, updated_at, sis_id, grade, homeroom, ssid in (
        Student.select(
            Student.id,
            Student.record_id,
            Student.updated_at,
            Student.sis_id,
            Student.grade,
            Student.homeroom,
            Student.ssid,
        )
        .where(Student.school == school, Student.active == True)  # noqa: E712
        .order_by(Student.id)
        .tuples()
    ):
        changed = max(updated_at, touched.get(sid, updated_at))
        presented = live.get(sid)
        rows.append(
            [
                record_id,
                school.code,
                year.name,
                _dt(changed),
                sis_id,
                grade,
                homeroom,
                "yes" if presented else "no",
                _dt(presented[0]) if presented else "",
                presented[1] if presented else "",
                ssid or "",
            ]
        )
    return rows


def training_rows(school: School, year: SchoolYear) -> list[list[str]]:
    """One row per active safety staff member: kind, employer, days on site, training state."""
    rows = []
    for state in training_overview(school=school):
        staff = state.staff
        rows.append(
            [
                staff.record_id,
                school.code,
                year.name,
                _dt(staff.updated_at),
                f"{staff.first_name} {staff.last_name}".strip(),
                staff.kind,
                "yes" if staff.commissioned else "no",
                staff.employer_type,
                staff.employer_name,
                f"{staff.days_per_week:g}",
                state.state,
                staff.training_completed_on.isoformat() if staff.training_completed_on else "",
                staff.training_due_on.isoformat() if staff.training_due_on else "",
            ]
        )
    return rows


def _exported(path: Path, kind: str) -> BundleFileSpec:
    exported = read_exchange_csv(path)
    header = exported.columns
    return BundleFileSpec(
        kind, header, [[str(row.get(c, "")) for c in header] for row in exported.rows]
    )


HOUSEHOLD_KEY_COLUMN = "household_key"


def with_household_keys(spec: BundleFileSpec, school: School) -> BundleFileSpec:
    """The family notice list with each household's own key (from the roster's keys or the
    household rule) added as the last column: what tells one family on two laptops apart from two
    families, since each laptop gives its households their own `record_id` (issue 18)."""
    keys = dict(
        Household.select(Household.record_id, Household.key)
        .where(Household.school == school)
        .tuples()
    )
    i = list(spec.columns).index("household_id")
    return BundleFileSpec(
        spec.kind,
        [*spec.columns, HOUSEHOLD_KEY_COLUMN],
        [[*row, keys.get(row[i], "")] for row in spec.rows],
    )


def _school_fields(school: School) -> dict[str, str]:
    # The OSPI building and county-district codes arrive with the roster work; read them when the
    # School has them, so this works before and after that change.
    return {
        "code": school.code,
        "name": school.name,
        "record_id": school.record_id,
        "district": school.district or "",
        "ospi_building_code": str(getattr(school, "ospi_building_code", "") or ""),
        "county_district_code": str(getattr(school, "county_district_code", "") or ""),
    }


def collect_bundle_files(school: School, year: SchoolYear, staging: Path) -> list[BundleFileSpec]:
    """Every file of the year, in `BUNDLE_KINDS` order, exported through each duty's own export
    into `staging` (a private temporary folder the caller removes)."""

    def into(name: str) -> Path:
        folder = staging / name
        folder.mkdir(mode=0o700)
        return folder

    specs = [
        BundleFileSpec(
            "presentation-students", PRESENTATION_COLUMNS, presentation_rows(school, year)
        )
    ]
    notices = export_family_notice_list(into("notices"), school=school, year=year)
    specs.append(with_household_keys(_exported(notices, "family-notices"), school))
    paths = export_requests(into("interventions"), school_year=year)
    specs.extend(_exported(p, k) for p, k in zip(paths, INTERVENTION_KINDS, strict=True))
    specs.append(_exported(export_agreements_csv(into("agreements"), year, school), "agreements"))
    specs.append(BundleFileSpec("training", TRAINING_COLUMNS, training_rows(school, year)))
    specs.append(_exported(export_complaints_csv(into("complaints"), year, school), "complaints"))
    _text, report_csv = write_annual_report(
        into("report"),
        year,
        school=school,
        incidents=annual_report_incidents,
        incident_notes=annual_report_notes,
    )
    specs.append(_exported(report_csv, "annual-report"))
    return specs


@dataclass
class SentBundle:
    """What one send wrote: the bundle folder, the workbook (with --xlsx), rows per kind."""

    path: Path
    bundle_hash: str
    rows: dict[str, int]
    workbook: Path | None = None


def send_to_district(
    out_dir: Path | str,
    *,
    xlsx: bool = False,
    now: datetime | None = None,
) -> SentBundle:
    """Write this year's bundle for the district into `out_dir`, remember when, and return it.

    All or nothing: the bundle folder appears whole or not at all (`BundleError` says why).
    With `xlsx`, a workbook of the same files is written beside it (`.xlsx`, IDs as text)."""
    school, year = get_school(), current_year()
    if school is None or year is None:
        raise ValidationError({"school": "set up the school and its school year first"})
    created = now or utc_now()
    staging = Path(tempfile.mkdtemp(prefix="sro-tui-send-"))
    try:
        specs = collect_bundle_files(school, year, staging)
        written: WrittenBundle = write_bundle(
            out_dir,
            specs,
            school=_school_fields(school),
            school_year=year.name,
            app_version=__version__,
            created_at=created,
            laptop=laptop_fields(),
        )
        workbook = None
        if xlsx:
            try:
                workbook = write_bundle_workbook(written.path.with_suffix(".xlsx"), specs)
            except OSError as exc:
                raise BundleError(f"cannot write the workbook: {exc.strerror or exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    set_setting(LAST_SENT_AT, iso_utc(created))
    set_setting(LAST_SENT_TO, str(written.path))
    rows = {f["kind"]: f["rows"] for f in written.manifest["files"]}
    return SentBundle(written.path, written.bundle_hash, rows, workbook)


def last_district_send() -> tuple[datetime, str] | None:
    """When this school last sent a bundle to the district, and where it went; None if never."""
    at = get_setting(LAST_SENT_AT)
    if not at:
        return None
    try:
        return parse_iso_utc(at), get_setting(LAST_SENT_TO)
    except ValueError:
        return None


def describe_last_send(now: datetime | None = None) -> str:
    """ "Last sent to the district 3 day(s) ago (2026-09-15 17:05 UTC)", or "Never sent", and the
    name this laptop sends under."""
    laptop = f" · this laptop sends as “{laptop_name()}”"
    last = last_district_send()
    if last is None:
        return "Never sent to the district" + laptop
    at, _where = last
    days = ((now or utc_now()) - at).days
    ago = "today" if days <= 0 else f"{days} day(s) ago"
    return f"Last sent to the district {ago} ({at:%Y-%m-%d %H:%M} UTC)" + laptop
