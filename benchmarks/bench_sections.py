"""Where the sections' time goes (issue 16): CPU time and, optionally, a cProfile of each F-key
switch (first open and after first use), the roster's search keys and cursor moves on the
roster and interventions lists.

`bench_screens.py` is the judge (wall clock, beside its floors). This is the tool to find what to
cut: it reports CPU seconds of the app's process (`time.process_time`), which the other helpers'
load on the shared machine changes much less than wall clock, and the wall clock from the key to
the last frame drawn.

Run: `uv run python benchmarks/bench_sections.py --school /work/bench-school/school5k.sqlite3`
(`stalls`: the longest waits a key could meet while the background warm-up builds the sections.
`--profile sections|cursor|keys` writes `/tmp/sections-<what>.prof` and prints its top lines).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEYS = ["f3", "f4", "f5", "f6", "f7", "f8", "f2"]


class Clock:
    """Frames handed to the driver, to time a key to the last frame it caused."""

    def __init__(self) -> None:
        sys.path.insert(0, str(ROOT))
        from benchmarks.bench_screens import _frames

        self.frames: list[float] = _frames()
        self.first = 0.0

    async def timed(self, app, pilot, act, profile: cProfile.Profile | None = None):
        """(wall seconds to the last frame, CPU seconds) of `act()` and what it set off."""
        start, cpu = time.perf_counter(), time.process_time()
        if profile:
            profile.enable()
        await act()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause(0.03)
        if profile:
            profile.disable()
        cpu = time.process_time() - cpu
        drawn = [t for t in self.frames if t > start] or [time.perf_counter()]
        self.first = drawn[0] - start  # the cursor moved; the detail pane follows later
        return drawn[-1] - start, cpu


def _copy(school: Path) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="sro-sections-"))
    copy = folder / school.name
    shutil.copyfile(school, copy)
    return copy


def _ms(pair: tuple[float, float]) -> str:
    return f"{pair[0] * 1000:6.0f} ms wall {pair[1] * 1000:6.0f} ms CPU"


async def sections(school: Path, profile: cProfile.Profile | None, warm: bool) -> None:
    from sro_tui.ui.app import SroApp

    clock = Clock()
    if not warm:
        SroApp.warm_sections = lambda self: None  # type: ignore[method-assign]
    app = SroApp(_copy(school), start_section="dashboard")
    # `--profile` profiles the first opens when FIRST is set, else the switches after first use.
    first_profile, profile = (profile, None) if os.environ.get("FIRST") else (None, profile)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        if warm:
            await asyncio.sleep(2.5)
            await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        for key in KEYS[:-1]:
            pair = await clock.timed(app, pilot, lambda k=key: pilot.press(k), first_profile)
            print(f"first {key}: {_ms(pair)}")
        after: dict[str, list[tuple[float, float]]] = {k: [] for k in KEYS}
        for _ in range(3):
            for key in KEYS:
                pair = await clock.timed(app, pilot, lambda k=key: pilot.press(k), profile)
                after[key].append(pair)
        for key, pairs in after.items():
            wall = statistics.median(p[0] for p in pairs)
            cpu = statistics.median(p[1] for p in pairs)
            print(f"after {key}: {_ms((wall, cpu))}")


def _floor(name: str):  # type: ignore[no-untyped-def]
    """A floor app of bench_screens (floor_apps.py): the same bare Textual app it compares with."""
    sys.path.insert(0, str(ROOT))
    from benchmarks import floor_apps

    return getattr(floor_apps, name)()


async def sections_floor(_school: Path, profile: cProfile.Profile | None, _warm: bool) -> None:
    clock = Clock()
    app = _floor("SwitchFloor")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.2)
        for key in KEYS:
            await clock.timed(app, pilot, lambda k=key: pilot.press(k))
        pairs = []
        for _ in range(3):
            for key in KEYS:
                pairs.append(await clock.timed(app, pilot, lambda k=key: pilot.press(k), profile))
        wall = statistics.median(p[0] for p in pairs)
        cpu = statistics.median(p[1] for p in pairs)
        print(f"floor after: {_ms((wall, cpu))}")


async def cursor(school: Path, profile: cProfile.Profile | None, _warm: bool) -> None:
    from sro_tui.ui.app import SroApp

    clock = Clock()
    app = SroApp(_copy(school), start_section="roster")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        await pilot.press("a", "enter")
        await pilot.pause(0.2)
        await _downs("roster", clock, app, pilot, profile)
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        app.screen.query_one("#interventions-table").focus()
        await pilot.pause(0.2)
        await _downs("interventions", clock, app, pilot, profile)


async def cursor_floor(_school: Path, profile: cProfile.Profile | None, _warm: bool) -> None:
    clock = Clock()
    app = _floor("CursorFloor")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.2)
        await _downs("floor", clock, app, pilot, profile)


async def _downs(name, clock, app, pilot, profile) -> None:
    pairs, firsts = [], []
    for _ in range(40):
        pairs.append(await clock.timed(app, pilot, lambda: pilot.press("down"), profile))
        firsts.append(clock.first)
        await pilot.pause(0.15)
    wall = statistics.median(p[0] for p in pairs)
    cpu = statistics.median(p[1] for p in pairs)
    first = statistics.median(firsts)
    print(f"cursor {name}: {_ms((wall, cpu))} (first frame {first * 1000:.0f} ms)")


async def keys(school: Path, profile: cProfile.Profile | None, _warm: bool) -> None:
    import random
    import sqlite3

    from sro_tui.ui.app import SroApp

    clock = Clock()
    with sqlite3.connect(school) as con:
        names = [r[0] for r in con.execute("SELECT last_name FROM student ORDER BY id")]
    words = [w[:5].lower() for w in random.Random(16).sample(names, 20)]
    from sro_tui.ui.widgets.line_table import LineTable

    filled: list[float] = []  # the results table given its rows (as bench_screens marks it)
    set_rows = LineTable.set_rows

    def marked(table, *args, **kwargs):  # type: ignore[no-untyped-def]
        set_rows(table, *args, **kwargs)
        filled.append(time.perf_counter())

    LineTable.set_rows = marked  # type: ignore[method-assign]
    app = SroApp(_copy(school), start_section="roster")
    pairs, slow = [], []
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        for word in words:
            for n, ch in enumerate(word):
                start = time.perf_counter()
                wall, cpu = await clock.timed(app, pilot, lambda c=ch: pilot.press(c), profile)
                marks = [m for m in filled if m > start]
                frames = [t for t in clock.frames if marks and t >= marks[-1]]
                shown = (frames[0] if frames else start + clock.first) - start
                pairs.append((shown, cpu))
                slow.append((shown, cpu, word[: n + 1]))
                await pilot.pause(0.15)
            await pilot.press("escape")
            await pilot.pause(0.1)
    for shown, cpu, typed in sorted(slow, reverse=True)[:6]:
        print(f"  slow: {typed!r} {shown * 1000:.0f} ms to the rows, {cpu * 1000:.0f} ms CPU")
    walls = sorted(p[0] for p in pairs)
    cpus = sorted(p[1] for p in pairs)
    p99 = min(len(walls) - 1, round(len(walls) * 0.99))
    print(
        f"keys ({len(walls)}, to the rows drawn): wall p50 {statistics.median(walls) * 1000:.0f} ms"
        f" p99 {walls[p99] * 1000:.0f} ms; CPU p50 {statistics.median(cpus) * 1000:.0f} ms"
        f" p99 {cpus[p99] * 1000:.0f} ms"
    )


async def stalls(school: Path, profile: cProfile.Profile | None, warm: bool) -> None:
    """How long a key pressed during the background warm-up could wait: the event loop's longest
    blocks (a probe sleeping 5 ms at a time, late by as much as the loop was busy) from start
    until the warm-up has built the sections, with the screen left on the dashboard."""
    from sro_tui.ui.app import SroApp

    if not warm:
        SroApp.warm_sections = lambda self: None  # type: ignore[method-assign]
    app = SroApp(_copy(school), start_section="dashboard")
    late: list[tuple[float, float]] = []  # (seconds after start, how late)
    async with app.run_test(size=(120, 36)) as pilot:
        start = time.perf_counter()

        async def probe() -> None:
            while True:
                before = time.perf_counter()
                await asyncio.sleep(0.005)
                now = time.perf_counter()
                late.append((now - start, now - before - 0.005))

        probing = asyncio.create_task(probe())
        await asyncio.sleep(2.2)
        cpu = time.process_time()
        if profile:
            profile.enable()
        await app.workers.wait_for_complete()
        await pilot.pause()
        if profile:
            profile.disable()
        cpu = time.process_time() - cpu
        ended = time.perf_counter() - start
        await asyncio.sleep(0.3)
        probing.cancel()
        built = [mode for mode in app._screen_stacks if mode != app.current_mode]
    window = sorted((w for w in late if w[0] >= 2.0), key=lambda w: w[1], reverse=True)
    print(f"warm-up done {ended:.2f} s after start, {cpu * 1000:.0f} ms CPU; built: {built}")
    print(
        "longest loop blocks after 2 s: "
        + ", ".join(f"{w * 1000:.0f} ms at {t:.2f} s" for t, w in window[:6])
    )
    before = sorted((w for t, w in late if 0.8 <= t < 2.0), reverse=True)
    print(f"for comparison, longest block 0.8-2 s (idle dashboard): {before[0] * 1000:.0f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "what",
        choices=["sections", "sections_floor", "cursor", "cursor_floor", "keys", "stalls"],
    )
    parser.add_argument("--school", default="/work/bench-school/school5k.sqlite3")
    parser.add_argument("--profile", action="store_true", help="cProfile the timed parts")
    parser.add_argument("--cold", action="store_true", help="sections: no background warm-up")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    profile = cProfile.Profile() if args.profile else None
    print(f"load average {os.getloadavg()[0]:.2f}")
    asyncio.run(globals()[args.what](Path(args.school), profile, not args.cold))
    if profile:
        out = f"/tmp/sections-{args.what}.prof"
        profile.dump_stats(out)
        stats = pstats.Stats(out)
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)
    print(f"load average {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
