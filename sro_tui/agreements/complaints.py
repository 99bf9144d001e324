"""Family complaints about safety and security staff (Policy 4311; RCW 28A.320.1242 A5 asks the
agreement to describe how complaints are filed, investigated and answered; RCW 28A.320.1241(d)
counts them every year).

A complaint moves through intake -> routed (to the school and, when the staff member works for an
agency or company, to them) -> investigation notes -> response sent -> closed. The status is read
from those dates, never stored twice. A closed complaint is not edited: `reopen_complaint` with a
reason opens it again. Every change is audited. Complaints are education records (FERPA): the
complainant's contact is kept only to answer them, and the district export carries neither names,
contact details nor narrative (see `export_complaints_csv`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

# The package, not the name: its immigration checks (patterns compiled at import) load when a
# complaint is first checked, not with the dashboard's counts (`open_complaints`).
from sro_tui import policy
from sro_tui.agreements.counts import complaint_age_days
from sro_tui.exchange import MERGE_COLUMNS, ExportColumn, write_exchange_csv
from sro_tui.models import (
    COMPLAINANT_ROLES,
    COMPLAINT_CATEGORIES,
    COMPLAINT_CHANNELS,
    Complaint,
    SafetyStaff,
    School,
    SchoolYear,
    Student,
    database_proxy,
)
from sro_tui.records import (
    ValidationError,
    audit,
    current_actor,
    current_year,
    get_school,
    snapshot,
)

COMPLAINT_STATUSES = {
    "received": "Received",
    "routed": "Routed",
    "investigating": "Under investigation",
    "responded": "Response sent",
    "closed": "Closed",
}
INTAKE_FIELDS = (
    "received_on",
    "received_how",
    "complainant_name",
    "complainant_role",
    "complainant_contact",
    "language",
    "staff",
    "staff_description",
    "student",
    "category",
    "what_happened",
)
# Every intake field a person types: each is screened (RCW 10.93.160; Policy 4311).
FREE_TEXT_FIELDS = (
    "complainant_name",
    "complainant_contact",
    "language",
    "staff_description",
    "what_happened",
)


def complaint_status(complaint: Complaint) -> str:
    """A key of COMPLAINT_STATUSES, read from what has been recorded."""
    if complaint.closed_on is not None:
        return "closed"
    if complaint.response_sent_on is not None:
        return "responded"
    if complaint.investigation_notes.strip():
        return "investigating"
    if complaint.routed_to_school_on is not None or complaint.routed_to_agency_on is not None:
        return "routed"
    return "received"


def needs_agency_routing(complaint: Complaint) -> bool:
    """True when the staff member complained about works for an agency or company."""
    return complaint.staff is not None and complaint.staff.employer_type != "district"


# A family may be complaining precisely that an officer asked about status: the complaint is
# recorded, but not anyone's status or birthplace, nor the question's answer.
_COMPLAINT_ADVICE = (
    "If the complaint is that staff asked about immigration, write that (e.g. “the officer "
    "questioned the student about immigration”) without recording anyone's status, citizenship or "
    "place of birth."
)


def _free_text_problems(values: Mapping[str, Any], names: Iterable[str]) -> dict[str, str]:
    return policy.immigration_problems(values, names, _COMPLAINT_ADVICE)


def _refuse_if_closed(complaint: Complaint) -> None:
    if complaint.closed_on is not None:
        raise ValidationError(
            {
                "complaint": f"the complaint was closed on {complaint.closed_on}; "
                "reopen it (with a reason) to change it"
            }
        )


def validate_intake(values: Mapping[str, Any], today: date) -> dict[str, str]:
    """Problems with a complaint's intake fields, by field; empty when it can be saved."""
    problems: dict[str, str] = {}
    received = values.get("received_on")
    if not isinstance(received, date):
        problems["received_on"] = "give the date the complaint was received"
    elif received > today:
        problems["received_on"] = "the date received is in the future"
    if values.get("received_how") not in COMPLAINT_CHANNELS:
        problems["received_how"] = f"how it was received: one of {', '.join(COMPLAINT_CHANNELS)}"
    if values.get("complainant_role", "parent") not in COMPLAINANT_ROLES:
        problems["complainant_role"] = f"must be one of: {', '.join(COMPLAINANT_ROLES)}"
    if values.get("category", "student_interaction") not in COMPLAINT_CATEGORIES:
        problems["category"] = f"must be one of: {', '.join(COMPLAINT_CATEGORIES)}"
    staff = values.get("staff")
    if staff is not None and not isinstance(staff, SafetyStaff):
        problems["staff"] = "choose the staff member from the roster"
    if staff is None and not str(values.get("staff_description") or "").strip():
        problems["staff"] = "say which staff member the complaint is about (or describe them)"
    student = values.get("student")
    if student is not None and not isinstance(student, Student):
        problems["student"] = "choose the student from the roster"
    if not str(values.get("what_happened") or "").strip():
        problems["what_happened"] = "describe what happened, in the complainant's words"
    problems.update(_free_text_problems(values, FREE_TEXT_FIELDS))
    return problems


