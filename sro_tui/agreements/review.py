"""Staff training and the annual agreement with each police agency or security company.

**Training** (RCW 28A.400.345, checked against the statute text): before staff work on school
property the district confirms their ESD training series documentation or requires them to complete
the series: classroom training within the first six months of working on school property, two days
of on-the-job training within the first year, and (for staff who are not SROs) at least six
check-in trainings within the first year. The roster (`SafetyStaff`) already holds the series as one
record: completed on a date with its documentation reference, or a plan with a due date. Because the
law counts from the staff member's first day on school property, which the roster does not hold,
the *due date is a field the school sets*; `statutory_training_deadlines` computes the law's dates
from a first day to suggest it. No separate training-history table: the ESD issues one
documentation for the whole series, and that is what agreement item C and the dashboard look at.

**Agreements** (RCW 28A.320.1242, Policy 4311): one per agency or company per school year, with the
required contents A1-A5, B and C as a checklist (met, and where in the document), a stakeholder log
(meetings, surveys, consultations and who took part, by role; names optional) and an adoption date.
`adoption_problems` lists every reason an agreement cannot be adopted yet; `adopt_agreement` refuses
with the same list. An adopted agreement is not edited: `withdraw_adoption` (with a reason, audited)
opens it again. Every change is audited.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

# The package, not the name: its immigration checks (patterns compiled at import) load when an
# agreement is first checked, not with the dashboard's counts (`agreements_status`).
from sro_tui import policy
from sro_tui.agreements.counts import (
    agreements_for_year,
    training_state,
)
from sro_tui.exchange import MERGE_COLUMNS, ExportColumn, write_exchange_csv
from sro_tui.models import (
    MEETING_KINDS,
    PARTICIPANT_ROLES,
    PROVIDER_TYPES,
    Agreement,
    AgreementItem,
    SafetyStaff,
    School,
    SchoolYear,
    StakeholderMeeting,
    StakeholderParticipant,
    database_proxy,
)
from sro_tui.records import ValidationError, audit, current_year, get_school, save_staff, snapshot
from sro_tui.search import fold

# --- training ---------------------------------------------------------------------------------


def record_training_completed(
    staff: SafetyStaff, completed_on: date, reference: str
) -> SafetyStaff:
    """The series is done: the date and where the ESD documentation is filed (audited)."""
    if not reference.strip():
        raise ValidationError(
            {
                "training_reference": "say where the ESD training documentation "
                "is filed (e.g. 'HR file 2026-114')"
            }
        )
    return save_staff(
        {
            "training_status": "completed",
            "training_completed_on": completed_on,
            "training_reference": reference,
        },
        staff,
    )


def record_training_plan(staff: SafetyStaff, plan: str, due_on: date) -> SafetyStaff:
    """The plan to complete the series and the date it is due (audited)."""
    if not plan.strip():
        raise ValidationError({"training_plan": "describe the plan (which sessions, when)"})
    return save_staff(
        {
            "training_status": "planned",
            "training_plan": plan,
            "training_due_on": due_on,
            "training_completed_on": None,
        },
        staff,
    )


# --- agreement contents -----------------------------------------------------------------------

# The required contents, in the words of RCW 28A.320.1242 / Policy 4311.
AGREEMENT_ITEMS: dict[str, str] = {
    "A1": "Prohibits a school resource officer from becoming involved in formal school discipline",
    "A2": "Staff know when to interact informally with students to reinforce school rules and "
    "when to enforce the law",
    "A3": "The circumstances under which teachers and administrators may ask staff to intervene",
    "A4": "How staff help create a positive school climate and positive relationships with "
    "students",
    "A5": "How families file complaints with the school (and the agency or company) and how "
    "complaints are investigated and answered",
    "B": "A jointly determined hiring and placement process and a performance evaluation process",
    "C": "Confirms staff completed the ESD training series, or describes the plan to complete it",
}
REQUIRED_ROLES = ("parent", "student", "community_member")
AGREEMENT_CITATION = "RCW 28A.320.1242; Policy 4311"


class AdoptionRefused(Exception):
    """The agreement cannot be adopted yet; `reasons` lists every one, in plain words."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__("cannot adopt the agreement yet: " + "; ".join(reasons))


