"""A full disk and a read-only folder, on real small file systems (tmpfs mounted by the test):
one line saying what happened and that nothing confirmed was lost; never a traceback, never a
leftover temporary file, never a changed database.

Mounting needs root (or CAP_SYS_ADMIN), as in CI; elsewhere these tests skip and say why.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sro_tui.cli.main import main as sro_tui_main
from sro_tui.db import open_database
from sro_tui.models import PresentationAttendance
from sro_tui.safekeeping import BackupError, backup_database
from sro_tui.ui.app import SroApp
from sro_tui.ui.checkin.screen import CheckInScreen

from ..ui.conftest import build_small_school
from ..ui.helpers import text_of, wait_for_workers
from ..ui.test_checkin import wait_until

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="tmpfs mounts are Linux only")


def _mount(path: Path, *options: str) -> None:
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", ",".join(("mode=0700", *options)), "tmpfs", str(path)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({done.stderr.strip() or 'not root'})")


def _tmpfs(path: Path, *options: str) -> Iterator[Path]:
    _mount(path, *options)
    yield path
    subprocess.run(["umount", "-l", str(path)], check=False)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 3 MB file system of its own (a small school and its log fit; a big import does not)."""
    yield from _tmpfs(tmp_path / "disk", "size=3m")


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """256 KB: less than a school's database."""
    yield from _tmpfs(tmp_path / "tiny", "size=256k")


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    yield from _tmpfs(tmp_path / "ro", "size=1m", "ro")


def fill(disk: Path) -> Path:
    """Fill the file system to its last byte; delete the returned file to free it."""
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as handle:
        try:
            while True:
                handle.write(bytes(4096))
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    return filler


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.fixture
def school_file(tmp_path: Path) -> Path:
    path = tmp_path / "school.sqlite3"
    database = open_database(path)
    build_small_school(extra_students=2_000)  # about 1 MB: more than the tiny disk holds
    database.close()
    return path


def test_backup_to_a_full_disk_says_so_and_leaves_nothing(school_file, tiny_disk, capsys):
    small_disk = tiny_disk
    database = open_database(school_file)
    try:
        with pytest.raises(BackupError, match="the disk is full.*unchanged"):
            backup_database(database, small_disk / "copy.sqlite3")
    finally:
        database.close()
    assert list(small_disk.iterdir()) == []  # no .tmp, no .tmp-journal
    code = sro_tui_main(["backup", "--db", str(school_file), f"{small_disk}/"])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "disk is full" in err
    assert list(small_disk.iterdir()) == []


def test_backup_to_a_read_only_folder_is_one_line(school_file, read_only_folder, capsys):
    code = sro_tui_main(["backup", "--db", str(school_file), str(read_only_folder)])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "read-only" in err
    assert "unchanged" in err and "Traceback" not in err
    assert list(read_only_folder.iterdir()) == []


def test_roster_import_on_a_full_disk_changes_nothing(small_disk, tmp_path, capsys):
    db_path = small_disk / "school.sqlite3"
    database = open_database(db_path)
    build_small_school()
    database.close()
    roster = tmp_path / "roster.csv"
    rows = [f"{800000 + n},Family{n},Kid{n},{9 + n % 4},101" for n in range(3_000)]
    header = "Student_Number,Last_Name,First_Name,Grade_Level,Home_Room\n"
    roster.write_text(header + "\n".join(rows))
    before = sqlite3.connect(db_path).execute("SELECT count(*) FROM student").fetchone()[0]
    filler = fill(small_disk)
    code = sro_tui_main(["roster", "import", "--db", str(db_path), str(roster)])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    last = err.strip().splitlines()[-1]  # after the plan's warnings, one line says what happened
    assert "disk is full" in last and "nothing confirmed was lost" in last
    filler.unlink()
    check = sqlite3.connect(db_path)
    assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert check.execute("SELECT count(*) FROM student").fetchone()[0] == before
    check.close()


def _school_on(disk: Path) -> tuple[Path, sqlite3.Connection]:
    """A school on the small disk, and a connection that keeps its -wal/-shm files in place (as
    another window would), so the full disk bites at the first write, not at opening."""
    db_path = disk / "school.sqlite3"
    database = open_database(db_path)
    build_small_school(extra_students=20)
    database.close()
    holder = sqlite3.connect(db_path)
    holder.execute("SELECT count(*) FROM student").fetchone()
    return db_path, holder


async def test_check_in_start_up_on_a_full_disk_says_so(small_disk):
    db_path, holder = _school_on(small_disk)
    holder.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    filler = fill(small_disk)
    app = SroApp(db_path, start_section="checkin")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await wait_for_workers(app)
        assert isinstance(app.screen, CheckInScreen)
        feedback = text_of(app, "#checkin-feedback")
        assert "disk is full" in feedback and "Nothing confirmed was lost" in feedback
    assert app.return_code in (None, 0)
    filler.unlink()
    holder.close()


async def test_the_first_scan_after_the_disk_fills_waits_and_is_recorded_later(small_disk):
    db_path, holder = _school_on(small_disk)
    app = SroApp(db_path, start_section="checkin")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await wait_for_workers(app)
        screen = app.screen
        assert isinstance(screen, CheckInScreen)
        assert screen.session is not None, text_of(app, "#checkin-feedback")
        holder.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        filler = fill(small_disk)
        await pilot.press(*"500003", "enter", *"500007", "enter")
        await wait_until(pilot, lambda: len(screen.waiting) == 2, timeout=20)
        feedback = text_of(app, "#checkin-feedback")
        assert "The disk is full: 2 waiting" in feedback
        assert "Nothing confirmed is lost" in feedback
        assert "2 waiting" in text_of(app, "#checkin-count")
        filler.unlink()  # someone frees space
        await wait_until(pilot, lambda: not screen.waiting, timeout=20)
        recorded = [
            a.student.sis_id
            for a in PresentationAttendance.select().order_by(PresentationAttendance.id)
        ]
        assert recorded == ["500003", "500007"]
    assert app.return_code in (None, 0)
    holder.close()
    os.sync()
