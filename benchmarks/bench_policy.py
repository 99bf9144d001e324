"""Policy findings recomputed on every keystroke.

Budget (issue 5): `check_request` over a realistic intervention form in <= 5 ms (p99). The form
has ~500 characters of facts, two more ~500-character notes (one with accents), two
law-enforcement activities and a restraint record, so every check and the immigration detector
run on every call. Each iteration changes one character, as typing does.

Run: `uv run python benchmarks/bench_policy.py` (exits 1 when the budget is missed).
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import datetime, timedelta

from sro_tui.policy import (
    LawEnforcementActivity,
    RequestFacts,
    RestraintIsolation,
    check_request,
)

BUDGET_MS = 5.0
RUNS = 2_000
WHEN = datetime(2026, 10, 9, 14, 30)

FACTS = (
    "During fourth period the student threw a chair toward two classmates near the back table "
    "and kept moving toward them after Ms. Lee told him to stop three times. The other students "
    "could not leave the room safely because he was standing between them and the door. He was "
    "shouting that he would hurt them after school and picked up a pair of scissors from the art "
    "bin. Ms. Lee called the office on the classroom phone and asked for the SRO. The assistant "
    "principal arrived at 10:20, the SRO at 10:21, and the classmates were moved next door."
)
NOTES = (
    "Counselor met with the student at 11:00 and called his mother, who came to pick him up at "
    "noon. The nurse checked both classmates; one had a scrape on the forearm and was given an "
    "ice pack. The assistant principal will decide any discipline under Policy 3241 after a "
    "conference with the family. The SRO did not take part in that decision. Follow-up: safety "
    "plan meeting Monday, teacher to get a copy of the plan, classroom seating to be changed so "
    "the door is never blocked, and the student's schedule reviewed with the counselor."
)
SPANISH_NOTES = (
    "La mamá del estudiante habló con la consejera en español. Dijo que él estaba muy nervioso "
    "por un examen y que no había dormido bien. La consejera explicó el plan de seguridad y la "
    "reunión del lunes. La familia pidió que la carta se envíe en español. También preguntó si "
    "el estudiante puede volver mañana; el subdirector llamará antes de las cinco de la tarde. "
    "Se le dio el número de la oficina y el nombre de la enfermera para cualquier pregunta."
)


def realistic_facts() -> RequestFacts:
    return RequestFacts(
        occurred_at=WHEN,
        location="Room 114, east wing",
        requested_by_name="Dana Lee",
        requested_by_role="teacher",
        criterion="danger_to_others",
        facts=FACTS,
        purpose_is_discipline=False,
        responding_staff_kinds=["sro", "school_security_officer"],
        actions=["de_escalation", "separated_students", "restraint", "law_enforcement_activity"],
        law_enforcement=[
            LawEnforcementActivity(
                "interview",
                on_premises=True,
                why_on_premises="Scissors still in hand; could not wait.",
                attorney_access="provided_before_waiver",
                parent_notified=True,
            ),
            LawEnforcementActivity(
                "search_possessions",
                on_premises=True,
                why_on_premises="Report of a knife in the backpack.",
                consent_requested=False,
                parent_notified=True,
            ),
        ],
        restraint=RestraintIsolation(
            restraint=True,
            ended_at=WHEN + timedelta(minutes=2),
            description="Held the student's arms while he had the scissors.",
            injuries=False,
            administrator_informed_at=WHEN + timedelta(minutes=5),
        ),
        free_text={"follow_up": NOTES, "family_contact": SPANISH_NOTES},
    )


def main() -> int:
    facts = realistic_facts()
    typed = FACTS
    wall, cpu = [], []
    for run in range(RUNS):
        # One keystroke: a character appended (and the text reset now and then).
        typed = FACTS if run % 50 == 0 else typed + "abcdefghij"[run % 10]
        facts.facts = typed
        start_wall, start_cpu = time.perf_counter(), time.thread_time()
        check_request(facts, now=WHEN + timedelta(hours=3))
        cpu.append((time.thread_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start_wall) * 1000)
    chars = len(FACTS) + len(NOTES) + len(SPANISH_NOTES)
    print(f"check_request, {RUNS} keystrokes, ~{chars} characters of free text")
    for name, timings in (("wall", wall), ("cpu ", cpu)):
        timings.sort()
        p99 = timings[int(len(timings) * 0.99) - 1]
        print(
            f"  {name}: median {statistics.median(timings):.3f} ms   p99 {p99:.3f} ms   "
            f"max {timings[-1]:.3f} ms"
        )
    # Judged on CPU time: on a shared machine the wall-clock tail is the scheduler, not the code.
    cpu_p99 = cpu[int(len(cpu) * 0.99) - 1]
    print(f"  budget {BUDGET_MS:.1f} ms (cpu p99): {'met' if cpu_p99 <= BUDGET_MS else 'MISSED'}")
    return 0 if cpu_p99 <= BUDGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