def _check_free_text(values: Mapping[str, Any], fields: Iterable[str]) -> dict[str, str]:
    return policy.immigration_problems(values, fields)


def _refuse_if_adopted(agreement: Agreement) -> None:
    if agreement.adopted_on is not None:
        raise ValidationError(
            {
                "agreement": f"the agreement was adopted on {agreement.adopted_on}; "
                "withdraw the adoption (with a reason) to change it"
            }
        )


def start_agreement(
    provider_name: str,
    provider_type: str,
    *,
    year: SchoolYear | None = None,
    school: School | None = None,
    document_title: str = "",
    document_reference: str = "",
    notes: str = "",
) -> Agreement:
    """Open this year's agreement with an agency or company, with its seven items unmet."""
    provider_name = provider_name.strip()
    problems: dict[str, str] = {}
    if not provider_name:
        problems["provider_name"] = "name the police agency or security company"
    if provider_type not in PROVIDER_TYPES:
        problems["provider_type"] = f"must be one of: {', '.join(PROVIDER_TYPES)}"
    problems.update(
        _check_free_text(
            {
                "provider_name": provider_name,
                "document_title": document_title,
                "document_reference": document_reference,
                "notes": notes,
            },
            ["provider_name", "document_title", "document_reference", "notes"],
        )
    )
    school, year = school or get_school(), year or current_year()
    if school is None or year is None:
        problems["school"] = "set up the school and its school year first"
    elif provider_name and any(
        fold(a.provider_name) == fold(provider_name) for a in agreements_for_year(year, school)
    ):
        problems["provider_name"] = f"there is already a {year.name} agreement with {provider_name}"
    if problems:
        raise ValidationError(problems)
    with database_proxy.atomic():
        agreement = Agreement.create(
            school=school,
            school_year=year,
            provider_type=provider_type,
            provider_name=provider_name,
            document_title=document_title.strip(),
            document_reference=document_reference.strip(),
            notes=notes.strip(),
        )
        audit("create", agreement, after=snapshot(agreement))
        for code in AGREEMENT_ITEMS:
            AgreementItem.create(agreement=agreement, code=code)
    return agreement


def update_agreement(agreement: Agreement, values: Mapping[str, Any]) -> Agreement:
    """Change the document title, reference or notes of an agreement not yet adopted (audited)."""
    _refuse_if_adopted(agreement)
    problems = _check_free_text(values, ["document_title", "document_reference", "notes"])
    if problems:
        raise ValidationError(problems)
    with database_proxy.atomic():
        before = snapshot(agreement)
        for name in ("document_title", "document_reference", "notes"):
            if name in values:
                setattr(agreement, name, str(values[name] or "").strip())
        agreement.save()
        audit("update", agreement, before=before, after=snapshot(agreement))
    return agreement


def agreement_items(agreement: Agreement) -> list[AgreementItem]:
    """The seven items, in the statute's order."""
    order = list(AGREEMENT_ITEMS)
    return sorted(agreement.items, key=lambda item: order.index(item.code))


