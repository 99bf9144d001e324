"""Roster search keystrokes, key by key, with where each one's time goes (issue 16).

Run: `uv run python benchmarks/bench_roster_keys.py --work DIR [--only 5k,50k]` where DIR holds
`school5k.sqlite3` and `school50k.sqlite3` (copied per run, as `bench_screens.py` does). It types
`bench_screens.py`'s own words the same way (its `m_roster_keys` row: ~100 keys, 150 ms apart,
Escape between words) and times each key as that row does (key pressed -> the first frame after
the results table was given its rows). Beside each key's wall time it prints the process's CPU
time over the same window and what ran in it:
- search: `RosterScreen.matching_students` (the core's ranking);
- rows: `LineTable.set_rows` (a new count and row function, the cursor put back);
- detail: `RosterScreen.show_student` (a database read and the pane's text);
- paint: `Screen._on_timer_update` (layout when asked, the compositor, the frame handed over);
- layout: `Screen._refresh_layout` (the screen laid out again: part of paint);
- gc: Python's garbage collector (from `gc.callbacks`), any generation.
It prints p50/p99 of wall and CPU, then the slowest keys with their phases, and the load average.
A span that started before a key's window but ran into it is counted under the key too ("late"
work from the key before).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_screens import (  # noqa: E402
    BETWEEN_KEYS,
    LARGE,
    SMALL,
    _copy,
    _frames,
    _marks,
    _percentiles,
    _settle,
    _timed,
    _typed_words,
)

PHASES = ("search", "rows", "detail", "paint", "layout", "gc")
Span = tuple[str, float, float]  # phase, start, end (perf_counter)


def _spanned(spans: list[Span], phase: str, cls: type, method: str) -> None:
    original = getattr(cls, method)

    def timed(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            spans.append((phase, start, time.perf_counter()))

    setattr(cls, method, timed)


def _gc_spans(spans: list[Span]) -> None:
    began: list[float] = []

    def callback(phase: str, info: dict) -> None:
        if phase == "start":
            began.append(time.perf_counter())
        elif began:
            spans.append((f"gc{info.get('generation', '')}", began.pop(), time.perf_counter()))

    gc.callbacks.append(callback)


def instrument() -> tuple[list[float], list[float], list[float], list[Span]]:
    """Once per process: the frames (wall and CPU), the table's fills, and the phases' spans."""
    from textual.screen import Screen

    from sro_tui.ui.roster.screen import RosterScreen
    from sro_tui.ui.widgets.line_table import LineTable

    spans: list[Span] = []
    cpu: list[float] = []
    frames = _frames(cpu)
    results_filled = _marks(LineTable, "set_rows", "roster-results")
    _spanned(spans, "search", RosterScreen, "matching_students")
    _spanned(spans, "rows", LineTable, "set_rows")
    _spanned(spans, "detail", RosterScreen, "show_student")
    _spanned(spans, "paint", Screen, "_on_timer_update")
    _spanned(spans, "layout", Screen, "_refresh_layout")
    _gc_spans(spans)
    return frames, cpu, results_filled, spans


async def run(work: Path, name: str, probes: tuple) -> list[dict]:
    from sro_tui.ui.app import SroApp

    frames, cpu, results_filled, spans = probes
    db = _copy(work, name)
    words = _typed_words(db)
    app = SroApp(db, start_section="roster")
    keys: list[dict] = []
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        await _settle(app, pilot)
        for word in words:
            typed = ""
            for ch in word:
                typed += ch
                start, cpu_start = time.perf_counter(), time.process_time()
                wall = await _timed(
                    app, pilot, frames, lambda c=ch: pilot.press(c), until=results_filled
                )
                answer = start + wall
                after = [c for t, c in zip(frames, cpu, strict=True) if t >= answer - 1e-6]
                key = {
                    "n": len(keys),
                    "typed": typed,
                    "wall": wall,
                    "cpu": (after[0] if after else 0) - cpu_start,
                }
                for phase, begin, end in spans:
                    if end > start and begin < answer:
                        group = "gc" if phase.startswith("gc") else phase
                        key[group] = key.get(group, 0.0) + min(end, answer) - max(begin, start)
                        if begin < start:
                            key["late"] = key.get("late", "") + phase + " "
                        if phase.startswith("gc"):
                            key["gens"] = key.get("gens", "") + phase[2:]
                keys.append(key)
                spans.clear()
                await pilot.pause(BETWEEN_KEYS)
            await pilot.press("escape")
            await _settle(app, pilot)
    return keys


def report(name: str, keys: list[dict], slowest: int) -> None:
    walls = _percentiles([k["wall"] for k in keys])
    cpus = _percentiles([k["cpu"] for k in keys])
    print(
        f"\n{name}: {walls['keys']} keys; wall p50 {walls['p50'] * 1000:.0f} ms, "
        f"p99 {walls['p99'] * 1000:.0f} ms; CPU p50 {cpus['p50'] * 1000:.0f} ms, "
        f"p99 {cpus['p99'] * 1000:.0f} ms (load {os.getloadavg()[0]:.2f})"
    )
    for phase in PHASES:
        values = [k.get(phase, 0.0) * 1000 for k in keys]
        print(f"  {phase:7} median {statistics.median(values):6.1f} ms, max {max(values):6.1f} ms")
    print(f"  slowest {slowest} keys (ms):")
    for k in sorted(keys, key=lambda k: -k["wall"])[:slowest]:
        phases = " ".join(f"{p} {k.get(p, 0.0) * 1000:5.1f}" for p in PHASES)
        extra = f" gc gens {k['gens']}" if "gens" in k else ""
        extra += f" late: {k['late']}" if "late" in k else ""
        print(
            f"    #{k['n']:<3} {k['typed']!r:9} wall {k['wall'] * 1000:6.1f} "
            f"cpu {k['cpu'] * 1000:6.1f} "
            f"| {phases}{extra}"
        )


def main() -> int:
    import asyncio

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--only", default="5k,50k")
    parser.add_argument("--slowest", type=int, default=8)
    args = parser.parse_args()
    probes = instrument()
    for label in args.only.split(","):
        name = {"5k": SMALL, "50k": LARGE}[label]
        report(label, asyncio.run(run(args.work, name, probes)), args.slowest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
