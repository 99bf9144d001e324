"""Every screen instant (issue 16): each figure beside its floor, as a ratio, met or NOT met.

Run: `uv run python benchmarks/bench_screens.py` (about ten minutes: it builds a 5,000-student
school with 2,000 intervention requests and a 50,000-student school with `generate.py`, then
measures each row in a fresh process). `--work DIR` keeps the schools there for the next run;
`--only roster,cursor` measures only those groups. Exits 1 when a target is missed.

Each key-driven row runs from the key pressed to the frame that shows its answer (the app's
frames are stamped as they are handed to the headless driver), never to the moment the harness
notices the app is idle: Pilot's idle check sleeps in 20 ms slices, two or three times a key,
which would add 40-80 ms of the harness's own waiting to every figure and to every floor.
Blinking cursors are stopped so that a blink is never taken for an answer.

Rows (measured as; floor; target):
- section opened with its F-key, after first use: F-key pressed -> the screen drawn with its
  data, median of 3 rounds, 5,000 students / 2,000 requests; a bare app switching 7 modes
  (header, 20-row DataTable, footer); <= 150 ms.
- first open of a section: the same, the first time, once after the background warm-up and once
  right after start; the same floor; <= 400 ms.
- families screen, 50,000 students: F4 -> rows drawn, and the process's peak RSS, once the app's
  background warm-up is done (its student index stays in the peak); <= 1 s, 150 MB.
- a filter change (families): a filter chosen -> the first frame after the table was given its
  rows, the slowest of 6; <= 50 ms at 5,000 students, <= 100 ms at 50,000.
- a search keystroke (roster): a key typed -> the first frame after the results table was given
  its rows (or, when the rows did not change, the key's echo), p50 and p99 over ~100 keys; a bare
  Input echoing into a Static (to the first frame after the echo); <= 50 ms at 5,000, <= 100 ms
  at 50,000.
- cursor move (roster, families, interventions): down pressed -> the first frame drawn (the
  cursor moved; the detail pane follows by design once the keys pause), median of 40; a bare
  200-row DataTable; <= 1.2x.
- check-in candidate lookup: `candidates_for`, 3,000 mixed queries, 50,000 students, CPU p99;
  <= 2 ms.
- start-up: first frame, and the dashboard's counts drawn, bytecode compiled and not (a fresh
  empty PYTHONPYCACHEPREFIX, nothing written), the app made as `sro-tui` makes it
  (`cli.main.school_app`: the command's module imported, the counts' read started, then the
  app); a bare `textual.app.App` in the same run, alternated; <= 1.3x, counts <= 1.8x.
- one committed check-in: `record_scan`, median of 300; a raw sqlite3 INSERT of the same
  attendance row + COMMIT with the same pragmas (synchronous=FULL), alternated; <= 3x.

Timings are wall clock on a machine others share: the load average is printed with each row.
"""

from __future__ import annotations

import argparse
import atexit
import json
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
SMALL, LARGE = "school5k.sqlite3", "school50k.sqlite3"
PAIRS = 5


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _load() -> float:
    return os.getloadavg()[0]


# --- the schools ------------------------------------------------------------------------------


def prepare(work: Path) -> dict:
    """The 5,000-student school with 2,000 requests, and the 50,000-student one (kept in `work`)."""
    sys.path.insert(0, str(ROOT))
    from datetime import timedelta

    from benchmarks.bench_interventions import REQUESTS, form_for
    from benchmarks.generate import generate_families, write_database
    from sro_tui.interventions import submit_request
    from sro_tui.models import School, Student, database_proxy
    from sro_tui.records import save_staff

    if not (work / SMALL).exists():
        db = write_database(generate_families(), work / "building.sqlite3")
        school = School.get()
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
            {"first_name": "Lee", "last_name": "Park", "kind": "school_security_officer"},
            school=school,
        )
        ids = [s.id for s in Student.select(Student.id).limit(1500)]
        with database_proxy.atomic():
            for n in range(REQUESTS):
                form = form_for(n, ids, sro.id, guard.id)
                submit_request(form, now=form.occurred_at + timedelta(hours=1))
        db.close()
        (work / "building.sqlite3").rename(work / SMALL)
    if not (work / LARGE).exists():
        families = generate_families(students=50_000, guardians=90_000)
        write_database(families, work / "building.sqlite3").close()
        (work / "building.sqlite3").rename(work / LARGE)
    return {}


