"""The state and federal reports at district scale (issue 15): 50 schools × 2,000 students with a
year of records each, each report <= 2 s.

Each school sends the four intervention files in the contract's identified columns
(`interventions.export_columns.IDENTIFIED_COLUMNS`, SSID included) with a year of records: 300
requests, each with one to three students from the school's 2,000 (demographics from the demo
school's family generator, `sro_tui.demo.make_families`, as `benchmarks/generate.py` uses), a
restraint or isolation on one request in five (types, durations, injuries), a law-enforcement
activity on one in six (arrests, citations, referrals, interviews). The bundles are written with
the bundle writer and merged with `district.merge_bundles` into an SQLite district database; then
each report is timed from the open database to its files on disk:

- restraint: `district.write_district_state_report("restraint", …)` (both summaries, the S file);
- CRDC: `district.write_district_state_report("crdc", …)` (both copies);
- the screen's overview: `district.district_state_overview(…)`;
- one school's own database (2,000 students, 300 requests): `reports.write_state_report` of both.

Run: `uv run python benchmarks/bench_state_reports.py` (exits 1 when a budget is missed).
"""

from __future__ import annotations

import json
import os
import random
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sro_tui.demo import GRADES, make_families  # noqa: E402
from sro_tui.exchange.bundle import BundleFileSpec, find_bundles, write_bundle  # noqa: E402
from sro_tui.interventions.export_columns import IDENTIFIED_COLUMNS  # noqa: E402

SCHOOLS = 50
STUDENTS = 2_000
GUARDIANS = 3_000
REQUESTS = 300
YEAR = "2026-27"
BUDGET_S = 2.0
START = datetime(2026, 9, 2, 8)
TYPES = ("1", "2", "3", "4", "5", "8", "16", "17", "6", "10", "11", "13", "14")
LE_KINDS = ("arrest", "citation", "interview", "probation_referral", "search_person")


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _yes(flag: bool | None) -> str:
    return "" if flag is None else ("yes" if flag else "no")


def school_records(n: int, children: list) -> list[BundleFileSpec]:
    """One school's year of intervention records, in the contract's columns."""
    rng = random.Random(f"bench-state/{n}")
    code = f"S{n:03d}"
    columns = {kind: [c.name for c in cols] for kind, cols in IDENTIFIED_COLUMNS.items()}
    rows: dict[str, list[list[str]]] = {kind: [] for kind in columns}

    def add(file: str, **cells: str) -> None:
        cells.update(school_code=code, school_year=YEAR)
        cells.setdefault("record_id", _uuid(rng))
        cells.setdefault("updated_at", "2026-11-30T12:00:00Z")
        rows[file].append([cells.get(c, "") for c in columns[file]])

    for _ in range(REQUESTS):
        rid = _uuid(rng)
        when = START + timedelta(days=rng.randrange(0, 280), minutes=rng.randrange(0, 420))
        add("interventions", record_id=rid, status="submitted", version="1",
            occurred_at_local=when.isoformat(sep=" ", timespec="minutes"))  # fmt: skip
        link = {"request_record_id": rid, "request_version": "1"}
        for k, child in enumerate(rng.sample(children, rng.randint(1, 3))):
            add("intervention-students", **link, role="subject" if k == 0 else "witness",
                student_sis_id=f"{n:02d}{child.sis_id}", student_ssid=f"9{n:02d}{child.sis_id}",
                grade=child.grade, race_ethnicity=child.race_ethnicity, sex=child.sex,
                iep=_yes(child.iep), section_504=_yes(child.section_504),
                english_learner=_yes(child.english_learner))  # fmt: skip
        if rng.random() < 0.2:
            codes = rng.sample(TYPES, rng.randint(1, 2))
            add("intervention-restraint-isolation", **link,
                restraint=_yes(any(int(c) < 10 or int(c) > 15 for c in codes)),
                isolation=_yes(any(10 <= int(c) <= 15 for c in codes)),
                type_codes=";".join(codes), duration_minutes=str(rng.randint(1, 30)),
                started_at_local=when.isoformat(sep=" ", timespec="minutes"),
                student_injured=_yes(rng.random() < 0.1),
                staff_injured_count=str(int(rng.random() < 0.15)))  # fmt: skip
        if rng.random() < 1 / 6:
            add("intervention-law-enforcement", **link, kind=rng.choice(LE_KINDS))
    return [BundleFileSpec(kind, tuple(columns[kind]), rows[kind]) for kind in columns]


def build_district(work: Path) -> tuple[str, int]:
    """Write the 50 bundles and merge them; return the district database path and its rows."""
    from sro_tui.district import merge_bundles, open_district_database

    families = make_families(random.Random(5000), STUDENTS, GUARDIANS, GRADES, id_prefix="st")
    children = [c for f in families for c in f.children][:STUDENTS]
    rows = 0
    for n in range(1, SCHOOLS + 1):
        specs = school_records(n, children)
        rows += sum(len(s.rows) for s in specs)  # type: ignore[arg-type]
        school = {
            "code": f"S{n:03d}", "name": f"Benchmark School {n}", "record_id": f"bench-{n}",
            "ospi_building_code": f"{3000 + n}", "county_district_code": "16050",
        }  # fmt: skip
        write_bundle(
            work / "bundles", specs, school=school, school_year=YEAR, app_version="bench",
            created_at=datetime(2026, 12, 1) + timedelta(minutes=n),
        )  # fmt: skip
    target = str(work / "district.sqlite3")
    db = open_district_database(target)
    merged, refused = merge_bundles(db, find_bundles([work / "bundles"]), merged_by="bench")
    assert not refused, refused
    db.close()
    return target, rows


