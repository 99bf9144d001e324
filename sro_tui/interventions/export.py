"""Intervention requests for the district office, as exchange CSV files (see `exchange`).

Four files per export (requests, students involved, law-enforcement activities, restraint and
isolation records), each with the merge columns (`record_id`, `school_code`, `school_year`,
`updated_at`); the de-identified export adds a fifth, the published counts. Which columns each
file carries, and why, is in docs/intervention-exports.md.

- **identified**: what the district office needs to merge, report and follow up (RCW
  28A.320.1241(c), RCW 28A.600.485's report, CEDARS): the student's SIS id but not their name,
  staff names, the facts and outcome. Linked rows carry `request_record_id` and `request_version`.
- **de-identified** (34 CFR 99.3): no names, no SIS or state ids, no lasting record ids (each file
  set gets its own random keys, linking rows within it only), no exact times (the month; a
  duration in minutes; each deadline as met, met late, open or overdue), no free text, no family
  language. The counts file suppresses any count under 10 (`policy.suppress_small_counts`).
Drafts never leave the machine. No file has a field for immigration or citizenship status or place
of birth (RCW 10.93.160).
"""

from __future__ import annotations

import json
import secrets
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from peewee import JOIN

from sro_tui import policy
from sro_tui.exchange import exchange_csv_bytes, exchange_file_name, write_export_set
from sro_tui.interventions.calendar import closure_days
from sro_tui.interventions.export_columns import (
    DEIDENTIFIED_COLUMNS,
    IDENTIFIED_COLUMNS,
    RESTRAINT_STEPS,
)
from sro_tui.models import (
    InterventionRequest,
    InterventionStaff,
    InterventionStudent,
    LawEnforcementActivity,
    RestraintIsolation,
    SafetyStaff,
    SchoolYear,
    Student,
    database_proxy,
)
from sro_tui.records import ValidationError, current_year, get_school

# Drafts stay on the machine; refusals go too, so the district sees requests made for discipline.
EXPORTED_STATUSES = ("submitted", "reviewed", "refused")


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _local(value: datetime | None) -> str:
    """Times of the incident are the school's wall clock, not UTC: written without a zone."""
    return value.isoformat(sep=" ", timespec="minutes") if value else ""


def _month(value: datetime | None) -> str:
    return f"{value:%Y-%m}" if value else ""


def _raw(query: Any) -> list[dict[str, Any]]:
    """Rows as plain dicts straight from SQLite: peewee's per-value conversion costs most of an
    export's time at 2,000 requests. Times (`*_at`) are parsed; booleans stay 0/1/None."""
    cursor = database_proxy.execute(query)
    names = [d[0] for d in cursor.description]
    times = [i for i, n in enumerate(names) if n.endswith("_at")]
    rows = []
    for values in cursor:
        row = dict(zip(names, values, strict=True))
        for i in times:
            if values[i]:
                row[names[i]] = datetime.fromisoformat(values[i])
        rows.append(row)
    return rows


@dataclass
class _Export:
    """One export: de-identified or not, the export moment, and the random keys of this file set
    (a record's key here says nothing about it anywhere else)."""

    deidentified: bool
    stamp: datetime
    keys: dict[str, str] = field(default_factory=dict)

    def merge_cells(self, record_id: str, updated_at: datetime) -> dict[str, Any]:
        if not self.deidentified:
            return {"record_id": record_id, "updated_at": updated_at}
        # The export's day, not when the record changed: no exact time leaves in this file.
        day = self.stamp.replace(hour=0, minute=0, second=0, microsecond=0)
        return {"record_id": self.key(record_id), "updated_at": day}

    def key(self, record_id: str) -> str:
        if record_id not in self.keys:
            self.keys[record_id] = secrets.token_hex(8)
        return self.keys[record_id]

    def link(self, request: dict[str, Any]) -> dict[str, Any]:
        if self.deidentified:
            return {"request_key": self.key(request["record_id"])}
        return {"request_record_id": request["record_id"], "request_version": request["version"]}


# --- row builders -----------------------------------------------------------------------------


