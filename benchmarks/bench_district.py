"""The district merge at scale: 50 schools × 2,000 students with a year of records each.

Budgets (issue 14): merging all 50 bundles into an empty SQLite district database <= 10 s, printed
beside a raw floor measured in the same run (the same rows read with `csv` and loaded with plain
`sqlite3` `executemany`, one JSON text per row, into a table with the same unique key) as a ratio
(aim <= 3x); merging the same 50 again <= 1 s; merging them into PostgreSQL <= 20 s; peak memory
of the merging process <= 300 MB (bundles are streamed).

The bundles are generated with the bundle writer itself (`exchange.bundle.write_bundle`) and the
same headers a school's send writes; names and addresses come from the demo school's family
generator (`sro_tui.demo.make_families`, as `benchmarks/generate.py` does). Per school: 2,000
students (presented or not), ~1,500 households, 40 intervention requests with their students,
law-enforcement and restraint rows, 2 agreements, 6 staff, 5 complaints, ~70 annual-report rows.

Each measurement runs in a fresh Python process (its peak RSS is its own). PostgreSQL: pass
`--pg postgresql://…`, else a throwaway server is started as the tests do
(tests/core/test_district_helpers.py).

Run: `uv run python benchmarks/bench_district.py` (exits 1 when a budget is missed).
"""

from __future__ import annotations

import argparse
import csv
import json
import operator
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from json.encoder import encode_basestring
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sro_tui.demo import GRADES, make_families  # noqa: E402
from sro_tui.district.send import PRESENTATION_COLUMNS, TRAINING_COLUMNS  # noqa: E402
from sro_tui.exchange.bundle import BundleFileSpec, find_bundles, write_bundle  # noqa: E402

SCHOOLS = 50
STUDENTS = 2_000
GUARDIANS = 3_000
YEAR = "2026-27"
MERGE_COLUMNS = ["record_id", "school_code", "school_year", "updated_at"]
NOTICE_COLUMNS = MERGE_COLUMNS + [
    "household_id", "household", "guardian_names", "preferred_language", "email", "phone",
    "other_phones", "mailing_address", "students", "student_ids", "grades", "notice_status",
    "notice_method", "notice_language", "notice_date",
]  # fmt: skip
REQUEST_COLUMNS = MERGE_COLUMNS + [
    "status", "version", "occurred_at_local", "on_premises", "requested_by_role",
    "staff_initiated_emergency", "criterion", "purpose_is_discipline", "actions_taken",
    "resulted_in_discipline", "responding_staff_kinds", "students_involved",
    "law_enforcement_kinds", "arrest", "restraint", "isolation", "findings", "submitted_at",
    "reviewed_at",
]  # fmt: skip
STUDENT_LINK_COLUMNS = MERGE_COLUMNS + [
    "request_record_id", "request_version", "role", "student_sis_id", "grade", "race_ethnicity",
    "sex", "iep", "section_504", "english_learner",
]  # fmt: skip
LE_COLUMNS = MERGE_COLUMNS + [
    "request_record_id", "request_version", "kind", "on_premises", "why_on_premises",
    "consent_requested", "attorney_access", "parent_notified",
]  # fmt: skip
RESTRAINT_COLUMNS = MERGE_COLUMNS + [
    "request_record_id", "request_version", "restraint", "isolation", "started_at_local",
    "ended_at_local", "injuries", "administrator_informed_at_local",
    "family_told_verbally_at_local", "written_report_filed_at_local", "written_report_due_local",
    "family_told_in_writing_at_local", "family_written_due_local", "language",
]  # fmt: skip
AGREEMENT_COLUMNS = MERGE_COLUMNS + [
    "provider_type", "provider_name", "status", "adopted_on", "meetings", "last_meeting_on",
]  # fmt: skip
COMPLAINT_COLUMNS = MERGE_COLUMNS + [
    "received_on", "received_how", "complainant_role", "category", "staff_kind", "status",
    "closed_on", "days_open",
]  # fmt: skip
REPORT_COLUMNS = MERGE_COLUMNS + [
    "section", "measure", "subject_record_id", "subject", "value", "detail", "race_ethnicity",
    "sex", "grade", "iep", "section_504", "english_learner",
]  # fmt: skip


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _when(rng: random.Random, start: datetime) -> str:
    return (start + timedelta(seconds=rng.randrange(0, 200 * 86400))).isoformat() + "Z"