def _copy(work: Path, name: str) -> Path:
    copy = work / f"run-{os.getpid()}-{name}"  # the app may write: each run gets its own copy
    shutil.copyfile(work / name, copy)
    # Removed when this measuring process ends, so a kept --work folder does not fill up.
    atexit.register(_remove_copy, copy)
    return copy


def _remove_copy(copy: Path) -> None:
    lock = copy.with_name(copy.name + ".lock")
    for leftover in (copy, lock, *copy.parent.glob(f"{copy.name}-*")):
        leftover.unlink(missing_ok=True)


# --- driving an app headless: key pressed → settled and drawn ----------------------------------


def _frames(cpu: list[float] | None = None) -> list[float]:
    """Times at which the app hands a frame to its (headless) driver; with `cpu`, the process's
    CPU time at each frame is appended to it too."""
    from textual.app import App

    frames: list[float] = []
    original = App._display

    def display(self, screen, renderable):  # type: ignore[no-untyped-def]
        if renderable is not None:
            frames.append(time.perf_counter())
            if cpu is not None:
                cpu.append(time.process_time())
        return original(self, screen, renderable)

    App._display = display  # type: ignore[method-assign]
    return frames


async def _settle(app, pilot) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def _marks(cls: type, method: str, widget_id: str | None = None) -> list[float]:
    """Times at which `cls.method` was called (the table given its new rows, say): a row's
    figure runs to the first frame drawn after the last of these. With `widget_id`, only that
    widget's calls count: another screen's table, filled while the app builds it in the
    background, is not the answer to the key being timed."""
    marks: list[float] = []
    original = getattr(cls, method)

    def marked(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        result = original(self, *args, **kwargs)
        if widget_id is None or self.id == widget_id:
            marks.append(time.perf_counter())
        return result

    setattr(cls, method, marked)
    return marks


def _no_blinking(app) -> None:
    """A blinking cursor draws a frame every half second: it would pass for the app's answer."""
    from textual.widgets import Input, TextArea

    for screen in app.screen_stack:
        for box in screen.query(Input):
            box.cursor_blink = False
        for area in screen.query(TextArea):
            area.cursor_blink = False


async def _timed(
    app,
    pilot,
    frames: list[float],
    act,
    *,
    until: str | list[float] = "last",
    or_else: str = "first",
) -> float:
    """Seconds from `act()` (a key pressed, a filter chosen) to the frame that shows its answer.

    The app is first let go idle (its workers done), so that every frame the act causes is
    drawn; the time the harness then spends noticing that it is idle (Pilot's idle check sleeps
    in 20 ms slices, two or three times a key) is not the app's and is not counted. The answer:
    - `until="last"`: the last frame drawn (a section or a list drawn with its data);
    - `until="first"`: the first frame drawn (a cursor moved; the detail pane follows by design
      once the keys pause, and is not part of the move);
    - `until=marks` (see `_marks`): the first frame drawn after the last mark made during the act
      (the table drawn with its new rows); with no mark (the rows did not change), the frame
      `or_else` says ("first": the key's echo in the box).
    When the act draws nothing, the time to idle is counted instead, polling included."""
    _no_blinking(app)
    start = time.perf_counter()
    await act()
    await _settle(app, pilot)
    settled = time.perf_counter()
    await pilot.pause(0.03)  # the screen's next refresh draws what changed
    drawn = [t for t in frames if start < t <= settled + 0.03]
    if not drawn:
        return settled - start
    if until == "last":
        return drawn[-1] - start
    if until == "first":
        return drawn[0] - start
    marked = [m for m in until if start < m <= settled]
    if not marked:
        return (drawn[0] if or_else == "first" else drawn[-1]) - start
    after = [t for t in drawn if t >= marked[-1]]
    return (after[0] if after else settled) - start


def _sro_app(db: Path, section: str = "dashboard"):
    from sro_tui.ui.app import SroApp

    return SroApp(db, start_section=section)


def _run(coroutine_function, *args) -> dict:
    import asyncio

    return asyncio.run(coroutine_function(*args))


# --- the measurements (each in its own process) -----------------------------------------------


async def m_sections(work: Path, when: str) -> dict:
    """`when`: "warm", opened once the app has imported the screens in the background (2 s
    after start), or "cold", opened before that (the warm-up turned off)."""
    import asyncio

    from sro_tui.ui.app import SroApp

    frames = _frames()
    if when == "cold":
        SroApp.warm_sections = lambda self: None  # type: ignore[method-assign]
    app = _sro_app(_copy(work, SMALL))
    keys = ["f3", "f4", "f5", "f6", "f7", "f8", "f2"]
    first: dict[str, float] = {}
    after: dict[str, list[float]] = {k: [] for k in keys}
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        if when == "warm":
            await asyncio.sleep(2.5)
            await _settle(app, pilot)
        for key in keys[:-1]:
            first[key] = await _timed(app, pilot, frames, lambda k=key: pilot.press(k))
        for _ in range(3):
            for key in keys:
                after[key].append(await _timed(app, pilot, frames, lambda k=key: pilot.press(k)))
    return {"first": first, "after": {k: statistics.median(v) for k, v in after.items()}}


async def m_sections_floor(work: Path) -> dict:
    sys.path.insert(0, str(ROOT))
    from benchmarks.floor_apps import SwitchFloor

    frames = _frames()
    app = SwitchFloor()
    times = []
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        for key in ["f3", "f4", "f5", "f6", "f7", "f8", "f2"]:
            await _timed(app, pilot, frames, lambda k=key: pilot.press(k))
        for _ in range(3):
            for key in ["f3", "f4", "f5", "f6", "f7", "f8", "f2"]:
                times.append(await _timed(app, pilot, frames, lambda k=key: pilot.press(k)))
    return {"after": statistics.median(times)}


def filter_changes() -> list[tuple[str, object]]:
    """The families filters chosen in turn (each Select's id and value), back to the whole list."""
    from textual.widgets import Select

    return [
        ("#filter-status", "pending"),
        ("#filter-language", "es"),
        ("#filter-grade", "9"),
        ("#filter-language", Select.NULL),
        ("#filter-grade", Select.NULL),
        ("#filter-status", "all"),
    ]


async def m_families(work: Path, name: str) -> dict:
    import asyncio

    from textual.widgets import Select

    from sro_tui.ui.widgets.line_table import LineTable

    frames = _frames()
    table_filled = _marks(LineTable, "set_rows", "families-table")
    app = _sro_app(_copy(work, name))
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        # Once the app's background warm-up (2 s after start: the sections imported, the student
        # index built, screens built ahead) is done, as on any app open for more than a few
        # seconds: otherwise it lands inside the open or a filter, at a different moment in each
        # run. Its memory (the student index) stays in the peak.
        await asyncio.sleep(2.5)
        await _settle(app, pilot)
        rss_before = _rss_mb()
        opened = await _timed(app, pilot, frames, lambda: pilot.press("f4"))
        rss_open = _rss_mb()
        shown = app.screen.query_one("#families-table").row_count

        async def choose(widget_id: str, value: object) -> None:
            app.screen.query_one(widget_id, Select).value = value

        filters = []
        for widget_id, value in filter_changes():
            filters.append(
                await _timed(
                    app,
                    pilot,
                    frames,
                    lambda w=widget_id, v=value: choose(w, v),
                    until=table_filled,
                    or_else="last",
                )
            )
    return {
        "open": opened,
        "rows": shown,
        "rss_before_mb": rss_before,
        "rss_open_mb": rss_open,
        "filter_median": statistics.median(filters),
        "filter_max": max(filters),
    }


def _typed_words(db: Path, count: int = 20) -> list[str]:
    import random
    import sqlite3

    with sqlite3.connect(db) as con:
        names = [r[0] for r in con.execute("SELECT last_name FROM student ORDER BY id")]
    rng = random.Random(16)
    return [w[:5].lower() for w in rng.sample(names, count)]


async def m_roster_keys(work: Path, name: str) -> dict:
    from sro_tui.ui.widgets.line_table import LineTable

    frames = _frames()
    results_filled = _marks(LineTable, "set_rows", "roster-results")
    db = _copy(work, name)
    words = _typed_words(db)
    app = _sro_app(db, "roster")
    times = []
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        await _settle(app, pilot)  # the student index arrives from its worker
        for word in words:
            for ch in word:
                press = lambda c=ch: pilot.press(c)  # noqa: E731
                times.append(await _timed(app, pilot, frames, press, until=results_filled))
                await pilot.pause(BETWEEN_KEYS)
            await pilot.press("escape")
            await _settle(app, pilot)
    return _percentiles(times)


async def m_typing_floor(work: Path, name: str) -> dict:
    sys.path.insert(0, str(ROOT))
    from textual.widgets import Static

    from benchmarks.floor_apps import TypingFloor

    frames = _frames()
    echoed = _marks(Static, "update")
    words = _typed_words(work / name)
    app = TypingFloor()
    times = []
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        for word in words:
            for ch in word:
                press = lambda c=ch: pilot.press(c)  # noqa: E731
                times.append(await _timed(app, pilot, frames, press, until=echoed))
                await pilot.pause(BETWEEN_KEYS)
            app.query_one("#box").value = ""
            await _settle(app, pilot)
    return _percentiles(times)


def _percentiles(times: list[float]) -> dict:
    ordered = sorted(times)
    return {
        "p50": statistics.median(ordered),
        "p99": ordered[min(len(ordered) - 1, round(len(ordered) * 0.99))],
        "keys": len(ordered),
    }


# Between two timed keys, an untimed pause longer than the screens' detail delay (80 ms): a
# person's keys come ~150 ms apart, and the detail pane, drawn once the keys pause, is drawn
# there, not inside the next key's time. (A held key repeats faster: its moves are then not
# followed by a detail each, which only makes them cheaper.)
BETWEEN_KEYS = 0.15


async def _downs(app, pilot, frames, presses: int = 40) -> float:
    times = []
    for _ in range(presses):
        times.append(await _timed(app, pilot, frames, lambda: pilot.press("down"), until="first"))
        await pilot.pause(BETWEEN_KEYS)
    return statistics.median(times)


async def m_cursor(work: Path) -> dict:
    frames = _frames()
    app = _sro_app(_copy(work, SMALL), "roster")
    out = {}
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        await _settle(app, pilot)
        await pilot.press("a", "enter")  # a search, then Enter: the cursor in the results
        await _settle(app, pilot)
        out["roster"] = await _downs(app, pilot, frames)
        await pilot.press("f4")
        await _settle(app, pilot)
        out["families"] = await _downs(app, pilot, frames)
        await pilot.press("f5")
        await _settle(app, pilot)
        app.screen.query_one("#interventions-table").focus()
        await _settle(app, pilot)
        out["interventions"] = await _downs(app, pilot, frames)
    return out


async def m_cursor_floor(work: Path) -> dict:
    sys.path.insert(0, str(ROOT))
    from benchmarks.floor_apps import CursorFloor

    frames = _frames()
    app = CursorFloor()
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        return {"floor": await _downs(app, pilot, frames)}


def m_candidates(work: Path) -> dict:
    import random

    from sro_tui.db import open_database
    from sro_tui.records import load_student_index
    from sro_tui.ui.checkin.screen import candidates_for

    open_database(work / LARGE)
    index = load_student_index()
    rng = random.Random(7)
    kinds = ("whole ID", "partial ID", "name prefix", "first + last", "no match")
    queries = []
    for _ in range(3000):
        s = rng.choice(index.students)
        kind = rng.randrange(5)
        text = (
            s.sis_id,
            s.sis_id[: rng.randint(2, 5)],
            s.last_name[: rng.randint(2, 5)].lower(),
            f"{s.first_name[:3]} {s.last_name[:2]}",
            "zzqx",
        )[kind]
        queries.append((kinds[kind], text))
    cpu, wall = [], []
    by_kind: dict[str, list[float]] = {k: [] for k in kinds}
    for kind, query in queries:
        start, start_cpu = time.perf_counter(), time.process_time()
        candidates_for(index, query)
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start)
        by_kind[kind].append(cpu[-1])
    return {
        "cpu": _percentiles(cpu),
        "wall": _percentiles(wall),
        "by_kind": {k: _percentiles(v)["p99"] for k, v in by_kind.items()},
    }


