"""Requests for intervention (Policy 4311): draft, submit, amend with a reason, review, history.

The rules are in `policy` (pure); this module stores what the form recorded and enforces those
rules at the core, so the command line, the UI and any script get the same answers:
- free text that `policy.find_immigration_content` flags is never stored, not even in a draft
  (RCW 10.93.160);
- a request whose purpose is discipline is refused, and an SRO is never recorded taking a
  disciplinary action (Policy 4311, Limitations): those are not stored either;
- a draft may be incomplete; submitting needs no BLOCK finding and a written reason for every
  NEEDS_REASON one;
- a submitted request is never overwritten: a change is an amendment with a reason, kept with the
  request before and after (InterventionAmendment and the audit trail). Amending a reviewed
  request sends it back for review.
A request made for discipline can be kept on record as "refused" (`record_refusal`).
Lists, counts and the district export are in `query` and `export`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import fields, replace
from datetime import datetime
from typing import Any

from sro_tui import policy
from sro_tui.interventions.form import (
    DATETIME_FORMAT_HINT,
    InvolvedStudent,
    RequestForm,
    check_form,
    form_from_request,
    parse_local_datetime,
    request_facts,
    request_snapshot,
    staff_kinds,
    stored_findings,
)
from sro_tui.models import (
    INVOLVED_ROLES,
    STUDENT_OUTCOMES,
    InterventionAmendment,
    InterventionRequest,
    InterventionStaff,
    InterventionStudent,
    LawEnforcementActivity,
    RestraintIsolation,
    School,
    database_proxy,
    utc_now,
)
from sro_tui.records import ValidationError, audit, current_actor, current_year, get_school

# Re-exported: callers use one module for the whole feature.
__all__ = [
    "DATETIME_FORMAT_HINT",
    "InvolvedStudent",
    "NEVER_STORED",
    "RequestForm",
    "RequestRefused",
    "amend_request",
    "check_form",
    "discard_draft",
    "form_from_request",
    "parse_local_datetime",
    "record_refusal",
    "record_restraint_step",
    "request_facts",
    "request_snapshot",
    "review_request",
    "save_draft",
    "staff_kinds",
    "stored_findings",
    "submit_request",
]

# Findings that stop even a draft from being stored: the text or the act may not be on record.
NEVER_STORED = frozenset(
    {
        "immigration.free_text",
        "immigration.field_name",
        "discipline.request_refused",
        "discipline.sro_action",
    }
)


class RequestRefused(Exception):
    """The request cannot be stored as asked; `findings` are the policy's reasons, in its words."""

    def __init__(self, findings: list[policy.Finding], intro: str = "Not saved"):
        self.findings = findings
        lines = [f"{f.message} ({f.citation})" for f in findings]
        super().__init__(f"{intro}: " + " ".join(lines))


def _refuse_forbidden_text(text: str, where: str) -> None:
    """Review notes and amendment reasons are free text too: the same immigration rule applies."""
    matches = policy.find_immigration_content(text or "")
    if matches:
        found = [
            policy.Finding(
                "immigration.free_text",
                policy.Severity.BLOCK,
                f"The {where} mentions {matches[0].reason} (“{matches[0].phrase}”). "
                f"“{policy.IMMIGRATION_POLICY_WORDS}”",
                policy.IMMIGRATION_CITATION,
                where,
            )
        ]
        raise RequestRefused(found)


def _check_for_save(
    form: RequestForm, *, complete: bool, now: datetime | None = None
) -> list[policy.Finding]:
    # `now` (local wall clock, like the incident times) decides which deadlines are overdue.
    findings = check_form(form, now=now or datetime.now())
    never = [f for f in findings if f.check_id in NEVER_STORED]
    if never:
        raise RequestRefused(never)
    if complete:
        open_findings = policy.unresolved(findings, form.acknowledged_reasons)
        if open_findings:
            raise RequestRefused(open_findings, "Cannot submit")
    _validate_links(form)
    return findings


def _validate_links(form: RequestForm) -> None:
    problems: dict[str, str] = {}
    for index, involved in enumerate(form.students):
        if involved.role not in INVOLVED_ROLES:
            problems[f"students[{index}].role"] = (
                f"role must be one of: {', '.join(INVOLVED_ROLES)}"
            )
        unknown = [o for o in involved.outcomes if o not in STUDENT_OUTCOMES]
        if unknown:
            problems[f"students[{index}].outcomes"] = (
                f"outcomes must be among: {', '.join(STUDENT_OUTCOMES)} (not {', '.join(unknown)})"
            )
        if involved.student_id is None and not involved.unknown_person_description.strip():
            problems[f"students[{index}]"] = "choose a student or describe the unknown person"
    if len(set(form.staff_ids)) != len(form.staff_ids):
        problems["staff_ids"] = "a staff member is listed twice"
    if problems:
        raise ValidationError(problems)


