"""`sro-tui school merge`: another laptop's bundle of the same school, taken into this database.

A school may keep records on several laptops (the principal's, the front office's) with no
network between them. The bundle one laptop sends to the district (`district send`) can also be
merged into another laptop of the same school, so the principal's dashboard shows the office's
check-ins and family notices. The same identity rule as the district's (`district.identity`):

- a **check-in**: the bundle's student, matched here by SIS id (else SSID), presented there and
  not here, gets a check-in in a session "Check-ins from <laptop>" on the day it was recorded,
  at the time it was recorded, its station the laptop's name. Its `record_id` is derived from the
  laptop and that student's row, so merging again finds it; a check-in the other laptop undid
  (its row says "not presented") is undone here too. A student the other laptop no longer lists
  (a later roster import there) is left as it is here.
- a **family notice**: the bundle's household, matched here by its key (the roster's keys or the
  household rule; else by its students), notified there and not here, gets the notice (method,
  language, date) with the bundle row's `record_id`; one whose notice came back there (returned
  mail, a bounced e-mail) and that has no notice here gets that notice, so it shows here as it
  does there, still to be notified. A notice brought by an earlier merge follows the household's
  later status there (sent again and notified), never back from notified.
- Intervention requests, agreements, complaints and training stay with the laptop that recorded
  them (the district counts them from each laptop's bundle): their count is reported.

All or nothing: the bundle is verified while it is read (checksums, row counts) inside one
transaction, so a damaged bundle changes nothing. A bundle of another school (another code, or
another OSPI building code or name under the same code), of another school year, or sent from
this laptop itself is refused with the reason. Merging the same bundle twice changes nothing.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sro_tui.district.identity import same_school
from sro_tui.district.laptop import laptop_id
from sro_tui.exchange.bundle import Bundle, BundleError, BundleManifest, parse_iso_utc
from sro_tui.models import (
    CHECK_IN_METHODS,
    NOTICE_METHODS,
    FamilyNotice,
    Guardian,
    Household,
    PresentationAttendance,
    PresentationSession,
    School,
    SchoolYear,
    Student,
    StudentGuardian,
    database_proxy,
    utc_now,
)
from sro_tui.notices import HOUSEHOLD_STATUSES, NOTIFIED
from sro_tui.presentation import local_time
from sro_tui.records import audit, current_actor, current_year, get_school, snapshot

_NAMESPACE = uuid.UUID("0c8f4e2a-6b1d-4f57-a3e9-4311b1e5a7c2")
# A household's status in the other laptop's bundle -> the delivery status of the notice it
# gets here ("Notified" cannot say sent from delivered: sent, as the weaker claim).
DELIVERY_OF_STATUS = {
    HOUSEHOLD_STATUSES["notified"]: "sent",
    HOUSEHOLD_STATUSES["returned"]: "returned",
    HOUSEHOLD_STATUSES["bounced"]: "bounced",
}
NOTICE_KEYS = {label: key for key, label in NOTICE_METHODS.items()}
LEFT_WITH_THEIR_LAPTOP = (
    "interventions",
    "agreements",
    "complaints",
    "training",
)


class SchoolMergeRefused(BundleError):
    """A sound bundle this database will not take (another school, another year); nothing
    changed."""


@dataclass
class SchoolMergeResult:
    """What merging one laptop's bundle into this database did."""

    path: Path
    laptop: str
    sent_at: datetime
    check_ins_added: int = 0
    check_ins_undone: int = 0
    check_ins_already: int = 0
    students_not_here: int = 0
    notices_added: int = 0
    notices_already: int = 0
    households_not_here: int = 0
    kept_there: dict[str, int] | None = None

    @property
    def changed(self) -> int:
        return self.check_ins_added + self.check_ins_undone + self.notices_added

    def summary(self) -> list[str]:
        """Lines for the command line."""
        head = f"{self.laptop} (sent {self.sent_at:%Y-%m-%d %H:%M} UTC, {self.path.name})"
        if not self.changed:
            lines = [f"{head}: nothing new; nothing changed"]
        else:
            undone = (
                f", {self.check_ins_undone} check-in(s) undone (undone on that laptop)"
                if self.check_ins_undone
                else ""
            )
            lines = [
                f"{head}: {self.check_ins_added} check-in(s) added, "
                f"{self.notices_added} family notice(s) added{undone}"
            ]
        lines.append(
            f"  already here: {self.check_ins_already} check-in(s), "
            f"{self.notices_already} household notice(s)"
        )
        if self.students_not_here or self.households_not_here:
            lines.append(
                f"  not on this laptop's roster: {self.students_not_here} student(s), "
                f"{self.households_not_here} household(s) (import the same roster here first)"
            )
        kept = {k: n for k, n in (self.kept_there or {}).items() if n}
        if kept:
            lines.append(
                "  stay with that laptop (the district counts them): "
                + ", ".join(f"{n} {kind}" for kind, n in kept.items())
            )
        return lines


