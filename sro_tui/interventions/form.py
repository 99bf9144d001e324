"""What the intervention form holds, as plain values, and the policy's view of it.

`RequestForm` is the form (no database objects); `check_form` turns it into `policy.RequestFacts`
and returns the findings the live panel shows; `form_from_request` and `request_snapshot` read a
stored request back (to edit it, and for amendments and the audit trail). The lifecycle (draft,
submit, amend, review) is in `interventions`, which re-exports these names.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sro_tui import policy
from sro_tui.interventions.calendar import closure_days
from sro_tui.models import (
    InterventionRequest,
    InterventionStaff,
    InterventionStudent,
    LawEnforcementActivity,
    SafetyStaff,
    Student,
)
from sro_tui.records import parse_date

DATETIME_FORMAT_HINT = "YYYY-MM-DD HH:MM"


@dataclass(slots=True)
class InvolvedStudent:
    """A student from the roster (`student_id`), or an unknown person described in words."""

    student_id: int | None = None
    unknown_person_description: str = ""
    role: str = "subject"  # a key of models.INVOLVED_ROLES
    outcomes: list[str] = field(default_factory=list)  # keys of models.STUDENT_OUTCOMES


@dataclass(slots=True)
class RequestForm:
    """Everything the intervention form holds, as plain values (no database objects)."""

    occurred_at: datetime | None = None
    location: str = ""
    on_premises: bool | None = True
    requested_by_name: str = ""
    requested_by_role: str | None = None
    staff_initiated_emergency: bool = False
    criterion: str | None = None
    facts: str = ""
    purpose_is_discipline: bool | None = None
    actions: list[str] = field(default_factory=list)
    outcome: str = ""
    students: list[InvolvedStudent] = field(default_factory=list)
    staff_ids: list[int] = field(default_factory=list)
    law_enforcement: list[policy.LawEnforcementActivity] = field(default_factory=list)
    restraint: policy.RestraintIsolation | None = None
    restraint_language: str = ""
    acknowledged_reasons: dict[str, str] = field(default_factory=dict)


def parse_local_datetime(text: str) -> datetime:
    """'2026-11-03 10:15' (or with a T), or as an office types it, '11/3/2026 10:15' or
    '11/3/2026 2:30 PM', as a naive local time; ValueError names the formats."""
    cleaned = " ".join(text.strip().replace("T", " ").split())
    day_text, _, time_text = cleaned.partition(" ")
    try:
        day = parse_date(day_text)
    except ValueError:
        day = None
    if day is not None:
        for fmt in ("%H:%M", "%I:%M %p", "%I:%M%p"):
            try:
                moment = datetime.strptime(time_text.upper(), fmt)
            except ValueError:
                continue
            return datetime.combine(day, moment.time())
    raise ValueError(
        f"write the date and time as {DATETIME_FORMAT_HINT} or MM/DD/YYYY HH:MM"
    ) from None


# --- the policy's view of a form --------------------------------------------------------------


def staff_kinds(staff_ids: list[int]) -> dict[int, str]:
    """Kind of each responding staff member (one query; the UI caches this per form)."""
    if not staff_ids:
        return {}
    query = SafetyStaff.select(SafetyStaff.id, SafetyStaff.kind).where(
        SafetyStaff.id.in_(staff_ids)
    )
    return {row_id: kind for row_id, kind in query.tuples()}


def request_facts(
    form: RequestForm,
    kinds_by_staff_id: Mapping[int, str],
    school_closures: frozenset | None = None,
) -> policy.RequestFacts:
    """The form as `policy.RequestFacts`; all free text goes where the immigration check sees it.
    `school_closures` defaults to the closure days stored for the school."""
    free_text = {
        "requested_by_name": form.requested_by_name,
        "outcome": form.outcome,
        "restraint_language": form.restraint_language,
    }
    for index, involved in enumerate(form.students):
        if involved.unknown_person_description:
            free_text[f"students[{index}].description"] = involved.unknown_person_description
    return policy.RequestFacts(
        occurred_at=form.occurred_at,
        location=form.location,
        requested_by_name=form.requested_by_name,
        requested_by_role=form.requested_by_role or None,
        staff_initiated_emergency=form.staff_initiated_emergency,
        criterion=form.criterion or None,
        facts=form.facts,
        purpose_is_discipline=form.purpose_is_discipline,
        responding_staff_kinds=[
            kinds_by_staff_id[i] for i in form.staff_ids if i in kinds_by_staff_id
        ],
        actions=list(form.actions),
        law_enforcement=list(form.law_enforcement),
        restraint=(
            None
            if form.restraint is None
            else replace(form.restraint, notice_language=form.restraint_language)
        ),
        free_text=free_text,
        acknowledged_reasons=dict(form.acknowledged_reasons),
        school_closures=closure_days() if school_closures is None else school_closures,
    )


def check_form(
    form: RequestForm,
    kinds_by_staff_id: Mapping[int, str] | None = None,
    now: datetime | None = None,
    school_closures: frozenset | None = None,
) -> list[policy.Finding]:
    """The policy findings for the form, BLOCK first (what the live panel shows). The UI passes
    the staff kinds and the school's closure days it read once per form (read here when None)."""
    kinds = kinds_by_staff_id if kinds_by_staff_id is not None else staff_kinds(form.staff_ids)
    return policy.check_request(request_facts(form, kinds, school_closures), now)


# --- reading back -----------------------------------------------------------------------------


def student_labels(student_ids: list[int]) -> dict[int, str]:
    """How the form names each roster student involved: "Pepe Núñez (000123)", by student id.
    An id no longer on the roster is left out."""
    if not student_ids:
        return {}
    return {
        s.id: f"{s.display_name} ({s.sis_id})"
        for s in Student.select().where(Student.id.in_(student_ids))
    }


