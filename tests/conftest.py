"""Shared fixtures: every test gets its own database file in a temporary folder.

Also how the suite is run fast on two cores (README "Development"): slow tests first, Textual's
Pilot polling for an idle app every 5 ms instead of 20, and each stylesheet parsed once per worker.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import textual._wait
from textual.css.stylesheet import Stylesheet

from sro_tui.db import open_database
from sro_tui.records import ensure_current_year, ensure_school
from tests.templates import empty_database

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"

# Pilot's press() and pause() wait for the app to go idle: sleep a slice, and stop when the
# process used under 1/20 of it. Textual's slice is 20 ms, twice per key: most of a keyboard
# test's time was spent asleep while a core stood idle. 5 ms keeps the same rule (idle is under
# 1/20 of the slice; busy threads still count, so a test waits for them just as long).
textual._wait.SLEEP_GRANULARITY = 0.005
textual._wait.SLEEP_IDLE = textual._wait.SLEEP_GRANULARITY / 20

# Every App parses its stylesheets (app.tcss, each section's, every widget's DEFAULT_CSS) anew: a
# tenth of a Pilot test's CPU. Textual already reuses parsed rules within one App (its cache key is
# below less the variables); here they are reused across the Apps of a worker, keyed by the theme's
# variables too, so an App with other colours parses its own.
_PARSED_RULES: dict[tuple, list] = {}
_parse_rules = Stylesheet._parse_rules


def _parse_rules_once(self, css, read_from, is_default_rules=False, tie_breaker=0, scope=""):
    given = (css, read_from, is_default_rules, tie_breaker, scope)
    key = (*given, tuple(sorted(self._variables.items())))
    if key not in _PARSED_RULES:
        _PARSED_RULES[key] = _parse_rules(self, *given)
    return _PARSED_RULES[key]


Stylesheet._parse_rules = _parse_rules_once

# Collection order is the order xdist hands tests out: the first quarter is dealt round-robin,
# the rest one by one as workers free up. Long tests first, short ones last, so no worker is
# left with a long test when the others have finished.
_RUN_ORDER = ("tests/ui/", "tests/e2e/", "tests/")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Marked `slow` first, then the screens (Pilot), the end-to-end runs, the core; each in
    the order collected (a stable sort, the same on every worker, as xdist requires)."""

    def rank(item: pytest.Item) -> tuple[int, int]:
        path = Path(str(item.path)).resolve().relative_to(REPO_ROOT).as_posix()
        where = next((n for n, prefix in enumerate(_RUN_ORDER) if path.startswith(prefix)), 3)
        return (0 if item.get_closest_marker("slow") else 1, where)

    items.sort(key=rank)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "school.sqlite3"


@pytest.fixture
def db(db_path: Path):
    """An empty, migrated database bound to the models (a copy of one built once per process)."""
    database = open_database(empty_database(db_path))
    yield database
    database.close()


@pytest.fixture
def school(db):
    """A school with a current school year (2026-27), ready for records."""
    school = ensure_school("PTHS", "Port Townsend High School", district="Port Townsend SD")
    ensure_current_year(date(2026, 11, 28))
    return school