def log_complaint(
    values: Mapping[str, Any],
    *,
    school: School | None = None,
    year: SchoolYear | None = None,
    today: date | None = None,
) -> Complaint:
    """Record a complaint at intake (fields: INTAKE_FIELDS). All or nothing, audited."""
    today = today or date.today()
    data = {k: v for k, v in values.items() if k in INTAKE_FIELDS}
    problems = validate_intake(data, today)
    school, year = school or get_school(), year or current_year()
    if school is None or year is None:
        problems["school"] = "set up the school and its school year first"
    if problems:
        raise ValidationError(problems)
    for name in (
        "complainant_name",
        "complainant_contact",
        "language",
        "staff_description",
        "what_happened",
    ):
        data[name] = str(data.get(name) or "").strip()
    with database_proxy.atomic():
        complaint = Complaint.create(school=school, school_year=year, **data)
        if complaint.staff is not None and complaint.staff.employer_type != "district":
            complaint.agency_name = complaint.staff.employer_name
            complaint.save()
        audit("create", complaint, after=snapshot(complaint))
    return complaint


def _change(
    complaint: Complaint, changes: Mapping[str, Any], action: str = "update", reason: str = ""
) -> Complaint:
    with database_proxy.atomic():
        before = snapshot(complaint)
        for name, value in changes.items():
            setattr(complaint, name, value)
        complaint.save()
        audit(action, complaint, before=before, after=snapshot(complaint), reason=reason)
    return complaint


def update_complaint(
    complaint: Complaint, values: Mapping[str, Any], today: date | None = None
) -> Complaint:
    """Correct intake fields of an open complaint (audited). Closed complaints are refused."""
    _refuse_if_closed(complaint)
    merged = {name: getattr(complaint, name) for name in INTAKE_FIELDS}
    merged.update({k: v for k, v in values.items() if k in INTAKE_FIELDS})
    problems = validate_intake(merged, today or date.today())
    if problems:
        raise ValidationError(problems)
    return _change(complaint, {k: v for k, v in values.items() if k in INTAKE_FIELDS})


def route_complaint(
    complaint: Complaint,
    *,
    to_school_on: date | None = None,
    to_agency_on: date | None = None,
    agency_name: str | None = None,
) -> Complaint:
    """Record when the complaint was passed to the school and/or the agency or company."""
    _refuse_if_closed(complaint)
    changes: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name, day in (("routed_to_school_on", to_school_on), ("routed_to_agency_on", to_agency_on)):
        if day is not None:
            if day < complaint.received_on:
                problems[name] = "a complaint cannot be routed before it was received"
            changes[name] = day
    if agency_name is not None:
        changes["agency_name"] = agency_name.strip()
        problems.update(_free_text_problems(changes, ["agency_name"]))
    if to_agency_on is not None and not (changes.get("agency_name") or complaint.agency_name):
        problems["agency_name"] = "name the agency or company it was routed to"
    if not changes:
        problems["routing"] = "give the date it was routed to the school or the agency"
    if problems:
        raise ValidationError(problems)
    return _change(complaint, changes, "route")


def add_investigation_note(complaint: Complaint, note: str, on: date | None = None) -> Complaint:
    """Append a dated note to the investigation (earlier notes are never rewritten)."""
    _refuse_if_closed(complaint)
    note = note.strip()
    problems = (
        {"note": "write the note"} if not note else _free_text_problems({"note": note}, ["note"])
    )
    if problems:
        raise ValidationError(problems)
    line = f"{(on or date.today()):%Y-%m-%d} ({current_actor()}): {note}"
    notes = f"{complaint.investigation_notes}\n{line}" if complaint.investigation_notes else line
    return _change(complaint, {"investigation_notes": notes}, "investigate")


def record_response(
    complaint: Complaint, *, sent_on: date, summary: str, today: date | None = None
) -> Complaint:
    """Record the answer sent to the complainant and when."""
    _refuse_if_closed(complaint)
    problems: dict[str, str] = {}
    if sent_on < complaint.received_on:
        problems["response_sent_on"] = "the response cannot be sent before the complaint arrived"
    if sent_on > (today or date.today()):
        problems["response_sent_on"] = "the response date is in the future"
    if not summary.strip():
        problems["response_summary"] = "summarise the response sent"
    problems.update(_free_text_problems({"response_summary": summary}, ["response_summary"]))
    if problems:
        raise ValidationError(problems)
    return _change(
        complaint, {"response_sent_on": sent_on, "response_summary": summary.strip()}, "respond"
    )


def closing_problems(complaint: Complaint) -> list[str]:
    """Why the complaint cannot be closed yet; empty when it can."""
    reasons = []
    if complaint.closed_on is not None:
        reasons.append(f"it is already closed (on {complaint.closed_on})")
    if complaint.routed_to_school_on is None:
        reasons.append("record when it was routed to the school")
    if needs_agency_routing(complaint) and complaint.routed_to_agency_on is None:
        reasons.append(
            f"the staff member works for {complaint.staff.employer_name}: "
            "record when the complaint was routed to them"
        )
    if not complaint.investigation_notes.strip():
        # The agreement must say "how complaints are investigated and answered" (RCW
        # 28A.320.1242(A)(5)): a closed complaint shows the investigation, not only the answer.
        reasons.append("record at least one investigation note")
    if complaint.response_sent_on is None:
        reasons.append("record the response sent to the complainant")
    return reasons


