"""The `sro-tui` command: opens the app, and exposes every core action for scripts and the district.

Exit codes: 0 success; 1 bad data or a refused action (one-line reason on stderr); 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sro_tui import __version__
from sro_tui.cli import calendar, district, exports, restore, settings, station
from sro_tui.cli import school as school_commands
from sro_tui.cli.common import (
    EXIT_BAD_DATA,
    EXIT_OK,
    CommandFailed,
    db_option,
    open_db,
)
from sro_tui.cli.terminal import quiet_terminal
from sro_tui.paths import default_db_path, default_export_dir

# --- commands ---------------------------------------------------------------------------------


def cmd_open_app(args: argparse.Namespace) -> int:
    with quiet_terminal():  # keys typed while it starts: kept, not echoed, ctrl+q too
        return _open_app(args)


def _open_app(args: argparse.Namespace) -> int:
    if args.demo:
        return _open_demo()
    db_path = args.db or default_db_path()
    # The database is opened by the app, just after its first frame (ui/app.py): a bad or newer
    # database ends it, and its reason is the usual one-line error (`_app_exit_code`).
    app = school_app(db_path, getattr(args, "start_section", "dashboard"))
    app.run()
    return _app_exit_code(app)


def school_app(db_path: Path, start_section: str = "dashboard"):
    """The app on the school's database, as `sro-tui` opens it (not run yet). On the dashboard,
    its counts start being read from the file, in another process, before Textual is imported
    (`reports.early`): that process has the other core while this one imports the app and builds
    the first screen, and the counts are then in its first frame."""
    early = None
    if start_section == "dashboard":
        from sro_tui.reports.early import read_status_early
        from sro_tui.ui.widgets.collector import hold

        early = read_status_early(db_path, default_export_dir())
        hold()  # before the app's own imports (see the collector module)
    from sro_tui.ui.app import SroApp

    return SroApp(
        db_path,
        start_section=start_section,
        export_folder=default_export_dir(),
        early_status=early,
    )


def _open_demo() -> int:
    from sro_tui.ui.app import SroApp

    workdir = Path(tempfile.mkdtemp(prefix="sro-tui-demo-"))
    try:
        demo_db = workdir / "demo.sqlite3"
        _write_demo(demo_db)
        app = SroApp(
            demo_db,
            title_note="DEMO — a throwaway school; nothing is kept",
            # Apart from the school's own files, so no demo file is sent to the district.
            export_folder=default_export_dir() / "demo",
        )
        app.run()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return _app_exit_code(app)


def _app_exit_code(app) -> int:
    """Non-zero after any crash of the app (Textual sets 1 on an unhandled error). A database
    the app could not open is raised again here: `main` prints its reason, exit code 1."""
    if app.database_error is not None:
        raise app.database_error
    return app.return_code or EXIT_OK


def _write_demo(db_path: Path) -> None:
    from sro_tui.db import open_database
    from sro_tui.demo import create_demo_school
    from sro_tui.models import Student

    db = open_database(db_path)
    try:
        if Student.select().exists():
            raise CommandFailed(f"{db_path} already holds a school's records; give a new file")
        create_demo_school()
    finally:
        db.close()


def cmd_check_in(args: argparse.Namespace) -> int:
    with quiet_terminal():
        return _open_check_in(args)


def _open_check_in(args: argparse.Namespace) -> int:
    from sro_tui.ui.app import SroApp

    open_db(args).close()  # a bad or newer database is a one-line error, not a traceback
    app = SroApp(
        args.db or default_db_path(),
        start_section="checkin",
        checkin_session_id=args.session,
        export_folder=default_export_dir(),
    )
    app.run()
    return _app_exit_code(app)


def cmd_demo(args: argparse.Namespace) -> int:
    db_path = args.db or default_db_path()
    _write_demo(db_path)
    print(f"demo school written to {db_path}")
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    from sro_tui.reports import full_status

    db = open_db(args, create=False)
    try:
        status = full_status(default_export_dir())
    finally:
        db.close()
    if args.json:
        print(json.dumps(status, indent=2, ensure_ascii=False, default=str))
    else:
        _print_status(status)
    return EXIT_OK


def _n(count: int, noun: str) -> str:
    """'1 student', '3 students'."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _print_status(status: dict, indent: int = 0) -> None:
    """The status as indented lines a person can read: nested counts under their heading."""
    for key, value in status.items():
        label = " " * indent + str(key).replace("_", " ")
        if isinstance(value, dict):
            if not value:
                print(f"{label}: none")
                continue
            print(f"{label}:")
            _print_status(value, indent + 2)
        elif isinstance(value, list):
            print(f"{label}: {', '.join(map(str, value)) or 'none'}")
        else:
            print(f"{label}: {value}")


