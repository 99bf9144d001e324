"""Merging check-in station kits into the school's session (issue 17).

All or nothing per kit, and idempotent: rows keep their `record_id`, so a row already merged is
recognised and the same kit twice changes nothing. A student scanned at two doors counts once:
every check-in row is kept, the earliest stands and the others are marked "counted once" (undone
by `MERGE_ACTOR`, naming the station that counted), which gives the same record whatever the
order the kits are merged in. An undo made at a station undoes that station's row only; a
person's undo always stands. Unknown IDs come along as unmatched scans, and those that now match
a student (the kit's roster was older) are offered for linking.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from peewee import DateTimeField

from sro_tui.db import bulk_insert
from sro_tui.models import (
    AuditEvent,
    PresentationAttendance,
    PresentationSession,
    StationKit,
    UnmatchedScan,
    database_proxy,
    utc_now,
)
from sro_tui.presentation.checkins import (
    local_time,
)
from sro_tui.presentation.station_review import LinkableScan, linkable_scans
from sro_tui.presentation.stations import (
    MERGE_ACTOR,
    KitInfo,
    StationKitError,
    is_station_kit,
    kit_info,
    open_kit,
    station_label,
)
from sro_tui.records import audit, current_actor, current_year, get_school

_datetime = DateTimeField()


def _school_session_for(info: KitInfo) -> PresentationSession:
    """The school's session the kit was made for, or the reason it cannot be merged here."""
    name = info.path.name
    school = get_school()
    if school is None or school.record_id != info.school_record_id:
        here = f"{school.code} ({school.name})" if school else "no school yet"
        other = " (another database of it)" if school and school.code == info.school_code else ""
        raise StationKitError(
            f"{name} was made for {info.school_code} ({info.school_name}){other}; this database "
            f"keeps {here}'s records: nothing merged"
        )
    year = current_year()
    if year is None or year.name != info.school_year:
        raise StationKitError(
            f"{name} is for school year {info.school_year}; the current school year here is "
            f"{year.name if year else 'not set'}: nothing merged"
        )
    session = PresentationSession.get_or_none(
        (PresentationSession.record_id == info.session_record_id)
        & (PresentationSession.school_year == year)
    )
    if session is None:
        raise StationKitError(
            f"{name} is for the session “{info.session_title}”, which is not in this school's "
            "records (a kit made from another database?): nothing merged"
        )
    return session


# --- merging ----------------------------------------------------------------------------------


@dataclass
class MergeResult:
    """What merging one kit did. `changed` is False when the kit was merged already."""

    kit: KitInfo
    session: PresentationSession
    check_ins_added: int = 0
    counted_once: int = 0  # students of this kit already counted earlier (another door, office)
    undos: int = 0
    unmatched_added: int = 0
    resolutions: int = 0  # unknown IDs resolved at the station after an earlier merge
    linkable: list[LinkableScan] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.check_ins_added or self.undos or self.unmatched_added or self.resolutions)

    @property
    def summary(self) -> str:
        name = f"{self.kit.station} ({self.kit.path.name})"
        if not self.changed:
            return f"{name}: already merged into “{self.session.title}”; nothing changed"
        once = (
            f" ({self.counted_once} of students already checked in earlier elsewhere: counted once)"
            if self.counted_once
            else ""
        )
        return (
            f"{name} merged into “{self.session.title}”: {self.check_ins_added} check-in(s) "
            f"added{once}, {self.undos} undo(s), {self.unmatched_added} unknown ID(s) kept"
        )


_ATTENDANCE_COLUMNS = (
    "record_id, student_id, recorded_at, method, recorded_by, undone_at, undone_by, "
    "undo_reason, station"
)
_SCAN_COLUMNS = (
    "record_id, scanned_text, scanned_at, recorded_by, resolved_at, resolution, "
    "linked_student_id, dismiss_reason, resolved_by, station"
)


def _kit_records(conn: sqlite3.Connection, info: KitInfo) -> tuple[dict, list, list]:
    """The kit's students (kit id -> (record_id, sis_id)), its session's check-ins and scans."""
    (session_id,) = conn.execute(
        'SELECT id FROM "presentation_session" WHERE record_id = ?', (info.session_record_id,)
    ).fetchone()
    students = {
        row[0]: (row[1], row[2])
        for row in conn.execute('SELECT id, record_id, sis_id FROM "student"')
    }
    attendance = conn.execute(
        f'SELECT {_ATTENDANCE_COLUMNS} FROM "presentation_attendance" WHERE session_id = ? '
        "ORDER BY id",
        (session_id,),
    ).fetchall()
    scans = conn.execute(
        f'SELECT {_SCAN_COLUMNS} FROM "unmatched_scan" WHERE session_id = ? ORDER BY id',
        (session_id,),
    ).fetchall()
    return students, attendance, scans


def _when(value) -> datetime | None:
    return _datetime.python_value(value) if value else None


