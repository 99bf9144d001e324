"""What the district sees of every building: one row per school, from the merged records.

Each school is shown for the school year of its newest bundle; only records the school still has
(not removed) count, so the figures equal the school's own at the time it sent. A school that sends
from several laptops is one building: each student, household and record counts once, matched
across the laptops by `district.identity`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime

from peewee import fn

from sro_tui.district.identity import one_row_each
from sro_tui.district.models import BundleMerge, DistrictLaptop, DistrictRecord, DistrictSchool
from sro_tui.models import utc_now

DEFAULT_STALE_DAYS = 14
"""A school that has not sent for longer than this stands out."""


@dataclass
class LaptopSummary:
    """One laptop of a school: the name it last sent under, when it last sent, bundles merged."""

    name: str
    last_sent_at: datetime
    last_merged_at: datetime
    bundles_merged: int

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "last_sent_at": self.last_sent_at.isoformat() + "Z",
            "last_merged_at": self.last_merged_at.isoformat() + "Z",
            "bundles_merged": self.bundles_merged,
        }


@dataclass
class SchoolSummary:
    """One building as the district sees it."""

    code: str
    name: str
    school_year: str
    ospi_building_code: str
    county_district_code: str
    last_sent_at: datetime
    last_merged_at: datetime
    age_days: int
    stale: bool
    students: int = 0
    presented: int = 0
    households: int = 0
    households_notified: int = 0
    intervention_requests: int = 0
    restraint_isolation_incidents: int = 0
    open_deadlines: int = 0
    agreements_adopted: int = 0
    agreements_not_adopted: int = 0
    open_complaints: int = 0
    bundles_merged: int = 0
    staff: int = 0
    training_overdue: int = 0
    notes: list[str] = field(default_factory=list)
    laptops: list[LaptopSummary] = field(default_factory=list)

    @property
    def presented_pct(self) -> float | None:
        return 100.0 * self.presented / self.students if self.students else None

    @property
    def notified_pct(self) -> float | None:
        return 100.0 * self.households_notified / self.households if self.households else None

    def as_json(self) -> dict:
        out = asdict(self)
        out["last_sent_at"] = self.last_sent_at.isoformat() + "Z"
        out["last_merged_at"] = self.last_merged_at.isoformat() + "Z"
        out["presented_pct"] = _round(self.presented_pct)
        out["notified_pct"] = _round(self.notified_pct)
        out["laptops"] = [laptop.as_json() for laptop in self.laptops]
        return out

    def laptops_line(self) -> str:
        """ "Front office (sent 2026-09-15 17:05), Principal (sent …)" """
        return ", ".join(
            f"{laptop.name} (sent {laptop.last_sent_at:%Y-%m-%d %H:%M} UTC)"
            for laptop in self.laptops
        )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def live_rows(kind: str, school_years: dict[int, str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(school id, row) of every record of `kind` a school still has, in its shown year: one row
    per student, household or record however many of the school's laptops sent it."""
    current: int | None = None
    rows: list[dict[str, str]] = []
    for school_id, row in _stored_rows(kind, school_years):
        if school_id != current:
            if rows:
                yield from ((current, r) for r in one_row_each(kind, rows))
            current, rows = school_id, []
        rows.append(row)
    if rows:
        yield from ((current, r) for r in one_row_each(kind, rows))


def _stored_rows(kind: str, school_years: dict[int, str]) -> Iterator[tuple[int, dict[str, str]]]:
    query = (
        DistrictRecord.select(
            DistrictRecord.school, DistrictRecord.school_year, DistrictRecord.data
        )
        .where(DistrictRecord.kind == kind, DistrictRecord.removed_at.is_null())
        .order_by(DistrictRecord.school, DistrictRecord.id)
        .tuples()
    )
    for school_id, year, data in query.iterator():
        if school_years.get(school_id) == year:
            yield school_id, json.loads(data)


def _open_deadlines(row: dict[str, str]) -> int:
    pairs = (
        ("written_report_due_local", "written_report_filed_at_local"),
        ("family_written_due_local", "family_told_in_writing_at_local"),
    )
    return sum(1 for due, done in pairs if row.get(due) and not row.get(done))


