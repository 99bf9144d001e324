"""Finding intervention requests again: the filtered list, one request's history, and the counts
for the dashboard and `sro-tui status`. Filtering happens in SQL so 2,000 requests list in
milliseconds."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from peewee import JOIN

from sro_tui import policy
from sro_tui.interventions.counts import owed_restraint_steps
from sro_tui.models import (  # the package re-exports the first two for the screens
    REQUEST_STATUSES,  # noqa: F401 - the status words, for the screens
    AuditEvent,
    InterventionRequest,
    InterventionStaff,
    InterventionStudent,
    LawEnforcementActivity,
    RestraintIsolation,
    SchoolYear,
    Student,
    database_proxy,
)
from sro_tui.records import current_year

# --- the list ---------------------------------------------------------------------------------


def open_restraint_condition():
    """Restraint or isolation records with a step not yet done (`counts.owed_steps` says the same
    in SQL)."""
    r = RestraintIsolation
    return (
        r.administrator_informed_at.is_null()
        | r.written_report_filed_at.is_null()
        | r.family_told_verbally_at.is_null()
        | r.family_told_in_writing_at.is_null()
    )


@dataclass(slots=True)
class RequestFilter:
    """What the list shows. None means "any"."""

    school_year: SchoolYear | None = None  # default: the current year
    status: str | None = None  # draft / submitted / reviewed
    criterion: str | None = None  # a key of policy.CRITERIA, or "staff_initiated_emergency"
    date_from: date | None = None
    date_to: date | None = None  # inclusive
    student_id: int | None = None
    staff_id: int | None = None
    has_findings: bool | None = None  # findings that needed a written reason
    law_enforcement: bool | None = None
    open_restraint_deadline: bool | None = None
    text: str = ""  # part of the location, requester or facts


@dataclass(slots=True)
class RequestRow:
    """One line of the list."""

    id: int
    record_id: str
    occurred_at: datetime | None
    status: str
    criterion: str
    staff_initiated_emergency: bool
    location: str
    requested_by_name: str
    reason_findings: int
    version: int
    students: list[str] = field(default_factory=list)
    law_enforcement: bool = False
    restraint_open: bool = False

    @property
    def criterion_label(self) -> str:
        if self.staff_initiated_emergency and not self.criterion:
            return "Staff-initiated emergency"
        found = policy.CRITERIA.get(self.criterion)
        return found.label if found else "(not chosen)"


def _where(f: RequestFilter) -> list[Any]:
    ir = InterventionRequest
    year = f.school_year or current_year()
    conditions: list[Any] = []
    if year is not None:
        conditions.append(ir.school_year == year)
    if f.status:
        conditions.append(ir.status == f.status)
    if f.criterion == policy.STAFF_INITIATED_EMERGENCY:
        conditions.append(ir.staff_initiated_emergency == True)  # noqa: E712
    elif f.criterion:
        conditions.append(ir.criterion == f.criterion)
    if f.date_from:
        conditions.append(ir.occurred_at >= datetime.combine(f.date_from, datetime.min.time()))
    if f.date_to:
        end = datetime.combine(f.date_to + timedelta(days=1), datetime.min.time())
        conditions.append(ir.occurred_at < end)
    if f.student_id is not None:
        conditions.append(
            ir.id.in_(
                InterventionStudent.select(InterventionStudent.request).where(
                    InterventionStudent.student == f.student_id
                )
            )
        )
    if f.staff_id is not None:
        conditions.append(
            ir.id.in_(
                InterventionStaff.select(InterventionStaff.request).where(
                    InterventionStaff.staff == f.staff_id
                )
            )
        )
    if f.has_findings is not None:
        conditions.append(ir.reason_findings > 0 if f.has_findings else ir.reason_findings == 0)
    if f.law_enforcement is not None:
        with_le = ir.id.in_(LawEnforcementActivity.select(LawEnforcementActivity.request))
        conditions.append(with_le if f.law_enforcement else ~with_le)
    if f.open_restraint_deadline is not None:
        open_ = ir.id.in_(
            RestraintIsolation.select(RestraintIsolation.request).where(open_restraint_condition())
        )
        conditions.append(open_ if f.open_restraint_deadline else ~open_)
    if f.text.strip():
        needle = f"%{f.text.strip()}%"
        conditions.append(ir.location**needle | ir.requested_by_name**needle | ir.facts**needle)
    return conditions


def list_requests(
    filters: RequestFilter | None = None, limit: int | None = None
) -> list[RequestRow]:
    """Requests matching `filters`, newest first, with the students' names for each."""
    f = filters or RequestFilter()
    ir = InterventionRequest
    query = ir.select(
        ir.id,
        ir.record_id,
        ir.occurred_at,
        ir.status,
        ir.criterion,
        ir.staff_initiated_emergency,
        ir.location,
        ir.requested_by_name,
        ir.reason_findings,
        ir.version,
    )
    conditions = _where(f)
    if conditions:
        query = query.where(*conditions)
    query = query.order_by(ir.occurred_at.desc(nulls="first"), ir.id.desc())
    if limit:
        query = query.limit(limit)
    # Straight from the cursor: peewee's per-value conversion would cost most of the 50 ms budget.
    rows = []
    for values in database_proxy.execute(query):
        when = values[2]
        rows.append(
            RequestRow(
                values[0],
                values[1],
                datetime.fromisoformat(when) if when else None,
                *values[3:5],
                bool(values[5]),
                *values[6:],
            )
        )
    if not rows:
        return rows
    ids = query.select(ir.id)  # the same filter, as a subquery: no giant IN (...) list
    by_id = {row.id: row for row in rows}
    names = (
        InterventionStudent.select(
            InterventionStudent.request,
            Student.first_name,
            Student.preferred_name,
            Student.last_name,
            InterventionStudent.unknown_person_description,
        )
        .join(Student, JOIN.LEFT_OUTER)
        .where(InterventionStudent.request.in_(ids))
        .order_by(InterventionStudent.id)
    )
    for request_id, first, preferred, last, unknown in database_proxy.execute(names):
        row = by_id.get(request_id)
        if row is not None:
            row.students.append(f"{preferred or first} {last}" if last else f"({unknown})")
    for (request_id,) in (
        LawEnforcementActivity.select(LawEnforcementActivity.request)
        .where(LawEnforcementActivity.request.in_(ids))
        .tuples()
    ):
        if request_id in by_id:
            by_id[request_id].law_enforcement = True
    for (request_id,) in (
        RestraintIsolation.select(RestraintIsolation.request)
        .where(RestraintIsolation.request.in_(ids), open_restraint_condition())
        .tuples()
    ):
        if request_id in by_id:
            by_id[request_id].restraint_open = True
    return rows