def cmd_roster_import(args: argparse.Namespace) -> int:
    from sro_tui.roster import bulk_work

    # The collector paused from the preparation to the end of the writing (roster.bulk_work).
    with bulk_work():
        return _roster_import(args)


def _roster_import(args: argparse.Namespace) -> int:
    from sro_tui.db import open_database
    from sro_tui.roster import RosterImportError, SchoolIdentity, apply_import, prepare_import

    if not args.path.exists():
        raise CommandFailed(f"{args.path}: no such file or folder")
    if args.contacts is not None and not args.contacts.is_file():
        raise CommandFailed(f"{args.contacts}: no such file")
    db_path = args.db or default_db_path()
    identity = SchoolIdentity(
        name=args.school_name,
        code=args.school_code,
        building_code=args.building_code,
        district_code=args.district_code,
    )
    # A dry run writes nothing, not even a new empty database: with no database yet it compares
    # the file against an empty one in memory. A refused import leaves no new database behind.
    new_file = not db_path.exists()
    db = open_database(":memory:" if args.dry_run and new_file else db_path)
    done = False
    try:
        try:
            plan = prepare_import(
                args.path,
                school=args.school,
                contacts=args.contacts,
                identity=identity,
                dry_run=args.dry_run,
            )
        except RosterImportError as exc:
            for problem in getattr(exc, "problems", [])[1:]:
                print(f"  {problem}", file=sys.stderr)
            raise CommandFailed(str(exc)) from exc
        _print_columns(plan)
        for warning in plan.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        if plan.encoding_note:
            print(f"note: {plan.encoding_note}", file=sys.stderr)
        if plan.skipped_inactive:
            print(
                f"note: {_n(plan.skipped_inactive, 'student')} the file lists as no longer "
                "enrolled, never on record here, left out",
                file=sys.stderr,
            )
        for change in plan.guardian_link_changes[: args.show]:
            print(f"guardian: {change}", file=sys.stderr)
        if len(plan.guardian_link_changes) > args.show:
            more = len(plan.guardian_link_changes) - args.show
            print(f"guardian: … and {more} more link changes", file=sys.stderr)
        if plan.guardians_replaced:
            print(f"warning: {_guardians_replaced(plan, args.dry_run)}", file=sys.stderr)
        if plan.many_deactivations:
            print(
                f"warning: {plan.missing} of the {plan.active_before} students enrolled here are "
                "not in this file and would be marked inactive (more than a tenth): is it the "
                "whole roster?",
                file=sys.stderr,
            )
        refusal = _refusal(plan, args)
        if refusal and not args.dry_run:
            raise CommandFailed(refusal)
        if not args.dry_run:
            result = apply_import(plan)
            print(
                f"{plan.school_name}: {_n(result.added, 'student')} added, {result.updated} "
                f"updated, {result.deactivated} marked inactive, {result.unchanged} unchanged; "
                f"{_n(result.guardians, 'guardian')} in {_n(result.households, 'household')} "
                f"({result.guardians_added} new, {result.guardians_deactivated} no longer listed)"
            )
        else:
            adding = len(plan.to_add)
            named = plan.school_name and not (refusal and plan.creates_school)
            shown = plan.school_name if named else "the school (not named yet)"
            families = (
                f"{_n(plan.guardians, 'guardian')} in {_n(plan.households, 'household')}"
                if plan.households is not None
                else f"{_n(plan.guardians, 'guardian')} on record kept as they are"
            )
            print(
                f"dry run, nothing written — {shown}"
                f": {_n(adding, 'student')} "
                f"would be added, {len(plan.to_update)} updated, {len(plan.to_deactivate)} "
                f"marked inactive, {plan.unchanged} unchanged; {families} "
                f"({plan.guardians_added} new, {plan.guardians_deactivated} no longer listed)"
            )
            if refusal:
                print(f"note: without --dry-run this import would be refused: {refusal}")
            for title, rows in (
                ("add", plan.to_add),
                ("update", plan.to_update),
                ("mark inactive", plan.to_deactivate),
            ):
                for row in rows[: args.show]:
                    print(f"  {title}: {row}")
                if len(rows) > args.show:
                    print(f"  … and {len(rows) - args.show} more to {title}")
        done = True
    finally:
        db.close()
        if new_file and not done and not args.dry_run:
            _remove_database(db_path)
    return EXIT_OK


