"""Check-in candidate lookup at district scale, alone and per kind of query (issue 16).

Run: `uv run python benchmarks/bench_lookup.py --work DIR` where DIR holds a copy of
`school50k.sqlite3` (opening runs migrations on it). It runs `bench_screens.py`'s `m_candidates`
row in this process (the same 3,000 mixed queries, seed 7: whole ID, partial ID, name prefix,
first + last, no match), `--rounds` times, and prints the CPU p99 of each kind beside the target
(<= 2 ms), with the load average. The index build time is printed too: the check-in screen pays
it once, in a worker, when it opens.

Then the roster's page (`StudentIndex.search_page`, the best 200 and the count of every match)
for each prefix of the words `bench_screens.py` types in the roster (its `m_roster_keys` row):
CPU p50, p99 and the slowest query, best of 3 per query. It is the core's part of a roster
keystroke (the rest is the screen's: `bench_roster_keys.py`).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_screens import LARGE, _percentiles, _typed_words, m_candidates  # noqa: E402
from sro_tui.db import open_database  # noqa: E402
from sro_tui.records import load_student_index  # noqa: E402

TARGET_MS = 2.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True, help=f"folder holding {LARGE}")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    open_database(args.work / LARGE)
    start = time.process_time()
    index = load_student_index()
    built = (time.process_time() - start) * 1000
    print(f"{len(index)} students; index built in {built:.0f} ms CPU")
    missed = False
    for round_ in range(1, args.rounds + 1):
        result = m_candidates(args.work)
        cells = []
        for kind, p99 in result["by_kind"].items():
            missed = missed or p99 * 1000 > TARGET_MS
            cells.append(f"{kind} {p99 * 1000:.2f}")
        print(f"round {round_}: CPU p99 ms: " + ", ".join(cells) + f" (target <= {TARGET_MS})")
    roster_page(index, args.work / LARGE)
    print(f"load average {os.getloadavg()[0]:.2f}")
    return 1 if missed else 0


def roster_page(index, school: Path) -> None:
    """The roster's search for every prefix typed, as its search box asks for it."""
    timed: list[tuple[float, str]] = []
    for word in _typed_words(school):
        for end in range(1, len(word) + 1):
            best = float("inf")
            for _ in range(3):
                start = time.process_time()
                index.search_page(word[:end], 200, active_only=True)
                best = min(best, time.process_time() - start)
            timed.append((best, word[:end]))
    cpu = _percentiles([t for t, _query in timed])
    slowest = max(timed)
    print(
        f"roster page, {cpu['keys']} prefixes: CPU p50 {cpu['p50'] * 1000:.2f} ms, "
        f"p99 {cpu['p99'] * 1000:.2f} ms (slowest {slowest[1]!r} {slowest[0] * 1000:.2f} ms)"
    )


if __name__ == "__main__":
    sys.exit(main())
