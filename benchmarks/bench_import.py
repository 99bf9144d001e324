"""The SIS roster import beside a plain-importer floor (issue 16's targets).

Run: `uv run python benchmarks/bench_import.py [--runs 5]` (a few minutes). It generates a school
of 5,000 students (9,000 guardians) and one of 50,000 as generic SIS CSVs (benchmarks/generate.py),
then runs, each in a fresh Python process, alternated:

| figure | target |
|---|---|
| `sro_tui.roster.import_roster` of the 5,000-student CSV into an empty database, median | ≤ 0.8 s |
| the same import / the plain-importer floor (medians of the same run) | ≤ 1.5× |
| peak RSS of the process importing the 50,000-student CSV | ≤ 250 MB |

The floor does what the import must do and nothing the app adds: read the file with `csv`, make
one student row each (with the same search key), one guardian per person (the same name with the
same e-mail, else phone, else address), group the guardians into households (one address, or
guardians sharing a student), and write students, households, guardians and links with plain
`sqlite3` `executemany` into the same schema, with the same pragmas, in one transaction. It does
no checking, no comparison with the database, no audit and no column report.

The load average is printed: timings on a shared machine are figures to read, never test results.
Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

IMPORT_TARGET_S = 0.8
FLOOR_RATIO_TARGET = 1.5
RSS_TARGET_MB = 250.0
SCHOOL_CODE = "BENCH"


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _fresh(db_path: Path) -> None:
    for old in db_path.parent.glob(db_path.name + "*"):
        old.unlink()


def measure_import(source: Path, db_path: Path) -> dict:
    """The app's import into an empty database (the schema made before the clock starts)."""
    from sro_tui.db import open_database
    from sro_tui.roster import import_roster

    _fresh(db_path)
    db = open_database(db_path)
    start, cpu = time.perf_counter(), time.process_time()
    result = import_roster(source, school=SCHOOL_CODE)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    db.close()
    return {
        "seconds": seconds,
        "cpu": cpu,
        "students": result.added,
        "guardians": result.guardians,
        "households": result.households,
    }


def _union_find() -> tuple[dict[int, int], object, object]:
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    return parent, find, union