def _check_same_school(manifest: BundleManifest, school: School, year: SchoolYear, name: str):
    info = manifest.school
    theirs = f"{info.get('code')} ({info.get('name', '')})"
    here = f"{school.code} ({school.name})"
    if info.get("code") != school.code or not same_school(school, info):
        raise SchoolMergeRefused(
            f"{name} is from {theirs}, another school; this database keeps {here}'s records: "
            "nothing merged"
        )
    if manifest.school_year != year.name:
        raise SchoolMergeRefused(
            f"{name} is for school year {manifest.school_year}; the current school year here is "
            f"{year.name}: nothing merged"
        )
    if manifest.laptop_id == laptop_id():
        raise SchoolMergeRefused(f"{name} was sent from this laptop: nothing to merge")


def _derived_id(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


class _Students:
    """This school's students by SIS id and by SSID."""

    def __init__(self, school: School):
        self.by_sis: dict[str, int] = {}
        self.by_ssid: dict[str, int] = {}
        for sid, sis_id, ssid in (
            Student.select(Student.id, Student.sis_id, Student.ssid)
            .where(Student.school == school)
            .tuples()
        ):
            self.by_sis[sis_id] = sid
            if ssid:
                self.by_ssid[ssid] = sid

    def find(self, sis_id: str, ssid: str) -> int | None:
        found = self.by_sis.get(sis_id)
        if found is None and ssid:
            found = self.by_ssid.get(ssid)
        return found


def _rows_of(bundle: Bundle, kind: str) -> Iterator[dict[str, str]]:
    """The rows of the bundle's file of `kind` (none when it has no such file), verified."""
    entry = next((e for e in bundle.manifest.files if e.kind == kind), None)
    if entry is not None:
        for values in bundle.rows(entry):
            yield dict(zip(entry.columns, values, strict=True))


def _merge_check_ins(
    bundle: Bundle, result: SchoolMergeResult, school: School, year: SchoolYear, actor: str
) -> None:
    manifest = bundle.manifest
    students = _Students(school)
    live = {
        student: rid
        for student, rid in PresentationAttendance.select(
            PresentationAttendance.student, PresentationAttendance.record_id
        )
        .where(
            PresentationAttendance.school_year == year,
            PresentationAttendance.undone_at.is_null(),
        )
        .tuples()
    }
    known = {
        rid
        for (rid,) in PresentationAttendance.select(PresentationAttendance.record_id)
        .where(PresentationAttendance.school_year == year)
        .tuples()
    }
    sessions: dict[date, PresentationSession] = {}
    now = utc_now()
    for row in _rows_of(bundle, "presentation-students"):
        student = students.find(row.get("sis_id", ""), row.get("ssid", ""))
        rid = _derived_id(manifest.laptop_id, year.record_id, row["record_id"])
        if row.get("presented") != "yes":
            if student is not None and live.get(student) == rid:  # undone on that laptop
                PresentationAttendance.update(
                    undone_at=now,
                    undone_by=actor,
                    undo_reason=f"undone on {manifest.laptop_name}",
                    updated_at=now,
                ).where(PresentationAttendance.record_id == rid).execute()
                audit(
                    "undo",
                    table_name="presentation_attendance",
                    record_id=rid,
                    reason=f"undone on {manifest.laptop_name} (merged from its bundle)",
                    actor=actor,
                )
                del live[student]
                result.check_ins_undone += 1
            continue
        if student is None:
            result.students_not_here += 1
            continue
        if student in live or rid in known:
            result.check_ins_already += 1
            continue
        at = parse_iso_utc(row["presented_at"]) if row.get("presented_at") else now
        held_on = local_time(at).date()
        if held_on not in sessions:
            sessions[held_on] = _session_for(school, year, manifest, held_on, actor)
        attendance = PresentationAttendance.create(
            record_id=rid,
            student=student,
            session=sessions[held_on],
            school_year=year,
            recorded_at=at,
            method=row.get("method") if row.get("method") in CHECK_IN_METHODS else "list",
            recorded_by=actor,
            station=manifest.laptop_name,
        )
        audit(
            "create",
            attendance,
            after=snapshot(attendance),
            reason=f"recorded on {manifest.laptop_name}; merged from its bundle",
            actor=actor,
        )
        live[student] = rid
        known.add(rid)
        result.check_ins_added += 1


def _session_for(
    school: School, year: SchoolYear, manifest: BundleManifest, held_on: date, actor: str
) -> PresentationSession:
    rid = _derived_id(manifest.laptop_id, year.record_id, "session", held_on.isoformat())
    session = PresentationSession.get_or_none(PresentationSession.record_id == rid)
    if session is None:
        session = PresentationSession.create(
            record_id=rid,
            school=school,
            school_year=year,
            held_on=held_on,
            title=f"Check-ins from {manifest.laptop_name}",
            kind="assembly",
            notes="Merged from that laptop's bundle (sro-tui school merge).",
        )
        audit("create", session, after=snapshot(session), actor=actor)
    return session


def _households_here(school: School) -> tuple[dict[str, int], dict[frozenset[str], int]]:
    by_key = dict(
        Household.select(Household.key, Household.id).where(Household.school == school).tuples()
    )
    students: dict[int, set[str]] = defaultdict(set)
    for household, sis_id in (
        Guardian.select(Guardian.household, Student.sis_id)
        .join(StudentGuardian)
        .join(Student)
        .where(Guardian.school == school, Guardian.household.is_null(False))
        .tuples()
    ):
        students[household].add(sis_id)
    by_students: dict[frozenset[str], int] = {}
    for household, ids in students.items():
        by_students.setdefault(frozenset(ids), household)
    return by_key, by_students


def _merge_notices(
    bundle: Bundle, result: SchoolMergeResult, school: School, year: SchoolYear, actor: str
) -> None:
    manifest = bundle.manifest
    by_key, by_students = _households_here(school)
    noticed: dict[int, set[str]] = defaultdict(set)  # household -> its delivery statuses here
    status_of: dict[str, str] = {}  # each notice's record_id -> its delivery status
    for household, status, record_id in (
        FamilyNotice.select(
            FamilyNotice.household, FamilyNotice.delivery_status, FamilyNotice.record_id
        )
        .where(FamilyNotice.school_year == year)
        .tuples()
    ):
        noticed[household].add(status)
        status_of[record_id] = status
    for row in _rows_of(bundle, "family-notices"):
        delivery = DELIVERY_OF_STATUS.get(row.get("notice_status", ""))
        if delivery is None:  # not notified there: nothing to bring
            continue
        household = by_key.get(row.get("household_key", "")) if row.get("household_key") else None
        if household is None:
            ids = frozenset(i.strip() for i in row.get("student_ids", "").split(";") if i.strip())
            household = by_students.get(ids) if ids else None
        if household is None:
            result.households_not_here += 1
            continue
        mirrored_status = status_of.get(row["record_id"])
        if mirrored_status is not None:
            # Brought by an earlier merge: follow what the other laptop says now (a bounced
            # e-mail sent again and delivered, say); never step back from notified.
            if mirrored_status != delivery and mirrored_status not in NOTIFIED:
                mirrored = FamilyNotice.get(FamilyNotice.record_id == row["record_id"])
                before = snapshot(mirrored)
                _fill_notice(mirrored, row, delivery, manifest)
                mirrored.status_changed_at = utc_now()
                mirrored.save()
                audit("update", mirrored, before=before, after=snapshot(mirrored), actor=actor)
                result.notices_added += 1
            else:
                result.notices_already += 1
            continue
        here = noticed.get(household, set())
        if not here.isdisjoint(NOTIFIED) or (delivery not in NOTIFIED and here):
            # Notified here already; or only a returned/bounced notice there while this laptop
            # has its own notice on record for the household.
            result.notices_already += 1
            continue
        notice = FamilyNotice(
            record_id=row["record_id"],
            household=household,
            school_year=year,
            recorded_by=actor,
            notes=f"Recorded on {manifest.laptop_name}; merged from its bundle.",
        )
        _fill_notice(notice, row, delivery, manifest)
        notice.save(force_insert=True)
        audit("create", notice, after=snapshot(notice), actor=actor)
        noticed[household].add(delivery)
        status_of[notice.record_id] = delivery
        result.notices_added += 1


def _fill_notice(notice: FamilyNotice, row: dict, delivery: str, manifest: BundleManifest) -> None:
    """The notice as the other laptop's row tells it: method, language, date, and whether it was
    sent or came back (returned mail, a bounced e-mail)."""
    sent_on = date.fromisoformat(row["notice_date"]) if row.get("notice_date") else None
    notice.method = NOTICE_KEYS.get(row.get("notice_method", ""), "paper_home")
    notice.language = row.get("notice_language") or "en"
    notice.sent_on = sent_on or local_time(manifest.created_at).date()
    notice.delivery_status = delivery


def merge_laptop_bundle(path: Path | str, *, actor: str | None = None) -> SchoolMergeResult:
    """Merge another laptop's bundle of this school into this database, all or nothing (see the
    module). Raises `BundleError` (or `SchoolMergeRefused`) with the reason; nothing changes
    then."""
    path = Path(path)
    actor = actor or current_actor()
    school, year = get_school(), current_year()
    if school is None or year is None:
        raise SchoolMergeRefused(
            "set up this school and import its roster first (sro-tui roster import): nothing merged"
        )
    with Bundle(path) as bundle:
        manifest = bundle.manifest
        _check_same_school(manifest, school, year, path.name)
        bundle.verify_files()  # every file, before anything is written
        result = SchoolMergeResult(path, manifest.laptop_name, manifest.created_at)
        result.kept_there = {
            e.kind: e.rows for e in manifest.files if e.kind in LEFT_WITH_THEIR_LAPTOP
        }
        with database_proxy.atomic():
            _merge_check_ins(bundle, result, school, year, actor)
            _merge_notices(bundle, result, school, year, actor)
            if result.changed:
                audit(
                    "merge",
                    table_name="school",
                    record_id=school.record_id,
                    after={
                        "bundle": manifest.bundle_hash,
                        "laptop": manifest.laptop_name,
                        "check_ins_added": result.check_ins_added,
                        "check_ins_undone": result.check_ins_undone,
                        "notices_added": result.notices_added,
                    },
                    reason=f"sro-tui school merge {path.name}",
                    actor=actor,
                )
    return result
