"""`sro-tui` commands that write files for the district office: exports and the annual report.

Each is a thin wrapper over one core function; failures (a folder that cannot be written, no
school yet, an unknown year) are one line on stderr and exit 1, and leave no partial file.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from sro_tui.cli.common import CommandFailed, open_db
from sro_tui.cli.reports import register_report_commands
from sro_tui.paths import default_export_dir


def _year(name: str | None):
    """The school year named on the command line, else the current one."""
    from sro_tui.records import current_year
    from sro_tui.reports import find_school_year

    return find_school_year(name) if name else current_year()


Written = Path | tuple[Path, ...]
OUT_HELP = (
    "the folder to write into (created 0700 when missing; default: the export folder, "
    "see `sro-tui settings export-folder`)"
)


def _write(args: argparse.Namespace, what: str, write: Callable[[], Written]) -> int:
    from sro_tui.exchange import ExchangeError
    from sro_tui.notices import LetterError
    from sro_tui.records import ValidationError, export_folder

    db = open_db(args, create=False)
    try:
        # --out wins; else the school's export folder (the setting), else the documents folder's.
        args.out = args.out or export_folder(default_export_dir())
        written = write()
    except (ExchangeError, LetterError, ValidationError, OSError) as exc:
        raise CommandFailed(str(exc)) from exc
    finally:
        db.close()
    for path in written if isinstance(written, tuple) else (written,):
        print(f"{what} written to {path}")
    return 0


def cmd_notices_export(args: argparse.Namespace) -> int:
    from sro_tui.notices import export_family_notice_list

    return _write(
        args,
        "family notice list",
        lambda: export_family_notice_list(args.out, pending_only=args.pending),
    )


def cmd_notices_letters(args: argparse.Namespace) -> int:
    from sro_tui.notices import write_letters

    def write() -> tuple[Path, ...]:
        files = write_letters(args.out, fmt="html" if args.html else "txt")
        return tuple(f.path for f in files)

    return _write(args, "letters", write)


def cmd_not_presented(args: argparse.Namespace) -> int:
    from sro_tui.presentation import export_not_presented_csv

    return _write(
        args,
        "students not yet presented",
        lambda: export_not_presented_csv(_year(args.year), args.out),
    )


def cmd_interventions_export(args: argparse.Namespace) -> int:
    from sro_tui.interventions import export_requests

    label = "de-identified intervention requests" if args.deidentified else "intervention requests"
    return _write(
        args,
        label,
        lambda: tuple(
            export_requests(args.out, deidentified=args.deidentified, school_year=_year(args.year))
        ),
    )


def cmd_agreements_export(args: argparse.Namespace) -> int:
    from sro_tui.agreements import export_agreements_csv

    return _write(args, "agreements", lambda: export_agreements_csv(args.out, _year(args.year)))


def cmd_complaints_export(args: argparse.Namespace) -> int:
    from sro_tui.agreements import export_complaints_csv

    return _write(args, "complaints", lambda: export_complaints_csv(args.out, _year(args.year)))


def cmd_report_annual(args: argparse.Namespace) -> int:
    from sro_tui.reports import annual_report_incidents, annual_report_notes, write_annual_report

    return _write(
        args,
        "annual report",
        lambda: write_annual_report(
            args.out,
            args.year,
            incidents=annual_report_incidents,
            incident_notes=annual_report_notes,
        ),
    )


def register(sub: argparse._SubParsersAction, db_option: Callable) -> None:
    """Add the export and report commands to the `sro-tui` parser."""

    def out_and_year(parser: argparse.ArgumentParser, *, year_help: str = "") -> None:
        db_option(parser)
        parser.add_argument(
            "--out",
            type=Path,
            metavar="DIR",
            help=OUT_HELP,
        )
        parser.add_argument(
            "--year",
            metavar="YYYY-YY",
            help=year_help or "the school year, e.g. 2026-27 (default: current)",
        )

    def group(name: str, help_text: str) -> argparse._SubParsersAction:
        parser = sub.add_parser(name, help=help_text, description=help_text)
        return parser.add_subparsers(title=f"{name} commands", metavar="COMMAND", required=True)

    notices = group("notices", "family notices: the list for the district, the letters")
    p = notices.add_parser(
        "export",
        help="the family notice list, one row per household (CSV)",
        description="Write the family notice list for the district office.",
    )
    db_option(p)
    p.add_argument("--out", type=Path, metavar="DIR", help=OUT_HELP)
    p.add_argument(
        "--pending", action="store_true", help="only households not yet notified this year"
    )
    p.set_defaults(handler=cmd_notices_export)
    p = notices.add_parser(
        "letters",
        help="the family letters of households not yet notified",
        description="Write the family information letter for every household "
        "not yet notified, one file per language, ready to print.",
    )
    db_option(p)
    p.add_argument("--out", type=Path, metavar="DIR", help=OUT_HELP)
    p.add_argument("--html", action="store_true", help="HTML instead of plain text")
    p.set_defaults(handler=cmd_notices_letters)

    presentation = group("presentation", "the start-of-year presentation to students")
    p = presentation.add_parser(
        "not-presented",
        help="students not yet presented to, for make-up sessions (CSV)",
        description="Write the students not yet presented to (CSV).",
    )
    out_and_year(p)
    p.set_defaults(handler=cmd_not_presented)

    interventions = group("interventions", "requests for staff intervention")
    p = interventions.add_parser(
        "export",
        help="the year's requests for the district (CSV)",
        description="Write the year's intervention requests (CSV).",
    )
    out_and_year(p)
    p.add_argument(
        "--deidentified",
        action="store_true",
        help="de-identified (34 CFR 99.3): no names, SIS ids or exact times, no free text, "
        "random keys per export, small counts suppressed (docs/intervention-exports.md)",
    )
    p.set_defaults(handler=cmd_interventions_export)

    agreements = group("agreements", "the annual agreements with agencies and companies")
    p = agreements.add_parser(
        "export",
        help="the year's agreements and their review (CSV)",
        description="Write the year's agreements (CSV).",
    )
    out_and_year(p)
    p.set_defaults(handler=cmd_agreements_export)

    complaints = group("complaints", "family complaints about safety and security staff")
    p = complaints.add_parser(
        "export",
        help="the year's complaints, without names (CSV)",
        description="Write the year's complaints, de-identified (CSV).",
    )
    out_and_year(p)
    p.set_defaults(handler=cmd_complaints_export)

    report = group("report", "reports")
    p = report.add_parser(
        "annual",
        help="what RCW 28A.320.1241 asks districts to collect",
        description="Write the annual report: plain text to read, CSV for the district.",
    )
    out_and_year(p, year_help="the school year, e.g. 2026-27")
    p.set_defaults(handler=cmd_report_annual)
    register_report_commands(report, db_option)  # restraint, crdc (issue 15)