def measure_floor(source: Path, db_path: Path) -> dict:
    """The plain importer: the same parsing, de-duplication and households, sqlite3 executemany."""
    import sqlite3

    from benchmarks.generate import GUARDIAN_PARTS
    from sro_tui.db import PRAGMAS, open_database
    from sro_tui.models import new_record_ids
    from sro_tui.search import fold, student_search_key

    _fresh(db_path)
    open_database(db_path).close()  # the same schema, made before the clock starts
    start, cpu = time.perf_counter(), time.process_time()
    conn = sqlite3.connect(db_path, isolation_level=None)
    for name, value in PRAGMAS.items():
        conn.execute(f"PRAGMA {name} = {value}")
    rows = csv.reader(io.StringIO(source.read_bytes().decode("utf-8-sig"), newline=""))
    header = next(rows)
    col = {h: i for i, h in enumerate(header)}
    student_cols = [col[h] for h in ("Student ID", "Last Name", "First Name", "Preferred Name")]
    other_cols = [col[h] for h in ("Grade", "Homeroom", "Sex", "Race", "Home Language")]
    slots = [
        [col[f"Guardian {n} {part}"] for part in GUARDIAN_PARTS]
        for n in (1, 2, 3)
        if f"Guardian {n} First Name" in col
    ]
    students: list[tuple] = []
    guardians: list[list[str]] = []
    by_identity: dict[tuple[str, str], int] = {}
    links: dict[tuple[int, int], str] = {}
    for cells in rows:
        if not cells:
            continue
        sis, last, first, preferred = (cells[i] for i in student_cols)
        grade, homeroom, sex, race, language = (cells[i] for i in other_cols)
        index = len(students)
        key = student_search_key(sis, first, "", last, preferred)
        students.append(
            (sis, first, last, preferred, grade, homeroom, sex, race, language, key, sis)
        )
        for slot in slots:
            g = [cells[i] for i in slot]
            if not (g[0] or g[1]):
                continue
            digits = "".join(c for c in g[4] if c.isdigit())
            name = fold(f"{g[0]} {g[1]}")
            facts = [
                (name, f)
                for f in ("e" + g[3].lower() if g[3] else "", "p" + digits if digits else "",
                          "a" + fold(g[6]) + "|" + g[9][:5] if g[6] else "")
                if f
            ] or [(name, "s" + sis)]  # fmt: skip
            person = next((by_identity[f] for f in facts if f in by_identity), None)
            if person is None:
                person = len(guardians)
                guardians.append(g)
            for f in facts:
                by_identity.setdefault(f, person)
            links[(index, person)] = g[2] or "Guardian"
    # households: one address, or guardians (without one) sharing a student
    _parent, find, union = _union_find()
    by_address: dict[str, int] = {}
    by_student: dict[int, list[int]] = defaultdict(list)
    for (sidx, gidx), _rel in links.items():
        by_student[sidx].append(gidx)
    home = [fold(g[6]) + "|" + g[9][:5] if g[6] else "" for g in guardians]
    for gidx, address in enumerate(home):
        find(gidx)
        if address:
            union(by_address.setdefault(address, gidx), gidx)
    students_of: dict[int, list[int]] = defaultdict(list)
    for sidx, gidx in links:
        students_of[gidx].append(sidx)
    for gidx, address in enumerate(home):
        if address:
            continue
        others = [o for sidx in students_of[gidx] for o in by_student[sidx] if o != gidx]
        addresses = {home[o] for o in others} - {""}
        if len(addresses) == 1:
            union(gidx, by_address[addresses.pop()])
        else:
            for o in others:
                if not home[o]:
                    union(gidx, o)
    members: dict[int, list[int]] = defaultdict(list)
    for gidx in range(len(guardians)):
        members[find(gidx)].append(gidx)
    now = time.strftime("%Y-%m-%d %H:%M:%S")
    conn.execute("BEGIN")
    school_id = conn.execute(
        'INSERT INTO "school" ("record_id", "created_at", "updated_at", "code", "name", '
        '"district", "source_id", "ospi_building_code", "county_district_code") '
        "VALUES (?, ?, ?, ?, ?, '', '', '', '')",
        (new_record_ids(1)[0], now, now, SCHOOL_CODE, SCHOOL_CODE),
    ).lastrowid
    first_student = (conn.execute('SELECT COALESCE(MAX("id"), 0) FROM "student"').fetchone()[0]) + 1
    conn.executemany(
        'INSERT INTO "student" ("record_id", "created_at", "updated_at", "school_id", "sis_id", '
        '"first_name", "last_name", "preferred_name", "grade", "homeroom", "sex", '
        '"race_ethnicity", "home_language", "search_key", "source_id", "middle_name", "active", '
        '"iep", "section_504", "english_learner", "ssid") '
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', 1, NULL, NULL, NULL, '')",
        [
            (rid, now, now, school_id, *row)
            for rid, row in zip(new_record_ids(len(students)), students, strict=True)
        ],
    )
    groups = list(members.values())
    first_household = (
        conn.execute('SELECT COALESCE(MAX("id"), 0) FROM "household"').fetchone()[0] + 1
    )
    conn.executemany(
        'INSERT INTO "household" ("record_id", "created_at", "updated_at", "school_id", "key", '
        '"label", "address", "active") VALUES (?, ?, ?, ?, ?, ?, ?, 1)',
        [
            (
                rid,
                now,
                now,
                school_id,
                f"h:{n}",
                " / ".join(dict.fromkeys(guardians[g][1] for g in ids)) + " household",
                guardians[ids[0]][6],
            )
            for n, (rid, ids) in enumerate(zip(new_record_ids(len(groups)), groups, strict=True))
        ],
    )
    household_of = {g: first_household + n for n, ids in enumerate(groups) for g in ids}
    first_guardian = conn.execute('SELECT COALESCE(MAX("id"), 0) FROM "guardian"').fetchone()[0] + 1
    conn.executemany(
        'INSERT INTO "guardian" ("record_id", "created_at", "updated_at", "school_id", '
        '"source_key", "first_name", "last_name", "email", "phone", "preferred_language", '
        '"street", "city", "state", "postal_code", "active", "household_id") '
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
        [
            (rid, now, now, school_id, f"g:{n}", g[0], g[1], g[3], g[4], g[5], *g[6:10], h)
            for n, (rid, g, h) in enumerate(
                zip(
                    new_record_ids(len(guardians)),
                    guardians,
                    (household_of[i] for i in range(len(guardians))),
                    strict=True,
                )
            )
        ],
    )
    conn.executemany(
        'INSERT INTO "student_guardian" ("record_id", "created_at", "updated_at", "student_id", '
        '"guardian_id", "relationship", "receives_notices") VALUES (?, ?, ?, ?, ?, ?, 1)',
        [
            (rid, now, now, first_student + s, first_guardian + g, rel)
            for rid, ((s, g), rel) in zip(new_record_ids(len(links)), links.items(), strict=True)
        ],
    )
    conn.execute("COMMIT")
    conn.close()
    return {
        "seconds": time.perf_counter() - start,
        "cpu": time.process_time() - cpu,
        "students": len(students),
        "guardians": len(guardians),
        "households": len(groups),
    }