# --- storing ----------------------------------------------------------------------------------

_SCALARS = (
    "occurred_at",
    "location",
    "on_premises",
    "requested_by_name",
    "staff_initiated_emergency",
    "facts",
    "purpose_is_discipline",
    "outcome",
)


def _finding_dicts(findings: list[policy.Finding]) -> list[dict[str, Any]]:
    return [
        {
            "check_id": f.check_id,
            "severity": f.severity.value,
            "message": f.message,
            "citation": f.citation,
            "field": f.field,
        }
        for f in findings
    ]


def _write(request: InterventionRequest, form: RequestForm, findings: list[policy.Finding]) -> None:
    """Store the form on the request and replace its linked rows (one transaction, the caller's)."""
    for name in _SCALARS:
        value = getattr(form, name)
        setattr(request, name, value.strip() if isinstance(value, str) else value)
    request.requested_by_role = form.requested_by_role or ""
    request.criterion = form.criterion or ""
    request.actions_taken = json.dumps(list(form.actions))
    request.findings_json = json.dumps(_finding_dicts(findings), ensure_ascii=False)
    request.reason_findings = sum(1 for f in findings if f.severity is policy.Severity.NEEDS_REASON)
    kept = {k: v.strip() for k, v in form.acknowledged_reasons.items() if v.strip()}
    request.acknowledged_reasons_json = json.dumps(kept, ensure_ascii=False, sort_keys=True)
    request.save()
    # Linked rows are rewritten on each save; exports carry `request_version` so the district can
    # drop rows from an older version of the request.
    for model in (
        InterventionStudent,
        InterventionStaff,
        LawEnforcementActivity,
        RestraintIsolation,
    ):
        model.delete().where(model.request == request).execute()
    for involved in form.students:
        InterventionStudent.create(
            request=request,
            student=involved.student_id,
            unknown_person_description=involved.unknown_person_description.strip(),
            role=involved.role,
            outcomes=json.dumps(list(involved.outcomes)),
        )
    for staff_id in form.staff_ids:
        InterventionStaff.create(request=request, staff=staff_id)
    for activity in form.law_enforcement:
        LawEnforcementActivity.create(
            request=request,
            kind=activity.kind,
            on_premises=activity.on_premises,
            why_on_premises=activity.why_on_premises.strip(),
            consent_requested=activity.consent_requested,
            attorney_access=activity.attorney_access or "",
            parent_notified=activity.parent_notified,
            custodial=activity.custodial,
            student_under_18=activity.student_under_18,
        )
    r = form.restraint
    if r is not None:
        RestraintIsolation.create(
            request=request,
            restraint=r.restraint,
            isolation=r.isolation,
            started_at=r.started_at,
            ended_at=r.ended_at,
            description=r.description.strip(),
            injuries=r.injuries,
            administrator_informed_at=r.administrator_informed_at,
            written_report_filed_at=r.written_report_filed_at,
            family_told_verbally_at=r.family_told_verbally_at,
            family_told_in_writing_at=r.family_told_in_writing_at,
            language=form.restraint_language.strip(),
            administered_by_name=r.administered_by_name.strip(),
            administered_by_title=r.administered_by_title.strip(),
            type_codes=",".join(r.type_codes),
            student_injured=r.student_injured,
            staff_injured_count=r.staff_injured_count,
            medical_care=r.medical_care.strip(),
            recommendations=r.recommendations.strip(),
        )


def _new_request(school: School | None) -> InterventionRequest:
    school = school or get_school()
    year = current_year()
    if school is None or year is None:
        raise ValidationError({"school": "set up the school and its school year first"})
    return InterventionRequest(school=school, school_year=year)


