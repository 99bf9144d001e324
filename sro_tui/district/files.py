"""The district's own files: each kind merged across buildings, and the annual report of them all.

The merged CSVs follow the exchange contract for people (`exchange.write_exchange_csv`: Excel-safe
IDs, formula guard, BOM, 0600, written whole); the annual report (RCW 28A.320.1241) lists each
building, then the district's totals, as text and as CSV.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sro_tui.district.models import DistrictRecord, DistrictSchool, KindSnapshot
from sro_tui.district.status import live_rows
from sro_tui.district.workbook import is_id_column
from sro_tui.exchange import ExchangeError, ExportColumn, write_exchange_csv
from sro_tui.exchange.bundle import iso_utc
from sro_tui.models import utc_now
from sro_tui.paths import ensure_private_dir, write_private_file_atomically

DISTRICT_CODE = "DISTRICT"
_REPORT_NAMESPACE = uuid.UUID("0d7f3a55-1c2b-4e8a-9f61-28a3201241aa")


def _years() -> dict[int, str]:
    return {s.id: s.school_year for s in DistrictSchool.select()}


def merged_kinds() -> list[str]:
    """The kinds of file the district holds, in the order the schools send them."""
    seen: dict[str, None] = {}
    for (kind,) in KindSnapshot.select(KindSnapshot.kind).order_by(KindSnapshot.id).tuples():
        seen.setdefault(kind, None)
    return list(seen)


def merged_columns(kind: str) -> list[str]:
    """Every column any school's file of `kind` had, in first-seen order."""
    columns: dict[str, None] = {}
    for (raw,) in (
        KindSnapshot.select(KindSnapshot.columns)
        .where(KindSnapshot.kind == kind)
        .order_by(KindSnapshot.id)
        .tuples()
    ):
        for name in json.loads(raw):
            columns.setdefault(name, None)
    return list(columns)


def write_merged_csvs(out_dir: Path | str, now: datetime | None = None) -> list[Path]:
    """One CSV per kind with every building's live records (each school's newest year)."""
    stamp = now or datetime.now()
    years = _years()
    written: list[Path] = []
    try:
        for kind in merged_kinds():
            columns = [
                ExportColumn(name, "id" if is_id_column(name) else "text")
                for name in merged_columns(kind)
            ]
            rows = (row for _sid, row in live_rows(kind, years))
            written.append(
                write_exchange_csv(
                    rows,
                    columns,
                    out_dir,
                    school_code=DISTRICT_CODE,
                    kind=kind,
                    school_year="all",
                    now=stamp,
                )
            )
    except BaseException:
        for path in written:  # all or nothing
            path.unlink(missing_ok=True)
        raise
    return written


@dataclass
class BuildingReport:
    """One building's figures for RCW 28A.320.1241 (from its annual-report file)."""

    code: str
    name: str
    school_year: str
    staff: int = 0
    staff_days_per_week: float = 0.0
    agreements_adopted: int = 0
    agreements_not_adopted: int = 0
    incidents: int | None = 0
    incidents_complete: bool = True
    complaints: int = 0


REPORT_COLUMNS = (
    "staff",
    "staff_days_per_week",
    "agreements_adopted",
    "agreements_not_adopted",
    "incidents",
    "incidents_complete",
    "complaints",
)


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 0.0


def district_annual_report() -> list[BuildingReport]:
    """Each building's annual-report figures, by code.

    A school may send from several laptops, each with its own requests, complaints, staff and
    agreements, and each laptop's report counts only its own. So the building's figures are the
    distinct records all its laptops listed: the incidents, the complaints, the staff (each
    person's row, by record) and the agreements (one per provider and year, as the identity
    rule has it: adopted when any laptop has it adopted); a laptop's own total only counts where
    it says more (a report sent before its rows were listed)."""
    schools = {s.id: s for s in DistrictSchool.select().order_by(DistrictSchool.code)}
    reports = {sid: BuildingReport(s.code, s.name, s.school_year) for sid, s in schools.items()}
    years = _years()
    listed: dict[int, int] = dict.fromkeys(reports, 0)
    complaints: dict[int, int] = dict.fromkeys(reports, 0)
    staff: dict[int, set[str]] = {sid: set() for sid in reports}
    agreements: dict[int, dict[str, bool]] = {sid: {} for sid in reports}
    for sid, _row in live_rows("complaints", years):
        complaints[sid] += 1
    for sid, row in live_rows("annual-report", years):
        report, measure, value = reports[sid], row.get("measure"), row.get("value", "")
        if measure == "staff_total":
            report.staff = max(report.staff, int(_number(value)))
        elif measure == "staff_days_per_week":
            person = row.get("subject_record_id") or row.get("record_id", "")
            if person not in staff[sid]:
                staff[sid].add(person)
                report.staff_days_per_week += _number(value)
        elif measure == "agreement":
            provider = " ".join(row.get("subject", "").casefold().split())
            adopted = agreements[sid].get(provider, False) or value.startswith("adopted")
            agreements[sid][provider] = adopted
        elif measure == "incidents":
            report.incidents = None if value == "not recorded" else int(_number(value))
        elif measure == "incident":
            listed[sid] += 1
        elif measure == "incidents_complete":
            report.incidents_complete = value == "yes"
        elif measure == "complaints_total":
            report.complaints = max(int(_number(value)), complaints[sid])
    # One laptop's own figure never exceeds what all of them listed; with several, the distinct
    # records are the building's count (the newest laptop's figure holds only its own).
    for sid, report in reports.items():
        if report.incidents is not None:
            report.incidents = max(report.incidents, listed[sid])
        report.staff = max(report.staff, len(staff[sid]))
        report.agreements_adopted = sum(agreements[sid].values())
        report.agreements_not_adopted = len(agreements[sid]) - report.agreements_adopted
    return list(reports.values())


