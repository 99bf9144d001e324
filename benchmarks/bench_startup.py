"""The start-up rows of `bench_screens.py` alone, run N times, with CPU time beside wall clock.

Run: `uv run python benchmarks/bench_startup.py --work DIR [-n 7] [--compiled-only]`
(DIR holds `school5k.sqlite3`, as `bench_screens.py --work DIR` leaves it). Each run is a fresh
process measured exactly as `bench_screens.py` measures it (`_startup`, a bare `textual.app.App`
alternated with the app installed without the PostgreSQL driver); this script adds the CPU time
the process had used (from the same start as the wall clock) at the first frame and when the
counts were drawn, which a shared machine disturbs less than wall clock. Prints medians and
the ratios to the bare app.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import bench_screens  # noqa: E402
from benchmarks.child import run_child  # noqa: E402


def child(which: str, work: Path) -> dict:
    """One start-up in this process: `bench_screens._startup`, plus the CPU time at each mark."""
    cpu_frames: list[float] = []
    wall_frames: list[list[float]] = []
    frames = bench_screens._frames

    def frames_and_cpu() -> list[float]:
        # The same frame stamps as bench_screens (taken inside the timed start-up, after Textual
        # is imported), with the CPU time at each frame beside them.
        marks = frames(cpu_frames)
        wall_frames.append(marks)
        return marks

    bench_screens._frames = frames_and_cpu  # type: ignore[assignment]
    if which == "school":
        for driver in ("psycopg", "psycopg2", "psycopg2cffi"):
            sys.modules[driver] = None  # type: ignore[assignment]
    db = bench_screens._copy(work, bench_screens.SMALL) if which != "bare" else None
    cpu_start: list[float] = []

    async def startup(*args):  # type: ignore[no-untyped-def]
        cpu_start.append(time.process_time())  # as the wall clock starts: after Python's own start
        return await bench_screens._startup(*args)

    result = bench_screens._run(startup, "bare" if which == "bare" else "app", db)
    result["cpu_first_frame"] = cpu_frames[0] - cpu_start[0]
    # The frame bench_screens counts as "settled" (the first drawn after the counts were shown).
    marks = wall_frames[0]
    settled_at = marks[0] - result["first_frame"] + result["settled"]
    settled = min(range(len(marks)), key=lambda i: abs(marks[i] - settled_at))
    result["cpu_settled"] = cpu_frames[settled] - cpu_start[0]
    result["load"] = os.getloadavg()[0]
    return result


def measure(which: str, work: Path, env: dict) -> dict:
    return run_child(__file__, ["--child", which, "--work", str(work)], env, which)


def rows(work: Path, runs: int, compiled: bool) -> None:
    label = "compiled" if compiled else "uncompiled"
    results: dict[str, list[dict]] = {"bare": [], "school": []}
    for _ in range(runs):
        for which in results:
            env = bench_screens.compiled_env(work) if compiled else bench_screens.uncompiled_env()
            results[which].append(measure(which, work, env))

    def med(which: str, key: str) -> float:
        return statistics.median(r[key] for r in results[which])

    bare, bare_cpu = med("bare", "first_frame"), med("bare", "cpu_first_frame")
    load = statistics.median(r["load"] for rs in results.values() for r in rs)
    print(f"{label} ({runs} pairs, load {load:.2f})")
    for figure, wall, cpu in (
        ("first frame", "first_frame", "cpu_first_frame"),
        ("counts drawn", "settled", "cpu_settled"),
    ):
        w, c = med("school", wall), med("school", cpu)
        print(
            f"  {figure:<13} wall {w * 1000:5.0f} ms = {w / bare:4.2f}x bare ({bare * 1000:.0f})"
            f"   cpu {c * 1000:5.0f} ms = {c / bare_cpu:4.2f}x bare ({bare_cpu * 1000:.0f})"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--work", required=True, help="the folder holding school5k.sqlite3")
    parser.add_argument("-n", type=int, default=7, help="pairs of runs (default 7)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--compiled-only", action="store_true")
    which.add_argument("--uncompiled-only", action="store_true")
    args = parser.parse_args()
    work = Path(args.work)
    if args.child:
        print(json.dumps(child(args.child, work)))
        return 0
    bench_screens.measure("compile", work)  # the bytecode the compiled runs read
    if not args.uncompiled_only:
        rows(work, args.n, compiled=True)
    if not args.compiled_only:
        rows(work, args.n, compiled=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