def school_files(n: int, families) -> list[BundleFileSpec]:
    """One school's year of records (the same families, other IDs, per school)."""
    rng = random.Random(f"bench-district/{n}")
    code = f"S{n:03d}"
    start = datetime(2026, 9, 1, 8)

    def merge_cells() -> list[str]:
        return [_uuid(rng), code, YEAR, _when(rng, start)]

    students = []
    for family in families:
        for child in family.children:
            presented = rng.random() < 0.9
            students.append(
                [
                    *merge_cells(),
                    child.sis_id,
                    child.grade,
                    child.homeroom,
                    "yes" if presented else "no",
                    _when(rng, start) if presented else "",
                    "scan" if presented else "",
                    "",  # ssid
                ]  # fmt: skip
            )
    notices = []
    for family in families:
        g = family.guardians
        notices.append(
            [
                *merge_cells(),
                _uuid(rng),
                f"{g[0].last_name} household" if g else "household",
                "; ".join(f"{x.first_name} {x.last_name}" for x in g),
                g[0].preferred_language if g else "English",
                "; ".join(x.email for x in g if x.email),
                g[0].phone if g else "",
                "",
                f"{rng.randrange(100, 9999)} Water St, Port Townsend, WA 98368",
                "; ".join(f"{c.last_name}, {c.first_name} ({c.grade})" for c in family.children),
                "; ".join(c.sis_id for c in family.children),
                "; ".join(c.grade for c in family.children),
                rng.choice(["Notified", "Notified", "Not notified"]),
                "Paper home",
                "en",
                "2026-09-10",
            ]  # fmt: skip
        )
    requests, links, le, restraint = [], [], [], []
    for i in range(40):
        rid = _uuid(rng)
        requests.append(
            [
                *merge_cells(),
                "submitted",
                "1",
                "2026-10-01 10:00",
                "yes",
                "teacher",
                "no",
                "imminent_threat",
                "no",
                "de_escalation;escort",
                "no",
                "sro",
                "2",
                "",
                "no",
                "yes" if i < 5 else "no",
                "no",
                "",
                _when(rng, start),
                "",
            ]  # fmt: skip
        )
        for role in ("subject", "other"):
            child = rng.choice(students)
            links.append(
                [
                    *merge_cells(),
                    rid,
                    "1",
                    role,
                    child[4],
                    child[5],
                    "White",
                    "F",
                    "no",
                    "no",
                    "no",
                ]  # fmt: skip
            )
        if i < 10:
            le.append([*merge_cells(), rid, "1", "questioning", "yes", "", "no", "yes", "yes"])
        if i < 5:
            restraint.append(
                [
                    *merge_cells(),
                    rid,
                    "1",
                    "yes",
                    "no",
                    "2026-10-01 10:00",
                    "2026-10-01 10:05",
                    "no",
                    "2026-10-01 10:10",
                    "2026-10-01 15:00",
                    "",
                    "2026-10-06 23:59",
                    "",
                    "2026-10-08 23:59",
                    "Spanish",
                ]  # fmt: skip
            )
    agreements = [
        [
            *merge_cells(),
            "police",
            "City Police",
            s,
            "2026-08-20" if s == "adopted" else "",
            "3",
            "2026-08-01",
        ]  # fmt: skip
        for s in ("adopted", "in review")
    ]
    training = [
        [
            *merge_cells(),
            f"Staff {k}",
            "sro",
            "yes",
            "agency",
            "City Police",
            "5",
            "completed",
            "2026-08-01",
            "",
        ]  # fmt: skip
        for k in range(6)
    ]
    complaints = [
        [
            *merge_cells(),
            "2026-10-02",
            "phone",
            "parent",
            "conduct",
            "sro",
            "closed",
            "2026-10-20",
            "18",
        ]  # fmt: skip
        for _ in range(5)
    ]
    report = [
        [
            *merge_cells(),
            "c",
            "incident_student",
            _uuid(rng),
            "",
            str(k),
            "",
            "White",
            "M",
            "9",
            "no",
            "no",
            "no",
        ]  # fmt: skip
        for k in range(70)
    ]
    return [
        BundleFileSpec("presentation-students", PRESENTATION_COLUMNS, students),
        BundleFileSpec("family-notices", NOTICE_COLUMNS, notices),
        BundleFileSpec("interventions", REQUEST_COLUMNS, requests),
        BundleFileSpec("intervention-students", STUDENT_LINK_COLUMNS, links),
        BundleFileSpec("intervention-law-enforcement", LE_COLUMNS, le),
        BundleFileSpec("intervention-restraint-isolation", RESTRAINT_COLUMNS, restraint),
        BundleFileSpec("agreements", AGREEMENT_COLUMNS, agreements),
        BundleFileSpec("training", TRAINING_COLUMNS, training),
        BundleFileSpec("complaints", COMPLAINT_COLUMNS, complaints),
        BundleFileSpec("annual-report", REPORT_COLUMNS, report),
    ]


