"""The first screen is drawn before the database is opened (ui/app.py): the same header, keys
that come meanwhile kept and handled in order once it is open, and the same clear message as
before when it cannot be opened."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from textual import events
from textual.app import App
from textual.widgets import Input

import sro_tui.ui.app
from sro_tui.db import SCHEMA_VERSION, DatabaseError
from sro_tui.ui.app import SroApp
from sro_tui.ui.dashboard.screen import DashboardScreen


def _first_frames(monkeypatch) -> list[tuple[str, bool]]:
    """(the header's subtitle, whether the database was open) at each frame drawn."""
    frames: list[tuple[str, bool]] = []
    display = App._display

    def noted(self, screen, renderable):  # type: ignore[no-untyped-def]
        if renderable is not None and isinstance(self, SroApp):
            frames.append((self.sub_title, self.database_is_open))
        return display(self, screen, renderable)

    monkeypatch.setattr(App, "_display", noted)
    return frames


async def test_the_first_frame_shows_the_school_before_the_open(school_db, monkeypatch):
    frames = _first_frames(monkeypatch)
    app = SroApp(school_db)
    assert not app.database_is_open
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()  # the open, then the counts it let start
        await pilot.pause()
        title, was_open = frames[0]
        assert not was_open  # drawn first, opened after
        assert app.database_is_open
        assert title == app.sub_title  # what the open read: the same school and year
        assert "school year" in title and "no school yet" not in title
        assert isinstance(app.screen, DashboardScreen)
        assert "5 active" in app.screen.query_one("#dashboard-cards").drawn("students")


async def test_an_empty_database_says_no_school_yet_from_the_first_frame(empty_db, monkeypatch):
    frames = _first_frames(monkeypatch)
    app = SroApp(empty_db, title_note="DEMO")
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert frames[0] == ("no school yet — import a roster · DEMO", False)
        assert app.sub_title == frames[0][0]


class KeysBeforeTheOpen(SroApp):
    """Keys that arrive before the first frame (typed during start-up): F8, then a name."""

    CSS_PATH = str(Path(sro_tui.ui.app.__file__).with_name("app.tcss"))
    opened_at_keys: list[bool]

    def on_mount(self) -> None:  # Textual runs SroApp.on_mount too (each class's handler)
        self.opened_at_keys = []
        for key, character in (("f8", None), ("d", "d"), ("a", "a"), ("v", "v")):
            self.post_message(events.Key(key, character))

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not self.holding_inputs:
            self.opened_at_keys.append(self.database_is_open)
        await super().on_event(event)


async def test_keys_before_the_open_are_applied_after_it_in_order(school_db):
    app = KeysBeforeTheOpen(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        assert len(app.opened_at_keys) >= 4
        assert all(app.opened_at_keys)  # each handled with the database open
        assert app.current_mode == "roster"  # F8 went to the roster ...
        assert app.screen.query_one("#roster-search", Input).value == "dav"  # ... then the name
        assert app._exception is None


async def test_keys_at_once_after_start(school_db):
    app = SroApp(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f6", "f8", "d", "a")
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        assert app.current_mode == "roster"
        assert app.screen.query_one("#roster-search", Input).value == "da"


async def test_another_start_section_opens_the_database_first(school_db):
    app = SroApp(school_db, start_section="checkin")
    assert app.database_is_open  # its screen reads the database as it is built
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f2")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.current_mode == "dashboard"
        assert "5 active" in app.screen.query_one("#dashboard-cards").drawn("students")


async def test_database_right_after_start(school_db):
    """`app.database` is there at once: it opens the database if the app has not yet."""
    from sro_tui.models import Student

    app = SroApp(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        with app.database.connection_context():
            assert Student.select().count() > 0
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "5 active" in app.screen.query_one("#dashboard-cards").drawn("students")


def _newer(path: Path) -> Path:
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()
    return path


def _not_a_database(path: Path) -> Path:
    path.write_text("these are not records\n" * 100)
    return path


BAD_FILES = {
    "newer": (_newer, "written by a newer sro-tui"),
    "not a database": (_not_a_database, "file is not a database"),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_a_database_that_cannot_be_opened_is_refused_before_the_app_starts(school_db, kind):
    """The first read cannot be sure of such a file: the app opens it first, as before."""
    make, reason = BAD_FILES[kind]
    with pytest.raises(DatabaseError, match=reason):
        SroApp(make(school_db))


async def test_an_open_that_fails_after_the_first_frame_ends_the_app_with_the_reason(
    school_db, monkeypatch
):
    """The file changed between the first read and the open (replaced, say): no traceback, the
    keys typed meanwhile dropped, the reason kept for the command to print."""
    import sro_tui.db

    def replaced(path, **_):  # type: ignore[no-untyped-def]
        raise DatabaseError(f"cannot open {path}: file is not a database")

    app = SroApp(school_db)
    monkeypatch.setattr(sro_tui.db, "open_database", replaced)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f8", "x")
        await pilot.pause()
    assert app.return_code == 1
    assert app._exception is None
    assert "file is not a database" in str(app.database_error)
    assert not app.database_is_open


@pytest.mark.parametrize("kind", BAD_FILES)
def test_the_command_says_why_as_before(school_db, kind, monkeypatch, capsys):
    from sro_tui.cli.main import main

    make, reason = BAD_FILES[kind]
    make(school_db)
    monkeypatch.setattr(SroApp, "run", lambda self, **_: App.run(self, headless=True))
    assert main(["--db", str(school_db)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("sro-tui: ") and reason in err and "\n" not in err


def test_the_command_says_why_when_the_open_after_the_first_frame_fails(
    school_db, monkeypatch, capsys
):
    import sro_tui.db
    from sro_tui.cli.main import main

    def replaced(path, **_):  # type: ignore[no-untyped-def]
        raise DatabaseError(f"cannot open {path}: file is not a database")

    monkeypatch.setattr(sro_tui.db, "open_database", replaced)
    monkeypatch.setattr(SroApp, "run", lambda self, **_: App.run(self, headless=True))
    assert main(["--db", str(school_db)]) == 1
    assert capsys.readouterr().err.strip() == (
        f"sro-tui: cannot open {school_db}: file is not a database"
    )


FIRST_FRAME_MODULES = """
import asyncio, json, sys
from textual.app import App
from sro_tui.ui.app import SroApp

loaded = []
display = App._display

def noted(self, screen, renderable):
    if renderable is not None and not loaded:
        loaded.append(sorted(sys.modules))
    return display(self, screen, renderable)

App._display = noted

async def main():
    app = SroApp(sys.argv[1])
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
    print(json.dumps(loaded[0]))

asyncio.run(main())
"""


def test_the_first_frame_needs_neither_peewee_nor_the_models(school_db):
    """What start-up does not import before the first frame (a fresh process: the suite has
    imported everything already)."""
    import json
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME_MODULES, str(school_db)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert "sro_tui.ui.dashboard.screen" in loaded  # the frame is the dashboard's
    for module in ("peewee", "sro_tui.models", "sro_tui.records", "sro_tui.safekeeping"):
        assert module not in loaded, module


async def test_a_restore_is_refused_once_the_app_has_opened_the_database(school_db, tmp_path):
    from sro_tui.db import open_database
    from sro_tui.safekeeping import BackupError, backup_database, restore_backup

    db = open_database(school_db)
    backup = backup_database(db, tmp_path / "copy.sqlite3")
    db.close()
    app = SroApp(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()  # the open, just after the first frame
        await pilot.pause()
        with pytest.raises(BackupError, match="another sro-tui has"):
            restore_backup(backup, school_db)


async def test_what_a_killed_run_left_is_tidied_once_the_first_screen_is_up(
    school_db, tmp_path, monkeypatch
):
    import os

    monkeypatch.setattr(sro_tui.ui.app, "TIDY_AFTER_SECONDS", 0.1)
    gone_pid = 2**22 + 12345  # above Linux's largest pid: no such process
    backup_left = school_db.parent / f".school-backup.sqlite3.{gone_pid}.tmp"
    backup_left.write_bytes(b"half a backup")
    ours = school_db.parent / f".school-backup.sqlite3.{os.getpid()}.tmp"
    ours.write_bytes(b"a backup being written now")
    folder = tmp_path / "exports"
    staging = folder / f".sro-tui-export-{gone_pid}-x"
    staging.mkdir(parents=True)
    (staging / "students.csv").write_text("record_id\nr1\n", encoding="utf-8")
    (staging / "SET").write_text('{"names": [["students.csv", "students.csv"]]}', "utf-8")
    app = SroApp(school_db, export_folder=folder)
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            if not backup_left.exists() and not staging.exists():
                break
        # The dead run's backup is dropped, its finished export published; a file of a
        # process still running (this one) is left alone.
        assert not backup_left.exists() and ours.exists()
        assert not staging.exists()
        assert (folder / "students.csv").read_text(encoding="utf-8") == "record_id\nr1\n"


def _shown_counts(monkeypatch) -> list[bool]:
    """Whether the database was open each time the dashboard drew its counts."""
    shown: list[bool] = []
    show = DashboardScreen._show_counts

    def noted(self, status):  # type: ignore[no-untyped-def]
        shown.append(self.app.database_is_open)
        return show(self, status)

    monkeypatch.setattr(DashboardScreen, "_show_counts", noted)
    return shown


async def test_the_counts_are_read_from_the_file_before_the_open(school_db, monkeypatch):
    shown = _shown_counts(monkeypatch)
    app = SroApp(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert shown == [False]  # drawn once, before the open, and not read again after it
        assert app.database_is_open
        assert "5 active" in app.screen.query_one("#dashboard-cards").drawn("students")
        # Fresh from then on: back from another section, nothing changed, nothing read again.
        await pilot.press("f2")
        await pilot.press("f1")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert shown == [False]


async def test_counts_the_early_read_cannot_be_sure_of_are_read_after_the_open(
    school_db, monkeypatch
):
    from concurrent.futures import Future

    import sro_tui.ui.opening

    def not_sure(*_args):  # type: ignore[no-untyped-def]
        read: Future = Future()
        read.set_result(None)  # as the reading process says of a busy file
        return read

    monkeypatch.setattr(sro_tui.ui.opening, "read_status_early", not_sure)
    shown = _shown_counts(monkeypatch)
    app = SroApp(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert shown == [True]  # the usual read, through the open database
        assert "5 active" in app.screen.query_one("#dashboard-cards").drawn("students")


async def test_the_command_starts_the_counts_read_and_the_app_uses_it(school_db, monkeypatch):
    """`sro-tui` (cli.main.school_app) starts the read itself; the app draws what it read and
    starts no second one."""
    import sro_tui.ui.opening
    from sro_tui.cli.main import school_app

    def second_read(*_args):  # type: ignore[no-untyped-def]
        raise AssertionError("the app started a second read of the counts")

    monkeypatch.setattr(sro_tui.ui.opening, "read_status_early", second_read)
    shown = _shown_counts(monkeypatch)
    app = school_app(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert shown == [False]  # from the command's read, before the open
        assert app.database_is_open
        assert "5 active" in app.screen.query_one("#dashboard-cards").drawn("students")


async def test_the_command_on_a_new_database_file_makes_it_and_counts_it(tmp_path, monkeypatch):
    """The first start, no file yet: the read started by the command finds nothing (and makes
    nothing), the app makes the database and counts it the usual way."""
    from sro_tui.cli.main import school_app

    shown = _shown_counts(monkeypatch)
    path = tmp_path / "new" / "school.sqlite3"
    path.parent.mkdir()
    app = school_app(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.database_is_open and path.exists()
        assert shown == [True]
        assert "No students yet" in app.screen.query_one("#dashboard-cards").drawn("students")


def test_the_command_starts_the_counts_read_before_it_imports_textual(school_db, tmp_path):
    """The read has the other core while the app's imports run: started before Textual is
    imported (in a fresh process, as `sro-tui` starts)."""
    import subprocess
    import sys

    script = tmp_path / "start.py"
    script.write_text(
        "import sys\n"
        "import sro_tui.reports.early as early\n"
        "started = early.read_status_early\n"
        "seen = []\n"
        "def noted(*args):\n"
        "    seen.append('textual' in sys.modules)\n"
        "    return started(*args)\n"
        "early.read_status_early = noted\n"
        "from sro_tui.cli.main import school_app\n"
        f"app = school_app({str(school_db)!r})\n"
        "print(seen, app._early_read.result(timeout=30)['active_students'])\n",
        encoding="utf-8",
    )
    root = Path(sro_tui.ui.app.__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, cwd=root, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["[False]", "5"]
