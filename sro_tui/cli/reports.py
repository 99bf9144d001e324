"""`sro-tui report restraint|crdc`: the reports the state and the federal government ask of the
district (issue 15), from a school's own database (to check its numbers before it sends) or, with
`--district`, from the district's merged database.

    sro-tui report restraint --year 2026-27 --out DIR              # this school
    sro-tui report crdc --district --out DIR                        # every school, newest year
    sro-tui report restraint --district postgresql://… --out DIR

Each writes the district's copy (real counts, "NOT-FOR-PUBLICATION" in the file name) and the
published copy (counts under 10 shown as <10, with their complements) as one set, all or nothing.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sro_tui.cli.common import CommandFailed, open_db
from sro_tui.paths import default_export_dir

OUT_HELP = (
    "the folder to write into (created 0700 when missing; default: the export folder, "
    "see `sro-tui settings export-folder`)"
)


def _from_school(args: argparse.Namespace, today: date):
    from sro_tui.records import ValidationError, current_year, export_folder, get_school
    from sro_tui.reports import find_school_year, school_state_records, write_state_report

    db = open_db(args, create=False)
    try:
        year = find_school_year(args.year) if args.year else current_year()
        out = args.out or export_folder(default_export_dir())
        schools = [school_state_records(get_school(), year)]
        return write_state_report(args.report, schools, year.name, out, today)
    except ValidationError as exc:
        raise CommandFailed(str(exc)) from exc
    finally:
        db.close()


def _from_district(args: argparse.Namespace, today: date):
    from sro_tui.district import (
        DistrictDatabaseError,
        district_school_years,
        newest_school_year,
        open_district_database,
        write_district_state_report,
    )

    try:
        db = open_district_database(args.district or None)
    except DistrictDatabaseError as exc:
        raise CommandFailed(str(exc)) from exc
    try:
        years = district_school_years()
        year = args.year or newest_school_year()
        if year is None:
            raise CommandFailed("no school has sent a bundle to this district database yet")
        if year not in years:
            held = ", ".join(years) or "none"
            raise CommandFailed(f"no school has sent records of {year} (years held: {held})")
        out = args.out or default_export_dir()
        return write_district_state_report(args.report, year, out, today)
    finally:
        db.close()


def cmd_state_report(args: argparse.Namespace) -> int:
    from sro_tui.exchange import ExchangeError

    today = date.today()
    try:
        if args.district is not None:
            written = _from_district(args, today)
        else:
            written = _from_school(args, today)
    except (ExchangeError, OSError) as exc:
        raise CommandFailed(str(exc)) from exc
    for path in written.paths:
        print(f"written: {path}")
    for warning in written.warnings:
        print(f"warning: {warning}")
    return 0


def register_report_commands(report: argparse._SubParsersAction, db_option: Callable) -> None:
    """Add `restraint` and `crdc` to the `sro-tui report` group (made in cli/exports.py)."""
    texts = {
        "restraint": (
            "the restraint and isolation summary to OSPI (RCW 28A.600.485) and the "
            "Students Restrained or Isolated rows",
            "Write per school and for the district: incidents, students involved, injuries to "
            "students and staff, types used; and the student-level rows of the state's file.",
        ),
        "crdc": (
            "CRDC referrals to law enforcement and arrests, with restraint and seclusion",
            "Write the Civil Rights Data Collection tallies per school: students by race/"
            "ethnicity × sex, IDEA, Section 504 only and English learners.",
        ),
    }
    for name, (help_text, description) in texts.items():
        p = report.add_parser(name, help=help_text, description=description)
        db_option(p)
        p.add_argument("--out", type=Path, metavar="DIR", help=OUT_HELP)
        p.add_argument(
            "--year",
            metavar="YYYY-YY",
            help="the school year, e.g. 2026-27 (default: the current one; with --district, "
            "the newest any school has sent)",
        )
        p.add_argument(
            "--district",
            nargs="?",
            const="",
            default=None,
            metavar="DISTRICT",
            help="from the district's database (a SQLite file or a postgresql:// URL; alone: "
            "$SRO_TUI_DISTRICT_DB, else the user data folder) instead of this school's",
        )
        p.set_defaults(handler=cmd_state_report, report=name)
