"""Intervention requests for the district office, as exchange CSV files (see `exchange`).

Four files per export, each with the merge columns (`record_id`, `school_code`, `school_year`,
`updated_at`): the requests, the students involved, the law-enforcement activities and the
restraint/isolation records. Linked rows carry `request_record_id` and `request_version`: when a
request is amended its linked rows are rewritten, so the district keeps only the linked rows whose
`request_version` equals the request's `version`.

What leaves the school (FERPA: the minimum the district needs):
- only submitted, reviewed and refused requests; drafts stay on the machine;
- **identified**: names of students, requester and responding staff, and the facts and outcome,
  because RCW 28A.320.1241(c) asks the district to describe each incident that ended in
  discipline, use of force or an arrest;
- **de-identified**: no names and no free text at all (facts, outcome, location, notes, review
  note could name people); students keep their SIS id, grade and the demographics the annual
  report needs (race/ethnicity, sex, IEP, 504, English learner) per RCW 28A.320.1241(c).
No file has a field for immigration or citizenship status or place of birth (RCW 10.93.160).
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

from peewee import JOIN

from sro_tui import policy
from sro_tui.exchange import MERGE_COLUMNS, ExportColumn, write_exchange_csv
from sro_tui.interventions.calendar import closure_days
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


def _cols(*specs: str) -> tuple[ExportColumn, ...]:
    """'name' or 'name:kind' -> ExportColumn."""
    return tuple(ExportColumn(*spec.split(":")) for spec in specs)


# Columns left out of the de-identified form are listed in IDENTIFYING.
REQUEST_COLUMNS = MERGE_COLUMNS + _cols(
    "status",
    "version:int",
    "occurred_at_local",
    "location",
    "on_premises",
    "requested_by_name",
    "requested_by_role",
    "staff_initiated_emergency",
    "criterion",
    "facts",
    "purpose_is_discipline",
    "actions_taken",
    "outcome",
    "resulted_in_discipline",
    "responding_staff",
    "responding_staff_kinds",
    "students_involved:int",
    "law_enforcement_kinds",
    "arrest",
    "restraint",
    "isolation",
    "findings",
    "submitted_at:datetime",
    "submitted_by",
    "reviewed_at:datetime",
    "reviewed_by",
    "review_note",
)
STUDENT_COLUMNS = MERGE_COLUMNS + _cols(
    "request_record_id:id",
    "request_version:int",
    "role",
    "student_sis_id:id",
    "student_first_name",
    "student_last_name",
    "unknown_person_description",
    "grade",
    "race_ethnicity",
    "sex",
    "iep",
    "section_504",
    "english_learner",
)
LAW_ENFORCEMENT_COLUMNS = MERGE_COLUMNS + _cols(
    "request_record_id:id",
    "request_version:int",
    "kind",
    "on_premises",
    "why_on_premises",
    "consent_requested",
    "attorney_access",
    "parent_notified",
)
RESTRAINT_COLUMNS = MERGE_COLUMNS + _cols(
    "request_record_id:id",
    "request_version:int",
    "restraint",
    "isolation",
    "started_at_local",
    "ended_at_local",
    "description",
    "injuries",
    "administrator_informed_at_local",
    "family_told_verbally_at_local",
    "written_report_filed_at_local",
    "written_report_due_local",
    "family_told_in_writing_at_local",
    "family_written_due_local",
    "language",
)
IDENTIFYING = frozenset(
    {
        "location",
        "requested_by_name",
        "facts",
        "outcome",
        "responding_staff",
        "submitted_by",
        "reviewed_by",
        "review_note",
        "student_first_name",
        "student_last_name",
        "unknown_person_description",
        "why_on_premises",
        "description",
    }
)


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _local(value: datetime | None) -> str:
    """Times of the incident are the school's wall clock, not UTC: written without a zone."""
    return value.isoformat(sep=" ", timespec="minutes") if value else ""


def _keep(columns: tuple[ExportColumn, ...], deidentified: bool) -> tuple[ExportColumn, ...]:
    return tuple(c for c in columns if not (deidentified and c.name in IDENTIFYING))


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