def _child(measure: str, source: Path, db_path: Path) -> None:
    if measure == "floor":
        result = measure_floor(source, db_path)
    else:
        result = measure_import(source, db_path)
    result["peak_rss_mb"] = _peak_rss_mb()
    print(json.dumps(result))


def _run(measure: str, source: Path, db_path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--measure", measure, str(source), str(db_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{measure} failed: {done.stderr.strip().splitlines()[-1:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _generate(work: Path, students: int) -> Path:
    from benchmarks.generate import generate_families, write_sis_csv

    path = work / f"sis_{students}.csv"
    guardians = students * 9 // 5
    write_sis_csv(generate_families(students=students, guardians=guardians), path)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each (median)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        _child(args.measure, Path(args.paths[0]), Path(args.paths[1]))
        return 0
    work = Path(tempfile.mkdtemp(prefix="sro-bench-import-"))
    small, large = _generate(work, 5_000), _generate(work, 50_000)
    db = work / "import.sqlite3"
    times: dict[str, list[float]] = {"import": [], "floor": []}
    cpu: dict[str, list[float]] = {"import": [], "floor": []}
    counts: dict[str, dict] = {}
    for _ in range(args.runs):
        for measure in ("import", "floor"):  # alternated: a load spike hits both alike
            result = _run(measure, small, db)
            times[measure].append(result["seconds"])
            cpu[measure].append(result["cpu"])
            counts[measure] = result
    big = _run("import", large, db)
    load = os.getloadavg()
    median = {m: statistics.median(v) for m, v in times.items()}
    ratio = median["import"] / median["floor"]
    rows = [
        ("SIS import, 5,000 students", f"{median['import']:.3f} s", f"≤ {IMPORT_TARGET_S} s",
         median["import"] <= IMPORT_TARGET_S),
        ("plain-importer floor", f"{median['floor']:.3f} s", "", None),
        ("import / floor", f"{ratio:.2f}×", f"≤ {FLOOR_RATIO_TARGET}×",
         ratio <= FLOOR_RATIO_TARGET),
        ("SIS import, 50,000 students", f"{big['seconds']:.2f} s", "", None),
        ("peak RSS, 50,000 students", f"{big['peak_rss_mb']:.0f} MB", f"≤ {RSS_TARGET_MB:.0f} MB",
         big["peak_rss_mb"] <= RSS_TARGET_MB),
    ]  # fmt: skip
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {args.runs} runs each")
    for name, runs in times.items():
        print(f"  {name}: " + " ".join(f"{t:.3f}" for t in runs) + " s")
    cpu_ratio = statistics.median(cpu["import"]) / statistics.median(cpu["floor"])
    print(
        f"  CPU time, medians: import {statistics.median(cpu['import']):.3f} s, floor "
        f"{statistics.median(cpu['floor']):.3f} s, ratio {cpu_ratio:.2f}× (less sensitive to load)"
    )
    for measure in ("import", "floor"):
        c = counts[measure]
        print(
            f"  {measure}: {c['students']} students, {c['guardians']} guardians, "
            f"{c['households']} households"
        )
    missed = False
    for name, value, target, ok in rows:
        verdict = "" if ok is None else ("ok" if ok else "MISSED")
        missed = missed or ok is False
        print(f"{name:<32} {value:>10}  {target:<10} {verdict}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