def merge_station_kit(path: Path | str, actor: str | None = None) -> MergeResult:
    """Merge one kit's check-ins, undos and unknown IDs into the school's session.

    All or nothing, and idempotent: the same kit again changes nothing (`changed` is False).
    A kit from another school, year or session raises StationKitError and changes nothing.
    """
    actor = actor or current_actor()
    if is_station_kit():
        raise StationKitError("this database is itself a station kit: merge kits in the office")
    path = Path(path).expanduser()
    conn = open_kit(path)
    try:
        info = kit_info(path, conn)
        session = _school_session_for(info)
        kit_students, attendance, scans = _kit_records(conn, info)
    except sqlite3.DatabaseError as exc:
        raise StationKitError(f"{path.name} cannot be read: {exc}") from exc
    finally:
        conn.close()
    result = MergeResult(info, session)
    with database_proxy.atomic():
        to_school = _student_ids(session.school_id, kit_students)
        _merge_check_ins(result, attendance, to_school, actor)
        _merge_scans(result, scans, to_school)
        if result.changed:
            _record_kit(result, actor)
    result.linkable = linkable_scans(session, station=info.station)
    return result


def _student_ids(school_id: int, kit_students: dict) -> dict[int, int]:
    """Kit student id -> the school's student id, by record_id (then by ID, for a kit made from
    a copy). A student the school has never had means the kit is not this school's."""
    by_record: dict[str, int] = {}
    by_sis: dict[str, int] = {}
    for sid, rid, sis in database_proxy.execute_sql(  # 5,000 rows: the driver's tuples
        'SELECT id, record_id, sis_id FROM "student" WHERE school_id = ?', (school_id,)
    ):
        by_record[rid] = sid
        by_sis[sis] = sid
    mapped = {}
    for kit_id, (rid, sis) in kit_students.items():
        school_id_ = by_record.get(rid) or by_sis.get(sis)
        if school_id_ is not None:
            mapped[kit_id] = school_id_
    return mapped


def _merge_check_ins(result: MergeResult, rows: list, to_school: dict, actor: str) -> None:
    session = result.session
    station = result.kit.station
    # record_id -> (id, undone by a person): plain tuples, no dates to parse.
    known = {
        rid: (aid, bool(person_undid))
        for rid, aid, person_undid in database_proxy.execute_sql(
            "SELECT record_id, id, undone_at IS NOT NULL AND undone_by != ? FROM "
            '"presentation_attendance" WHERE session_id = ?',
            (MERGE_ACTOR, session.id),
        )
    }
    now = utc_now()
    new, undos, touched = [], [], set()
    for rid, kit_student, at, method, by, undone_at, undone_by, reason, row_station in rows:
        student = to_school.get(kit_student)
        if student is None:
            raise StationKitError(
                f"{result.kit.path.name}: a check-in is for a student this school has never had "
                "(not this school's kit?): nothing merged"
            )
        touched.add(student)
        undone = _when(undone_at)
        if rid in known:
            aid, person_undid = known[rid]
            if undone and not person_undid:  # undone at the station after an earlier merge
                undos.append((aid, rid, undone, undone_by, reason))
            continue
        new.append(
            dict(
                record_id=rid,
                student=student,
                session=session.id,
                school_year=session.school_year_id,
                recorded_at=_when(at),
                method=method,
                recorded_by=by,
                # A live row waits as "counted once" until _count_once lets the earliest count.
                undone_at=undone or now,
                undone_by=undone_by if undone else MERGE_ACTOR,
                undo_reason=reason if undone else "merging",
                station=row_station or station,
                created_at=now,
                updated_at=now,
            )
        )
        if undone:
            undos.append((None, rid, undone, undone_by, reason))
    if new:
        bulk_insert(PresentationAttendance, new)
    events = []
    for aid, rid, undone, undone_by, reason in undos:
        if aid is not None:
            PresentationAttendance.update(
                undone_at=undone, undone_by=undone_by, undo_reason=reason, updated_at=now
            ).where(PresentationAttendance.id == aid).execute()
        events.append(
            _event(
                "undo",
                rid,
                {"undone_at": undone.isoformat(), "station": station},
                f"{reason} (at {station}; merged from its kit by {actor})",
                undone_by or actor,
                now,
            )
        )
    bulk_insert(AuditEvent, events)
    result.check_ins_added = len(new)
    result.undos = len(undos)
    if new or undos:
        result.counted_once = _count_once(session, touched, station, actor, now)


def _event(action: str, record_id: str, after: dict, reason: str, actor: str, at: datetime):
    """An audit event of a check-in, as `records.audit` writes it, to write many at once."""
    return dict(
        at=at,
        actor=actor,
        action=action,
        table_name="presentation_attendance",
        record_id=record_id,
        before="",
        after=json.dumps(after, ensure_ascii=False, sort_keys=True),
        reason=reason,
    )