def export_requests(
    out_dir: Path | str,
    *,
    deidentified: bool = False,
    school_year: SchoolYear | None = None,
    now: datetime | None = None,
) -> list[Path]:
    """Write the four intervention files for the school year into `out_dir`; return their paths.

    Each file is written to a temporary name and renamed, mode 0600 (`write_exchange_csv`).
    Raises ValidationError when there is no school or year, ExchangeError when the folder cannot
    be written."""
    school = get_school()
    year = school_year or current_year()
    if school is None or year is None:
        raise ValidationError({"school": "set up the school and its school year first"})
    ir = InterventionRequest
    requests = _raw(
        ir.select()
        .where(ir.school == school, ir.school_year == year, ir.status.in_(EXPORTED_STATUSES))
        .order_by(ir.occurred_at, ir.id)
    )
    ids = [r["id"] for r in requests]
    by_id = {r["id"]: r for r in requests}
    chosen = ir.select(ir.id).where(
        ir.school == school, ir.school_year == year, ir.status.in_(EXPORTED_STATUSES)
    )

    staff_names: dict[int, list[str]] = defaultdict(list)
    staff_kinds: dict[int, list[str]] = defaultdict(list)
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
        staff_names[request_id].append(f"{first} {last}")
        staff_kinds[request_id].append(kind)

    student_rows = []
    student_count: dict[int, int] = defaultdict(int)
    for link in _raw(
        InterventionStudent.select(
            InterventionStudent.record_id,
            InterventionStudent.updated_at,
            InterventionStudent.request,
            InterventionStudent.role,
            InterventionStudent.unknown_person_description,
            Student.sis_id,
            Student.first_name,
            Student.last_name,
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
        request = by_id.get(link["request_id"])
        if request is None:
            continue
        student_count[link["request_id"]] += 1
        student_rows.append(
            {
                "record_id": link["record_id"],
                "updated_at": link["updated_at"],
                "request_record_id": request["record_id"],
                "request_version": request["version"],
                "role": link["role"],
                "student_sis_id": link["sis_id"] or "",
                "student_first_name": link["first_name"] or "",
                "student_last_name": link["last_name"] or "",
                "unknown_person_description": link["unknown_person_description"],
                "grade": link["grade"] or "",
                "race_ethnicity": link["race_ethnicity"] or "",
                "sex": link["sex"] or "",
                "iep": _yes_no(link["iep"]),
                "section_504": _yes_no(link["section_504"]),
                "english_learner": _yes_no(link["english_learner"]),
            }
        )

    le_rows = []
    le_kinds: dict[int, list[str]] = defaultdict(list)
    for a in (
        LawEnforcementActivity.select()
        .where(LawEnforcementActivity.request.in_(chosen))
        .order_by(LawEnforcementActivity.id)
    ):
        request = by_id[a.request_id]
        le_kinds[a.request_id].append(a.kind)
        le_rows.append(
            {
                "record_id": a.record_id,
                "updated_at": a.updated_at,
                "request_record_id": request["record_id"],
                "request_version": request["version"],
                "kind": a.kind,
                "on_premises": _yes_no(a.on_premises),
                "why_on_premises": a.why_on_premises,
                "consent_requested": _yes_no(a.consent_requested),
                "attorney_access": a.attorney_access,
                "parent_notified": _yes_no(a.parent_notified),
            }
        )

    restraint_rows = []
    restraint_of: dict[int, RestraintIsolation] = {}
    closed = closure_days()
    for r in RestraintIsolation.select().where(RestraintIsolation.request.in_(chosen)):
        request = by_id[r.request_id]
        restraint_of[r.request_id] = r
        started = r.started_at or request["occurred_at"]
        due = {d.name: d.due_at for d in policy.deadlines_of(r, started, closed)} if started else {}
        restraint_rows.append(
            {
                "record_id": r.record_id,
                "updated_at": r.updated_at,
                "request_record_id": request["record_id"],
                "request_version": request["version"],
                "restraint": _yes_no(r.restraint),
                "isolation": _yes_no(r.isolation),
                "started_at_local": _local(started),
                "ended_at_local": _local(r.ended_at),
                "description": r.description,
                "injuries": _yes_no(r.injuries),
                "administrator_informed_at_local": _local(r.administrator_informed_at),
                "family_told_verbally_at_local": _local(r.family_told_verbally_at),
                "written_report_filed_at_local": _local(r.written_report_filed_at),
                "written_report_due_local": _local(due.get("written_report_filed")),
                "family_told_in_writing_at_local": _local(r.family_told_in_writing_at),
                "family_written_due_local": _local(due.get("family_told_in_writing")),
                "language": r.language,
            }
        )

    request_rows = []
    for request_id in ids:
        r = by_id[request_id]
        restraint = restraint_of.get(request_id)
        findings = json.loads(r["findings_json"] or "[]")
        request_rows.append(
            {
                "record_id": r["record_id"],
                "updated_at": r["updated_at"],
                "status": r["status"],
                "version": r["version"],
                "occurred_at_local": _local(r["occurred_at"]),
                "location": r["location"],
                "on_premises": _yes_no(r["on_premises"]),
                "requested_by_name": r["requested_by_name"],
                "requested_by_role": r["requested_by_role"],
                "staff_initiated_emergency": _yes_no(r["staff_initiated_emergency"]),
                "criterion": r["criterion"],
                "facts": r["facts"],
                "purpose_is_discipline": _yes_no(r["purpose_is_discipline"]),
                "actions_taken": ";".join(json.loads(r["actions_taken"] or "[]")),
                "outcome": r["outcome"],
                "resulted_in_discipline": _yes_no(r["resulted_in_discipline"]),
                "responding_staff": ";".join(staff_names.get(request_id, [])),
                "responding_staff_kinds": ";".join(staff_kinds.get(request_id, [])),
                "students_involved": student_count.get(request_id, 0),
                "law_enforcement_kinds": ";".join(le_kinds.get(request_id, [])),
                "arrest": _yes_no("arrest" in le_kinds.get(request_id, [])),
                "restraint": _yes_no(bool(restraint and restraint.restraint)),
                "isolation": _yes_no(bool(restraint and restraint.isolation)),
                "findings": ";".join(
                    sorted({f["check_id"] for f in findings if f["severity"] != "advice"})
                ),
                "submitted_at": r["submitted_at"],
                "submitted_by": r["submitted_by"],
                "reviewed_at": r["reviewed_at"],
                "reviewed_by": r["reviewed_by"],
                "review_note": r["review_note"],
            }
        )

    suffix = "-deidentified" if deidentified else ""
    stamp = now or datetime.now()
    written: list[Path] = []
    try:
        for kind, rows, columns in (
            ("interventions", request_rows, REQUEST_COLUMNS),
            ("intervention-students", student_rows, STUDENT_COLUMNS),
            ("intervention-law-enforcement", le_rows, LAW_ENFORCEMENT_COLUMNS),
            ("intervention-restraint-isolation", restraint_rows, RESTRAINT_COLUMNS),
        ):
            written.append(
                write_exchange_csv(
                    rows,
                    _keep(columns, deidentified),
                    out_dir,
                    school_code=school.code,
                    kind=kind + suffix,
                    school_year=year.name,
                    now=stamp,
                )
            )
    except BaseException:
        # All or nothing: a set missing one file would mislead the district merge.
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return written
