"""Open, create, migrate and back up the school's database.

The disk is the truth: every write is a transaction committed with `synchronous=FULL` in WAL mode,
so a record the screen has confirmed survives a killed process or a pulled power cord.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from peewee import DatabaseError as PeeweeDatabaseError
from peewee import SqliteDatabase

from .models import database_proxy
from .paths import ensure_private_dir

BUSY_TIMEOUT_SECONDS = 10

PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": 2,  # FULL: fsync on every commit
    "busy_timeout": BUSY_TIMEOUT_SECONDS * 1000,
    "cache_size": -16_000,  # 16 MB page cache
}


class DatabaseError(Exception):
    """The database cannot be opened or upgraded; the message says why in plain words."""


# --- migrations -------------------------------------------------------------------------------
# Each migration is frozen SQL (or code) that takes the schema from version N-1 to N. Never edit
# a released migration: add a new one. `tests/core/test_db.py` checks that the migrated schema
# matches the models, and that a database made by an older version upgrades without loss.

_V1_PEOPLE = """
CREATE TABLE "school" ("id" INTEGER NOT NULL PRIMARY KEY, "record_id" VARCHAR(36) NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "code" VARCHAR(255) NOT NULL, "name" VARCHAR(255) NOT NULL, "district" VARCHAR(255) NOT NULL, "source_id" VARCHAR(255) NOT NULL);
CREATE UNIQUE INDEX "school_record_id" ON "school" ("record_id");
CREATE UNIQUE INDEX "school_code" ON "school" ("code");
CREATE TABLE "school_year" ("id" INTEGER NOT NULL PRIMARY KEY, "record_id" VARCHAR(36) NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "name" VARCHAR(255) NOT NULL, "start_date" DATE NOT NULL, "end_date" DATE NOT NULL, "is_current" INTEGER NOT NULL);
CREATE UNIQUE INDEX "school_year_record_id" ON "school_year" ("record_id");
CREATE UNIQUE INDEX "school_year_name" ON "school_year" ("name");
CREATE TABLE "student" ("id" INTEGER NOT NULL PRIMARY KEY, "record_id" VARCHAR(36) NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "school_id" INTEGER NOT NULL, "sis_id" VARCHAR(255) NOT NULL, "source_id" VARCHAR(255) NOT NULL, "first_name" VARCHAR(255) NOT NULL, "middle_name" VARCHAR(255) NOT NULL, "last_name" VARCHAR(255) NOT NULL, "preferred_name" VARCHAR(255) NOT NULL, "grade" VARCHAR(255) NOT NULL, "homeroom" VARCHAR(255) NOT NULL, "active" INTEGER NOT NULL, "race_ethnicity" VARCHAR(255) NOT NULL, "sex" VARCHAR(255) NOT NULL, "iep" INTEGER, "section_504" INTEGER, "english_learner" INTEGER, "home_language" VARCHAR(255) NOT NULL, FOREIGN KEY ("school_id") REFERENCES "school" ("id") ON DELETE RESTRICT);
CREATE UNIQUE INDEX "student_record_id" ON "student" ("record_id");
CREATE INDEX "student_school_id" ON "student" ("school_id");
CREATE UNIQUE INDEX "student_school_id_sis_id" ON "student" ("school_id", "sis_id");
CREATE TABLE "guardian" ("id" INTEGER NOT NULL PRIMARY KEY, "record_id" VARCHAR(36) NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "school_id" INTEGER NOT NULL, "source_key" VARCHAR(255) NOT NULL, "first_name" VARCHAR(255) NOT NULL, "last_name" VARCHAR(255) NOT NULL, "email" VARCHAR(255) NOT NULL, "phone" VARCHAR(255) NOT NULL, "street" VARCHAR(255) NOT NULL, "city" VARCHAR(255) NOT NULL, "state" VARCHAR(255) NOT NULL, "postal_code" VARCHAR(255) NOT NULL, "preferred_language" VARCHAR(255) NOT NULL, "active" INTEGER NOT NULL, FOREIGN KEY ("school_id") REFERENCES "school" ("id") ON DELETE RESTRICT);
CREATE UNIQUE INDEX "guardian_record_id" ON "guardian" ("record_id");
CREATE INDEX "guardian_school_id" ON "guardian" ("school_id");
CREATE UNIQUE INDEX "guardian_school_id_source_key" ON "guardian" ("school_id", "source_key");
CREATE TABLE "student_guardian" ("id" INTEGER NOT NULL PRIMARY KEY, "record_id" VARCHAR(36) NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "student_id" INTEGER NOT NULL, "guardian_id" INTEGER NOT NULL, "relationship" VARCHAR(255) NOT NULL, "receives_notices" INTEGER NOT NULL, FOREIGN KEY ("student_id") REFERENCES "student" ("id") ON DELETE CASCADE, FOREIGN KEY ("guardian_id") REFERENCES "guardian" ("id") ON DELETE CASCADE);
CREATE UNIQUE INDEX "student_guardian_record_id" ON "student_guardian" ("record_id");
CREATE INDEX "student_guardian_student_id" ON "student_guardian" ("student_id");
CREATE INDEX "student_guardian_guardian_id" ON "student_guardian" ("guardian_id");
CREATE UNIQUE INDEX "student_guardian_student_id_guardian_id" ON "student_guardian" ("student_id", "guardian_id");
CREATE TABLE "safety_staff" ("id" INTEGER NOT NULL PRIMARY KEY, "record_id" VARCHAR(36) NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "school_id" INTEGER NOT NULL, "first_name" VARCHAR(255) NOT NULL, "last_name" VARCHAR(255) NOT NULL, "kind" VARCHAR(255) NOT NULL, "commissioned" INTEGER NOT NULL, "employer_type" VARCHAR(255) NOT NULL, "employer_name" VARCHAR(255) NOT NULL, "days_per_week" REAL NOT NULL, "training_status" VARCHAR(255) NOT NULL, "training_completed_on" DATE, "training_reference" VARCHAR(255) NOT NULL, "training_plan" TEXT NOT NULL, "training_due_on" DATE, "email" VARCHAR(255) NOT NULL, "phone" VARCHAR(255) NOT NULL, "active" INTEGER NOT NULL, FOREIGN KEY ("school_id") REFERENCES "school" ("id") ON DELETE RESTRICT);
CREATE UNIQUE INDEX "safety_staff_record_id" ON "safety_staff" ("record_id");
CREATE INDEX "safety_staff_school_id" ON "safety_staff" ("school_id");
CREATE TABLE "audit_event" ("id" INTEGER NOT NULL PRIMARY KEY, "at" DATETIME NOT NULL, "actor" VARCHAR(255) NOT NULL, "action" VARCHAR(255) NOT NULL, "table_name" VARCHAR(255) NOT NULL, "record_id" VARCHAR(255) NOT NULL, "before" TEXT NOT NULL, "after" TEXT NOT NULL, "reason" TEXT NOT NULL);
CREATE TABLE "setting" ("key" VARCHAR(255) NOT NULL PRIMARY KEY, "value" TEXT NOT NULL);
"""

# Version 2: families get one notice per household, and search-as-you-type needs a normalised key.
_V2_HOUSEHOLDS_AND_SEARCH = """
CREATE TABLE "household" ("id" INTEGER NOT NULL PRIMARY KEY, "record_id" VARCHAR(36) NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "school_id" INTEGER NOT NULL, "key" VARCHAR(255) NOT NULL, "label" VARCHAR(255) NOT NULL, "address" TEXT NOT NULL, "active" INTEGER NOT NULL, FOREIGN KEY ("school_id") REFERENCES "school" ("id") ON DELETE RESTRICT);
CREATE UNIQUE INDEX "household_record_id" ON "household" ("record_id");
CREATE INDEX "household_school_id" ON "household" ("school_id");
CREATE UNIQUE INDEX "household_school_id_key" ON "household" ("school_id", "key");
ALTER TABLE "guardian" ADD COLUMN "household_id" INTEGER REFERENCES "household" ("id") ON DELETE SET NULL;
CREATE INDEX "guardian_household_id" ON "guardian" ("household_id");
ALTER TABLE "student" ADD COLUMN "search_key" TEXT NOT NULL DEFAULT '';
"""


def _run_script(sql: str) -> Callable[[SqliteDatabase], None]:
    def apply(db: SqliteDatabase) -> None:
        for statement in (s.strip() for s in sql.split(";\n")):
            if statement:
                db.execute_sql(statement.rstrip(";"))

    return apply


def _fill_search_keys(db: SqliteDatabase) -> None:
    from .search import student_search_key

    rows = db.execute_sql(
        'SELECT id, sis_id, first_name, middle_name, last_name, preferred_name FROM "student"'
    ).fetchall()
    for row_id, sis_id, first, middle, last, preferred in rows:
        key = student_search_key(sis_id, first, middle, last, preferred)
        db.execute_sql('UPDATE "student" SET search_key = ? WHERE id = ?', (key, row_id))


def _v2(db: SqliteDatabase) -> None:
    _run_script(_V2_HOUSEHOLDS_AND_SEARCH)(db)
    _fill_search_keys(db)


MIGRATIONS: list[Callable[[SqliteDatabase], None]] = [
    _run_script(_V1_PEOPLE),  # 1
    _v2,  # 2
]
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(db: SqliteDatabase) -> int:
    return db.execute_sql("PRAGMA user_version").fetchone()[0]


def migrate(db: SqliteDatabase) -> list[int]:
    """Bring the schema up to SCHEMA_VERSION, one committed step at a time. Returns steps applied."""
    current = schema_version(db)
    if current > SCHEMA_VERSION:
        raise DatabaseError(
            f"this database was written by a newer sro-tui (schema {current}, this program knows "
            f"up to {SCHEMA_VERSION}); update sro-tui before opening it"
        )
    applied = []
    for version in range(current + 1, SCHEMA_VERSION + 1):
        with db.atomic():
            MIGRATIONS[version - 1](db)
            db.execute_sql(f"PRAGMA user_version = {version}")
        applied.append(version)
    return applied


# --- opening ----------------------------------------------------------------------------------


def _make_private(path: Path) -> None:
    """The database and its WAL/SHM companions are readable by their owner only."""
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if candidate.exists():
            os.chmod(candidate, 0o600)


def open_database(path: Path | str, *, create: bool = True) -> SqliteDatabase:
    """Open (creating and migrating when needed) the database at `path`, bound to the models.

    The folder is created 0700 and the file 0600. Raises DatabaseError with a plain reason when the
    file is not an sro-tui database or cannot be opened.
    """
    path = Path(path).expanduser()
    if str(path) != ":memory:":
        if not path.exists():
            if not create:
                raise DatabaseError(f"no database at {path}")
            ensure_private_dir(path.parent)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            os.close(fd)
    db = SqliteDatabase(str(path), pragmas=PRAGMAS, lock_type="IMMEDIATE", timeout=BUSY_TIMEOUT_SECONDS)
    try:
        db.connect(reuse_if_open=True)
        migrate(db)
    except (sqlite3.DatabaseError, PeeweeDatabaseError) as exc:  # "file is not a database"
        db.close()
        raise DatabaseError(f"cannot open {path}: {exc}") from exc
    except DatabaseError:
        db.close()
        raise
    if str(path) != ":memory:":
        _make_private(path)
    database_proxy.initialize(db)
    return db


def backup_database(db: SqliteDatabase, destination: Path | str) -> Path:
    """Copy the live database to `destination` with SQLite's online backup (safe while in use).

    Written to a temporary name and renamed, readable only by its owner.
    """
    destination = Path(destination).expanduser()
    if destination.is_dir():
        from datetime import datetime

        destination = destination / f"sro-tui-backup-{datetime.now():%Y%m%d-%H%M%S}.sqlite3"
    tmp = destination.with_name(f".{destination.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    try:
        target = sqlite3.connect(tmp)
        try:
            db.connection().backup(target)
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
        os.chmod(tmp, 0o600)
        os.replace(tmp, destination)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return destination
