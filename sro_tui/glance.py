"""The header's school and current year, read before the app opens the database.

The first screen is drawn before the app opens the database with peewee and the models (a third of
start-up when nothing is compiled). `school_and_year` reads the two names with the standard
library's sqlite3, read-only, by the rules of `records.get_school()` and `records.current_year()`
(the same queries peewee sends); the app reads them again through those once the database is open.
When this read cannot be sure of the answer it returns None, and the app opens the database first,
as before.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sro_tui.db import SCHEMA_VERSION


@dataclass(frozen=True)
class SchoolAndYear:
    """The current school's name and the current school year's name (None: there is none)."""

    school: str | None
    year: str | None


NOTHING_YET = SchoolAndYear(None, None)
GLANCE_WAIT = 0.2  # seconds a busy file is waited for here


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
        # Not the open's ten-second wait for a busy file: the open waits, and says why, itself.
        connection = sqlite3.connect(f"{file.as_uri()}?mode=ro", uri=True, timeout=GLANCE_WAIT)
    except sqlite3.Error:
        return None
    try:
        with closing(connection):
            return _read(connection)
    except (sqlite3.Error, ValueError):  # not a database, busy, an unreadable setting…
        return None


def _read(connection: sqlite3.Connection) -> SchoolAndYear | None:
    if connection.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
        return None
    school = None
    # records.get_setting("school_id"), then get_school()'s rules.
    chosen = connection.execute(
        'SELECT "value" FROM "setting" WHERE "key" = ? LIMIT 1', ("school_id",)
    ).fetchone()
    if chosen and chosen[0]:
        school = connection.execute(
            'SELECT "name" FROM "school" WHERE "id" = ? LIMIT 1', (int(chosen[0]),)
        ).fetchone()
    if school is None:
        school = connection.execute('SELECT "name" FROM "school" ORDER BY "id" LIMIT 1').fetchone()
    year = connection.execute(
        'SELECT "name" FROM "school_year" WHERE "is_current" = ? LIMIT 1', (True,)
    ).fetchone()
    # As peewee's text fields give them: str.
    return SchoolAndYear(
        None if school is None else str(school[0]), None if year is None else str(year[0])
    )
