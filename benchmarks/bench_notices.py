"""Family notices at district scale.

Budgets (issue 4): the family notice list for 5,000 households in <= 0.5 s; the bulk action
"paper notice sent home with every student presented in session X" for 2,000 students in <= 0.5 s.

Run: `uv run python benchmarks/bench_notices.py` (exits 1 when a budget is missed).
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from peewee import chunked

from sro_tui import models
from sro_tui.db import open_database
from sro_tui.models import Guardian, Household, Student, StudentGuardian, database_proxy
from sro_tui.notices import (
    export_family_notice_list,
    load_households,
    record_paper_notices_for_session,
)
from sro_tui.records import ensure_current_year, ensure_school
from sro_tui.roster import rebuild_households

HOUSEHOLDS = 5_000
PRESENTED = 2_000
LANGUAGES = ["English", "Spanish", "Vietnamese", "Russian", "", "Ukrainian"]


def build_school(tmp: Path):
    db = open_database(tmp / "bench.sqlite3")
    school = ensure_school("BENCH", "Benchmark High School")
    ensure_current_year(date(2026, 9, 1))
    with database_proxy.atomic():
        students = [
            {
                "school": school.id,
                "sis_id": f"{n:06d}",
                "first_name": f"Stü{n}",
                "last_name": f"Núñez{n // 2}",
                "grade": str(n % 12 + 1),
            }
            for n in range(HOUSEHOLDS * 3 // 2)
        ]
        for batch in chunked(students, 500):
            Student.insert_many(batch).execute()
        guardians = [
            {
                "school": school.id,
                "source_key": f"g{n}",
                "first_name": "Ana",
                "last_name": f"N{n}",
                "email": f"g{n}@example.org" if n % 3 else "",
                "phone": f"+1 360 555 {n:04d}",
                "street": f"{n} Main St",
                "city": "Port Townsend",
                "state": "WA",
                "postal_code": "98368",
                "preferred_language": LANGUAGES[n % len(LANGUAGES)],
            }
            for n in range(HOUSEHOLDS)
        ]
        for batch in chunked(guardians, 500):
            Guardian.insert_many(batch).execute()
        student_ids = [s for (s,) in Student.select(Student.id).order_by(Student.id).tuples()]
        guardian_ids = [g for (g,) in Guardian.select(Guardian.id).order_by(Guardian.id).tuples()]
        links = []
        for index, student_id in enumerate(student_ids):  # every other family has two children
            links.append({"student": student_id, "guardian": guardian_ids[index * 2 // 3]})
        for batch in chunked(links, 500):
            StudentGuardian.insert_many(batch).execute()
        rebuild_households(school)
    return db, student_ids


def timed(label: str, budget: float, action) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    elapsed = time.perf_counter() - start
    verdict = "ok" if elapsed <= budget else "OVER BUDGET"
    print(f"{label:<62} {elapsed:6.3f} s  (budget {budget:.1f} s) {verdict}")
    return elapsed, result


def main() -> int:
    failures = 0
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        db, student_ids = build_school(tmp)
        print(f"households: {Household.select().count()}, students: {len(student_ids)}")
        timed("load the notice list (5,000 households)", 0.5, load_households)
        elapsed, path = timed(
            "export the family notice list (5,000 households)",
            0.5,
            lambda: export_family_notice_list(tmp / "out"),
        )
        failures += elapsed > 0.5
        print(
            f"  {path.stat().st_size / 1e6:.2f} MB, "
            f"{path.read_text(encoding='utf-8-sig').count(chr(10)) - 1} rows"
        )

        presented = student_ids[:PRESENTED]
        year = models.SchoolYear.get(models.SchoolYear.is_current == True)  # noqa: E712
        session = models.PresentationSession.create(
            school=models.School.get(), school_year=year, held_on=date(2026, 9, 2), title="Assembly"
        )
        with database_proxy.atomic():
            for batch in chunked(presented, 500):
                models.PresentationAttendance.insert_many(
                    [
                        {
                            "student": sid,
                            "session": session.id,
                            "school_year": year.id,
                            "method": "scan",
                        }
                        for sid in batch
                    ]
                ).execute()

        def bulk():
            return record_paper_notices_for_session(session.id, sent_on=date(2026, 9, 2))

        label = "paper notices: every student presented in a session of 2,000"
        elapsed, result = timed(label, 0.5, bulk)
        failures += elapsed > 0.5
        print(f"  {result.summary()}")
        elapsed, again = timed("the same bulk action again (nothing new to record)", 0.5, bulk)
        print(f"  {again.summary()}")
        db.close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