def save_draft(
    form: RequestForm,
    request: InterventionRequest | None = None,
    *,
    school: School | None = None,
    actor: str | None = None,
    now: datetime | None = None,
) -> InterventionRequest:
    """Create or update a draft. An incomplete draft is fine; forbidden content is not stored.

    Raises RequestRefused (immigration content, a discipline request, an SRO disciplinary action)
    or ValidationError, writing nothing. A submitted request must be amended instead."""
    if request is not None and request.status != "draft":
        raise ValidationError({"status": "this request was submitted: amend it, with a reason"})
    findings = _check_for_save(form, complete=False, now=now)
    with database_proxy.atomic():
        creating = request is None
        request = request or _new_request(school)
        before = None if creating else request_snapshot(request)
        _write(request, form, findings)
        after = request_snapshot(request)
        audit("create" if creating else "update", request, before=before, after=after, actor=actor)
    return request


def submit_request(
    form: RequestForm,
    request: InterventionRequest | None = None,
    *,
    school: School | None = None,
    actor: str | None = None,
    now: datetime | None = None,
) -> InterventionRequest:
    """Save the form and submit it (version 1). Refuses while a BLOCK finding stands or a
    NEEDS_REASON finding has no reason in `form.acknowledged_reasons`; nothing is written then."""
    if request is not None and request.status != "draft":
        raise ValidationError({"status": "this request was already submitted: amend it instead"})
    findings = _check_for_save(form, complete=True, now=now)
    who = actor or current_actor()
    with database_proxy.atomic():
        creating = request is None
        request = request or _new_request(school)
        before = None if creating else request_snapshot(request)
        request.status = "submitted"
        request.submitted_at = utc_now()
        request.submitted_by = who
        request.version = 1
        _write(request, form, findings)
        audit("submit", request, before=before, after=request_snapshot(request), actor=who)
    return request


def amend_request(
    request: InterventionRequest,
    changes: RequestForm | Mapping[str, Any],
    reason: str,
    *,
    actor: str | None = None,
    now: datetime | None = None,
) -> InterventionAmendment:
    """Change a submitted or reviewed request, keeping it before and after with the reason.

    `changes` is the whole new form, or a mapping of RequestForm fields to change. The policy
    checks run again as for a submission. A reviewed request goes back to "submitted" so the
    principal reviews the change."""
    if request.status not in ("submitted", "reviewed"):
        raise ValidationError({"status": "only a submitted request is amended; edit the draft"})
    if not reason.strip():
        raise ValidationError({"reason": "say why the request is being amended"})
    _refuse_forbidden_text(reason, "amendment reason")
    current = form_from_request(request)
    if isinstance(changes, RequestForm):
        form = changes
    else:
        unknown = set(changes) - {f.name for f in fields(RequestForm)}
        if unknown:
            raise ValidationError({name: "not a field of the request" for name in sorted(unknown)})
        form = replace(current, **dict(changes))
    if form == current:
        raise ValidationError({"changes": "nothing was changed"})
    findings = _check_for_save(form, complete=True, now=now)
    who = actor or current_actor()
    with database_proxy.atomic():
        before = request_snapshot(request)
        request.version += 1
        if request.status == "reviewed":
            request.status = "submitted"
        _write(request, form, findings)
        after = request_snapshot(request)
        amendment = InterventionAmendment.create(
            request=request,
            version=request.version,
            amended_by=who,
            reason=reason.strip(),
            before_json=json.dumps(before, ensure_ascii=False, sort_keys=True),
            after_json=json.dumps(after, ensure_ascii=False, sort_keys=True),
        )
        audit("amend", request, before=before, after=after, reason=reason.strip(), actor=who)
    return amendment


def why_not_reviewable(request: InterventionRequest) -> str | None:
    """Why this request cannot be reviewed (only a submitted one is), or None when it can."""
    if request.status != "submitted":
        return f"only a submitted request is reviewed (this one is {request.status})"
    return None


def has_discipline_outcome(request: InterventionRequest) -> bool:
    """Whether "did discipline follow?" applies: once a request is submitted (or reviewed)."""
    return request.status in ("submitted", "reviewed")


def review_request(
    request: InterventionRequest, note: str, *, actor: str | None = None
) -> InterventionRequest:
    """The principal's review of a submitted request, with a note (required)."""
    refused = why_not_reviewable(request)
    if refused:
        raise ValidationError({"status": refused})
    if not note.strip():
        raise ValidationError({"review_note": "write a review note"})
    _refuse_forbidden_text(note, "review note")
    who = actor or current_actor()
    with database_proxy.atomic():
        before = request_snapshot(request)
        request.status = "reviewed"
        request.reviewed_at = utc_now()
        request.reviewed_by = who
        request.review_note = note.strip()
        request.save()
        audit(
            "review",
            request,
            before=before,
            after=request_snapshot(request),
            reason=note.strip(),
            actor=who,
        )
    return request


