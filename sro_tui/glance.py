"""The school database read with the standard library's sqlite3, before the app opens it.

The first screen is drawn before the app opens the database with peewee and the models (a third of
start-up when nothing is compiled). `school_and_year` reads the header's two names read-only, by
the rules of `records.get_school()` and `records.current_year()` (the same queries peewee sends);
the app reads them again through those once the database is open. When this read cannot be sure of
the answer it returns None, and the app opens the database first, as before.

The dashboard's counts are read the same way (`reports.status`), on any DB-API connection to the
school's SQLite database (peewee's own, or one `read_only` opened): `current_school_and_year`,
`setting`, and `as_date`/`as_datetime`, which turn stored text into what peewee's fields give.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

from sro_tui.db import SCHEMA_VERSION


class SchoolAndYear(NamedTuple):
    """The current school's name and the current school year's name (None: there is none)."""

    school: str | None
    year: str | None


class SchoolRow(NamedTuple):
    """The current school, as much of it as the counts need (a `School` answers the same)."""

    id: int
    code: str
    name: str


class YearRow(NamedTuple):
    """The current school year, as much of it as the counts need (a `SchoolYear` answers the
    same)."""

    id: int
    name: str
    start_date: date


NOTHING_YET = SchoolAndYear(None, None)
GLANCE_WAIT = 0.2  # seconds a busy file is waited for here


class NotSure(Exception):
    """The file cannot be read here with certainty (`read_only`): open it the usual way."""


@contextmanager
def read_only(path: Path | str) -> Iterator[sqlite3.Connection]:
    """A read-only connection to the sro-tui database at `path`, at this program's schema.
    NotSure when it is not one (opening it will upgrade it, or say why it cannot), when it cannot
    be read now, or when it does not exist (opening creates it)."""
    file = Path(path).expanduser().absolute()
    if str(path) == ":memory:" or not file.exists():
        raise NotSure(f"no database file at {file}")
    try:
        # Not the open's ten-second wait for a busy file: the open waits, and says why, itself.
        connection = sqlite3.connect(f"{file.as_uri()}?mode=ro", uri=True, timeout=GLANCE_WAIT)
    except sqlite3.Error as exc:
        raise NotSure(str(exc)) from exc
    with closing(connection):
        try:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.Error as exc:  # not a database, busy…
            raise NotSure(str(exc)) from exc
        if version != SCHEMA_VERSION:
            raise NotSure(f"schema {version}, not {SCHEMA_VERSION}")
        yield connection


def setting(connection: Any, key: str) -> str:
    """`records.get_setting(key)`: the setting's value, "" when it is not set."""
    row = connection.execute(
        'SELECT "value" FROM "setting" WHERE "key" = ? LIMIT 1', (key,)
    ).fetchone()
    return str(row[0]) if row and row[0] is not None else ""


def current_school_and_year(connection: Any) -> tuple[SchoolRow | None, YearRow | None]:
    """What `records.get_school()` and `records.current_year()` give: the school chosen in the
    settings, else the first; the school year marked current."""
    columns = 'SELECT "id", "code", "name" FROM "school"'
    school = None
    chosen = setting(connection, "school_id")
    if chosen:
        school = connection.execute(f'{columns} WHERE "id" = ? LIMIT 1', (int(chosen),)).fetchone()
    if school is None:
        school = connection.execute(f'{columns} ORDER BY "id" LIMIT 1').fetchone()
    year = connection.execute(
        'SELECT "id", "name", "start_date" FROM "school_year" WHERE "is_current" = ? LIMIT 1',
        (True,),
    ).fetchone()
    # As peewee's fields give them: text as str, a date as a date.
    return (
        None if school is None else SchoolRow(school[0], str(school[1]), str(school[2])),
        None if year is None else YearRow(year[0], str(year[1]), as_date(year[2])),
    )


def as_date(value: Any) -> Any:
    """A stored date as peewee's DateField gives it (a date; None stays None)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def as_datetime(value: Any) -> Any:
    """A stored time as peewee's DateTimeField gives it (a datetime; a bare date is midnight)."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def school_and_year(path: Path | str) -> SchoolAndYear | None:
    """The names `get_school()` and `current_year()` would give for the database at `path`, read
    without changing anything; None when that cannot be known here: the file is not an sro-tui
    database at this program's schema (opening it will upgrade it, or say why it cannot), or it
    cannot be read now. A missing file is a new, empty database: no school, no year."""
    if str(path) == ":memory:":
        return NOTHING_YET
    file = Path(path).expanduser().absolute()
    if not file.exists():
        # Opening creates it (and no school or year is in it then); a missing folder is created
        # too, or refused, by the open first, as before.
        return NOTHING_YET if file.parent.is_dir() else None
    try:
        with read_only(file) as connection:
            school, year = current_school_and_year(connection)
    except (NotSure, sqlite3.Error, ValueError):  # another schema, busy, an unreadable setting…
        return None
    return SchoolAndYear(
        None if school is None else school.name, None if year is None else year.name
    )