def _totals(buildings: list[BuildingReport]) -> BuildingReport:
    total = BuildingReport(DISTRICT_CODE, "District total", "")
    for b in buildings:
        total.staff += b.staff
        total.staff_days_per_week += b.staff_days_per_week
        total.agreements_adopted += b.agreements_adopted
        total.agreements_not_adopted += b.agreements_not_adopted
        total.incidents = (
            None
            if total.incidents is None or b.incidents is None
            else total.incidents + b.incidents
        )
        total.incidents_complete &= b.incidents_complete and b.incidents is not None
        total.complaints += b.complaints
    return total


def render_district_report(buildings: list[BuildingReport], generated_at: datetime) -> str:
    """The annual report across buildings as plain text: each building, then the totals."""
    lines = [
        "Annual report across buildings — RCW 28A.320.1241",
        f"Generated {generated_at:%Y-%m-%d %H:%M} UTC from the bundles the schools sent.",
        "",
    ]
    for b in [*buildings, _totals(buildings)]:
        incidents = "not recorded" if b.incidents is None else str(b.incidents)
        if b.incidents is not None and not b.incidents_complete:
            incidents += " (not complete)"
        year = f", {b.school_year}" if b.school_year else ""
        lines += [
            f"{b.name} ({b.code}{year})",
            f"  (a) safety staff: {b.staff}, {b.staff_days_per_week:g} staff-days per week",
            f"  (b) agreements adopted: {b.agreements_adopted}, "
            f"not adopted: {b.agreements_not_adopted}",
            f"  (c) incidents with safety staff: {incidents}",
            f"  (d) complaints filed: {b.complaints}",
            "",
        ]
    return "\n".join(lines)


def write_district_report(out_dir: Path | str, now: datetime | None = None) -> tuple[Path, Path]:
    """Write the annual report across buildings (text and CSV) into `out_dir`; (text, csv)."""
    generated = now or utc_now()
    buildings = district_annual_report()
    rows = []
    for b in [*buildings, _totals(buildings)]:
        rows.append(
            {
                "record_id": str(uuid.uuid5(_REPORT_NAMESPACE, f"{b.code}/{b.school_year}")),
                "school_code": b.code,
                "school_year": b.school_year,
                "updated_at": iso_utc(generated),
                "school_name": b.name,
                "staff": str(b.staff),
                "staff_days_per_week": f"{b.staff_days_per_week:g}",
                "agreements_adopted": str(b.agreements_adopted),
                "agreements_not_adopted": str(b.agreements_not_adopted),
                "incidents": "not recorded" if b.incidents is None else str(b.incidents),
                "incidents_complete": "yes" if b.incidents_complete else "no",
                "complaints": str(b.complaints),
            }
        )
    columns = [
        ExportColumn("record_id", "id"),
        ExportColumn("school_code", "id"),
        ExportColumn("school_year"),
        ExportColumn("updated_at"),
        ExportColumn("school_name"),
        *(ExportColumn(name) for name in REPORT_COLUMNS),
    ]
    out_dir = Path(out_dir).expanduser()
    csv_path = write_exchange_csv(
        rows,
        columns,
        out_dir,
        school_code=DISTRICT_CODE,
        kind="annual-report-all-buildings",
        school_year="all",
        now=datetime.now(),
    )
    text_path = csv_path.with_suffix(".txt")
    try:
        ensure_private_dir(out_dir)
        text = render_district_report(buildings, generated)
        write_private_file_atomically(text_path, text.encode("utf-8"))
    except OSError as exc:
        csv_path.unlink(missing_ok=True)
        raise ExchangeError(f"cannot write the report to {out_dir}: {exc.strerror or exc}") from exc
    return text_path, csv_path


def record_count() -> int:
    """Live records held, all schools and kinds (for messages)."""
    return DistrictRecord.select().where(DistrictRecord.removed_at.is_null()).count()