def _refusal(plan: Any, args: argparse.Namespace) -> str:
    """Why the real import refuses this plan ('' when it goes ahead); a dry run says it."""
    if plan.creates_school and not plan.school_code:
        return (
            "this file does not say which school: give the school's name and short code "
            '(--school-name "Port Townsend High School" --school-code PTHS)'
        )
    if plan.creates_school:
        number = plan.format == "sis-csv" and not (args.school_code or args.school)
        if number or (not args.school_name and plan.school_name == plan.school_code):
            return _first_import_needs_identity(plan)
    if plan.mass_deactivation and not args.confirm_deactivations:
        return (
            f"{args.path.name} leaves out {plan.missing} of the {plan.active_before} "
            "students enrolled here: importing it would mark them all inactive. If it is "
            "the whole roster, run again with --confirm-deactivations; nothing was written"
        )
    return ""


def _first_import_needs_identity(plan: Any) -> str:
    """The refusal of a first import without the school's name: an example code that is a
    short code, never the SIS's number for the school (PowerSchool SchoolID 310)."""
    code = plan.school_code
    sis_number = plan.format == "sis-csv"
    example = "PTHS" if sis_number or " " in code else code
    number = (
        f"; {code} is the SIS's number for the school: it is kept to recognise later files"
        if sis_number and code
        else ""
    )
    return (
        "this is the first import: give the school's name and its own short code "
        f'(--school-name "Port Townsend High School" --school-code {example}){number}; '
        "nothing was written"
    )


def _guardians_replaced(plan: Any, dry_run: bool) -> str:
    """The warning for a file in which most guardians on record are not found as they were,
    in the tense of what happens: a dry run would, an import does."""
    will = "would be" if dry_run else "are"
    added = plan.guardians_added
    new = f"; {added} new guardian records {will} added" if added else ""
    return (
        f"{plan.guardians_deactivated} guardians on record are not in this file as they were "
        f"(another export layout, changed e-mails, or a contacts file left out?): they {will} "
        f"marked no longer listed and unlinked from the students in this file{new}; a household "
        "without an address can lose its notice status"
    )


