"""The dashboard's counts (`sro_tui.reports.full_status`) alone: first and second call in a fresh
process, CPU time beside wall clock, compiled and uncompiled bytecode.

Run: `uv run python benchmarks/bench_counts.py --db school5k.sqlite3 [-n 7]` (a copy: the
database is opened as the app opens it). Each run is a new process that imports what the app has
loaded by its first frame (`sro_tui.ui.app` and the dashboard screen), opens the database, then
times `full_status` twice: the first call pays for the modules the counts import on first use.
"uncompiled" runs with `PYTHONDONTWRITEBYTECODE=1` and an empty `PYTHONPYCACHEPREFIX`, as an
install without `.pyc` files starts. `--json` prints the status instead (for diffing the counts
before and after a change).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.child import run_child  # noqa: E402


def child(db_path: Path, as_json: bool) -> None:
    import sro_tui.ui.app  # noqa: F401 - what the app has loaded by its first frame
    import sro_tui.ui.dashboard.screen  # noqa: F401
    from sro_tui.db import open_database
    from sro_tui.reports import full_status

    db = open_database(db_path, create=False)
    try:
        if as_json:
            print(json.dumps(full_status(Path("/exports")), indent=2, sort_keys=True, default=str))
            return
        figures = {}
        for call in ("first", "second"):
            wall, cpu = time.perf_counter(), time.process_time()
            full_status(Path("/exports"))
            figures[call] = (time.perf_counter() - wall, time.process_time() - cpu)
        figures["load"] = os.getloadavg()[0]
        print(json.dumps(figures))
    finally:
        db.close()


def run(db_path: Path, compiled: bool) -> dict:
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as empty:
        if not compiled:
            env.update(PYTHONDONTWRITEBYTECODE="1", PYTHONPYCACHEPREFIX=empty)
        return run_child(__file__, ["--child", "--db", str(db_path)], env, "full_status")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, type=Path, help="a copy of a school's database")
    parser.add_argument("-n", type=int, default=7, help="runs of each kind (default 7)")
    parser.add_argument("--json", action="store_true", help="print full_status as JSON")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child or args.json:
        child(args.db, args.json)
        return 0
    run(args.db, compiled=True)  # writes the bytecode the compiled runs read
    results: dict[bool, list[dict]] = {True: [], False: []}
    for _ in range(args.n):
        for compiled in (True, False):
            results[compiled].append(run(args.db, compiled))
    load = statistics.median(r["load"] for rs in results.values() for r in rs)
    print(f"full_status, {args.n} runs each, load {load:.2f}")
    for compiled, rs in results.items():
        cells = []
        for call in ("first", "second"):
            wall = statistics.median(r[call][0] for r in rs) * 1000
            cpu = statistics.median(r[call][1] for r in rs) * 1000
            cells.append(f"{call} call cpu {cpu:5.1f} ms (wall {wall:5.1f})")
        print(f"  {'compiled' if compiled else 'uncompiled':<10} " + "   ".join(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
