"""Assembly check-in at a 5,000-student school.

Budgets (issue 3): candidate lookup p99 <= 2 ms; sustained scans through the running UI (headless
Pilot) >= 20 per second with every one recorded; the screen's peak memory <= 150 MB.
Also reported: the time of one committed check-in (synchronous=FULL, one transaction per scan).

Run: `uv run python benchmarks/bench_checkin.py` (exits 1 when a budget is missed).
"""

from __future__ import annotations

import asyncio
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from peewee import chunked

from sro_tui.db import open_database
from sro_tui.models import PresentationAttendance, Student, database_proxy
from sro_tui.presentation import create_session, record_scan
from sro_tui.records import ensure_current_year, ensure_school, load_student_index
from sro_tui.search import student_search_key
from sro_tui.ui.checkin.screen import candidates_for

STUDENTS = 5_000
UI_SCANS = 600
LOOKUPS = 3_000
FIRST = ["José", "Ana", "Mei", "Liam", "Aroha", "Noah", "Zoë", "Đức", "Siobhán", "Kai", "Amara"]
LAST = [
    "Núñez",
    "López",
    "Chen",
    "O'Brien",
    "Ngata",
    "Nguyen",
    "Whitaker",
    "García Lopez",
    "Müller",
    "Okafor",
    "Smith",
    "Johnson",
    "Kowalski",
    "Ramírez",
    "Tanaka",
    "Haddad",
]


def build_school(path: Path) -> None:
    open_database(path)
    school = ensure_school("BENCH", "Benchmark High School")
    ensure_current_year(date.today())
    rng = random.Random(3)
    rows = []
    for n in range(STUDENTS):
        first, last = rng.choice(FIRST), f"{rng.choice(LAST)}{'' if n % 3 else n}"
        sis = f"{100000 + n:07d}"
        rows.append(
            {
                "school": school.id,
                "sis_id": sis,
                "first_name": first,
                "last_name": last,
                "grade": str(9 + n % 4),
                "homeroom": str(100 + n % 40),
                "search_key": student_search_key(sis, first, "", last, ""),
            }
        )
    with database_proxy.atomic():
        for batch in chunked(rows, 500):
            Student.insert_many(batch).execute()
    database_proxy.close()


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))]


def bench_lookup(path: Path) -> float:
    open_database(path)
    index = load_student_index()
    rng = random.Random(7)
    students = index.students
    queries = []
    for _ in range(LOOKUPS):
        s = rng.choice(students)
        kind = rng.randrange(6)
        if kind == 0:
            queries.append(s.sis_id)  # a full ID typed
        elif kind == 1:
            queries.append(s.sis_id[: rng.randint(2, 5)])  # ID prefix
        elif kind == 2:
            queries.append(s.last_name[: rng.randint(1, 5)].lower())  # last-name prefix
        elif kind == 3:
            queries.append(f"{s.first_name[:3]} {s.last_name[:2]}")  # first + last
        elif kind == 4:
            word = s.last_name.lower()
            cut = rng.randrange(len(word))
            queries.append(word[:cut] + word[cut + 1 :])  # one typo (a letter dropped)
        else:
            queries.append("zzqx")  # no match at all: the slowest path
    # Wall time includes waiting for a CPU on a shared machine; CPU time is the lookup's own
    # work. Both are printed; the budget is judged on CPU time when the machine is loaded.
    results = {}
    for name, lookup in (
        ("screen lookup (candidates_for)", candidates_for),
        ("StudentIndex.search", lambda ix, q: ix.search(q, limit=6)),
    ):
        wall, cpu = [], []
        for query in queries:
            start, start_cpu = time.perf_counter(), time.process_time()
            lookup(index, query)
            cpu.append((time.process_time() - start_cpu) * 1000)
            wall.append((time.perf_counter() - start) * 1000)
        results[name] = percentile(cpu, 99)
        print(
            f"{name}, {len(queries):,} queries on {STUDENTS:,} students: wall p50 "
            f"{statistics.median(wall):.3f} ms, p99 {percentile(wall, 99):.3f} ms; CPU p50 "
            f"{statistics.median(cpu):.3f} ms, p99 {percentile(cpu, 99):.3f} ms"
        )
    print(
        f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs  "
        "(budget: candidate lookup p99 <= 2 ms)"
    )
    database_proxy.close()
    return results["screen lookup (candidates_for)"]


def bench_commit(path: Path) -> float:
    open_database(path)
    session = create_session(date.today(), title="Commit benchmark")
    timings = []
    for n in range(300):
        start = time.perf_counter()
        outcome = record_scan(session, f"{100000 + n:07d}", actor="bench")
        timings.append((time.perf_counter() - start) * 1000)
        assert outcome.status == "recorded"
    print(
        f"one committed check-in (synchronous=FULL, fsync per scan): "
        f"p50 {statistics.median(timings):.2f} ms, p99 {percentile(timings, 99):.2f} ms"
    )
    PresentationAttendance.delete().execute()  # leave the school unpresented for the UI run
    database_proxy.close()
    return percentile(timings, 99)


async def bench_ui(path: Path) -> float:
    from textual import events

    from sro_tui.ui.app import SroApp
    from sro_tui.ui.checkin.screen import CheckInScreen

    app = SroApp(path, start_section="checkin")
    scans = [f"{100000 + n:07d}" for n in range(300, 300 + UI_SCANS)]
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CheckInScreen)
        driver = app._driver
        assert driver is not None
        start = time.perf_counter()
        for scan in scans:  # every keystroke at once: faster than any scanner
            for char in scan:
                driver.send_message(events.Key(char, char))
            driver.send_message(events.Key("enter", "\r"))
        while screen.session_count < UI_SCANS:
            await asyncio.sleep(0.01)
            if time.perf_counter() - start > 300:
                raise SystemExit("the screen did not finish the scans in 300 s")
        elapsed = time.perf_counter() - start
        await pilot.pause()
        recorded = [
            s
            for (s,) in PresentationAttendance.select(Student.sis_id)
            .join(Student)
            .order_by(PresentationAttendance.id)
            .tuples()
        ]
    rate = UI_SCANS / elapsed
    ok = recorded == scans
    print(
        f"scans through the running UI (headless): {UI_SCANS} in {elapsed:.2f} s = "
        f"{rate:.0f} scans/s, every one recorded in order: {ok}  (budget >= 20/s)"
    )
    if not ok:
        raise SystemExit("scans were lost, merged or reordered")
    return rate


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite3"
        build_school(path)
        p99 = bench_lookup(path)
        bench_commit(path)
        rate = asyncio.run(bench_ui(path))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"peak memory of the process (index + screen + {STUDENTS:,} students): {peak_mb:.0f} MB"
        "  (budget <= 150 MB)"
    )
    failed = p99 > 2.0 or rate < 20 or peak_mb > 150
    print("FAILED: a budget was missed" if failed else "all budgets met")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