def _request_row(r: dict[str, Any], linked: dict[str, Any], ex: _Export) -> dict[str, Any]:
    restraint = linked["restraint"]
    le_kinds = linked["le_kinds"]
    findings = json.loads(r["findings_json"] or "[]")
    row = {
        **ex.merge_cells(r["record_id"], r["updated_at"]),
        "status": r["status"],
        "on_premises": _yes_no(r["on_premises"]),
        "requested_by_role": r["requested_by_role"],
        "staff_initiated_emergency": _yes_no(r["staff_initiated_emergency"]),
        "criterion": r["criterion"],
        "purpose_is_discipline": _yes_no(r["purpose_is_discipline"]),
        "actions_taken": ";".join(json.loads(r["actions_taken"] or "[]")),
        "resulted_in_discipline": _yes_no(r["resulted_in_discipline"]),
        "responding_staff_kinds": ";".join(kind for _, kind in linked["staff"]),
        "students_involved": linked["students"],
        "law_enforcement_kinds": ";".join(le_kinds),
        "arrest": _yes_no("arrest" in le_kinds),
        "restraint": _yes_no(bool(restraint and restraint.restraint)),
        "isolation": _yes_no(bool(restraint and restraint.isolation)),
        "findings": ";".join(
            sorted({f["check_id"] for f in findings if f["severity"] != "advice"})
        ),
    }
    if ex.deidentified:
        return {**row, "month": _month(r["occurred_at"])}
    return {
        **row,
        "version": r["version"],
        "occurred_at_local": _local(r["occurred_at"]),
        "location": r["location"],
        "facts": r["facts"],
        "outcome": r["outcome"],
        "responding_staff": ";".join(name for name, _ in linked["staff"]),
        "submitted_at": r["submitted_at"],
        "submitted_by": r["submitted_by"],
        "reviewed_at": r["reviewed_at"],
        "reviewed_by": r["reviewed_by"],
    }


def _student_row(link: dict[str, Any], request: dict[str, Any], ex: _Export) -> dict[str, Any]:
    row = {
        **ex.merge_cells(link["record_id"], link["updated_at"]),
        **ex.link(request),
        "role": link["role"],
        "outcomes": ";".join(json.loads(link["outcomes"] or "[]")),
        "grade": link["grade"] or "",
        "race_ethnicity": link["race_ethnicity"] or "",
        "sex": link["sex"] or "",
        "iep": _yes_no(link["iep"]),
        "section_504": _yes_no(link["section_504"]),
        "english_learner": _yes_no(link["english_learner"]),
    }
    if ex.deidentified:
        return row
    return {
        **row,
        "student_sis_id": link["sis_id"] or "",
        "unknown_person_description": link["unknown_person_description"],
        "student_ssid": link["ssid"] or "",
    }


def _law_enforcement_row(
    a: LawEnforcementActivity, request: dict[str, Any], ex: _Export
) -> dict[str, Any]:
    row = {
        **ex.merge_cells(a.record_id, a.updated_at),
        **ex.link(request),
        "kind": a.kind,
        "on_premises": _yes_no(a.on_premises),
        "consent_requested": _yes_no(a.consent_requested),
        "attorney_access": a.attorney_access,
        "parent_notified": _yes_no(a.parent_notified),
        "custodial": _yes_no(a.custodial),
        "student_under_18": _yes_no(a.student_under_18),
    }
    return row if ex.deidentified else {**row, "why_on_premises": a.why_on_premises}