def set_agreement_item(
    agreement: Agreement, code: str, *, met: bool, where_met: str = "", notes: str = ""
) -> AgreementItem:
    """Mark an item met (with where in the document it is met) or unmet (audited)."""
    _refuse_if_adopted(agreement)
    if code not in AGREEMENT_ITEMS:
        raise ValidationError(
            {"code": f"no agreement item {code!r} (items: {', '.join(AGREEMENT_ITEMS)})"}
        )
    where_met = where_met.strip()
    if met and not where_met:
        raise ValidationError(
            {"where_met": f"say where in the document item {code} is met (e.g. '§4.2, p. 3')"}
        )
    if met and code == "C":
        late = overdue_training_of(agreement)
        if late:
            raise ValidationError({"met": _item_c_problem(late)})
    problems = _check_free_text({"where_met": where_met, "notes": notes}, ["where_met", "notes"])
    if problems:
        raise ValidationError(problems)
    item = AgreementItem.get((AgreementItem.agreement == agreement) & (AgreementItem.code == code))
    with database_proxy.atomic():
        before = snapshot(item)
        item.met, item.where_met, item.notes = met, where_met, notes.strip()
        item.save()
        audit("update", item, before=before, after=snapshot(item))
    return item


# --- stakeholder log --------------------------------------------------------------------------


def record_stakeholder_meeting(
    agreement: Agreement,
    *,
    held_on: date,
    kind: str,
    participants: Iterable[Mapping[str, Any]],
    title: str = "",
    notes: str = "",
    today: date | None = None,
) -> StakeholderMeeting:
    """Log a meeting, survey or consultation and who took part.

    `participants`: mappings with `role` (a key of PARTICIPANT_ROLES), optional `name`, and
    `people` (how many, default 1: a survey answered by 40 parents is one row). All or nothing.
    """
    _refuse_if_adopted(agreement)
    today = today or date.today()
    rows = [dict(p) for p in participants]
    problems: dict[str, str] = {}
    if kind not in MEETING_KINDS:
        problems["kind"] = f"must be one of: {', '.join(MEETING_KINDS)}"
    first, last = review_window(agreement)
    if held_on > today:
        problems["held_on"] = "record a meeting once it has taken place (the date is in the future)"
    elif not first <= held_on <= last:
        problems["held_on"] = (
            f"a meeting on {held_on} is not part of the {agreement.school_year.name} review "
            f"(it counts from {first} to {last}); log it with that year's agreement"
        )
    if not rows:
        problems["participants"] = "say who took part (parents, students, community members …)"
    for number, row in enumerate(rows, start=1):
        if row.get("role") not in PARTICIPANT_ROLES:
            problems[f"participants[{number}].role"] = (
                f"participant {number}: role must be one of: {', '.join(PARTICIPANT_ROLES)}"
            )
        people = row.get("people", 1)
        if not isinstance(people, int) or isinstance(people, bool) or people < 1:
            problems[f"participants[{number}].people"] = (
                f"participant {number}: the number of people must be a whole number from 1"
            )
    problems.update(_check_free_text({"title": title, "notes": notes}, ["title", "notes"]))
    for number, row in enumerate(rows, start=1):
        problems.update(
            {
                f"participants[{number}].name": message
                for message in _check_free_text(row, ["name"]).values()
            }
        )
    if problems:
        raise ValidationError(problems)
    with database_proxy.atomic():
        meeting = StakeholderMeeting.create(
            agreement=agreement,
            held_on=held_on,
            kind=kind,
            title=title.strip(),
            notes=notes.strip(),
        )
        after = snapshot(meeting)
        after["participants"] = []
        for row in rows:
            person = StakeholderParticipant.create(
                meeting=meeting,
                role=row["role"],
                name=str(row.get("name") or "").strip(),
                people=row.get("people", 1),
            )
            after["participants"].append(snapshot(person))
        audit("create", meeting, after=after)
    return meeting


def remove_stakeholder_meeting(meeting: StakeholderMeeting, reason: str) -> None:
    """Take out a meeting logged by mistake (audited with its participants and the reason)."""
    _refuse_if_adopted(meeting.agreement)
    if not reason.strip():
        raise ValidationError({"reason": "say why the meeting is removed"})
    problems = _check_free_text({"reason": reason}, ["reason"])
    if problems:
        raise ValidationError(problems)
    with database_proxy.atomic():
        before = snapshot(meeting)
        before["participants"] = [snapshot(p) for p in meeting.participants]
        audit("delete", meeting, before=before, reason=reason.strip())
        meeting.delete_instance(recursive=True)


