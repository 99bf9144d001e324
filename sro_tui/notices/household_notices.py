"""Family notices: Policy 4311 asks the district to *distribute to students' families* information
about the role and responsibilities of safety and security staff, every school year.

One notice goes to each household, not to each child (the grouping rule is in `households.py`).
A household is on this year's notice list when at least one of its guardians is linked, with
"receives notices" on, to an active student. It counts as **notified** for the year when one of its
notices is `sent` or `delivered`; a `returned` letter or a `bounced` e-mail puts it back on the
to-do list. Notices are never overwritten: a status change is audited with the before and after.

No UI here: the Families screen and `sro-tui notices …` call these functions. Letters are in
`letters.py`; the family notice list goes out through `exchange.py`.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from peewee import fn

from sro_tui.db import bulk_insert
from sro_tui.exchange import MERGE_COLUMNS, ExportColumn, write_exchange_csv
from sro_tui.models import (
    DELIVERY_STATUSES,
    GRADE_ORDER,
    NOTICE_METHODS,
    AuditEvent,
    FamilyNotice,
    Guardian,
    Household,
    PresentationAttendance,
    School,
    SchoolYear,
    Student,
    StudentGuardian,
    database_proxy,
    new_record_id,
    utc_now,
)
from sro_tui.notices.counts import (
    BACK_ON_THE_LIST,
    NOTIFIED,
    household_status,
    require_school_and_year,
)
from sro_tui.notices.language import language_code, letter_language, template_dirs
from sro_tui.records import (
    ValidationError,
    audit,
    current_actor,
    snapshot,
)

# Which delivery problems can happen to which method: mail comes back, e-mail bounces.
PROBLEM_METHODS = {"returned": ("mail", "paper_home"), "bounced": ("email", "portal")}
HOUSEHOLD_STATUSES = {
    "notified": "Notified",
    "not_notified": "Not notified",
    "returned": "Returned mail",
    "bounced": "Bounced e-mail",
}


# --- what the screen and the export see ------------------------------------------------------


@dataclass
class GuardianContact:
    guardian_id: int
    name: str
    email: str
    phone: str
    address: str
    language: str


@dataclass
class StudentBrief:
    student_id: int
    sis_id: str
    name: str  # "Last, First"
    grade: str


@dataclass
class NoticeBrief:
    notice_id: int
    record_id: str
    method: str
    language: str
    sent_on: date
    delivery_status: str
    recorded_by: str
    notes: str
    updated_at: datetime


@dataclass
class HouseholdNotices:
    """One household on this year's notice list, with its guardians, students and notices."""

    household_id: int
    record_id: str
    key: str
    label: str
    address: str
    guardians: list[GuardianContact] = field(default_factory=list)
    students: list[StudentBrief] = field(default_factory=list)
    notices: list[NoticeBrief] = field(default_factory=list)  # this year's, newest first
    language: str = ""  # the family's preferred language, as the roster writes it
    updated_at: datetime | None = None

    @property
    def status(self) -> str:
        """`notified`, `returned`, `bounced` or `not_notified` (a key of HOUSEHOLD_STATUSES)."""
        return household_status([n.delivery_status for n in self.notices])

    @property
    def is_notified(self) -> bool:
        return self.status == "notified"

    @property
    def deciding_notice(self) -> NoticeBrief | None:
        """The newest notice that counts, else the newest notice (a returned one, say)."""
        for notice in self.notices:
            if notice.delivery_status in NOTIFIED:
                return notice
        return self.notices[0] if self.notices else None

    @property
    def emails(self) -> list[str]:
        return _distinct(g.email for g in self.guardians)

    @property
    def grades(self) -> list[str]:
        return sorted(_distinct(s.grade for s in self.students), key=_grade_sort)

    @property
    def language_code(self) -> str:
        return language_code(self.language)