def build_school(work: Path) -> Path:
    """One school's own database: 2,000 students and a year of requests, as the models hold them."""
    from peewee import chunked

    from sro_tui.db import open_database
    from sro_tui.models import (
        InterventionRequest,
        InterventionStudent,
        LawEnforcementActivity,
        RestraintIsolation,
        School,
        SchoolYear,
        Student,
        database_proxy,
    )

    path = work / "school.sqlite3"
    db = open_database(path)
    rng = random.Random("bench-state/school")
    families = make_families(random.Random(5001), STUDENTS, GUARDIANS, GRADES, id_prefix="sc")
    children = [c for f in families for c in f.children][:STUDENTS]
    school = School.create(code="BENCH", name="Benchmark High School")
    year = SchoolYear.create(
        name=YEAR, start_date=date(2026, 9, 1), end_date=date(2027, 6, 18), is_current=True
    )
    with database_proxy.atomic():
        for batch in chunked(children, 500):
            Student.insert_many(
                [
                    dict(
                        school=school,
                        sis_id=c.sis_id,
                        ssid=f"8{c.sis_id}",
                        first_name="S",
                        last_name="T",
                        grade=c.grade,
                        sex=c.sex,
                        race_ethnicity=c.race_ethnicity,
                        iep=c.iep,
                        section_504=c.section_504,
                        english_learner=c.english_learner,
                    )  # fmt: skip
                    for c in batch
                ]
            ).execute()
        ids = [s for (s,) in Student.select(Student.id).tuples()]
        for _ in range(REQUESTS):
            when = START + timedelta(days=rng.randrange(0, 280), minutes=rng.randrange(0, 420))
            request = InterventionRequest.create(
                school=school, school_year=year, occurred_at=when, status="submitted"
            )
            for k, sid in enumerate(rng.sample(ids, rng.randint(1, 3))):
                InterventionStudent.create(
                    request=request, student=sid, role="subject" if k == 0 else "witness"
                )
            if rng.random() < 0.2:
                RestraintIsolation.create(
                    request=request, restraint=True, started_at=when,
                    ended_at=when + timedelta(minutes=rng.randint(1, 30)),
                    type_codes=",".join(rng.sample(TYPES[:8], 1)),
                    student_injured=rng.random() < 0.1, staff_injured_count=0,
                )  # fmt: skip
            if rng.random() < 1 / 6:
                LawEnforcementActivity.create(request=request, kind=rng.choice(LE_KINDS))
    db.close()
    return path


def _timed(what, *args):
    """(wall seconds, CPU seconds of this process, result): on a shared machine the wall time
    also holds other processes' turns; the CPU time is this code's own."""
    t0, c0 = time.perf_counter(), time.process_time()
    result = what(*args)
    return time.perf_counter() - t0, time.process_time() - c0, result


def main() -> int:
    from sro_tui.db import open_database
    from sro_tui.district import (
        district_state_overview,
        open_district_database,
        write_district_state_report,
    )
    from sro_tui.records import current_year, get_school
    from sro_tui.reports import school_state_records, write_state_report

    today = date(2026, 12, 2)
    with tempfile.TemporaryDirectory(prefix="sro-tui-bench-state-") as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        target, rows = build_district(work)
        print(f"district: {SCHOOLS} schools, {rows:,} intervention rows merged in "
              f"{time.perf_counter() - t0:.1f} s")  # fmt: skip
        db = open_district_database(target)
        figures = []
        for report in ("restraint", "crdc"):
            wall, cpu, _written = _timed(
                write_district_state_report, report, YEAR, work / f"out-{report}", today
            )
            figures.append((f"district {report} report (files written)", wall, cpu))
        wall, cpu, overview = _timed(district_state_overview, YEAR, today)
        figures.append(("district overview (the screen's counts)", wall, cpu))
        db.close()
        total = overview.total
        print(f"  {total.incidents} restraint/isolation incidents, {total.students} students, "
              f"{total.referred} referred, {total.arrested} arrested")  # fmt: skip
        school_db = build_school(work)
        db = open_database(school_db)

        def school_report(report: str) -> None:
            records = school_state_records(get_school(), current_year())
            write_state_report(report, [records], YEAR, work / f"school-{report}", today)

        for report in ("restraint", "crdc"):
            wall, cpu, _ = _timed(school_report, report)
            figures.append((f"one school's own {report} report", wall, cpu))
        db.close()
    failed = False
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for what, wall, cpu in figures:
        ok = wall <= BUDGET_S
        failed |= not ok
        print(
            f"{what:<44} {wall:6.2f} s (CPU {cpu:5.2f} s)  budget {BUDGET_S:.1f} s  "
            f"{'ok' if ok else 'MISSED'}"
        )
    print(json.dumps({what: [round(w, 3), round(c, 3)] for what, w, c in figures}))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