def m_commit(work: Path) -> dict:
    import sqlite3
    import uuid
    from datetime import UTC, date, datetime

    from sro_tui.db import open_database
    from sro_tui.models import Student
    from sro_tui.presentation import create_session, record_scan

    path = _copy(work, SMALL)
    db = open_database(path)
    session = create_session(date.today(), title="Commit benchmark")
    students = list(Student.select(Student.id, Student.sis_id).limit(600).tuples())
    raw = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=wal", "synchronous=FULL", "foreign_keys=1"):
        raw.execute(f"PRAGMA {pragma}")
    columns = (
        "record_id, created_at, updated_at, student_id, session_id, school_year_id, recorded_at,"
        " method, recorded_by, undone_by, undo_reason, station"
    )

    def floor(student_id: int) -> None:
        now = datetime.now(UTC).isoformat()
        raw.execute("BEGIN IMMEDIATE")
        raw.execute(
            f"INSERT INTO presentation_attendance ({columns}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (str(uuid.uuid4()), now, now, student_id, session.id, session.school_year_id, now)
            + ("scan", "bench", "", "", ""),
        )
        raw.execute("COMMIT")

    floors, scans = [], []
    for n in range(300):
        start = time.perf_counter()
        floor(students[2 * n][0])
        floors.append(time.perf_counter() - start)
        start = time.perf_counter()
        assert record_scan(session, students[2 * n + 1][1]).status == "recorded"
        scans.append(time.perf_counter() - start)
    raw.close()
    db.close()
    return {"floor": statistics.median(floors), "scan": statistics.median(scans)}


