"""The data store: pragmas, permissions, migrations, backups."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest
from peewee import SqliteDatabase

from sro_tui import db as dbmod
from sro_tui import models
from sro_tui.db import SCHEMA_VERSION, DatabaseError, open_database, schema_version
from sro_tui.models import Student
from sro_tui.records import ensure_school
from sro_tui.safekeeping import backup_database
from sro_tui.search import student_search_key


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_database_is_private_and_durable(tmp_path: Path):
    path = tmp_path / "new-folder" / "school.sqlite3"
    database = open_database(path)
    try:
        assert _mode(path.parent) == 0o700
        assert _mode(path) == 0o600
        pragma = lambda name: database.execute_sql(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("synchronous") == 2  # FULL
        assert pragma("busy_timeout") >= 1000
        ensure_school("PTHS", "Port Townsend High School")
        for companion in (Path(f"{path}-wal"), Path(f"{path}-shm")):
            if companion.exists():
                assert _mode(companion) == 0o600
    finally:
        database.close()


def test_existing_folder_permissions_are_left_alone(tmp_path: Path):
    folder = tmp_path / "usb"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    open_database(folder / "school.sqlite3").close()
    assert _mode(folder) == 0o755
    assert _mode(folder / "school.sqlite3") == 0o600


def _all_models() -> list[type[models.Model]]:
    found = []
    for value in vars(models).values():
        if (
            isinstance(value, type)
            and issubclass(value, models.Model)
            and value
            not in (
                models.Model,
                models.BaseModel,
            )
        ):
            found.append(value)
    return found


def test_migrated_schema_matches_the_models(db):
    tables = set(db.get_tables())
    for model in _all_models():
        name = model._meta.table_name
        assert name in tables, f"no migration creates table {name}"
        in_db = [c.name for c in db.get_columns(name)]
        in_model = [f.column_name for f in model._meta.sorted_fields]
        assert sorted(in_db) == sorted(in_model), f"{name}: migration and model differ"
    model_indexes = set()
    for model in _all_models():
        for index in model._schema._create_indexes(safe=False):
            sql = db.get_sql_context().sql(index).query()[0]
            model_indexes.add(sql.split('"')[1])
    db_indexes = {
        row[0]
        for row in db.execute_sql(
            "SELECT name FROM sqlite_master WHERE type='index' AND name NOT LIKE 'sqlite_%'"
        )
    }
    assert model_indexes == db_indexes
    assert schema_version(db) == SCHEMA_VERSION


def test_version_1_database_upgrades_without_loss(tmp_path: Path):
    """A database written by the first release (schema 1) opens and keeps every record."""
    path = tmp_path / "old.sqlite3"
    raw = SqliteDatabase(str(path))
    raw.connect()
    dbmod.MIGRATIONS[0](raw)
    raw.execute_sql("PRAGMA user_version = 1")
    raw.execute_sql(
        "INSERT INTO school (record_id, created_at, updated_at, code, name, district, source_id)"
        " VALUES ('11111111-1111-4111-8111-111111111111', '2026-09-01 08:00:00',"
        " '2026-09-01 08:00:00', 'PTHS', 'Port Townsend High School', '', '')"
    )
    raw.execute_sql(
        "INSERT INTO student (record_id, created_at, updated_at, school_id, sis_id, source_id,"
        " first_name, middle_name, last_name, preferred_name, grade, homeroom, active,"
        " race_ethnicity, sex, iep, section_504, english_learner, home_language) VALUES"
        " ('22222222-2222-4222-8222-222222222222', '2026-09-01 08:00:00', '2026-09-01 08:00:00',"
        " 1, '000123', '', 'José', '', 'Núñez', 'Pepe', '9', '101', 1, 'Hispanic or Latino', 'M',"
        " NULL, NULL, 1, 'Spanish')"
    )
    raw.close()

    database = open_database(path)
    try:
        assert schema_version(database) == SCHEMA_VERSION
        student = Student.get(Student.sis_id == "000123")
        assert (student.first_name, student.last_name, student.preferred_name) == (
            "José",
            "Núñez",
            "Pepe",
        )
        assert student.record_id == "22222222-2222-4222-8222-222222222222"
        assert student.english_learner is True
        assert student.search_key == student_search_key("000123", "José", "", "Núñez", "Pepe")
        assert "jose" in student.search_key
    finally:
        database.close()


def test_database_from_a_newer_program_is_refused(tmp_path: Path):
    path = tmp_path / "future.sqlite3"
    open_database(path).close()
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    con.close()
    with pytest.raises(DatabaseError, match="newer sro-tui"):
        open_database(path)


def test_a_file_that_is_not_a_database_is_refused_and_left_alone(tmp_path: Path):
    path = tmp_path / "notes.sqlite3"
    path.write_text("these are my notes, not a database\n" * 100)
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="cannot open"):
        open_database(path)
    assert path.read_bytes() == before


def test_missing_database_is_not_created_when_not_asked(tmp_path: Path):
    with pytest.raises(DatabaseError, match="no database"):
        open_database(tmp_path / "nothing.sqlite3", create=False)
    assert not (tmp_path / "nothing.sqlite3").exists()


def test_backup_is_a_private_consistent_copy(db, db_path: Path, tmp_path: Path):
    ensure_school("PTHS", "Port Townsend High School")
    copy = backup_database(db, tmp_path / "backup.sqlite3")
    assert _mode(copy) == 0o600
    con = sqlite3.connect(copy)
    assert con.execute("SELECT name FROM school").fetchall() == [("Port Townsend High School",)]
    con.close()
    folder_copy = backup_database(db, tmp_path)
    assert folder_copy.parent == tmp_path and folder_copy.name.startswith("sro-tui-backup-")


def test_no_field_for_immigration_status_or_place_of_birth(db):
    """RCW 10.93.160: the schema never holds immigration, citizenship or birthplace data."""
    forbidden = ("immigra", "citizen", "birth", "country", "visa", "alien", "nationality")
    for table in db.get_tables():
        for column in db.get_columns(table):
            assert not any(word in column.name.lower() for word in forbidden), (table, column.name)


def test_bulk_insert_stores_what_peewee_would(school):
    from datetime import datetime

    from sro_tui.db import bulk_insert
    from sro_tui.models import AuditEvent, Guardian

    bulk_insert(
        Guardian,
        [
            {"school_id": school.id, "source_key": "g1", "first_name": "Zoë", "last_name": "Ng"},
            {"school_id": school.id, "source_key": "g2", "first_name": "Ana", "last_name": "Li"},
        ],
    )
    bulk_insert(
        AuditEvent,
        [
            {
                "at": datetime(2026, 9, 1, 8, 30),
                "actor": "office",
                "action": "import",
                "table_name": "guardian",
            }
        ],
    )
    zoe = Guardian.get(Guardian.source_key == "g1")
    assert (zoe.first_name, zoe.email, zoe.active, zoe.household) == ("Zoë", "", True, None)
    assert (
        len(zoe.record_id) == 36
        and zoe.record_id != Guardian.get(Guardian.source_key == "g2").record_id
    )  # each row its own default
    assert AuditEvent.get(AuditEvent.actor == "office").at == datetime(2026, 9, 1, 8, 30)
