"""Opening the district database: a SQLite file (the default) or a `postgresql://` URL.

The schema is brought up to date with peewee's migration runner (`playhouse.migrations`, the
numbered scripts in `district/migrations/`), the same steps on both engines.
"""

from __future__ import annotations

import importlib.util
import os
from contextlib import AbstractContextManager
from pathlib import Path

from peewee import Database, PeeweeException, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import connect as connect_url
from playhouse.migrations import Runner

from sro_tui.district.models import district_proxy
from sro_tui.paths import default_data_dir, ensure_private_dir

DISTRICT_DB_ENV_VAR = "SRO_TUI_DISTRICT_DB"
DISTRICT_DB_FILENAME = "sro-tui-district.sqlite3"
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
HISTORY_TABLE = "district_schema_migration"
SQLITE_PRAGMAS = {"journal_mode": "wal", "foreign_keys": 1, "synchronous": "normal"}
BUSY_TIMEOUT_SECONDS = 30


class DistrictDatabaseError(Exception):
    """The district database cannot be opened; the message says which and why."""


def default_district_target(environ: dict[str, str] | None = None) -> str:
    """$SRO_TUI_DISTRICT_DB, else `sro-tui-district.sqlite3` in the user data folder."""
    env = os.environ if environ is None else environ
    chosen = env.get(DISTRICT_DB_ENV_VAR, "").strip()
    return chosen or str(default_data_dir() / DISTRICT_DB_FILENAME)


def is_server_url(target: str) -> bool:
    """True for `postgresql://…` / `postgres://…` targets."""
    return target.startswith(("postgresql://", "postgres://"))


def describe_target(target: str) -> str:
    """The target for messages, without any password in a URL."""
    if is_server_url(target) and "@" in target:
        scheme, rest = target.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        user = credentials.split(":", 1)[0]
        return f"{scheme}://{user}@{host}"
    return target


def open_district_database(target: str | Path | None = None) -> Database:
    """Open (creating and migrating when needed) the district database and bind the models.

    `target` is a file path or a `postgresql://user@host:port/dbname` URL (psycopg 3). A new
    SQLite file is created 0600 in a 0700 folder. Raises DistrictDatabaseError with the reason.
    """
    target = str(target) if target is not None else default_district_target()
    if is_server_url(target):
        if importlib.util.find_spec("psycopg") is None:
            raise DistrictDatabaseError(
                "a PostgreSQL district database needs the driver: install sro-tui with its "
                "postgres extra (uv tool install '.[postgres]' or pip install 'sro-tui[postgres]')"
            )
        try:
            db = connect_url(target, prefer_psycopg3=True)
        except (PeeweeException, ValueError, RuntimeError) as exc:
            raise DistrictDatabaseError(f"cannot use {describe_target(target)}: {exc}") from exc
    else:
        path = Path(target).expanduser()
        if not path.exists():
            ensure_private_dir(path.parent)
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        db = SqliteDatabase(
            str(path), pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE", timeout=BUSY_TIMEOUT_SECONDS
        )
    try:
        db.connect(reuse_if_open=True)
        Runner(db, str(MIGRATIONS_DIR), table_name=HISTORY_TABLE).up()
    except Exception as exc:  # a wrong file, a refused connection: one plain line
        db.close()
        reason = " ".join(str(exc).split())  # a driver's message can span lines: keep one
        raise DistrictDatabaseError(f"cannot open {describe_target(target)}: {reason}") from exc
    district_proxy.initialize(db)
    return db


def is_postgres(db: Database) -> bool:
    return isinstance(db, PostgresqlDatabase)


def write_transaction(db: Database) -> AbstractContextManager:
    """A transaction that writes: IMMEDIATE on SQLite (no late SQLITE_BUSY), plain on PostgreSQL."""
    return db.atomic()