def generate(out: Path) -> int:
    """Write the 50 bundles into `out`; returns the number of data rows."""
    families = make_families(random.Random(5000), STUDENTS, GUARDIANS, GRADES, id_prefix="bench")
    rows = 0
    for n in range(1, SCHOOLS + 1):
        specs = school_files(n, families)
        rows += sum(len(s.rows) for s in specs)  # type: ignore[arg-type]
        school = {"code": f"S{n:03d}", "name": f"Benchmark School {n}", "record_id": f"bench-{n}"}
        write_bundle(
            out, specs, school=school, school_year=YEAR, app_version="bench",
            created_at=datetime(2026, 11, 1) + timedelta(minutes=n),
        )  # fmt: skip
    return rows


# --- the measurements, each in its own process ---------------------------------------------------


def measure_merge(bundles: Path, target: str) -> dict:
    from sro_tui.district import merge_bundles, open_district_database

    paths = find_bundles([bundles])
    db = open_district_database(target)
    t0, c0 = time.perf_counter(), time.process_time()
    merged, refused = merge_bundles(db, paths, merged_by="bench")
    first, cpu = time.perf_counter() - t0, time.process_time() - c0
    assert not refused, refused
    t0 = time.perf_counter()
    again, refused = merge_bundles(db, paths, merged_by="bench")
    second = time.perf_counter() - t0
    assert not refused and all(r.already_merged for r in again)
    from sro_tui.district import district_status

    t0 = time.perf_counter()
    schools = district_status()  # every student, household and record once (issue 18)
    status = time.perf_counter() - t0
    assert len(schools) == SCHOOLS
    db.close()
    return {
        "status": status,
        "first": first,
        "cpu": cpu,
        "again": second,
        "rows": sum(r.counts["inserted"] for r in merged),
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def measure_floor(bundles: Path, target: str) -> dict:
    """The same rows, read with csv and loaded with sqlite3 executemany: the floor."""
    con = sqlite3.connect(target)
    con.execute("PRAGMA journal_mode=wal")
    con.execute(
        "CREATE TABLE r (id INTEGER PRIMARY KEY, school TEXT, kind TEXT, record_id TEXT, "
        "updated_at TEXT, data TEXT, UNIQUE (school, kind, record_id))"
    )
    t0, c0 = time.perf_counter(), time.process_time()
    rows = 0
    for bundle in find_bundles([bundles]):
        manifest = json.loads((bundle / "manifest.json").read_text("utf-8"))
        code = manifest["school"]["code"]
        with con:
            for entry in manifest["files"]:
                with open(bundle / entry["name"], newline="", encoding="utf-8") as handle:
                    reader = csv.reader(handle)
                    header = next(reader)
                    # The row as one JSON object, as the merge stores it (the same fast encoder).
                    keys = [encode_basestring(c) + ":" for c in header]
                    values = [
                        (
                            code,
                            entry["kind"],
                            r[0],
                            r[3],
                            "{"
                            + ",".join(map(operator.add, keys, map(encode_basestring, r)))
                            + "}",
                        )
                        for r in reader
                    ]
                con.executemany(
                    "INSERT INTO r (school, kind, record_id, updated_at, data) "
                    "VALUES (?, ?, ?, ?, ?)",
                    values,
                )
                rows += len(values)
    con.close()
    return {"floor": time.perf_counter() - t0, "cpu": time.process_time() - c0, "rows": rows}


def _child(kind: str, bundles: Path, target: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--measure", kind, str(bundles), target],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", help="a postgresql:// URL (default: start a throwaway server)")
    parser.add_argument("--measure", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        kind, bundles, target = args.measure
        measure = measure_floor if kind == "floor" else measure_merge
        print(json.dumps(measure(Path(bundles), target)))
        return 0
    with tempfile.TemporaryDirectory(prefix="sro-tui-bench-district-") as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        rows = generate(work / "bundles")
        size = sum(p.stat().st_size for p in (work / "bundles").rglob("*")) / 1e6
        print(
            f"generated {SCHOOLS} bundles, {rows:,} rows, {size:.0f} MB "
            f"in {time.perf_counter() - t0:.1f} s"
        )
        floor = _child("floor", work / "bundles", str(work / "floor.sqlite3"))
        sqlite = _child("merge", work / "bundles", str(work / "district.sqlite3"))
        if args.pg:
            pg = _child("merge", work / "bundles", args.pg)
        else:
            from tests.core.test_district_helpers import postgres_server

            with postgres_server() as url:
                pg = _child("merge", work / "bundles", url)
    ratio = sqlite["first"] / floor["floor"]
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; CPU seconds of the "
        f"merging process: SQLite {sqlite['cpu']:.2f}, floor {floor['cpu']:.2f}, "
        f"PostgreSQL client {pg['cpu']:.2f} (ratio by CPU {sqlite['cpu'] / floor['cpu']:.2f}x)"
    )
    checks = [
        ("merge 50 bundles into empty SQLite", sqlite["first"], 10.0, "s"),
        ("  beside the raw floor (csv + sqlite3 executemany)", floor["floor"], None, "s"),
        ("  ratio merge / floor (aim <= 3x)", ratio, 3.0, "x"),
        ("merge the same 50 again (SQLite)", sqlite["again"], 1.0, "s"),
        ("merge 50 bundles into PostgreSQL", pg["first"], 20.0, "s"),
        ("merge the same 50 again (PostgreSQL)", pg["again"], None, "s"),
        ("district status of 50 buildings (SQLite)", sqlite["status"], None, "s"),
        ("district status of 50 buildings (PostgreSQL)", pg["status"], None, "s"),
        ("peak RSS of a merging process", max(sqlite["rss_mb"], pg["rss_mb"]), 300.0, "MB"),
    ]
    assert sqlite["rows"] == floor["rows"] == pg["rows"] == rows
    missed = False
    for name, value, budget, unit in checks:
        verdict = "" if budget is None else ("ok" if value <= budget else "MISSED")
        missed |= verdict == "MISSED" and unit != "x"  # the ratio is an aim, not a budget
        limit = f"<= {budget:g} {unit}" if budget is not None else ""
        print(f"{name:<52} {value:8.2f} {unit:<3} {limit:<10} {verdict}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