def review_window(agreement: Agreement) -> tuple[date, date]:
    """The days whose meetings count for this agreement's review: from January 1 before its school
    year begins (spring reviews ahead of the year) to the school year's last day. A meeting of an
    earlier year's review does not count again (RCW 28A.320.1242: the district "annually" reviews
    and adopts the agreement)."""
    year = agreement.school_year
    return date(year.start_date.year, 1, 1), year.end_date


def stakeholder_meetings(agreement: Agreement) -> list[StakeholderMeeting]:
    return list(agreement.meetings.order_by(StakeholderMeeting.held_on, StakeholderMeeting.id))


def participation_counts(agreement: Agreement, until: date | None = None) -> dict[str, int]:
    """People who took part in the review, by role (every role present, 0 when none); only
    meetings held on or before `until` when given."""
    counts = dict.fromkeys(PARTICIPANT_ROLES, 0)
    query = (
        StakeholderParticipant.select(StakeholderParticipant.role, StakeholderParticipant.people)
        .join(StakeholderMeeting)
        .where(StakeholderMeeting.agreement == agreement)
    )
    first, last = review_window(agreement)
    query = query.where(StakeholderMeeting.held_on.between(first, last))
    if until is not None:
        query = query.where(StakeholderMeeting.held_on <= until)
    for role, people in query.tuples():
        counts[role] = counts.get(role, 0) + people
    return counts


# --- adoption ---------------------------------------------------------------------------------


def overdue_training_of(agreement: Agreement, today: date | None = None) -> list[SafetyStaff]:
    """The provider's active staff at this school whose training is overdue (names compared
    without case or accents)."""
    provider = fold(agreement.provider_name)
    staff = SafetyStaff.select().where(
        (SafetyStaff.school == agreement.school) & (SafetyStaff.active == True)  # noqa: E712
    )
    return [
        s
        for s in staff
        if fold(s.employer_name) == provider and training_state(s, today).state == "overdue"
    ]


def _item_c_problem(late: list[SafetyStaff]) -> str:
    names = ", ".join(s.display_name for s in late)
    return (
        f"item C cannot be met while staff of this provider are overdue on the ESD training "
        f"series (RCW 28A.400.345): {names}"
    )


def adoption_problems(agreement: Agreement, adopted_on: date | None = None) -> list[str]:
    """Every reason the agreement cannot be adopted (on `adopted_on`, default today); empty when it
    can. Participation counts only meetings held on or before the adoption date."""
    reasons = []
    for item in agreement_items(agreement):
        if not item.met:
            reasons.append(f"item {item.code} is not met: {AGREEMENT_ITEMS[item.code]}")
    late = overdue_training_of(agreement, adopted_on)
    if late and any(i.code == "C" and i.met for i in agreement_items(agreement)):
        reasons.append(_item_c_problem(late))
    counts = participation_counts(agreement, until=adopted_on or date.today())
    for role in REQUIRED_ROLES:
        if counts[role] == 0:
            reasons.append(
                f"no {PARTICIPANT_ROLES[role].lower()} took part in the review "
                f"(the law requires parents, students and community members)"
            )
    return reasons


def adopt_agreement(
    agreement: Agreement, *, adopted_on: date, adopted_by: str, today: date | None = None
) -> Agreement:
    """Record the adoption; raises AdoptionRefused listing every reason it cannot be adopted."""
    today = today or date.today()
    if agreement.adopted_on is not None:
        raise AdoptionRefused([f"it was already adopted on {agreement.adopted_on}"])
    reasons = adoption_problems(agreement, adopted_on)
    if adopted_on > today:
        reasons.append("the adoption date is in the future")
    if not adopted_by.strip():
        reasons.append("say who adopted it (e.g. 'School board, resolution 2026-14')")
    reasons += list(_check_free_text({"adopted_by": adopted_by}, ["adopted_by"]).values())
    if reasons:
        raise AdoptionRefused(reasons)
    with database_proxy.atomic():
        before = snapshot(agreement)
        agreement.adopted_on, agreement.adopted_by = adopted_on, adopted_by.strip()
        agreement.save()
        audit("adopt", agreement, before=before, after=snapshot(agreement))
    return agreement