# --- history ----------------------------------------------------------------------------------

ACTION_WORDS = {
    "create": "Draft created",
    "update": "Draft edited",
    "submit": "Submitted",
    "amend": "Amended",
    "review": "Reviewed",
    "refuse": "Refused (purpose: discipline)",
    "delete": "Draft discarded",
}
_NOT_CHANGES = {"record_id", "version", "status"}


@dataclass(slots=True)
class FieldChange:
    field: str
    before: Any
    after: Any


@dataclass(slots=True)
class HistoryEntry:
    """One step in a request's life: who, when, what, why, and which fields changed."""

    at: datetime
    actor: str
    action: str  # a key of ACTION_WORDS
    reason: str
    version: int
    changes: list[FieldChange]
    after: dict[str, Any]

    @property
    def title(self) -> str:
        return ACTION_WORDS.get(self.action, self.action)


def _diff(before: dict[str, Any], after: dict[str, Any]) -> list[FieldChange]:
    names = [k for k in after if k not in _NOT_CHANGES] + [
        k for k in before if k not in after and k not in _NOT_CHANGES
    ]
    return [
        FieldChange(name, before.get(name), after.get(name))
        for name in names
        if before.get(name) != after.get(name)
    ]


def get_request(request_id: int) -> InterventionRequest | None:
    """One request by its database id (None when it is gone), for the detail pane and the form."""
    return InterventionRequest.get_or_none(InterventionRequest.id == request_id)


def request_history(request: InterventionRequest) -> list[HistoryEntry]:
    """Every recorded step of the request, oldest first. The entry for "submit" holds the
    original as submitted; each "amend" entry holds its reason and the fields it changed."""
    events = (
        AuditEvent.select()
        .where(
            AuditEvent.table_name == InterventionRequest._meta.table_name,
            AuditEvent.record_id == request.record_id,
        )
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    entries = []
    for event in events:
        before = json.loads(event.before) if event.before else {}
        after = json.loads(event.after) if event.after else {}
        changes = _diff(before, after) if before and event.action != "review" else []
        if event.action == "review":
            changes = [
                FieldChange("review_note", before.get("review_note"), after.get("review_note"))
            ]
        entries.append(
            HistoryEntry(
                at=event.at,
                actor=event.actor,
                action=event.action,
                reason=event.reason,
                version=int(after.get("version") or before.get("version") or 1),
                changes=changes,
                after=after,
            )
        )
    return entries


# --- counts -----------------------------------------------------------------------------------


def open_restraint_deadlines(
    now: datetime | None = None,
) -> list[tuple[InterventionRequest, policy.Deadline]]:
    """Every restraint/isolation step still owed this school year, soonest due first."""
    owed = owed_restraint_steps()
    ids = {request_id for request_id, _ in owed}
    ir = InterventionRequest
    requests = {r.id: r for r in ir.select().where(ir.id.in_(ids))} if ids else {}
    return [(requests[request_id], deadline) for request_id, deadline in owed]
