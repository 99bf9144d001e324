"""The header's first read (sqlite3, read-only) gives exactly what get_school() and current_year()
give once the database is open, or None (the app then opens the database first)."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from sro_tui.db import SCHEMA_VERSION, open_database
from sro_tui.glance import NOTHING_YET, SchoolAndYear, school_and_year
from sro_tui.models import School, SchoolYear
from sro_tui.records import (
    current_year,
    ensure_current_year,
    ensure_school,
    get_school,
    set_setting,
)


def _truth() -> SchoolAndYear:
    school, year = get_school(), current_year()
    return SchoolAndYear(school.name if school else None, year.name if year else None)


def _agree(path: Path) -> SchoolAndYear:
    """The glance (taken first, as the app does) equals the open database's answer."""
    glanced = school_and_year(path)
    db = open_database(path)
    try:
        assert glanced == _truth()
    finally:
        db.close()
    return glanced


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_demo_school(db_path: Path) -> None:
    from sro_tui.demo import create_demo_school

    db = open_database(db_path)
    create_demo_school(today=date(2026, 10, 1))
    db.close()
    glanced = _agree(db_path)
    assert glanced.school and glanced.year == "2026-27"


def test_glance_writes_nothing(db_path: Path) -> None:
    db = open_database(db_path)
    ensure_school("PTHS", "Puget Trail High School")
    ensure_current_year(date(2026, 10, 1))
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    before = _digest(db_path)
    assert school_and_year(db_path) == SchoolAndYear("Puget Trail High School", "2026-27")
    assert _digest(db_path) == before


def test_empty_and_missing_database(db_path: Path, tmp_path: Path) -> None:
    db_path.parent.mkdir()
    assert school_and_year(db_path) == NOTHING_YET  # not there yet: the open creates it empty
    assert not db_path.exists()  # and the glance did not
    open_database(db_path).close()
    assert _agree(db_path) == NOTHING_YET
    # A folder that is not there: the open creates it (or says why not) before the first frame.
    assert school_and_year(tmp_path / "no such folder" / "school.sqlite3") is None
    assert school_and_year(":memory:") == NOTHING_YET


def test_several_years_and_schools(db_path: Path) -> None:
    db = open_database(db_path)
    SchoolYear.create(
        name="2024-25", start_date=date(2024, 7, 1), end_date=date(2025, 6, 30), is_current=False
    )
    SchoolYear.create(
        name="2025-26", start_date=date(2025, 7, 1), end_date=date(2026, 6, 30), is_current=False
    )
    ensure_current_year(date(2026, 10, 1))
    SchoolYear.create(
        name="2027-28", start_date=date(2027, 7, 1), end_date=date(2028, 6, 30), is_current=False
    )
    School.create(code="A", name="Alder Elementary", district="", source_id="")
    second = School.create(code="B", name="Birch Middle", district="", source_id="")
    db.close()
    assert _agree(db_path) == SchoolAndYear("Alder Elementary", "2026-27")  # the first school

    db = open_database(db_path)
    set_setting("school_id", str(second.id))  # the chosen school
    db.close()
    assert _agree(db_path) == SchoolAndYear("Birch Middle", "2026-27")

    db = open_database(db_path)
    set_setting("school_id", "999")  # chosen, then removed: the first one again
    SchoolYear.update(is_current=False).execute()  # and no current year
    db.close()
    assert _agree(db_path) == SchoolAndYear("Alder Elementary", None)

    db = open_database(db_path)
    set_setting("school_id", "")
    School.update(name="").where(School.code == "A").execute()  # a school with no name yet
    db.close()
    assert _agree(db_path) == SchoolAndYear("", None)


def test_unreadable_setting_is_left_to_the_open(db_path: Path) -> None:
    db = open_database(db_path)
    ensure_school("PTHS", "Puget Trail High School")
    set_setting("school_id", "not a number")
    db.close()
    assert school_and_year(db_path) is None  # get_school() raises here: the open decides


def test_other_schemas_and_other_files_are_left_to_the_open(db_path: Path) -> None:
    db = open_database(db_path)
    ensure_school("PTHS", "Puget Trail High School")
    db.execute_sql(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")  # a newer sro-tui's
    db.close()
    assert school_and_year(db_path) is None
    db = sqlite3.connect(db_path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")  # an older one's: to be migrated
    db.close()
    assert school_and_year(db_path) is None

    not_a_database = db_path.with_name("notes.sqlite3")
    not_a_database.write_text("these are not records\n" * 100)
    assert school_and_year(not_a_database) is None
    empty_file = db_path.with_name("empty.sqlite3")
    empty_file.touch()  # SQLite reads it as a database with no tables, schema 0
    assert school_and_year(empty_file) is None


def test_a_write_in_progress_is_not_seen(db_path: Path) -> None:
    """Another program writing (WAL): the glance reads what is committed, as the open would."""
    db = open_database(db_path)
    ensure_school("PTHS", "Puget Trail High School")
    ensure_current_year(date(2026, 10, 1))
    db.close()
    writer = sqlite3.connect(db_path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE school SET name = 'Half-written'")
        assert school_and_year(db_path) == SchoolAndYear("Puget Trail High School", "2026-27")
    finally:
        writer.execute("ROLLBACK")
        writer.close()


@pytest.mark.parametrize("name", ["a school's file #1?.sqlite3", "école 100%.sqlite3"])
def test_paths_with_odd_characters(tmp_path: Path, name: str) -> None:
    path = tmp_path / "dossier ?#" / name
    db = open_database(path)
    ensure_school("PTHS", "Puget Trail High School")
    db.close()
    assert _agree(path) == SchoolAndYear("Puget Trail High School", None)
