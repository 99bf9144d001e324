"""What the agreements screen shows of one record: an agreement's checklist, stakeholder log and
what still stands in the way of adoption; a complaint from intake to closing."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.markup import escape

from sro_tui import agreements as core


def _participation(counts: dict[str, int]) -> str:
    return " · ".join(
        f"{counts[r]} {core.PARTICIPANT_ROLES[r].lower()}" for r in core.REQUIRED_ROLES
    )


def agreement_detail(agreement: Any, today: date) -> str:
    """The checklist, the stakeholder log and what still stands in the way of adoption."""
    e = escape
    lines = [
        f"[b]{e(agreement.provider_name)}[/b] ({core.PROVIDER_TYPES[agreement.provider_type]})"
    ]
    if agreement.document_title:
        lines.append(f"Document: {e(agreement.document_title)}")
    lines.append("")
    for item in core.agreement_items(agreement):
        mark = "[green]✓[/]" if item.met else "[red]✗[/]"
        where = f" — {e(item.where_met)}" if item.where_met else ""
        lines.append(f"{mark} {item.code}  {core.AGREEMENT_ITEMS[item.code]}{where}")
    lines += ["", "[b]Stakeholder review[/b]"]
    meetings = core.stakeholder_meetings(agreement)
    if not meetings:
        lines.append("No meeting, survey or consultation logged yet.")
    for meeting in meetings:
        people = ", ".join(
            f"{p.people} {core.PARTICIPANT_ROLES[p.role].lower()}"
            + (f" ({e(p.name)})" if p.name else "")
            for p in meeting.participants
        )
        lines.append(
            f"{meeting.held_on}  {core.MEETING_KINDS[meeting.kind]}"
            f"{': ' + e(meeting.title) if meeting.title else ''} — {people}"
        )
    lines.append(f"Took part: {_participation(core.participation_counts(agreement))}")
    lines.append("")
    if agreement.adopted_on:
        lines.append(f"[green]Adopted {agreement.adopted_on} by {e(agreement.adopted_by)}.[/]")
    else:
        reasons = core.adoption_problems(agreement, today)
        if reasons:
            lines.append("[b $error]Cannot be adopted yet:[/]")
            lines += [f"  • {e(reason)}" for reason in reasons]
        else:
            lines.append("[green]Ready to adopt[/] (press A).")
    return "\n".join(lines)


def complaint_detail(complaint: Any, today: date) -> str:
    """Intake, routing, investigation, response and what closing still needs."""
    e = escape
    status = core.COMPLAINT_STATUSES[core.complaint_status(complaint)]
    about = complaint.staff.display_name if complaint.staff else complaint.staff_description
    lines = [
        f"[b]{status}[/b] · received {complaint.received_on} "
        f"({core.COMPLAINT_CHANNELS[complaint.received_how].lower()}) · "
        f"{core.complaint_age_days(complaint, today)} day(s) "
        + ("open" if complaint.closed_on is None else "from receipt to closing"),
        f"From: {e(complaint.complainant_name or '(name not given)')}, "
        f"{core.COMPLAINANT_ROLES[complaint.complainant_role].lower()}"
        + (f" · {e(complaint.complainant_contact)}" if complaint.complainant_contact else "")
        + (f" · language {e(complaint.language)}" if complaint.language else ""),
        f"About: {e(about)} ({core.COMPLAINT_CATEGORIES[complaint.category].lower()})",
        "",
        e(complaint.what_happened),
        "",
        f"Routed to the school: {complaint.routed_to_school_on or '—'}"
        + (
            f" · to {e(complaint.agency_name)}: {complaint.routed_to_agency_on or '—'}"
            if complaint.agency_name
            else ""
        ),
    ]
    if complaint.investigation_notes:
        lines += ["[b]Investigation[/b]", e(complaint.investigation_notes)]
    if complaint.response_sent_on:
        lines.append(f"Response sent {complaint.response_sent_on}: {e(complaint.response_summary)}")
    if complaint.closed_on:
        lines.append(
            f"[green]Closed {complaint.closed_on} by {e(complaint.closed_by)}.[/] "
            "Press u to reopen (with a reason)."
        )
    else:
        reasons = core.closing_problems(complaint)
        lines.append("Before closing: " + "; ".join(reasons) if reasons else "Ready to close (x).")
    return "\n".join(lines)