def m_compile(work: Path) -> dict:
    """Import what the measurements run (written to the compiled runs' bytecode folder)."""
    from sro_tui.cli.main import school_app
    from sro_tui.policy import washington_legal_holidays
    from sro_tui.reports import full_status
    from sro_tui.reports.early import read_status_early
    from sro_tui.ui.app import SroApp
    from sro_tui.ui.navigation import import_section_screens

    import_section_screens()
    washington_legal_holidays(2025, 2027)
    return {"imported": bool(SroApp and full_status and school_app and read_status_early)}


async def _startup(which: str, db: Path | None) -> dict:
    start = time.perf_counter()
    counted: list[float] = []
    if which == "bare":
        frames = _frames()  # imports Textual
        from textual.app import App

        app = App()
    else:
        # As `sro-tui` makes it (the command's module imported in the time, as the command
        # does): the counts' read is started before Textual is imported, which `_frames` would do.
        from sro_tui.cli.main import school_app

        app = school_app(db)
        frames = _frames()
        from sro_tui.ui.dashboard.screen import DashboardScreen

        show_counts = DashboardScreen._show_counts

        def shown(screen, status):  # type: ignore[no-untyped-def]
            show_counts(screen, status)
            counted.append(time.perf_counter())

        DashboardScreen._show_counts = shown  # type: ignore[method-assign]
    async with app.run_test(size=(120, 36)) as pilot:
        while not app.screen.is_mounted or (which != "bare" and not counted):
            await pilot.pause(0.005)
        await pilot.pause()  # the counts drawn
        drawn = [t for t in frames if t >= (counted or [start])[0]]
        settled = (drawn[0] if drawn else time.perf_counter()) - start
    return {"first_frame": frames[0] - start, "settled": settled}