def record_discipline_outcome(
    request: InterventionRequest, resulted: bool | None, *, actor: str | None = None
) -> InterventionRequest:
    """Record whether student discipline followed the incident (True / False; None: not known
    yet). Discipline is the principal's decision, made after the fact and recorded in the SIS; this
    keeps only the yes or no the annual report needs (RCW 28A.320.1241(1)(c)). Audited."""
    if not has_discipline_outcome(request):
        raise ValidationError(
            {
                "resulted_in_discipline": "a discipline outcome is recorded on a submitted or "
                f"reviewed request (this one is {request.status})"
            }
        )
    if request.resulted_in_discipline is resulted:
        return request
    who = actor or current_actor()
    word = {True: "yes", False: "no", None: "not recorded"}
    with database_proxy.atomic():
        before = request_snapshot(request)
        old = request.resulted_in_discipline
        request.resulted_in_discipline = resulted
        request.updated_at = utc_now()  # the district merge keeps the newest version
        request.save()
        audit(
            "update",
            request,
            before=before,
            after=request_snapshot(request),
            reason=f"student discipline followed: {word[old]} → {word[resulted]}",
            actor=who,
        )
    return request


def record_restraint_step(
    request: InterventionRequest,
    step: str,
    at: datetime,
    *,
    late_reason: str = "",
    actor: str | None = None,
    now: datetime | None = None,
) -> InterventionRequest:
    """Record that a restraint/isolation step (e.g. `written_report_filed`) was done at `at`.

    On a draft the draft is updated; on a submitted request this is an amendment whose reason
    names the step. A step done after its deadline needs `late_reason` (RCW 28A.600.485)."""
    form = form_from_request(request)
    if form.restraint is None:
        raise ValidationError({"restraint": "this request has no restraint or isolation record"})
    attribute = f"{step}_at"
    steps = {d.name: d.label for d in policy.restraint_deadlines(at)}
    if step not in steps:
        raise ValidationError({"step": f"unknown step {step!r}: one of {', '.join(steps)}"})
    setattr(form.restraint, attribute, at)
    if late_reason.strip():
        form.acknowledged_reasons[f"restraint.deadline_missed@restraint.{attribute}"] = late_reason
    if request.status == "draft":
        return save_draft(form, request, actor=actor, now=now)
    reason = f"Recorded: {steps[step]}, {at:%Y-%m-%d %H:%M}"
    amend_request(request, form, reason, actor=actor, now=now)
    return request


def record_refusal(
    form: RequestForm,
    request: InterventionRequest | None = None,
    *,
    school: School | None = None,
    actor: str | None = None,
    now: datetime | None = None,
) -> InterventionRequest:
    """Keep on record that a request was refused because its purpose was discipline (Policy 4311,
    Limitations). Only such a request can be refused; the stored findings carry the policy's words.
    Immigration content and an SRO's disciplinary action are still never stored."""
    if request is not None and request.status != "draft":
        raise ValidationError({"status": "only a request not yet submitted can be refused"})
    findings = check_form(form, now=now or datetime.now())
    if not any(f.check_id == "discipline.request_refused" for f in findings):
        raise ValidationError(
            {"purpose_is_discipline": "only a request whose purpose is discipline is refused"}
        )
    never = [
        f
        for f in findings
        if f.check_id in NEVER_STORED and f.check_id != "discipline.request_refused"
    ]
    if never:
        raise RequestRefused(never)
    _validate_links(form)
    who = actor or current_actor()
    with database_proxy.atomic():
        creating = request is None
        request = request or _new_request(school)
        before = None if creating else request_snapshot(request)
        request.status = "refused"
        request.submitted_at = utc_now()
        request.submitted_by = who
        _write(request, form, findings)
        audit("refuse", request, before=before, after=request_snapshot(request), actor=who)
    return request


def discard_draft(request: InterventionRequest, *, actor: str | None = None) -> None:
    """Delete a draft (audited). Submitted requests are never deleted."""
    if request.status != "draft":
        raise ValidationError({"status": "a submitted request is kept; amend it instead"})
    with database_proxy.atomic():
        before = request_snapshot(request)
        audit("delete", request, before=before, actor=actor)
        request.delete_instance(recursive=True)