def _distinct(values: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for value in values:
        if value and value not in seen:
            seen.append(value)
    return seen


def _grade_sort(grade: str) -> tuple[int, str]:
    return (GRADE_ORDER.get(grade, 99), grade)


def _as_datetime(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _rows(query) -> Iterable[tuple]:
    # Raw rows, without peewee turning every timestamp into a datetime: at 5,000 households the
    # conversions alone would eat half the export's time budget. Timestamps stay ISO text, which
    # sorts like the times themselves.
    return database_proxy.execute(query).fetchall()


def _later(current: str, other: str | None) -> str:
    return other if other and other > current else current


def _mailing_address(street: str, city: str, state: str, postal_code: str) -> str:
    city_line = " ".join(p for p in (f"{city}," if city else "", state, postal_code) if p)
    return ", ".join(p for p in (street, city_line.rstrip(",")) if p)


def of_school(model: Any, school: School) -> Any:
    """`model.school == school`, said to be true of most rows: with a school or two in the file
    SQLite then reads a few households' rows through their household index instead of every row
    of the school (0.1 s at 50,000 students, for one household's detail)."""
    return fn.likely(model.school == school)


def notice_links(school: School, *columns: Any) -> Any:
    """`columns` of every link through which a household hears about a student: an active
    guardian of the school, an active student, "receives notices" on (a StudentGuardian query
    joined to Guardian and Student)."""
    return (
        StudentGuardian.select(*columns)
        .join(Guardian)
        .switch(StudentGuardian)
        .join(Student)
        .where(
            of_school(Guardian, school),
            Guardian.active == True,  # noqa: E712
            Student.active == True,  # noqa: E712
            StudentGuardian.receives_notices == True,  # noqa: E712
        )
    )


def load_households(
    school: School | None = None,
    year: SchoolYear | None = None,
    household_ids: Iterable[int] | None = None,
) -> list[HouseholdNotices]:
    """This year's notice list: every household with an active student, sorted by label.

    Four queries whatever the size of the school (5,000 households load in about 0.1 s).
    """
    school, year = require_school_and_year(school, year)
    query = Household.select(
        Household.id,
        Household.record_id,
        Household.key,
        Household.label,
        Household.address,
        Household.updated_at,
    ).where(Household.school == school, Household.active == True)  # noqa: E712
    if household_ids is not None:
        query = query.where(Household.id.in_(list(household_ids)))
    found: dict[int, HouseholdNotices] = {}
    newest: dict[int, str] = {}  # household id -> latest updated_at among its parts (ISO text)
    for hid, rid, key, label, address, updated in _rows(query):
        found[hid] = HouseholdNotices(hid, rid, key, label, address)
        newest[hid] = str(updated)
    # With a few households asked for, the other queries are narrowed to them too.
    narrow = household_ids is not None

    guardians = Guardian.select(
        Guardian.id,
        Guardian.household,
        Guardian.first_name,
        Guardian.last_name,
        Guardian.email,
        Guardian.phone,
        Guardian.street,
        Guardian.city,
        Guardian.state,
        Guardian.postal_code,
        Guardian.preferred_language,
        Guardian.updated_at,
    ).where(of_school(Guardian, school), Guardian.active == True)  # noqa: E712
    guardians = guardians.where(Guardian.household.in_(list(found))) if narrow else guardians
    for row in _rows(guardians.order_by(Guardian.id)):
        gid, hid, first, last, email, phone, street, city, state, postal, lang, updated = row
        household = found.get(hid)
        if household is None:
            continue
        household.guardians.append(
            GuardianContact(
                gid,
                f"{first} {last}".strip(),
                email,
                phone,
                _mailing_address(street, city, state, postal),
                lang,
            )
        )
        newest[hid] = _later(newest[hid], updated)

    links = notice_links(
        school,
        Guardian.household,
        Student.id,
        Student.sis_id,
        Student.last_name,
        Student.first_name,
        Student.grade,
        Student.home_language,
        Student.updated_at,
    ).order_by(Student.last_name, Student.first_name, Student.sis_id)
    links = links.where(Guardian.household.in_(list(found))) if narrow else links
    home_languages: dict[int, str] = {}
    seen: set[tuple[int, int]] = set()
    for hid, sid, sis_id, last, first, grade, home_lang, updated in _rows(links):
        household = found.get(hid)
        if household is None or (hid, sid) in seen:  # two guardians of one household, one child
            continue
        seen.add((hid, sid))
        household.students.append(StudentBrief(sid, sis_id, f"{last}, {first}", grade))
        newest[hid] = _later(newest[hid], updated)
        if home_lang and hid not in home_languages:
            home_languages[hid] = home_lang

    notices = FamilyNotice.select(
        FamilyNotice.household,
        FamilyNotice.id,
        FamilyNotice.record_id,
        FamilyNotice.method,
        FamilyNotice.language,
        FamilyNotice.sent_on,
        FamilyNotice.delivery_status,
        FamilyNotice.recorded_by,
        FamilyNotice.notes,
        FamilyNotice.updated_at,
    ).where(FamilyNotice.school_year == year)
    notices = notices.where(FamilyNotice.household.in_(list(found))) if narrow else notices
    newest_first = notices.order_by(FamilyNotice.sent_on.desc(), FamilyNotice.id.desc())
    for hid, nid, rid, method, lang, sent_on, status, by, notes, updated in _rows(newest_first):
        household = found.get(hid)
        if household is not None:
            household.notices.append(
                NoticeBrief(
                    nid,
                    rid,
                    method,
                    lang,
                    date.fromisoformat(str(sent_on)[:10]),
                    status,
                    by,
                    notes,
                    _as_datetime(updated),
                )
            )
            newest[hid] = _later(newest[hid], updated)

    result = []
    for hid, household in found.items():
        if not household.students:  # no active student to tell the family about
            continue
        household.updated_at = _as_datetime(newest[hid])
        # The letter goes in the first guardian's preferred language; else the students' home one.
        household.language = next(
            (g.language for g in household.guardians if g.language), home_languages.get(hid, "")
        )
        result.append(household)
    result.sort(key=lambda h: (h.label.casefold(), h.key))
    return result


def filter_households(
    households: Iterable[HouseholdNotices],
    *,
    status: str = "all",
    language: str = "",
    grade: str = "",
) -> list[HouseholdNotices]:
    """Narrow the list as the Families screen does.

    `status`: `all`, `pending` (not notified, including returned/bounced: the to-do list),
    `problem` (returned or bounced and not notified since), `notified`. `language`: a language code
    (`es`) or name (`Spanish`). `grade`: households with a student in that grade.
    """
    wanted_language = language_code(language) if language else ""
    out = []
    for household in households:
        household_status = household.status
        if status == "pending" and household_status == "notified":
            continue
        if status == "notified" and household_status != "notified":
            continue
        if status == "problem" and household_status not in BACK_ON_THE_LIST:
            continue
        if wanted_language and household.language_code != wanted_language:
            continue
        if grade and grade not in household.grades:
            continue
        out.append(household)
    return out


def filter_choices(households: Iterable[HouseholdNotices]) -> tuple[list[str], list[str]]:
    """The language codes (sorted) and the grades (in school order: PK, K, 1 … 12) found among
    these households, for the Families screen's filters."""
    households = list(households)
    languages = sorted({h.language_code for h in households if h.language_code})
    grades = sorted({g for h in households for g in h.grades}, key=_grade_sort)
    return languages, grades


# --- recording --------------------------------------------------------------------------------


@dataclass
class BulkResult:
    """What a bulk action did: notices recorded, households left out and why."""

    recorded: int = 0
    already_recorded: int = 0  # an identical notice (same method and date) was already on file
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> households

    def summary(self) -> str:
        parts = [f"{self.recorded} notice(s) recorded"]
        if self.already_recorded:
            parts.append(f"{self.already_recorded} already on file")
        parts += [f"{n} skipped: {reason}" for reason, n in self.skipped.items()]
        return "; ".join(parts)


def _check_notice(household: HouseholdNotices, method: str) -> str:
    """Why this household cannot get a notice by `method`; empty when it can."""
    if method == "email" and not household.emails:
        return "no e-mail address on file"
    if method == "mail" and not household.address:
        return "no mailing address on file"
    return ""


def validate_notice(method: str, sent_on: date, today: date | None = None) -> None:
    """Raise ValidationError (by field: `method`, `sent_on`) unless a notice sent by `method` on
    `sent_on` can be recorded: a known method, and a day that is not in the future."""
    today = today or date.today()
    problems = {}
    if method not in NOTICE_METHODS:
        problems["method"] = f"method must be one of: {', '.join(NOTICE_METHODS)}"
    if sent_on > today:
        problems["sent_on"] = (
            f"{sent_on:%Y-%m-%d} is in the future: give the day the notice went out"
        )
    if problems:
        raise ValidationError(problems)


def record_notices(
    household_ids: Iterable[int],
    *,
    method: str,
    sent_on: date | None = None,
    language: str | None = None,
    notes: str = "",
    actor: str | None = None,
    school: School | None = None,
    year: SchoolYear | None = None,
    today: date | None = None,
) -> BulkResult:
    """Record that the notice went to each of these households (one committed transaction).

    The letter's language defaults to each household's own (the template actually used, so English
    when the family's language has no template yet). A household that cannot get this method (no
    e-mail address for `email`, no address for `mail`) is skipped and counted; one that already has
    the same method and date this year is not recorded twice (a double-click, a re-run).
    """
    today = today or date.today()
    sent_on = sent_on or today
    validate_notice(method, sent_on, today)
    school, year = require_school_and_year(school, year)
    actor = actor or current_actor()
    result = BulkResult()
    ids = list(dict.fromkeys(household_ids))
    # SQLite allows 999 parameters in older builds: a long selection loads the whole list.
    wanted = set(ids)
    households = (
        load_households(school, year, ids)
        if len(ids) < 900
        else [h for h in load_households(school, year) if h.household_id in wanted]
    )
    now = utc_now()
    rows: list[dict[str, Any]] = []
    dirs = template_dirs()
    languages: dict[str, str] = {}  # family language -> letter language, looked up once each
    for household in households:
        if any(
            n.method == method and n.sent_on == sent_on and n.delivery_status in NOTIFIED
            for n in household.notices
        ):
            result.already_recorded += 1
            continue
        problem = _check_notice(household, method)
        if problem:
            result.skipped[problem] = result.skipped.get(problem, 0) + 1
            continue
        rows.append(
            {
                "record_id": new_record_id(),
                "created_at": now,
                "updated_at": now,
                "household_id": household.household_id,
                "school_year_id": year.id,
                "method": method,
                "language": language
                or languages.setdefault(
                    household.language_code, letter_language(household.language_code, dirs)
                ),
                "sent_on": sent_on,
                "delivery_status": "sent",
                "recorded_by": actor,
                "notes": notes.strip(),
                "status_changed_at": now,
            }
        )
    not_listed = len(ids) - len(households)
    if not_listed:
        result.skipped["not on this year's notice list"] = not_listed
    with database_proxy.atomic():
        bulk_insert(FamilyNotice, rows)
        bulk_insert(AuditEvent, [_audit_row("create", row, actor) for row in rows])
    result.recorded = len(rows)
    return result


def _audit_row(action: str, row: dict[str, Any], actor: str) -> dict[str, Any]:
    after = {k: (v.isoformat() if isinstance(v, date | datetime) else v) for k, v in row.items()}
    return {
        "at": row["created_at"],
        "actor": actor,
        "action": action,
        "table_name": "family_notice",
        "record_id": row["record_id"],
        "before": "",
        "reason": "",
        "after": json.dumps(after, ensure_ascii=False, sort_keys=True),
    }


def record_notice(
    household_id: int,
    *,
    method: str,
    sent_on: date | None = None,
    language: str | None = None,
    notes: str = "",
    actor: str | None = None,
    today: date | None = None,
) -> FamilyNotice:
    """Record one notice for one household; raises ValidationError (and writes nothing) when the
    method does not fit the household or the household is not on this year's list."""
    today = today or date.today()
    sent_on = sent_on or today
    validate_notice(method, sent_on, today)
    school, year = require_school_and_year(None, None)
    households = load_households(school, year, [household_id])
    if not households:
        raise ValidationError({"household": "this household is not on this year's notice list"})
    problem = _check_notice(households[0], method)
    if problem:
        raise ValidationError({"method": f"{NOTICE_METHODS[method]}: {problem}"})
    with database_proxy.atomic():
        notice = FamilyNotice.create(
            household=household_id,
            school_year=year,
            method=method,
            language=language or letter_language(households[0].language_code),
            sent_on=sent_on,
            delivery_status="sent",
            recorded_by=actor or current_actor(),
            notes=notes.strip(),
        )
        audit("create", notice, after=snapshot(notice), actor=actor)
    return notice


def record_email_to_all(
    *,
    sent_on: date | None = None,
    only_pending: bool = False,
    actor: str | None = None,
    today: date | None = None,
) -> BulkResult:
    """Record "e-mailed to every household with an e-mail address" (optionally only the ones
    not yet notified)."""
    households = load_households()
    if only_pending:
        households = [h for h in households if not h.is_notified]
    return record_notices(
        [h.household_id for h in households if h.emails],
        method="email",
        sent_on=sent_on,
        actor=actor,
        today=today,
    )


def households_of_session(session_id: int) -> list[int]:
    """Households of the students checked in to a presentation session (undone check-ins aside)."""
    attendance = PresentationAttendance
    presented = attendance.select(attendance.student).where(
        attendance.session == session_id, attendance.undone_at.is_null()
    )
    query = (
        StudentGuardian.select(Guardian.household)
        .join(Guardian)
        .where(
            StudentGuardian.student.in_(presented),
            StudentGuardian.receives_notices == True,  # noqa: E712
            Guardian.active == True,  # noqa: E712
            Guardian.household.is_null(False),
        )
        .distinct()
    )
    return [hid for (hid,) in query.tuples()]


def record_paper_notices_for_session(
    session_id: int,
    *,
    sent_on: date | None = None,
    actor: str | None = None,
    today: date | None = None,
) -> BulkResult:
    """ "Paper notice sent home with every student presented in session X": one notice per
    household of those students (siblings in the session share one)."""
    return record_notices(
        households_of_session(session_id),
        method="paper_home",
        sent_on=sent_on,
        actor=actor,
        today=today,
    )


def change_delivery_status(
    notice_id: int, status: str, *, reason: str = "", actor: str | None = None
) -> FamilyNotice:
    """Mark a notice delivered, returned or bounced (or back to sent), audited with before/after.

    A returned or bounced notice puts its household back on the to-do list. Raises
    ValidationError, writing nothing, for a status that does not fit the notice's method.
    """
    with database_proxy.atomic():
        notice = FamilyNotice.get_or_none(FamilyNotice.id == notice_id)
        if notice is None:
            raise ValidationError({"notice": "no such notice"})
        if status not in DELIVERY_STATUSES:
            raise ValidationError(
                {"delivery_status": f"status must be one of: {', '.join(DELIVERY_STATUSES)}"}
            )
        if status == notice.delivery_status:
            raise ValidationError({"delivery_status": f"the notice is already {status}"})
        allowed = PROBLEM_METHODS.get(status)
        if allowed and notice.method not in allowed:
            raise ValidationError(
                {
                    "delivery_status": (
                        f"a notice sent by {NOTICE_METHODS[notice.method].lower()} cannot be "
                        f"{DELIVERY_STATUSES[status].lower()}"
                    )
                }
            )
        before = snapshot(notice)
        notice.delivery_status = status
        notice.status_changed_at = utc_now()
        notice.save()
        audit("update", notice, before=before, after=snapshot(notice), reason=reason, actor=actor)
    return notice


# --- counts and the family notice list ---------------------------------------------------------


def household_notice_statuses(
    year: SchoolYear, listed: Container[int], household_ids: list[int] | None = None
) -> dict[int, tuple[str, tuple[str, str]]]:
    """For each household in `listed` with a notice this year (narrowed to `household_ids` when
    given): its status and the notice that decided it, (method, sent on), as `load_households`
    says them (the newest that counts, else the newest)."""
    statuses: dict[int, list[str]] = {}
    deciding: dict[int, tuple[str, str, str]] = {}
    notices = (
        FamilyNotice.select(
            FamilyNotice.household,
            FamilyNotice.method,
            FamilyNotice.sent_on,
            FamilyNotice.delivery_status,
        )
        .where(FamilyNotice.school_year == year)
        .order_by(FamilyNotice.sent_on.desc(), FamilyNotice.id.desc())
    )
    if household_ids is not None:
        notices = notices.where(FamilyNotice.household.in_(household_ids))
    for hid, method, sent_on, status in database_proxy.execute(notices):
        if hid not in listed:
            continue
        statuses.setdefault(hid, []).append(status)
        if hid not in deciding or (status in NOTIFIED and deciding[hid][2] not in NOTIFIED):
            deciding[hid] = (method, str(sent_on)[:10], status)
    return {hid: (household_status(found), deciding[hid][:2]) for hid, found in statuses.items()}


FAMILY_NOTICE_LIST_KIND = "family-notices"
FAMILY_NOTICE_COLUMNS: tuple[ExportColumn, ...] = (
    *MERGE_COLUMNS,
    ExportColumn("household_id", "id"),
    ExportColumn("household", "text"),
    ExportColumn("guardian_names", "text"),
    ExportColumn("preferred_language", "text"),
    ExportColumn("email", "text"),
    ExportColumn("phone", "phone"),
    ExportColumn("other_phones", "text"),
    ExportColumn("mailing_address", "text"),
    ExportColumn("students", "text"),
    ExportColumn("student_ids", "id"),
    ExportColumn("grades", "text"),
    ExportColumn("notice_status", "text"),
    ExportColumn("notice_method", "text"),
    ExportColumn("notice_language", "text"),
    ExportColumn("notice_date", "date"),
)
"""Only what a family notice needs: no demographics, no intervention data. Lists inside a cell
are separated by "; "."""

_ROW_NAMESPACE = uuid.UUID("5b0f3c1e-4f0e-4c39-9a53-6d1b2f0e4311")


def family_notice_record_id(household_record_id: str, school_year_record_id: str) -> str:
    """The row's `record_id`: one stable UUID per household *and* school year, so the district
    merge keeps each year's row (the household's own UUID is in `household_id`)."""
    # uuid.uuid5, computed directly: building UUID objects cost 0.08 s per 5,000-row export.
    name = f"{household_record_id}/{school_year_record_id}".encode()
    raw = bytearray(hashlib.sha1(_ROW_NAMESPACE.bytes + name).digest()[:16])
    raw[6] = (raw[6] & 0x0F) | 0x50  # version 5
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    x = raw.hex()
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


def family_notice_rows(
    households: Iterable[HouseholdNotices], school: School, year: SchoolYear
) -> list[dict[str, Any]]:
    """One export row per household, keyed by FAMILY_NOTICE_COLUMNS names."""
    rows = []
    for household in households:
        phones = _distinct(g.phone for g in household.guardians)
        notice = household.deciding_notice
        rows.append(
            {
                "record_id": family_notice_record_id(household.record_id, year.record_id),
                "school_code": school.code,
                "school_year": year.name,
                "updated_at": household.updated_at,
                "household_id": household.record_id,
                "household": household.label,
                "guardian_names": "; ".join(_distinct(g.name for g in household.guardians)),
                "preferred_language": household.language,
                "email": "; ".join(household.emails),
                "phone": phones[0] if phones else "",
                "other_phones": "; ".join(phones[1:]),
                "mailing_address": household.address,
                "students": "; ".join(
                    f"{s.name} ({s.grade})" if s.grade else s.name for s in household.students
                ),
                "student_ids": "; ".join(s.sis_id for s in household.students),
                "grades": "; ".join(household.grades),
                "notice_status": HOUSEHOLD_STATUSES[household.status],
                "notice_method": NOTICE_METHODS.get(notice.method, notice.method) if notice else "",
                "notice_language": notice.language if notice else "",
                "notice_date": notice.sent_on if notice else None,
            }
        )
    return rows


def export_family_notice_list(
    out_dir: Path | str,
    *,
    pending_only: bool = False,
    school: School | None = None,
    year: SchoolYear | None = None,
    now: datetime | None = None,
) -> Path:
    """Write the family notice list (every household, or only those still to notify) into
    `out_dir` for the district office; returns the file. See `exchange.py` for the format.
    Raises ExchangeError, leaving no file, when the folder cannot be written."""
    school, year = require_school_and_year(school, year)
    households = load_households(school, year)
    if pending_only:
        households = filter_households(households, status="pending")
    return write_exchange_csv(
        family_notice_rows(households, school, year),
        FAMILY_NOTICE_COLUMNS,
        out_dir,
        school_code=school.code,
        kind=FAMILY_NOTICE_LIST_KIND + ("-pending" if pending_only else ""),
        school_year=year.name,
        now=now,
    )
