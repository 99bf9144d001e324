"""Shared fixtures: every test gets its own database file in a temporary folder."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sro_tui.db import open_database
from sro_tui.records import ensure_current_year, ensure_school

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "school.sqlite3"


@pytest.fixture
def db(db_path: Path):
    """An empty, migrated database bound to the models."""
    database = open_database(db_path)
    yield database
    database.close()


@pytest.fixture
def school(db):
    """A school with a current school year (2026-27), ready for records."""
    school = ensure_school("PTHS", "Port Townsend High School", district="Port Townsend SD")
    ensure_current_year(date(2026, 11, 28))
    return school
