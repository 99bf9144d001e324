"""Backups and restores that never corrupt: a stale WAL from a killed writer, a busy database,
a damaged or newer backup, a missing or read-only folder, a file that already exists."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sro_tui.cli.main import main as sro_tui_main
from sro_tui.db import SCHEMA_VERSION, open_database
from sro_tui.models import Student
from sro_tui.records import ensure_school
from sro_tui.safekeeping import (
    BackupError,
    backup_database,
    hold_database_lock,
    restore_backup,
)

# A writer that commits students one by one until it is killed (as the app would, mid-import).
WRITER = r"""
import sqlite3, sys, uuid
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode=wal"); conn.execute("PRAGMA synchronous=2")
conn.execute("PRAGMA wal_autocheckpoint=0")  # as a killed app: the log never folded back
school = conn.execute("SELECT id FROM school").fetchone()[0]
n = 0
while True:
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(
        "INSERT INTO student (record_id, created_at, updated_at, school_id, sis_id, source_id,"
        " first_name, middle_name, last_name, preferred_name, grade, homeroom, active,"
        " race_ethnicity, sex, home_language, search_key) VALUES (?, '2026-09-01', '2026-09-01',"
        " ?, ?, '', 'Late', '', 'Writer', '', '9', '', 1, '', '', '', '')",
        (str(uuid.uuid4()), school, f"9{n:06d}"),
    )
    conn.execute("COMMIT")
    n += 1
    if n == 20:
        print("committing", flush=True)
"""


def _students(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return conn.execute("SELECT count(*) FROM student").fetchone()[0]
    finally:
        conn.close()


def _school_with(path: Path, students: int) -> None:
    database = open_database(path)
    school = ensure_school("PTHS", "Port Townsend High School")
    for n in range(students):
        Student.create(school=school, sis_id=f"{100 + n}", first_name="A", last_name=f"B{n}")
    database.close()


def _kill_a_writer(path: Path) -> None:
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "committing"
    time.sleep(0.05)
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=10)


def test_restore_after_a_killed_writer_leaves_an_intact_database_with_the_backups_records(
    tmp_path: Path,
):
    db_path = tmp_path / "data" / "school.sqlite3"
    _school_with(db_path, 30)
    database = open_database(db_path)
    backup = backup_database(database, tmp_path / "backups/")
    database.close()
    _kill_a_writer(db_path)
    wal = Path(f"{db_path}-wal")
    assert wal.exists() and wal.stat().st_size > 0, "the killed writer left its log behind"

    result = restore_backup(backup, db_path)

    assert _students(db_path) == 30 == result.counts["students"]
    assert not wal.exists() or wal.stat().st_size == 0
    # The replaced database kept everything the killed writer had committed.
    assert result.kept_copy is not None and _students(result.kept_copy) >= 50
    assert oct(result.kept_copy.stat().st_mode & 0o777) == "0o600"
    assert any("kept as" in line for line in result.lines())
    # The app opens it and reads every student.
    database = open_database(db_path)
    assert Student.select().count() == 30
    database.close()


def test_restore_is_refused_while_the_app_has_the_database_open(tmp_path: Path):
    db_path = tmp_path / "school.sqlite3"
    _school_with(db_path, 3)
    database = open_database(db_path)
    backup = backup_database(database, tmp_path / "b.sqlite3")
    Student.create(school=1, sis_id="999", first_name="New", last_name="Kid")
    lock = hold_database_lock(db_path)
    try:
        with pytest.raises(BackupError, match="another sro-tui"):
            restore_backup(backup, db_path)
    finally:
        if lock:
            lock.close()
    # Without our lock file, SQLite's own check still sees the open connection.
    with pytest.raises(BackupError, match="another program"):
        restore_backup(backup, db_path)
    database.close()
    assert _students(db_path) == 4
    assert not list(tmp_path.glob("*.before-restore-*")) and not list(tmp_path.glob(".*.tmp"))


def test_a_damaged_or_newer_backup_is_refused_and_nothing_changes(tmp_path: Path):
    db_path = tmp_path / "school.sqlite3"
    _school_with(db_path, 5)
    before = db_path.read_bytes()
    damaged = tmp_path / "damaged.sqlite3"
    data = bytearray(before)
    data[4096 * 2 : 4096 * 2 + 600] = b"\xff" * 600  # overwrite part of a table's page
    damaged.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="damaged|not a readable|not an sro-tui"):
        restore_backup(damaged, db_path)
    newer = tmp_path / "newer.sqlite3"
    newer.write_bytes(before)
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(BackupError, match="newer sro-tui"):
        restore_backup(newer, db_path)
    assert db_path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "damaged.sqlite3",
        "newer.sqlite3",
        "school.sqlite3",
    ]


def test_restore_from_the_command_line_says_what_it_did(tmp_path: Path, capsys):
    db_path = tmp_path / "school.sqlite3"
    _school_with(db_path, 7)
    assert sro_tui_main(["backup", "--db", str(db_path), str(tmp_path / "copies") + "/"]) == 0
    (backup,) = (tmp_path / "copies").iterdir()
    _kill_a_writer(db_path)
    capsys.readouterr()
    assert sro_tui_main(["restore", "--db", str(db_path), str(backup)]) == 0
    out = capsys.readouterr().out
    assert "kept as" in out and "7 students" in out and "stale log files removed" not in out
    assert _students(db_path) == 7


# --- backup -----------------------------------------------------------------------------------


def test_backup_to_a_missing_folder_with_a_slash_creates_the_folder(db, tmp_path: Path):
    ensure_school("PTHS", "Port Townsend High School")
    old = os.umask(0)
    try:
        written = backup_database(db, f"{tmp_path}/new/deeper/")
    finally:
        os.umask(old)
    assert written.parent == tmp_path / "new" / "deeper"
    for folder in (tmp_path / "new", tmp_path / "new" / "deeper"):
        assert oct(folder.stat().st_mode & 0o777) == "0o700"
    again = backup_database(db, f"{tmp_path}/new/deeper/")  # same second: a second file
    assert again != written and again.exists() and written.exists()


def test_an_existing_backup_file_is_replaced_only_with_force(db, tmp_path: Path, capsys):
    target = tmp_path / "mine.sqlite3"
    target.write_text("my own file")
    with pytest.raises(BackupError, match="already exists.*--force"):
        backup_database(db, target)
    assert target.read_text() == "my own file"
    db_path = Path(db.database)
    assert sro_tui_main(["backup", "--db", str(db_path), str(target)]) == 1
    assert "--force" in capsys.readouterr().err
    assert sro_tui_main(["backup", "--db", str(db_path), str(target), "--force"]) == 0
    assert _students(target) == 0


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_backup_to_a_read_only_folder_is_one_line_and_leaves_nothing(db, tmp_path: Path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(BackupError, match="not backed up.*unchanged"):
            backup_database(db, folder)
    finally:
        folder.chmod(0o700)
    assert list(folder.iterdir()) == []
