"""What the office reviews after merging station kits (issue 17): each station of a session
(students it recorded, its kit made and merged), and unknown IDs kept at a station that now
match a student because the kit's roster was older — listed, and linked on request.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from peewee import fn

from sro_tui.models import (
    PresentationAttendance,
    PresentationSession,
    StationKit,
    Student,
    UnmatchedScan,
)
from sro_tui.presentation.checkins import CheckInOutcome, local_time, resolve_unmatched_scan
from sro_tui.presentation.stations import MERGE_ACTOR, station_label
from sro_tui.records import current_year
from sro_tui.search import normalize_id


@dataclass(frozen=True)
class LinkableScan:
    """An unknown ID kept at a station that now matches a student (the roster grew since)."""

    scan: UnmatchedScan
    student: Student

    @property
    def line(self) -> str:
        s = self.student
        return (
            f"{self.scan.scanned_text} ({station_label(self.scan.station)}, "
            f"{local_time(self.scan.scanned_at):%H:%M:%S}) now matches {s.display_name}, "
            f"grade {s.grade or '?'}, homeroom {s.homeroom or '?'}"
        )


def linkable_scans(
    session: PresentationSession | None = None, *, station: str | None = None
) -> list[LinkableScan]:
    """Open unmatched scans (of a session, else of the current year; of one station when given)
    whose text now matches one of the school's students: a kit's roster was older."""
    query = UnmatchedScan.select(UnmatchedScan, PresentationSession).join(PresentationSession)
    query = query.where(UnmatchedScan.resolved_at.is_null())
    if session is not None:
        query = query.where(UnmatchedScan.session == session)
    else:
        query = query.where(PresentationSession.school_year == current_year())
    if station is not None:
        query = query.where(UnmatchedScan.station == station)
    scans = list(query.order_by(UnmatchedScan.scanned_at, UnmatchedScan.id))
    if not scans:
        return []
    # One query for every scan (as `find_student_by_id` matches: exactly, else ignoring case).
    wanted = list({normalize_id(s.scanned_text) for s in scans})
    students = Student.select().where(
        (Student.school == scans[0].session.school_id) & fn.UPPER(Student.sis_id).in_(wanted)
    )
    exact, by_case = {}, {}
    for student in students:
        exact[student.sis_id] = student
        by_case.setdefault(normalize_id(student.sis_id), student)
    found = []
    for scan in scans:
        text = scan.scanned_text.strip()
        student = exact.get(text) or by_case.get(normalize_id(text))
        if student is not None:
            found.append(LinkableScan(scan, student))
    return found


def link_matching_scans(
    session: PresentationSession | None = None, actor: str | None = None
) -> list[tuple[LinkableScan, CheckInOutcome]]:
    """Link every open unmatched scan whose ID now matches a student (each checked in at the
    time of its scan, audited); returns what each did."""
    done = []
    for item in linkable_scans(session):
        outcome = resolve_unmatched_scan(item.scan, student_id=item.student.id, actor=actor)
        assert outcome is not None
        done.append((item, outcome))
    return done


@dataclass(frozen=True)
class StationSummary:
    """One station of a session (or the office): students it recorded that count, its rows
    counted once because the student was checked in earlier elsewhere, its undos, its unknown
    IDs still open, and when its kit was made and merged."""

    station: str
    counted: int = 0
    counted_elsewhere: int = 0
    undone: int = 0
    unmatched: int = 0
    made_at: datetime | None = None
    merged_at: datetime | None = None
    last_merged_at: datetime | None = None

    @property
    def label(self) -> str:
        return station_label(self.station)

    @property
    def line(self) -> str:
        """ "North door: 312 students · 40 counted at another door · 1 undone · merged 09:40"."""
        parts = [f"{self.counted} student(s)"]
        if self.counted_elsewhere:
            parts.append(f"{self.counted_elsewhere} counted at another door")
        if self.undone:
            parts.append(f"{self.undone} undone")
        if self.unmatched:
            parts.append(f"{self.unmatched} unknown ID(s) open")
        if self.merged_at is not None:
            parts.append(f"kit merged {local_time(self.merged_at):%Y-%m-%d %H:%M}")
            if self.last_merged_at and self.last_merged_at != self.merged_at:
                parts.append(f"again {local_time(self.last_merged_at):%Y-%m-%d %H:%M}")
        elif self.made_at is not None:
            parts.append(f"kit made {local_time(self.made_at):%Y-%m-%d %H:%M}, not merged yet")
        return f"{self.label}: " + " · ".join(parts)


def station_summary(session: PresentationSession) -> list[StationSummary]:
    """The session's stations, the office first (when it recorded anything), then by name."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    query = PresentationAttendance.select(
        PresentationAttendance.station,
        PresentationAttendance.undone_at,
        PresentationAttendance.undone_by,
    ).where(PresentationAttendance.session == session)
    for station, undone_at, undone_by in query.tuples():
        key = "counted" if undone_at is None else "undone"
        counts[station]["counted_elsewhere" if undone_by == MERGE_ACTOR else key] += 1
    for station, n in (
        UnmatchedScan.select(UnmatchedScan.station, fn.COUNT(UnmatchedScan.id))
        .where((UnmatchedScan.session == session) & UnmatchedScan.resolved_at.is_null())
        .group_by(UnmatchedScan.station)
        .tuples()
    ):
        counts[station]["unmatched"] += n
    kits = {k.station: k for k in StationKit.select().where(StationKit.session == session)}
    summaries = []
    for station in sorted(set(counts) | set(kits), key=lambda s: (s != "", s.lower())):
        kit = kits.get(station)
        summaries.append(
            StationSummary(
                station,
                **counts.get(station, {}),
                made_at=kit.made_at if kit else None,
                merged_at=kit.merged_at if kit else None,
                last_merged_at=kit.last_merged_at if kit else None,
            )
        )
    return summaries