def district_status(
    stale_days: int = DEFAULT_STALE_DAYS, now: datetime | None = None
) -> list[SchoolSummary]:
    """One summary per school that has sent, by code (the district database must be open)."""
    now = now or utc_now()
    schools = list(DistrictSchool.select().order_by(DistrictSchool.code))
    merges = dict(
        BundleMerge.select(BundleMerge.school, fn.COUNT(BundleMerge.id))
        .group_by(BundleMerge.school)
        .tuples()
    )
    by_id: dict[int, SchoolSummary] = {}
    for s in schools:
        age = max(0, (now - s.last_bundle_created_at).days)
        by_id[s.id] = SchoolSummary(
            code=s.code,
            name=s.name,
            school_year=s.school_year,
            ospi_building_code=s.ospi_building_code,
            county_district_code=s.county_district_code,
            last_sent_at=s.last_bundle_created_at,
            last_merged_at=s.last_merged_at,
            age_days=age,
            stale=age > stale_days,
            bundles_merged=merges.get(s.id, 0),
        )
    for laptop in DistrictLaptop.select().order_by(DistrictLaptop.name, DistrictLaptop.id):
        by_id[laptop.school_id].laptops.append(
            LaptopSummary(
                laptop.name,
                laptop.last_bundle_created_at,
                laptop.last_merged_at,
                laptop.merges.count(),
            )
        )
    years = {s.id: s.school_year for s in schools}
    for sid, row in live_rows("presentation-students", years):
        by_id[sid].students += 1
        by_id[sid].presented += row.get("presented") == "yes"
    for sid, row in live_rows("family-notices", years):
        by_id[sid].households += 1
        by_id[sid].households_notified += row.get("notice_status") == "Notified"
    for sid, _row in live_rows("interventions", years):
        by_id[sid].intervention_requests += 1
    for sid, row in live_rows("intervention-restraint-isolation", years):
        by_id[sid].restraint_isolation_incidents += 1
        by_id[sid].open_deadlines += _open_deadlines(row)
    for sid, row in live_rows("agreements", years):
        if row.get("status") == "adopted":
            by_id[sid].agreements_adopted += 1
        else:
            by_id[sid].agreements_not_adopted += 1
    for sid, row in live_rows("complaints", years):
        by_id[sid].open_complaints += row.get("status") != "closed"
    for sid, row in live_rows("training", years):
        by_id[sid].staff += 1
        by_id[sid].training_overdue += row.get("training_state") in ("overdue", "no_plan")
    for summary in by_id.values():
        if summary.staff and not (summary.agreements_adopted + summary.agreements_not_adopted):
            summary.notes.append("safety staff on site but no agreement sent")
    return [by_id[s.id] for s in schools]


@dataclass
class MergeLogEntry:
    """One merged bundle, for a school's detail."""

    merged_at: datetime
    merged_by: str
    created_at: datetime
    school_year: str
    bundle_hash: str
    inserted: int
    updated: int
    removed: int
    unchanged: int
    laptop: str = ""


def school_detail(code: str) -> tuple[SchoolSummary | None, list[MergeLogEntry], dict]:
    """One school's summary, its merges (newest first) and live records per kind."""
    summary = next((s for s in district_status() if s.code == code), None)
    school = DistrictSchool.get_or_none(DistrictSchool.code == code)
    if school is None:
        return None, [], {}
    log = [
        MergeLogEntry(
            m.merged_at,
            m.merged_by,
            m.created_at,
            m.school_year,
            m.bundle_hash,
            m.inserted,
            m.updated,
            m.removed,
            m.unchanged,
            m.laptop.name,
        )
        for m in school.merges.order_by(BundleMerge.merged_at.desc(), BundleMerge.id.desc())
    ]
    counts: dict[str, int] = defaultdict(int)
    for kind, n in (
        DistrictRecord.select(DistrictRecord.kind, fn.COUNT(DistrictRecord.id))
        .where(
            DistrictRecord.school == school,
            DistrictRecord.school_year == school.school_year,
            DistrictRecord.removed_at.is_null(),
        )
        .group_by(DistrictRecord.kind)
        .tuples()
    ):
        counts[kind] = n
    return summary, log, dict(sorted(counts.items()))