def _restraint_row(
    r: RestraintIsolation, request: dict[str, Any], ex: _Export, closed: frozenset
) -> dict[str, Any]:
    started = r.started_at or request["occurred_at"]
    deadlines = {d.name: d for d in policy.deadlines_of(r, started, closed)} if started else {}
    minutes = int((r.ended_at - started).total_seconds() // 60) if started and r.ended_at else None
    row = {
        **ex.merge_cells(r.record_id, r.updated_at),
        **ex.link(request),
        "restraint": _yes_no(r.restraint),
        "isolation": _yes_no(r.isolation),
        "type_codes": r.type_codes.replace(",", ";"),
        "duration_minutes": minutes,
        "student_injured": _yes_no(r.student_injured),
        "staff_injured_count": r.staff_injured_count,
    }
    if ex.deidentified:
        return {
            **row,
            "month": _month(started),
            "medical_care_given": _yes_no(bool(r.medical_care.strip())),
            **{step: d.status(ex.stamp) for step, d in deadlines.items()},
        }
    due = {step: d.due_at for step, d in deadlines.items()}
    return {
        **row,
        "started_at_local": _local(started),
        "ended_at_local": _local(r.ended_at),
        "administered_by_name": r.administered_by_name,
        "administered_by_title": r.administered_by_title,
        "description": r.description,
        "medical_care": r.medical_care,
        "recommendations": r.recommendations,
        **{f"{step}_at_local": _local(getattr(r, f"{step}_at")) for step in RESTRAINT_STEPS},
        "written_report_due_local": _local(due.get("written_report_filed")),
        "family_written_due_local": _local(due.get("family_told_in_writing")),
        "language": r.language,
    }


def _count_rows(files: dict[str, list[dict[str, Any]]], ex: _Export) -> list[dict[str, Any]]:
    """The published counts of the de-identified export, each table suppressed on its own."""
    tables = {
        "requests by criterion": Counter(
            r["criterion"] or "staff_initiated" for r in files["interventions"]
        ),
        "students by role": Counter(s["role"] for s in files["intervention-students"]),
        "restraint or isolation by type code": Counter(
            code
            for r in files["intervention-restraint-isolation"]
            for code in r["type_codes"].split(";")
            if code
        ),
    }
    for outcome in ("discipline", "use_of_force", "arrest"):
        tables[f"students with {outcome} by race/ethnicity"] = Counter(
            s["race_ethnicity"] or "not recorded"
            for s in files["intervention-students"]
            if outcome in s["outcomes"].split(";")
        )
    rows = []
    for table, counts in tables.items():
        for group, shown in policy.suppress_small_counts(dict(sorted(counts.items()))).items():
            rows.append(
                {
                    **ex.merge_cells(f"{table}/{group}", ex.stamp),
                    "table": table,
                    "group": group,
                    "count": shown,
                }
            )
    return rows


# --- the export -------------------------------------------------------------------------------


def _linked_rows(chosen: Any, by_id: dict[int, dict[str, Any]], ex: _Export) -> tuple:
    """The rows of the three linked files, and per request what its own row summarises."""
    linked: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"staff": [], "students": 0, "le_kinds": [], "restraint": None}
    )
    for request_id, first, last, kind in (
        InterventionStaff.select(
            InterventionStaff.request,
            SafetyStaff.first_name,
            SafetyStaff.last_name,
            SafetyStaff.kind,
        )
        .join(SafetyStaff)
        .where(InterventionStaff.request.in_(chosen))
        .order_by(InterventionStaff.id)
        .tuples()
    ):
        linked[request_id]["staff"].append((f"{first} {last}", kind))
    students = []
    for link in _raw(
        InterventionStudent.select(
            InterventionStudent.record_id,
            InterventionStudent.updated_at,
            InterventionStudent.request,
            InterventionStudent.role,
            InterventionStudent.outcomes,
            InterventionStudent.unknown_person_description,
            Student.sis_id,
            Student.ssid,
            Student.grade,
            Student.race_ethnicity,
            Student.sex,
            Student.iep,
            Student.section_504,
            Student.english_learner,
        )
        .join(Student, JOIN.LEFT_OUTER)
        .where(InterventionStudent.request.in_(chosen))
        .order_by(InterventionStudent.id)
    ):
        linked[link["request_id"]]["students"] += 1
        students.append(_student_row(link, by_id[link["request_id"]], ex))
    activities = []
    for a in (
        LawEnforcementActivity.select()
        .where(LawEnforcementActivity.request.in_(chosen))
        .order_by(LawEnforcementActivity.id)
    ):
        linked[a.request_id]["le_kinds"].append(a.kind)
        activities.append(_law_enforcement_row(a, by_id[a.request_id], ex))
    restraints = []
    closed = closure_days()
    for r in RestraintIsolation.select().where(RestraintIsolation.request.in_(chosen)):
        linked[r.request_id]["restraint"] = r
        restraints.append(_restraint_row(r, by_id[r.request_id], ex, closed))
    return linked, students, activities, restraints


def export_requests(
    out_dir: Path | str,
    *,
    deidentified: bool = False,
    school_year: SchoolYear | None = None,
    now: datetime | None = None,
) -> list[Path]:
    """Write the intervention files for the school year into `out_dir`; return their paths (four
    files, five when de-identified: the published counts).

    The files are written as one set, all or nothing even under a kill (`write_export_set`),
    0600 each. Raises ValidationError when there is no school or year, ExchangeError when
    the folder cannot be written."""
    school = get_school()
    year = school_year or current_year()
    if school is None or year is None:
        raise ValidationError({"school": "set up the school and its school year first"})
    ex = _Export(deidentified, now or datetime.now())
    ir = InterventionRequest
    in_year = (ir.school == school, ir.school_year == year, ir.status.in_(EXPORTED_STATUSES))
    requests = _raw(ir.select().where(*in_year).order_by(ir.occurred_at, ir.id))
    by_id = {r["id"]: r for r in requests}
    linked, students, activities, restraints = _linked_rows(
        ir.select(ir.id).where(*in_year), by_id, ex
    )
    files = {
        "interventions": [_request_row(r, linked[r["id"]], ex) for r in requests],
        "intervention-students": students,
        "intervention-law-enforcement": activities,
        "intervention-restraint-isolation": restraints,
    }
    if deidentified:
        files["intervention-counts"] = _count_rows(files, ex)
    columns = DEIDENTIFIED_COLUMNS if deidentified else IDENTIFIED_COLUMNS
    suffix = "-deidentified" if deidentified else ""
    # All or none, even under a kill: a set missing one file would mislead the district merge.
    return write_export_set(
        out_dir,
        [
            (
                exchange_file_name(school.code, kind + suffix, year.name, ex.stamp),
                exchange_csv_bytes(
                    rows, columns[kind], school_code=school.code, school_year=year.name
                ),
            )
            for kind, rows in files.items()
        ],
    )
