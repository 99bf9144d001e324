"""Where the families row's memory goes (issue 16: peak RSS <= 150 MB at 50,000 students).

`bench_screens.py --only families` judges the peak (`ru_maxrss`) of a fresh process: the app
opened on the school, 2.5 s of background warm-up (sections imported, student index built,
screens built ahead), then F4 and six filter changes. This script runs the same steps and says,
at each one, the process's resident memory now and its peak so far (VmRSS / VmHWM), SQLite's own
heap (`sqlite3_memory_used`, not seen by tracemalloc) and, with `--trace`, Python's traced
memory and its biggest allocation sites (tracemalloc makes everything slower and bigger: read
its figures as shares, the RSS ones without it). A bare Textual app's RSS is printed as a floor.

Run: `uv run python benchmarks/bench_memory.py SCHOOL.sqlite3 [--trace] [--top 12]`
(a copy of the school is opened: the app writes).
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import ctypes.util
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _status() -> dict[str, float]:
    """VmRSS and VmHWM of this process, in MB."""
    found = {}
    with open("/proc/self/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0]) / 1024
    return found


def _sqlite_library() -> ctypes.CDLL | None:
    """The SQLite library Python's sqlite3 module runs on (for its memory figures), or None."""
    import _sqlite3

    for name in (_sqlite3.__file__, ctypes.util.find_library("sqlite3")):
        if not name:
            continue
        try:
            library = ctypes.CDLL(name)
            library.sqlite3_memory_used.restype = ctypes.c_int64
            library.sqlite3_memory_highwater.restype = ctypes.c_int64
        except (OSError, AttributeError):
            continue
        return library
    return None


SQLITE = _sqlite_library()


def _sqlite_heap() -> tuple[float, float] | None:
    """SQLite's own heap in MB (its page caches): now, and its peak since the last call."""
    if SQLITE is None:
        return None
    return SQLITE.sqlite3_memory_used() / 2**20, SQLITE.sqlite3_memory_highwater(1) / 2**20


class Stages:
    def __init__(self, trace: bool, top: int, trim: bool = False) -> None:
        self.trace, self.top, self.trim = trace, top, trim
        self.previous = None
        print(
            f"{'stage':<34} {'RSS':>8} {'peak':>8} {'sqlite':>7} {'s.peak':>7}"
            f" {'traced':>8} {'t.peak':>8}"
        )

    def mark(self, stage: str) -> None:
        import tracemalloc

        now = _status()
        heap = _sqlite_heap()
        line = f"{stage:<34} {now['VmRSS']:6.1f}MB {now['VmHWM']:6.1f}MB "
        line += f"{heap[0]:5.1f}MB {heap[1]:5.1f}MB" if heap is not None else "    n/a     n/a"
        if self.trace:
            current, peak = tracemalloc.get_traced_memory()
            line += f" {current / 2**20:6.1f}MB {peak / 2**20:6.1f}MB"
        if self.trim:  # what C's allocator holds freed: given back, then RSS again
            ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim(0)
            line += f"  trimmed: {_status()['VmRSS']:6.1f}MB"
        print(line, flush=True)
        if self.trace:
            snapshot = tracemalloc.take_snapshot().filter_traces(
                [tracemalloc.Filter(False, tracemalloc.__file__)]
            )
            stats = (
                snapshot.compare_to(self.previous, "lineno")
                if self.previous is not None
                else snapshot.statistics("lineno")
            )
            for stat in stats[: self.top]:
                print("    ", stat)
            self.previous = snapshot


async def run(school: Path, trace: bool, top: int, trim: bool) -> None:
    import tracemalloc

    if trace:
        tracemalloc.start()
    from textual.widgets import Select

    from benchmarks.bench_screens import _settle, filter_changes
    from sro_tui.ui.app import SroApp

    stages = Stages(trace, top, trim)
    stages.mark("imported")
    app = SroApp(school, start_section="dashboard")
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        stages.mark("started (dashboard)")
        index_seen = False
        for _ in range(25):  # the judge's 2.5 s of warm-up
            await asyncio.sleep(0.1)
            if not index_seen and app.student_index is not None:
                index_seen = True
                stages.mark("student index arrived")
        await _settle(app, pilot)
        stages.mark("warm-up done (before F4)")
        await pilot.press("f4")
        await _settle(app, pilot)
        await pilot.pause(0.05)
        stages.mark("families opened")
        for widget_id, value in filter_changes():
            app.screen.query_one(widget_id, Select).value = value
            await _settle(app, pilot)
            await pilot.pause(0.03)
        stages.mark("after six filters")


BARE = """
import asyncio, json
from textual.app import App
from textual.widgets import Footer, Header, Static

class Bare(App):
    def compose(self):
        yield Header()
        yield Static("bare")
        yield Footer()

async def main():
    app = Bare()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.5)
    peak = rss = 0
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM"):
            peak = int(line.split()[1]) / 1024
    print(json.dumps({"peak": peak}))

asyncio.run(main())
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("school", type=Path)
    parser.add_argument("--trace", action="store_true", help="tracemalloc at each stage")
    parser.add_argument(
        "--trim", action="store_true", help="diagnosis: C's freed memory given back at each stage"
    )
    parser.add_argument("--top", type=int, default=12, help="allocation sites shown per stage")
    args = parser.parse_args()
    bare = subprocess.run(
        [sys.executable, "-c", BARE], capture_output=True, text=True, check=True
    ).stdout
    print(f"bare Textual app (header, static, footer): peak {json.loads(bare)['peak']:.1f} MB")
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / args.school.name
        shutil.copyfile(args.school, copy)
        asyncio.run(run(copy, args.trace, args.top, args.trim))


if __name__ == "__main__":
    main()
