"""Intervention requests at scale.

Budgets (issue 5): policy findings recomputed on every keystroke in <= 5 ms; the list filters
2,000 requests in <= 50 ms; export of 2,000 requests (both forms' four files each) <= 0.5 s.

The 2,000 requests are stored through `submit_request` itself (so they carry real findings, linked
students, staff, law-enforcement and restraint rows), not inserted raw.

Run: `uv run python benchmarks/bench_interventions.py` (exits 1 when a budget is missed).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from peewee import chunked

from sro_tui import policy
from sro_tui.db import open_database
from sro_tui.interventions import (
    InvolvedStudent,
    RequestFilter,
    RequestForm,
    check_form,
    export_requests,
    list_requests,
    submit_request,
)
from sro_tui.models import Student, database_proxy
from sro_tui.records import ensure_current_year, ensure_school, save_staff

REQUESTS = 2_000
STUDENTS = 1_500
CRITERIA = list(policy.CRITERIA)
FACTS = (
    "Student threw a chair across the classroom toward two classmates and kept shouting that he "
    "would hurt them; the teacher could not get the class out safely."
)


def form_for(n: int, student_ids: list[int], sro_id: int, guard_id: int) -> RequestForm:
    when = datetime(2026, 9, 2, 8, 0) + timedelta(hours=n * 2)
    form = RequestForm(
        occurred_at=when,
        location=f"Room {n % 40}",
        requested_by_name=f"Teacher {n % 60}",
        requested_by_role="teacher",
        criterion=CRITERIA[n % 3],
        facts=FACTS,
        purpose_is_discipline=False,
        actions=["de_escalation"],
        outcome="Calmed down.",
        students=[InvolvedStudent(student_ids[n % len(student_ids)])],
        staff_ids=[guard_id],
    )
    if n % 10 == 0:
        form.staff_ids = [sro_id]
        form.actions = ["law_enforcement_activity"]
        form.law_enforcement = [
            policy.LawEnforcementActivity(kind="citation", on_premises=False, parent_notified=True)
        ]
    if n % 25 == 0:
        form.actions.append("restraint")
        form.criterion = "danger_to_others"
        form.restraint = policy.RestraintIsolation(
            restraint=True,
            started_at=when,
            ended_at=when + timedelta(minutes=3),
            description="Held to stop a punch",
            injuries=False,
            administrator_informed_at=when + timedelta(minutes=10),
            family_told_verbally_at=when + timedelta(hours=2),
        )
    return form


def build(tmp: Path):
    db = open_database(tmp / "bench.sqlite3")
    school = ensure_school("BENCH", "Benchmark High School")
    ensure_current_year(date(2026, 9, 1))
    with database_proxy.atomic():
        rows = [
            {
                "school": school.id,
                "sis_id": f"{n:06d}",
                "first_name": f"Stü{n}",
                "last_name": f"Núñez{n}",
                "grade": str(n % 4 + 9),
            }
            for n in range(STUDENTS)
        ]
        for batch in chunked(rows, 500):
            Student.insert_many(batch).execute()
    sro = save_staff(
        {
            "first_name": "Dana",
            "last_name": "Reyes",
            "kind": "sro",
            "commissioned": True,
            "employer_type": "law_enforcement_agency",
            "employer_name": "PD",
        },
        school=school,
    )
    guard = save_staff(
        {"first_name": "Lee", "last_name": "Park", "kind": "school_security_officer"}, school=school
    )
    ids = [s.id for s in Student.select(Student.id)]
    start = time.perf_counter()
    with database_proxy.atomic():  # one transaction for the set-up only (speed, not realism)
        for n in range(REQUESTS):
            form = form_for(n, ids, sro.id, guard.id)
            submit_request(form, now=form.occurred_at + timedelta(hours=1))
    print(f"set-up: {REQUESTS} requests submitted in {time.perf_counter() - start:.1f} s")
    return db, ids, sro, guard


def timed(fn, repeat: int = 5) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> int:
    failures = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        db, ids, sro, guard = build(tmp)
        # Keystroke: the heaviest form (law enforcement + restraint) with a long facts text.
        form = form_for(0, ids, sro.id, guard.id)
        form.law_enforcement.append(policy.LawEnforcementActivity(kind="interview"))
        kinds = {sro.id: "sro", guard.id: "school_security_officer"}
        per_key = timed(lambda: [check_form(form, kinds) for _ in range(100)]) / 100
        print(f"findings per keystroke: {per_key * 1000:.2f} ms (budget 5 ms)")
        if per_key > 0.005:
            failures.append("keystroke")
        filters = {
            "no filter (all 2,000)": RequestFilter(),
            "status=submitted": RequestFilter(status="submitted"),
            "criterion + date range": RequestFilter(
                criterion="disruption", date_from=date(2026, 10, 1), date_to=date(2026, 12, 31)
            ),
            "student": RequestFilter(student_id=ids[7]),
            "staff (SRO)": RequestFilter(staff_id=sro.id),
            "law enforcement": RequestFilter(law_enforcement=True),
            "open restraint deadline": RequestFilter(open_restraint_deadline=True),
            "text 'room 1'": RequestFilter(text="room 1"),
        }
        for label, f in filters.items():
            count = len(list_requests(f))
            seconds = timed(lambda f=f: list_requests(f))
            print(f"list {label}: {count} rows in {seconds * 1000:.1f} ms (budget 50 ms)")
            if seconds > 0.05:
                failures.append(f"list {label}")
        for deidentified in (False, True):
            out = tmp / f"out-{deidentified}"
            seconds = timed(
                lambda out=out, d=deidentified: export_requests(out, deidentified=d), repeat=3
            )
            form_name = "de-identified" if deidentified else "identified"
            print(f"export {form_name} (4 files): {seconds * 1000:.0f} ms (budget 500 ms)")
            if seconds > 0.5:
                failures.append(f"export {form_name}")
        db.close()
    if failures:
        print("MISSED:", ", ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
