"""The Families screen in detail (issue 16): where its open, filter and cursor time goes.

`bench_screens.py` judges the screen (F4 -> drawn, peak RSS, the slowest filter). This one says
why, in CPU time as well as wall time (the machine is shared: CPU time is the steadier figure),
with the load average beside each wall figure:

- the notice list read in the core: `load_household_index` (what the screen reads now) beside
  `load_household_lines` (every household's names as text, what it read before), min and median;
- the screen in a headless app (the app's warm-up of the other sections off unless
  `--warm-up`): F4 -> loaded and drawn (the first open), the list read again
  (`reload`, as after a notice is recorded), each of the six filter changes `bench_screens.py`
  makes, and cursor moves (down, median), with the process's RSS.

Run: `uv run python benchmarks/bench_families.py SCHOOL.sqlite3 [--rounds 5]` (a copy of the
school is opened: the app writes). Schools: `bench_screens.py --work DIR` builds them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


class Clock:
    """Wall and CPU (every thread of the process) from its start."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def read(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def core(school: Path, rounds: int) -> None:
    from sro_tui.db import open_database
    from sro_tui.notices import (
        load_household_index,
        load_household_lines,
        load_household_order,
    )

    database = open_database(school)
    try:
        for name, function in (
            ("load_household_order (rows drawn)", load_household_order),
            ("load_household_index (+ filters)", load_household_index),
            ("load_household_lines (before)", load_household_lines),
        ):
            cpu = []
            for _ in range(rounds):
                clock = Clock()
                found = function()
                cpu.append(clock.read()[1])
            print(
                f"core {name:<34} {len(found):>7,} households  CPU min {ms(min(cpu))}"
                f"  median {ms(statistics.median(cpu))}"
            )
            del found
    finally:
        database.close()


async def _settled(app, pilot) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def screen(school: Path, rounds: int, warm_up: bool = False) -> None:
    from textual.widgets import Select

    from benchmarks.bench_screens import _frames, _marks, filter_changes
    from sro_tui.ui.app import SroApp
    from sro_tui.ui.widgets.line_table import LineTable

    frames = _frames()
    rows_set = _marks(LineTable, "set_rows", "families-table")
    if not warm_up:  # its imports and student index (a second at 50,000) would count here
        SroApp.warm_sections = lambda self: None  # type: ignore[method-assign]
    app = SroApp(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settled(app, pilot)
        before = _rss_mb()
        clock = Clock()
        await pilot.press("f4")
        await _settled(app, pilot)
        wall, cpu = clock.read()
        await pilot.pause(0.05)
        table = app.screen.query_one(LineTable)
        start = clock.wall
        first_rows = [t for t in frames if rows_set and t > rows_set[0] > start]
        drawn = [t for t in frames if start < t <= start + wall + 0.05]
        print(
            f"app  F4 -> loaded and drawn (first open)  wall {ms(wall)}  CPU {ms(cpu)}  "
            f"{table.row_count:,} rows  RSS {before:.0f} -> {_rss_mb():.0f} MB  ({_load()})"
        )
        if first_rows and drawn:
            print(
                f"app  F4 -> first frame with the rows {ms(first_rows[0] - start)}"
                f"  -> last frame {ms(drawn[-1] - start)}"
            )
        walls, cpus = [], []
        for _ in range(rounds):
            clock = Clock()
            app.screen.reload()
            await _settled(app, pilot)
            wall, cpu = clock.read()
            walls.append(wall)
            cpus.append(cpu)
        print(
            f"app  list read again (reload), median of {rounds}"
            f"  wall {ms(statistics.median(walls))}"
            f"  CPU {ms(statistics.median(cpus))}  ({_load()})"
        )
        for widget_id, value in filter_changes():
            clock = Clock()
            app.screen.query_one(widget_id, Select).value = value
            await _settled(app, pilot)
            wall, cpu = clock.read()
            print(
                f"app  filter {widget_id[8:]:<9} {str(value):<12} wall {ms(wall)}  CPU {ms(cpu)}"
                f"  {table.row_count:>7,} rows  ({_load()})"
            )
            await pilot.pause(0.15)  # the detail pane, drawn once the choice settles
        table.focus()
        walls, cpus = [], []
        for _ in range(20):
            clock = Clock()
            await pilot.press("down")
            await _settled(app, pilot)
            wall, cpu = clock.read()
            walls.append(wall)
            cpus.append(cpu)
            await pilot.pause(0.15)
        print(
            f"app  cursor down, median of 20  wall {ms(statistics.median(walls))}"
            f"  CPU {ms(statistics.median(cpus))}  ({_load()})"
        )
        print(f"app  peak RSS {_rss_mb():.0f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("school", type=Path, help="a school database (a copy is opened)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", choices=["core", "app"], help="one half only")
    parser.add_argument(
        "--warm-up",
        action="store_true",
        help="let the app prepare the other sections 2 s after start, as it does (off by "
        "default: its thread's CPU would be counted in whichever families figure it meets)",
    )
    args = parser.parse_args()
    if args.only is None:  # each half in its own process: the core's lists do not stay in RSS
        print(f"{args.school.name} ({_load()} on {os.cpu_count()} CPUs)", flush=True)
        for half in ("core", "app"):
            subprocess.run(
                [sys.executable, __file__, str(args.school), "--rounds", str(args.rounds)]
                + ["--only", half]
                + (["--warm-up"] if args.warm_up else []),
                check=True,
            )
        return 0
    with tempfile.TemporaryDirectory(prefix="sro-families-") as work:
        copy = Path(work) / args.school.name
        shutil.copyfile(args.school, copy)
        if args.only == "core":
            core(copy, args.rounds)
        else:
            asyncio.run(screen(copy, args.rounds, args.warm_up))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