def withdraw_adoption(agreement: Agreement, reason: str) -> Agreement:
    """Undo an adoption recorded by mistake or superseded, so the agreement can change (audited)."""
    if agreement.adopted_on is None:
        raise ValidationError({"agreement": "this agreement has not been adopted"})
    if not reason.strip():
        raise ValidationError({"reason": "say why the adoption is withdrawn"})
    problems = _check_free_text({"reason": reason}, ["reason"])
    if problems:
        raise ValidationError(problems)
    with database_proxy.atomic():
        before = snapshot(agreement)
        agreement.adopted_on, agreement.adopted_by = None, ""
        agreement.save()
        audit(
            "withdraw_adoption",
            agreement,
            before=before,
            after=snapshot(agreement),
            reason=reason.strip(),
        )
    return agreement


def get_agreement(agreement_id: int) -> Agreement | None:
    """The agreement with this id, or None."""
    return Agreement.get_or_none(Agreement.id == agreement_id)


# --- export -----------------------------------------------------------------------------------

AGREEMENT_COLUMNS: tuple[ExportColumn, ...] = (
    *MERGE_COLUMNS,
    ExportColumn("provider_type"),
    ExportColumn("provider_name"),
    ExportColumn("document_title"),
    ExportColumn("document_reference"),
    ExportColumn("status"),
    ExportColumn("adopted_on", "date"),
    ExportColumn("adopted_by"),
    *(
        column
        for code in AGREEMENT_ITEMS
        for column in (ExportColumn(f"{code}_met"), ExportColumn(f"{code}_where"))
    ),
    ExportColumn("meetings", "int"),
    ExportColumn("last_meeting_on", "date"),
    *(ExportColumn(f"{role}_participants", "int") for role in PARTICIPANT_ROLES),
)


def agreement_rows(agreements: Iterable[Agreement]) -> list[dict[str, Any]]:
    """One row per agreement, the checklist spread across columns (`A1_met` yes/no,
    `A1_where`), and participation counted by role. Participant names never leave the machine."""
    rows = []
    for agreement in agreements:
        meetings = stakeholder_meetings(agreement)
        row: dict[str, Any] = {
            "record_id": agreement.record_id,
            "updated_at": agreement.updated_at,
            "provider_type": agreement.provider_type,
            "provider_name": agreement.provider_name,
            "document_title": agreement.document_title,
            "document_reference": agreement.document_reference,
            "status": "adopted" if agreement.adopted_on else "in review",
            "adopted_on": agreement.adopted_on,
            "adopted_by": agreement.adopted_by,
            "meetings": len(meetings),
            "last_meeting_on": meetings[-1].held_on if meetings else None,
        }
        for item in agreement_items(agreement):
            row[f"{item.code}_met"] = "yes" if item.met else "no"
            row[f"{item.code}_where"] = item.where_met
        for role, people in participation_counts(agreement).items():
            row[f"{role}_participants"] = people
        rows.append(row)
    return rows


def export_agreements_csv(
    out_dir: Path | str, year: SchoolYear | None = None, school: School | None = None
) -> Path:
    """Write the year's agreements as a district exchange CSV (kind `agreements`)."""
    school, year = school or get_school(), year or current_year()
    if school is None or year is None:
        raise ValidationError({"school": "set up the school and its school year first"})
    return write_exchange_csv(
        agreement_rows(agreements_for_year(year, school)),
        AGREEMENT_COLUMNS,
        out_dir,
        school_code=school.code,
        kind="agreements",
        school_year=year.name,
    )
