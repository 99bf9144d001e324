"""What the school has on record and still owes this year: one dictionary for `sro-tui status`
and the dashboard. Each feature adds its own counts here.

Every count is plain SQL on a DB-API connection, without peewee or the models (`status_of`): the
same code reads the models' open database (`full_status`) and, as the app starts, the file itself
read-only, before the app has opened it (`read_status`; `python -m sro_tui.reports.status PATH
[EXPORT_FOLDER [NOW]]` prints them as JSON, for the app as it starts: ui/opening.py), so the
dashboard's first frame can carry its counts.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sro_tui.agreements.counts import count_agreements
from sro_tui.glance import NotSure, current_school_and_year, read_only, setting
from sro_tui.interventions.counts import count_interventions
from sro_tui.notices.counts import count_notices
from sro_tui.presentation.counts import count_presentation
from sro_tui.terms import EXPORT_FOLDER_SETTING

# The people on record, every school's (as the dashboard has always counted them).
_PEOPLE_COUNTS = (
    'SELECT coalesce(SUM("active" = 1), 0), coalesce(SUM("active" = 0), 0),'
    ' (SELECT COUNT(*) FROM "guardian" WHERE "active" = 1),'
    ' (SELECT COUNT(*) FROM "household" WHERE "active" = 1) FROM "student"'
)
_STAFF_BY_KIND = 'SELECT "kind", COUNT("id") FROM "safety_staff" WHERE "active" = 1 GROUP BY "kind"'


def full_status(default_export_folder: Path | None = None) -> dict[str, Any]:
    """Counts for the current school and school year, JSON-ready, from the open database. With
    the caller's default export folder, also where exports go (`export_folder`: the school's
    setting, else that default)."""
    from sro_tui.db import connection

    return status_of(connection(), default_export_folder)


def read_status(
    path: Path | str, default_export_folder: Path | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """`full_status` of the database file at `path`, read without opening it the usual way
    (read-only, no migration, no peewee). `glance.NotSure` when this read cannot be sure (not an
    sro-tui database at this program's schema, busy, missing): the caller opens it and asks
    `full_status`."""
    with read_only(path) as connection:
        try:
            return status_of(connection, default_export_folder, now)
        except ValueError as exc:  # a stored value this read cannot take as peewee would
            raise NotSure(str(exc)) from exc


def status_of(
    db: Any, default_export_folder: Path | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """The counts, read on the DB-API connection `db` to a school's SQLite database, as of `now`
    (default: the clock's; "this month", what is overdue, how old a complaint is)."""
    now = now or datetime.now()
    # The school and year read once and passed down (each count would read them again).
    school, year = current_school_and_year(db)
    active, inactive, guardians, households = db.execute(_PEOPLE_COUNTS).fetchone()
    by_kind = dict(db.execute(_STAFF_BY_KIND).fetchall())
    status: dict[str, Any] = {
        "school_code": school.code if school else "",
        "school_name": school.name if school else "",
        "school_year": year.name if year else "",
        "active_students": active,
        "inactive_students": inactive,
        "guardians": guardians,
        "households": households,
        "safety_staff": sum(by_kind.values()),
        "staff_by_kind": by_kind,
    }
    if default_export_folder is not None:
        chosen = setting(db, EXPORT_FOLDER_SETTING).strip()
        status["export_folder"] = str(Path(chosen) if chosen else Path(default_export_folder))
    if school is None or year is None:
        return status
    status["presentation"] = count_presentation(db, year, school)
    status["family_notices"] = count_notices(db, school, year)
    status["interventions"] = count_interventions(db, year, now.date(), now)
    status["agreements"] = count_agreements(db, school, year, now.date())
    return status


def _main(argv: list[str]) -> int:
    """`python -m sro_tui.reports.status PATH [EXPORT_FOLDER [NOW]]`: `read_status` as JSON on
    stdout (NOW: the caller's clock, ISO 8601); exit status 3 when that read cannot be sure (open
    the file the usual way)."""
    import json
    import sys

    try:
        folder = Path(argv[1]) if len(argv) > 1 else None
        now = datetime.fromisoformat(argv[2]) if len(argv) > 2 else None
        status = read_status(argv[0], folder, now)
    except NotSure as exc:
        print(f"not sure: {exc}", file=sys.stderr)
        return 3
    sys.stdout.write(json.dumps(status))
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(_main(sys.argv[1:]))