def close_complaint(
    complaint: Complaint, *, closed_on: date, today: date | None = None
) -> Complaint:
    """Close an answered complaint. Raises ValidationError listing every reason it cannot be."""
    reasons = closing_problems(complaint)
    if complaint.response_sent_on and closed_on < complaint.response_sent_on:
        reasons.append("it cannot be closed before the response was sent")
    if closed_on > (today or date.today()):
        reasons.append("the closing date is in the future")
    if reasons:
        raise ValidationError({"closed_on": "; ".join(reasons)})
    return _change(complaint, {"closed_on": closed_on, "closed_by": current_actor()}, "close")


def reopen_complaint(complaint: Complaint, reason: str) -> Complaint:
    """Open a closed complaint again; the reason is kept in the audit trail."""
    if complaint.closed_on is None:
        raise ValidationError({"complaint": "the complaint is not closed"})
    if not reason.strip():
        raise ValidationError({"reason": "say why the complaint is reopened"})
    problems = _free_text_problems({"reason": reason}, ["reason"])
    if problems:
        raise ValidationError(problems)
    return _change(complaint, {"closed_on": None, "closed_by": ""}, "reopen", reason.strip())


def get_complaint(complaint_id: int) -> Complaint | None:
    """The complaint with this id, or None."""
    return Complaint.get_or_none(Complaint.id == complaint_id)


def complaints_for_year(
    year: SchoolYear | None = None, school: School | None = None
) -> list[Complaint]:
    """The year's complaints (default: current school and year), newest first."""
    school, year = school or get_school(), year or current_year()
    if school is None or year is None:
        return []
    return list(
        Complaint.select()
        .where((Complaint.school == school) & (Complaint.school_year == year))
        .order_by(Complaint.received_on.desc(), Complaint.id.desc())
    )


# --- export -----------------------------------------------------------------------------------

COMPLAINT_COLUMNS: tuple[ExportColumn, ...] = (
    *MERGE_COLUMNS,
    ExportColumn("received_on", "date"),
    ExportColumn("received_how"),
    ExportColumn("complainant_role"),
    ExportColumn("language"),
    ExportColumn("category"),
    ExportColumn("staff_record_id", "id"),
    ExportColumn("staff_kind"),
    ExportColumn("employer_type"),
    ExportColumn("employer_name"),
    ExportColumn("student_involved"),
    ExportColumn("routed_to_school_on", "date"),
    ExportColumn("routed_to_agency_on", "date"),
    ExportColumn("agency_name"),
    ExportColumn("response_sent_on", "date"),
    ExportColumn("closed_on", "date"),
    ExportColumn("status"),
    ExportColumn("days_open", "int"),
)


def complaint_rows(
    complaints: Iterable[Complaint], today: date | None = None
) -> list[dict[str, Any]]:
    """The export rows: what the district needs to count and follow complaints, nothing more."""
    rows = []
    for c in complaints:
        staff = c.staff
        rows.append(
            {
                "record_id": c.record_id,
                "updated_at": c.updated_at,
                "received_on": c.received_on,
                "received_how": c.received_how,
                "complainant_role": c.complainant_role,
                "language": c.language,
                "category": c.category,
                "staff_record_id": staff.record_id if staff else "",
                "staff_kind": staff.kind if staff else "",
                "employer_type": staff.employer_type if staff else "",
                "employer_name": staff.employer_name if staff else "",
                "student_involved": "yes" if c.student_id else "no",
                "routed_to_school_on": c.routed_to_school_on,
                "routed_to_agency_on": c.routed_to_agency_on,
                "agency_name": c.agency_name,
                "response_sent_on": c.response_sent_on,
                "closed_on": c.closed_on,
                "status": complaint_status(c),
                "days_open": complaint_age_days(c, today),
            }
        )
    return rows


def export_complaints_csv(
    out_dir: Path | str,
    year: SchoolYear | None = None,
    school: School | None = None,
    today: date | None = None,
) -> Path:
    """Write the year's complaints as a district exchange CSV (kind `complaints`).

    Privacy decision (FERPA, minimum necessary): the file carries dates, channel, the
    complainant's *role* and language, the category, the staff member's roster record id, kind and
    employer, whether a student was involved (yes/no, no student id or name), routing, response
    and closing dates and status. It carries **no** complainant name or contact, no student
    identifier, no staff name and no free text (what happened, investigation notes, response):
    RCW 28A.320.1241(d) asks the district for the number of complaints, and the narrative stays
    with the school, which can share it deliberately when the district asks.
    """
    school, year = school or get_school(), year or current_year()
    if school is None or year is None:
        raise ValidationError({"school": "set up the school and its school year first"})
    return write_exchange_csv(
        complaint_rows(complaints_for_year(year, school), today),
        COMPLAINT_COLUMNS,
        out_dir,
        school_code=school.code,
        kind="complaints",
        school_year=year.name,
    )
