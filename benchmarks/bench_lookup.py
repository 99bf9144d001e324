"""Check-in candidate lookup at district scale, per kind of query (issue 16), in one process.

Run: `uv run python benchmarks/bench_lookup.py --db /path/to/school50k.sqlite3` (a copy: opening
runs migrations). The same 3,000 mixed queries as `bench_screens.py`'s `m_candidates` row (seed
7), CPU p50/p99 per kind, the index build time, and the load average. `--rounds N` repeats the
query set (the p99 is over all rounds). Target: p99 <= 2 ms for every kind at 50,000 students.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sro_tui.db import open_database  # noqa: E402
from sro_tui.records import load_student_index  # noqa: E402
from sro_tui.ui.checkin.screen import candidates_for  # noqa: E402

KINDS = ("whole ID", "partial ID", "name prefix", "first + last", "no match")


def _queries(index, count: int = 3000) -> list[tuple[str, str]]:
    rng = random.Random(7)
    queries = []
    for _ in range(count):
        s = rng.choice(index.students)
        kind = rng.randrange(5)
        text = (
            s.sis_id,
            s.sis_id[: rng.randint(2, 5)],
            s.last_name[: rng.randint(2, 5)].lower(),
            f"{s.first_name[:3]} {s.last_name[:2]}",
            "zzqx",
        )[kind]
        queries.append((KINDS[kind], text))
    return queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    open_database(args.db)
    start = time.process_time()
    index = load_student_index()
    built = time.process_time() - start
    queries = _queries(index)
    by_kind: dict[str, list[float]] = {k: [] for k in KINDS}
    for _ in range(args.rounds):
        for kind, query in queries:
            start = time.process_time()
            candidates_for(index, query)
            by_kind[kind].append(time.process_time() - start)
    print(f"{len(index)} students; index built in {built * 1000:.0f} ms CPU")
    for kind, times in by_kind.items():
        ordered = sorted(times)
        p99 = ordered[min(len(ordered) - 1, round(len(ordered) * 0.99))]
        p50 = statistics.median(ordered)
        print(f"{kind:13} n={len(ordered):5}  p50 {p50 * 1000:6.3f} ms  p99 {p99 * 1000:6.3f} ms")
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