# --- the parent: run each measurement in a fresh process, print the table ----------------------


def _child(measure: str, work: Path) -> None:
    name, _, arg = measure.partition(":")
    function = globals().get(f"m_{name}")
    if name == "startup":
        which = arg
        if which == "school":  # installed without the PostgreSQL extra, as on a school laptop
            for driver in ("psycopg", "psycopg2", "psycopg2cffi"):
                sys.modules[driver] = None  # type: ignore[assignment]
            which = "app"
        result = _run(_startup, which, _copy(work, SMALL) if which == "app" else None)
    elif name in ("prepare",):
        result = prepare(work)
    else:
        args = (work, arg) if arg else (work,)
        result = _run(function, *args) if _is_async(function) else function(*args)
    result["peak_rss_mb"] = _rss_mb()
    result["load"] = _load()
    print(json.dumps(result))


def _is_async(function) -> bool:
    import inspect

    return inspect.iscoroutinefunction(function)


def compiled_env(work: Path) -> dict:
    """As an installed sro-tui runs (README: `uv tool install --compile-bytecode .`): bytecode
    compiled once and read after; kept in the work folder, whatever PYTHONDONTWRITEBYTECODE
    the shell has."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    return env


def uncompiled_env() -> dict:
    """Every module compiled from source at every start, nothing written."""
    env = dict(os.environ)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="sro-nopyc-")
    return env


def measure(measure: str, work: Path, env: dict | None = None) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--measure", measure, "--work", str(work)],
        capture_output=True,
        text=True,
        check=False,
        env=env if env is not None else compiled_env(work),
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{measure} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


class Table:
    def __init__(self) -> None:
        self.missed: list[str] = []
        print(f"{'figure':<52} {'measured':>10} {'floor':>10} {'ratio':>6}  target  verdict")

    def row(self, figure: str, value: str, floor: str, ratio: float | None, target: str, ok: bool):
        ratio_text = f"{ratio:.2f}×" if ratio is not None else "—"
        verdict = "met" if ok else "NOT met"
        if not ok:
            self.missed.append(figure)
        print(f"{figure:<52} {value:>10} {floor:>10} {ratio_text:>6}  {target}  {verdict}")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def startup_rows(table: Table, work: Path, compiled: bool) -> None:
    label = "compiled" if compiled else "uncompiled"
    runs: dict[str, list[dict]] = {"bare": [], "school": [], "app": []}
    for _ in range(PAIRS):
        for which in runs:
            env = compiled_env(work) if compiled else uncompiled_env()
            runs[which].append(measure(f"startup:{which}", work, env))
    bare = statistics.median(r["first_frame"] for r in runs["bare"])
    with_driver = statistics.median(r["first_frame"] for r in runs["app"])
    table.row(
        f"start-up, first frame ({label}, with the PostgreSQL driver)",
        ms(with_driver),
        ms(bare),
        with_driver / bare,
        "(info)",
        True,
    )
    # The judged rows: as a school installs it (the README's line, without '.[postgres]').
    first = statistics.median(r["first_frame"] for r in runs["school"])
    counts = statistics.median(r["settled"] for r in runs["school"])
    table.row(
        f"start-up, first frame ({label})",
        ms(first),
        ms(bare),
        first / bare,
        "≤1.3×",
        first <= 1.3 * bare,
    )
    table.row(
        f"start-up, dashboard counts ({label})",
        ms(counts),
        ms(bare),
        counts / bare,
        "≤1.8×",
        counts <= 1.8 * bare,
    )


GROUPS = ("sections", "families", "roster", "cursor", "candidates", "startup", "commit", "import")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--work", help="keep the generated schools in this folder")
    parser.add_argument(
        "--only",
        help=f"measure only these groups, comma-separated (of: {', '.join(GROUPS)})",
    )
    args = parser.parse_args()
    chosen = set(args.only.split(",")) if args.only else set(GROUPS)
    if chosen - set(GROUPS):
        parser.error(f"unknown group(s): {', '.join(sorted(chosen - set(GROUPS)))}")
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="sro-screens-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.measure:
        _child(args.measure, work)
        return 0
    print(f"schools in {work} (load average {_load():.1f} on {os.cpu_count()} CPUs)")
    measure("prepare", work)
    measure("compile", work)  # the bytecode the compiled runs read, written once
    table = Table()

    if "sections" in chosen:
        sections, floor = measure("sections:warm", work), measure("sections_floor", work)
        cold = measure("sections:cold", work)
        for key, seconds in sections["after"].items():
            table.row(
                f"section {key}, after first use",
                ms(seconds),
                ms(floor["after"]),
                seconds / floor["after"],
                "≤150 ms",
                seconds <= 0.15,
            )
        for when, run in (("after warm-up", sections), ("right after start", cold)):
            for key, seconds in run["first"].items():
                table.row(
                    f"section {key}, first open ({when})",
                    ms(seconds),
                    ms(floor["after"]),
                    seconds / floor["after"],
                    "≤400 ms",
                    seconds <= 0.4,
                )

    if "families" in chosen:
        small, large = measure("families:" + SMALL, work), measure("families:" + LARGE, work)
        table.row(
            f"families opens, {large['rows']:,} households (50k)",
            ms(large["open"]),
            "—",
            None,
            "≤1 s",
            large["open"] <= 1.0,
        )
        table.row(
            "families, peak RSS (50k)",
            f"{large['peak_rss_mb']:.0f} MB",
            f"{large['rss_before_mb']:.0f} MB",
            None,
            "≤150 MB",
            large["peak_rss_mb"] <= 150,
        )
        table.row(
            f"families opens, {small['rows']:,} households (5k)",
            ms(small["open"]),
            "—",
            None,
            "≤400 ms",
            small["open"] <= 0.4,
        )
        table.row(
            "families filter, slowest of 6 (5k)",
            ms(small["filter_max"]),
            "—",
            None,
            "≤50 ms",
            small["filter_max"] <= 0.05,
        )
        table.row(
            "families filter, slowest of 6 (50k)",
            ms(large["filter_max"]),
            "—",
            None,
            "≤100 ms",
            large["filter_max"] <= 0.1,
        )

    if "roster" in chosen:
        for name, limit, label in ((SMALL, 0.05, "5k"), (LARGE, 0.1, "50k")):
            keys, floor = (
                measure("roster_keys:" + name, work),
                measure("typing_floor:" + name, work),
            )
            table.row(
                f"roster search key p50 ({label})",
                ms(keys["p50"]),
                ms(floor["p50"]),
                keys["p50"] / floor["p50"],
                f"≤{limit * 1000:.0f} ms",
                keys["p50"] <= limit,
            )
            table.row(
                f"roster search key p99 ({label}, {keys['keys']} keys)",
                ms(keys["p99"]),
                ms(floor["p99"]),
                keys["p99"] / floor["p99"],
                f"≤{limit * 1000:.0f} ms",
                keys["p99"] <= limit,
            )

    if "cursor" in chosen:
        cursor, floor = measure("cursor", work), measure("cursor_floor", work)
        for name, seconds in cursor.items():
            if name in ("peak_rss_mb", "load"):
                continue
            ratio = seconds / floor["floor"]
            table.row(
                f"cursor move, {name}",
                ms(seconds),
                ms(floor["floor"]),
                ratio,
                "≤1.2×",
                ratio <= 1.2,
            )

    if "candidates" in chosen:
        candidates = measure("candidates", work)
        p99 = candidates["cpu"]["p99"]
        table.row(
            "check-in candidates p99, CPU (50k)",
            f"{p99 * 1000:.2f} ms",
            "—",
            None,
            "≤2 ms",
            p99 <= 0.002,
        )
        for kind, seconds in candidates["by_kind"].items():
            table.row(
                f"  candidates p99, CPU, {kind}",
                f"{seconds * 1000:.2f} ms",
                "—",
                None,
                "(info)",
                True,
            )
        table.row(
            "check-in candidates p99, wall (50k)",
            f"{candidates['wall']['p99'] * 1000:.2f} ms",
            "—",
            None,
            "(info)",
            True,
        )

    if "startup" in chosen:
        for compiled in (True, False):
            startup_rows(table, work, compiled)

    if "commit" in chosen:
        commit = measure("commit", work)
        ratio = commit["scan"] / commit["floor"]
        table.row(
            "one committed check-in",
            f"{commit['scan'] * 1000:.2f} ms",
            f"{commit['floor'] * 1000:.2f} ms",
            ratio,
            "≤3×",
            ratio <= 3,
        )

    if "import" in chosen:
        importer = ROOT / "benchmarks" / "bench_import.py"
        if importer.exists():  # the SIS import's rows belong to its own benchmark (roster2)
            print("\nSIS import (benchmarks/bench_import.py):", flush=True)
            if subprocess.run([sys.executable, str(importer)], cwd=ROOT, check=False).returncode:
                table.missed.append("SIS import")
        else:
            print("\nSIS import: benchmarks/bench_import.py is not on this branch yet (roster2's)")

    print(f"\nload average at the end: {_load():.1f}")
    if table.missed:
        print("NOT met:", "; ".join(table.missed))
        return 1
    print("every row measured met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