def _remove_database(db_path: Path) -> None:
    """Remove a database file this command created for an import that was refused."""
    for leftover in (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
        leftover.unlink(missing_ok=True)


def _print_columns(plan: object) -> None:
    """Which columns the import read, for what, and which it ignored: nothing dropped silently."""
    used = getattr(plan, "columns_used", [])
    if used:
        print("columns read:", file=sys.stderr)
        width = max(len(h) for h, _p in used)
        for header, purpose in used:
            print(f"  {header:<{width}}  → {purpose}", file=sys.stderr)
    ignored = getattr(plan, "columns_ignored", [])
    if ignored:
        print(f"columns ignored: {', '.join(ignored)}", file=sys.stderr)


def cmd_roster_schools(args: argparse.Namespace) -> int:
    from sro_tui.roster import RosterImportError, schools_in_roster

    try:
        schools = schools_in_roster(args.path)
    except RosterImportError as exc:
        raise CommandFailed(str(exc)) from exc
    for school in schools:
        print(f"{school.identifier or '-':<12} {school.sourced_id:<24} {school.name}")
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    from sro_tui.safekeeping import backup_database

    db = open_db(args, create=False)
    try:
        written = backup_database(db, args.destination, force=args.force)
    finally:
        db.close()
    print(f"backup written to {written}")
    return EXIT_OK


# --- parser -----------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sro-tui",
        description="Records for the School Safety and Security Services Program (Policy 4311). "
        "With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"sro-tui {__version__}")
    db_option(parser, top_level=True)
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the app on a fresh demo school in a throwaway database",
    )
    parser.set_defaults(handler=cmd_open_app)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    demo = sub.add_parser(
        "demo",
        help="write the demo school to a database",
        description="Write the demo school to a new database file.",
    )
    db_option(demo)
    demo.set_defaults(handler=cmd_demo)

    status = sub.add_parser(
        "status",
        help="the school year and what the school has on record",
        description="Print the current school year and counts.",
    )
    db_option(status)
    status.add_argument("--json", action="store_true", help="print JSON for scripts")
    status.set_defaults(handler=cmd_status)

    roster = sub.add_parser(
        "roster", help="import the student roster", description="Import students and guardians."
    )
    roster_sub = roster.add_subparsers(title="roster commands", metavar="COMMAND", required=True)
    imp = roster_sub.add_parser(
        "import",
        help="import an SIS CSV export or a OneRoster bundle (folder or zip)",
        description="Import a roster, all or nothing: any invalid row means nothing is written.",
    )
    db_option(imp)
    imp.add_argument("path", type=Path, help="a CSV file, a OneRoster folder, or a OneRoster zip")
    imp.add_argument(
        "--school",
        help="which school of a district-wide file (identifier, "
        "sourcedId or name; `roster schools PATH` lists them)",
    )
    imp.add_argument(
        "--school-name",
        metavar="NAME",
        help='the school\'s name, on the first import (e.g. "Port Townsend High School")',
    )
    imp.add_argument(
        "--school-code",
        metavar="CODE",
        help="the school's own short code, on the first import (e.g. PTHS); exports carry it",
    )
    imp.add_argument(
        "--building-code",
        metavar="DIGITS",
        help="the OSPI building code (4-5 digits), on the first import; optional",
    )
    imp.add_argument(
        "--district-code",
        metavar="DIGITS",
        help="the OSPI county-district code (five digits), on the first import; optional",
    )
    imp.add_argument(
        "--contacts",
        type=Path,
        metavar="CONTACTS.csv",
        help="a PowerSchool contacts export (one row per contact, with the student number): "
        "its parents and guardians are joined to the students file",
    )
    imp.add_argument(
        "--dry-run",
        action="store_true",
        help="report what would be added, updated and marked inactive; write nothing",
    )
    imp.add_argument(
        "--show",
        type=int,
        default=20,
        metavar="N",
        help="list up to N students of each kind with --dry-run, and N guardian link changes "
        "(default 20)",
    )
    imp.add_argument(
        "--confirm-deactivations",
        action="store_true",
        help="the file is the whole roster: go ahead even though it leaves out more than half "
        "of the students enrolled here (they are marked inactive, never deleted)",
    )
    imp.set_defaults(handler=cmd_roster_import)
    schools = roster_sub.add_parser(
        "schools",
        help="list the schools in a roster file",
        description="List the schools a roster file holds.",
    )
    schools.add_argument("path", type=Path)
    schools.set_defaults(handler=cmd_roster_schools)

    check_in = sub.add_parser(
        "check-in",
        help="open straight onto the assembly check-in screen",
        description="Open the assembly check-in screen on today's session (created as "
        "'Assembly <date>' when there is none), or on the session given.",
    )
    db_option(check_in)
    check_in.add_argument(
        "--session",
        type=int,
        metavar="ID",
        help="record into this session (ids are listed on the screen, F12)",
    )
    check_in.set_defaults(handler=cmd_check_in)

    backup = sub.add_parser(
        "backup",
        help="copy the database safely, even while the app is open",
        description="Write a consistent copy of the database (0600).",
    )
    db_option(backup)
    backup.add_argument(
        "destination",
        help="a file name, or a folder (existing, or ending in /) for a dated file",
    )
    backup.add_argument(
        "--force", action="store_true", help="replace the file named if it already exists"
    )
    backup.set_defaults(handler=cmd_backup)

    for register in _extra_commands():
        register(sub, db_option)
    return parser


def _extra_commands() -> list[Callable[[argparse._SubParsersAction, Callable], None]]:
    return [
        exports.register,
        district.register,
        restore.register,
        settings.register,
        station.register,
        school_commands.register,
        calendar.register,
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from sro_tui.db import DatabaseError, storage_problem

    try:
        return args.handler(args)
    except (CommandFailed, DatabaseError) as exc:
        print(f"sro-tui: {exc}", file=sys.stderr)
        return EXIT_BAD_DATA
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a full disk or a read-only folder deep inside a command
        problem = storage_problem(exc)
        if problem is None:
            raise
        print(
            f"sro-tui: stopped: {problem}; nothing was written, nothing confirmed was lost",
            file=sys.stderr,
        )
        return EXIT_BAD_DATA


if __name__ == "__main__":
    sys.exit(main())
