"""The state and federal reports from the district's merged records (issue 15): the schools'
intervention files of one school year read back into the reports' shape (`reports.state_data`),
so the district's counts are the schools' own, counted by the same code.

Only what every school sends is read: `interventions` (only which requests the school still has:
drafts never leave a school),
`intervention-students` (SIS id, demographics and, since issue 15, `student_ssid` — a bundle
written before it simply has no SSIDs, and the S file says so), `intervention-law-enforcement`
and `intervention-restraint-isolation`. Records a newer bundle no longer has are left out.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from peewee import fn

from sro_tui.district.models import DistrictRecord, DistrictSchool, district_proxy
from sro_tui.reports import (
    StateReportFiles,
    StateReportOverview,
    state_report_overview,
    write_state_report,
)
from sro_tui.reports.state_data import (
    InvolvedStudent,
    StateIncident,
    StateRestraint,
    StateSchool,
    StateStudent,
    minutes_between,
    type_codes_of,
)

KINDS = (  # the students last: only those of requests the reports count are decoded
    "interventions",
    "intervention-law-enforcement",
    "intervention-restraint-isolation",
    "intervention-students",
)
_LINK_KEY = '"request_record_id":"'  # how the merge writes the link (district.merge's encoder)


def _linked_to(data: str, wanted: set[str]) -> bool:
    """Whether a student row (its JSON text) belongs to a request in `wanted`, read without
    decoding the row; a row written any other way is decoded to be sure."""
    at = data.find(_LINK_KEY)
    if at < 0:
        return json.loads(data).get("request_record_id") in wanted
    start = at + len(_LINK_KEY)
    return data[start : data.find('"', start)] in wanted


def district_school_years() -> list[str]:
    """The school years the district holds records of, newest first."""
    query = (
        DistrictRecord.select(DistrictRecord.school_year)
        .where(DistrictRecord.kind == "interventions")
        .distinct()
        .tuples()
    )
    years = {y for (y,) in query} | {
        y for (y,) in DistrictSchool.select(DistrictSchool.school_year).tuples() if y
    }
    return sorted(years, reverse=True)


def newest_school_year() -> str | None:
    """The newest school year any school has sent."""
    newest = DistrictSchool.select(fn.MAX(DistrictSchool.school_year)).scalar()
    return newest or None


_FLAGS = {"yes": True, "no": False}  # the contract writes booleans as yes / no / empty


def _flag(text: str | None) -> bool | None:
    return _FLAGS.get(text or "")


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text not in (None, "") else None
    except ValueError:
        return None


@lru_cache(maxsize=64)  # a handful of combinations: parse each once
def _outcomes(text: str) -> frozenset[str]:
    return frozenset(o for o in text.split(";") if o)


def _local(text: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def district_state_records(school_year: str) -> list[StateSchool]:
    """Every school's records of `school_year` in the reports' shape (the district database
    open). A school that has sent nothing of that year is listed with no incidents."""
    schools = []
    loads = json.loads
    for school in DistrictSchool.select().order_by(DistrictSchool.code):
        rows: dict[str, list[dict[str, str]]] = {}
        for kind in KINDS:
            # Of a request only its id is needed (drafts are never sent): its text is not read.
            text = DistrictRecord.record_id if kind == "interventions" else DistrictRecord.data
            query = (
                DistrictRecord.select(DistrictRecord.record_id, text)
                .where(
                    DistrictRecord.school == school.id,
                    DistrictRecord.school_year == school_year,
                    DistrictRecord.kind == kind,
                    DistrictRecord.removed_at.is_null(),
                )
                .order_by(DistrictRecord.id)
            )
            # The raw cursor: peewee's per-value conversion would cost more than the JSON.
            # A record reaches the district once per laptop that sent it (a database copied to
            # another computer sends as a new laptop): each record_id is counted once, the
            # newest copy kept (rows come in the order they were stored).
            cursor = district_proxy.execute(query)
            texts = dict(cursor.fetchall())
            if kind == "interventions":
                rows[kind] = [{"record_id": rid} for rid in texts]
            elif kind == "intervention-students":
                # A request with no restraint, isolation or law-enforcement activity counts in
                # neither report: its students are not decoded (most of a year's rows).
                linked = ("intervention-law-enforcement", "intervention-restraint-isolation")
                wanted = {r.get("request_record_id", "") for k in linked for r in rows[k]}
                rows[kind] = [loads(data) for data in texts.values() if _linked_to(data, wanted)]
            else:
                rows[kind] = [loads(data) for data in texts.values()]
        schools.append(_school(school, rows))
    return schools


def _school(school: DistrictSchool, rows: dict[str, list[dict[str, str]]]) -> StateSchool:
    students: dict[str, list[InvolvedStudent]] = defaultdict(list)
    for row in rows["intervention-students"]:
        sis_id = row.get("student_sis_id", "")
        student = None
        if sis_id:
            student = StateStudent(
                sis_id,
                row.get("student_ssid", ""),
                row.get("race_ethnicity", ""),
                row.get("sex", ""),
                _flag(row.get("iep")),
                _flag(row.get("section_504")),
                _flag(row.get("english_learner")),
            )
        outcomes = _outcomes(row.get("outcomes") or "")
        students[row.get("request_record_id", "")].append(
            InvolvedStudent(student, row.get("role", ""), outcomes)
        )
    kinds: dict[str, list[str]] = defaultdict(list)
    for row in rows["intervention-law-enforcement"]:
        kinds[row.get("request_record_id", "")].append(row.get("kind", ""))
    restraints: dict[str, StateRestraint] = {}
    for row in rows["intervention-restraint-isolation"]:
        restraint, isolation = _flag(row.get("restraint")), _flag(row.get("isolation"))
        if not (restraint or isolation):
            continue
        started = _local(row.get("started_at_local"))
        duration = _int(row.get("duration_minutes"))
        if duration is None:
            duration = minutes_between(started, _local(row.get("ended_at_local")))
        restraints[row.get("request_record_id", "")] = StateRestraint(
            restraint=bool(restraint),
            isolation=bool(isolation),
            started_at=started,
            duration_minutes=duration,
            type_codes=type_codes_of(row.get("type_codes", "")),
            student_injured=_flag(row.get("student_injured")),
            staff_injured_count=_int(row.get("staff_injured_count")),
        )
    incidents = []
    for row in rows["interventions"]:
        rid = row["record_id"]
        restraint = restraints.get(rid)
        incidents.append(
            StateIncident(
                rid,
                restraint.started_at if restraint else None,  # the request's time is not read
                tuple(students.get(rid, ())),
                tuple(kinds.get(rid, ())),
                restraint,
            )
        )
    incidents.sort(key=lambda i: (i.occurred_at is None, i.occurred_at or datetime.min))
    return StateSchool(
        school.code,
        school.name,
        school.ospi_building_code,
        school.county_district_code,
        incidents,
    )


def write_district_state_report(
    report: str, school_year: str, out_dir: Path | str, today: date
) -> StateReportFiles:
    """Write the district's `report` ("restraint" or "crdc") of `school_year` into `out_dir`."""
    schools = district_state_records(school_year)
    return write_state_report(report, schools, school_year, out_dir, today)


def district_state_overview(
    school_year: str | None = None, today: date | None = None
) -> StateReportOverview | None:
    """The district screen's view of both reports (`reports.StateReportOverview`), of
    `school_year` or the newest year any school has sent; None when no school has sent."""
    year = school_year or newest_school_year()
    if year is None:
        return None
    return state_report_overview(district_state_records(year), year, today or date.today())


def write_district_state_reports(
    out_dir: Path | str, school_year: str | None = None, today: date | None = None
) -> list[Path]:
    """Both reports of `school_year` (default: the newest sent) for every building (the district
    screen's `w`): the paths written."""
    year = school_year or newest_school_year()
    if year is None:
        raise ValueError("no school has sent a bundle yet: nothing to report")
    schools = district_state_records(year)
    paths: list[Path] = []
    for report in ("restraint", "crdc"):
        written = write_state_report(report, schools, year, out_dir, today or date.today())
        paths.extend(written.paths)
    return paths