def _count_once(
    session: PresentationSession, students: set[int], station: str, actor: str, now: datetime
) -> int:
    """For each student touched, let the earliest check-in of the year count and mark the others
    "counted once" (a person's undo always stands). Returns how many of `station`'s rows are
    not counted because another was earlier. Audits each student whose count moved and who was
    checked in at more than one place, naming every station and time."""
    rows_by_student = defaultdict(list)
    query = database_proxy.execute_sql(
        "SELECT id, student_id, recorded_at, undone_at, undone_by, undo_reason, station, "
        'record_id FROM "presentation_attendance" WHERE school_year_id = ? AND '
        "(undone_at IS NULL OR undone_by = ?)",
        (session.school_year_id, MERGE_ACTOR),
    )
    for row in query:
        if row[1] in students:  # times parsed here only: the year may hold thousands of rows
            rows_by_student[row[1]].append((*row[:2], _when(row[2]), *row[3:]))
    revive, retire, counted_once, events = [], [], 0, []
    for rows in rows_by_student.values():
        rows.sort(key=lambda r: (r[2], r[0]))
        winner, others = rows[0], rows[1:]
        moved = winner[3] is not None
        if moved:
            revive.append(winner[0])
        why = (
            f"counted once: checked in earlier at {station_label(winner[6])} "
            f"{local_time(winner[2]):%H:%M:%S}"
        )
        for other in others:
            counted_once += other[6] == station
            if other[3] is None or other[5] != why:
                retire.append((other[0], why))
                moved = True
        if others and moved:
            counted = {"station": station_label(winner[6]), "at": winner[2].isoformat()}
            also = [{"station": station_label(o[6]), "at": o[2].isoformat()} for o in others]
            events.append(
                _event(
                    "count once",
                    winner[7],
                    {"counted": counted, "also": also},
                    "checked in at more than one door: counted once, at the earliest time",
                    actor,
                    now,
                )
            )
    bulk_insert(AuditEvent, events)
    stamp = now.isoformat(sep=" ")
    if retire:
        database_proxy.cursor().executemany(
            'UPDATE "presentation_attendance" SET undone_at = ?, undone_by = ?, '
            "undo_reason = ?, updated_at = ? WHERE id = ?",
            [(stamp, MERGE_ACTOR, why, stamp, aid) for aid, why in retire],
        )
    if revive:
        PresentationAttendance.update(
            undone_at=None, undone_by="", undo_reason="", updated_at=now
        ).where(PresentationAttendance.id.in_(revive)).execute()
    return counted_once


def _merge_scans(result: MergeResult, rows: list, to_school: dict) -> None:
    """Unknown IDs kept at the station join the session's unmatched scans (and a resolution made
    at the station after an earlier merge follows them)."""
    session = result.session
    known = {
        rid: (sid, resolved_at)
        for rid, sid, resolved_at in UnmatchedScan.select(
            UnmatchedScan.record_id, UnmatchedScan.id, UnmatchedScan.resolved_at
        )
        .where(UnmatchedScan.session == session)
        .tuples()
    }
    now = utc_now()
    new = []
    for rid, text, at, by, resolved_at, resolution, linked, dismissed, resolved_by, st in rows:
        values = dict(
            resolved_at=_when(resolved_at),
            resolution=resolution,
            linked_student=to_school.get(linked) if linked else None,
            dismiss_reason=dismissed,
            resolved_by=resolved_by,
        )
        if rid in known:
            sid, school_resolved = known[rid]
            if resolved_at and school_resolved is None:
                UnmatchedScan.update(updated_at=now, **values).where(
                    UnmatchedScan.id == sid
                ).execute()
                result.resolutions += 1
            continue
        new.append(
            dict(
                record_id=rid,
                session=session.id,
                scanned_text=text,
                scanned_at=_when(at),
                recorded_by=by,
                station=st or result.kit.station,
                created_at=now,
                updated_at=now,
                **values,
            )
        )
    if new:
        bulk_insert(UnmatchedScan, new)
    result.unmatched_added = len(new)


def _record_kit(result: MergeResult, actor: str) -> None:
    """Note in the school's record when the kit was merged (first and latest), and audit it."""
    info, now = result.kit, utc_now()
    kit = StationKit.get_or_none(StationKit.record_id == info.kit_id)
    if kit is None:  # made on another computer from a copy of this database
        kit = StationKit(
            record_id=info.kit_id,
            session=result.session,
            station=info.station,
            made_at=_when(info.made_at) or now,
        )
    kit.merged_at = kit.merged_at or now
    kit.merged_by = kit.merged_by or actor
    kit.last_merged_at = now
    kit.save()
    audit(
        "merge station kit",
        kit,
        after={
            "station": info.station,
            "file": info.path.name,
            "check_ins_added": result.check_ins_added,
            "counted_once": result.counted_once,
            "undos": result.undos,
            "unmatched_added": result.unmatched_added,
        },
        actor=actor,
    )