def form_from_request(request: InterventionRequest) -> RequestForm:
    """The stored request as a form (to edit a draft or prepare an amendment)."""
    restraint_row = request.restraints.first()
    restraint = None
    if restraint_row is not None:
        restraint = policy.RestraintIsolation(
            restraint=restraint_row.restraint,
            isolation=restraint_row.isolation,
            started_at=restraint_row.started_at,
            ended_at=restraint_row.ended_at,
            description=restraint_row.description,
            injuries=restraint_row.injuries,
            administrator_informed_at=restraint_row.administrator_informed_at,
            written_report_filed_at=restraint_row.written_report_filed_at,
            family_told_verbally_at=restraint_row.family_told_verbally_at,
            family_told_in_writing_at=restraint_row.family_told_in_writing_at,
            administered_by_name=restraint_row.administered_by_name,
            administered_by_title=restraint_row.administered_by_title,
            type_codes=tuple(c for c in restraint_row.type_codes.split(",") if c),
            student_injured=restraint_row.student_injured,
            staff_injured_count=restraint_row.staff_injured_count,
            medical_care=restraint_row.medical_care,
            recommendations=restraint_row.recommendations,
            notice_language=restraint_row.language,
        )
    return RequestForm(
        occurred_at=request.occurred_at,
        location=request.location,
        on_premises=request.on_premises,
        requested_by_name=request.requested_by_name,
        requested_by_role=request.requested_by_role or None,
        staff_initiated_emergency=request.staff_initiated_emergency,
        criterion=request.criterion or None,
        facts=request.facts,
        purpose_is_discipline=request.purpose_is_discipline,
        actions=json.loads(request.actions_taken or "[]"),
        outcome=request.outcome,
        students=[
            InvolvedStudent(
                s.student_id, s.unknown_person_description, s.role, json.loads(s.outcomes or "[]")
            )
            for s in request.students.order_by(InterventionStudent.id)
        ],
        staff_ids=[s.staff_id for s in request.staff.order_by(InterventionStaff.id)],
        law_enforcement=[
            policy.LawEnforcementActivity(
                kind=a.kind,
                on_premises=a.on_premises,
                why_on_premises=a.why_on_premises,
                consent_requested=a.consent_requested,
                attorney_access=a.attorney_access or None,
                parent_notified=a.parent_notified,
                custodial=a.custodial,
                student_under_18=a.student_under_18,
            )
            for a in request.law_enforcement.order_by(LawEnforcementActivity.id)
        ],
        restraint=restraint,
        restraint_language=restraint_row.language if restraint_row else "",
        acknowledged_reasons=json.loads(request.acknowledged_reasons_json or "{}"),
    )


def _when(value: datetime | None) -> str | None:
    return value.isoformat(sep=" ", timespec="minutes") if value else None


def request_snapshot(request: InterventionRequest) -> dict[str, Any]:
    """The request as people read it (names, not ids), for amendments and the audit trail."""
    form = form_from_request(request)
    student_ids = [s.student_id for s in form.students if s.student_id is not None]
    names = (
        {
            s.id: f"{s.display_name} ({s.sis_id})"
            for s in Student.select().where(Student.id.in_(student_ids))
        }
        if student_ids
        else {}
    )
    staff = (
        {
            s.id: s.display_name
            for s in SafetyStaff.select().where(SafetyStaff.id.in_(form.staff_ids))
        }
        if form.staff_ids
        else {}
    )
    restraint = None
    if form.restraint is not None:
        r = form.restraint
        restraint = {
            "restraint": r.restraint,
            "isolation": r.isolation,
            "started_at": _when(r.started_at),
            "ended_at": _when(r.ended_at),
            "description": r.description,
            "injuries": r.injuries,
            "administrator_informed_at": _when(r.administrator_informed_at),
            "written_report_filed_at": _when(r.written_report_filed_at),
            "family_told_verbally_at": _when(r.family_told_verbally_at),
            "family_told_in_writing_at": _when(r.family_told_in_writing_at),
            "language": form.restraint_language,
        }
    return {
        "record_id": request.record_id,
        "status": request.status,
        "version": request.version,
        "occurred_at": _when(form.occurred_at),
        "location": form.location,
        "on_premises": form.on_premises,
        "requested_by_name": form.requested_by_name,
        "requested_by_role": form.requested_by_role,
        "staff_initiated_emergency": form.staff_initiated_emergency,
        "criterion": form.criterion,
        "facts": form.facts,
        "purpose_is_discipline": form.purpose_is_discipline,
        "actions": form.actions,
        "outcome": form.outcome,
        "students": [
            {
                "student": names.get(s.student_id, "") if s.student_id else "",
                "unknown_person": s.unknown_person_description,
                "role": s.role,
            }
            for s in form.students
        ],
        "staff": [staff.get(i, str(i)) for i in form.staff_ids],
        "law_enforcement": [
            {
                "kind": a.kind,
                "on_premises": a.on_premises,
                "why_on_premises": a.why_on_premises,
                "consent_requested": a.consent_requested,
                "attorney_access": a.attorney_access,
                "parent_notified": a.parent_notified,
            }
            for a in form.law_enforcement
        ],
        "restraint": restraint,
        "acknowledged_reasons": form.acknowledged_reasons,
        "review_note": request.review_note,
        "resulted_in_discipline": request.resulted_in_discipline,
    }


def stored_findings(request: InterventionRequest) -> list[policy.Finding]:
    """The findings saved with the request (as they stood at its last save)."""
    return [
        policy.Finding(
            d["check_id"],
            policy.Severity(d["severity"]),
            d["message"],
            d["citation"],
            d.get("field"),
        )
        for d in json.loads(request.findings_json or "[]")
    ]
