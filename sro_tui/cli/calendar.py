"""`sro-tui calendar`: the school's closure days and Washington's legal holidays.

Business-day deadlines (restraint and isolation reports, RCW 28A.600.485) skip weekends and the
legal holidays of RCW 1.16.050 always; the closure days listed here give the school-day date shown
beside the legal one.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date

from sro_tui.cli.common import CommandFailed, open_db


def _day(text: str) -> date:
    from sro_tui.records import parse_date

    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def cmd_closures_list(args: argparse.Namespace) -> int:
    from sro_tui.interventions import school_closures

    db = open_db(args, create=False)
    try:
        closures = school_closures()
    finally:
        db.close()
    if not closures:
        print("No closure days listed (legal holidays are always skipped).")
    for closure in closures:
        print(f"{closure.day.isoformat()}  {closure.day:%a}  {closure.label}")
    return 0


def _change(args: argparse.Namespace, change: Callable[[], list]) -> list:
    from sro_tui.records import ValidationError

    db = open_db(args, create=False)
    try:
        return change()
    except ValidationError as exc:
        raise CommandFailed(str(exc)) from exc
    finally:
        db.close()


def cmd_closures_add(args: argparse.Namespace) -> int:
    from sro_tui.interventions import add_closures

    added = _change(args, lambda: add_closures(args.date, args.through, args.label))
    print(f"{len(added)} closure day(s) recorded: {args.label}")
    return 0


def cmd_closures_remove(args: argparse.Namespace) -> int:
    from sro_tui.interventions import remove_closures

    removed = _change(args, lambda: remove_closures(args.date, args.through))
    print(f"{len(removed)} closure day(s) removed")
    return 0


def cmd_holidays(args: argparse.Namespace) -> int:
    from sro_tui.policy import washington_legal_holidays

    for day, name in sorted(washington_legal_holidays(args.year).items()):
        print(f"{day.isoformat()}  {day:%a}  {name}")
    return 0


def register(sub: argparse._SubParsersAction, db_option: Callable) -> None:
    """Add `sro-tui calendar closures add/list/remove` and `sro-tui calendar holidays`."""
    text = "the school calendar: closure days and Washington's legal holidays"
    calendar = sub.add_parser("calendar", help=text, description=text)
    groups = calendar.add_subparsers(title="calendar commands", metavar="COMMAND", required=True)
    text = "the school's own closure days (breaks, snow days)"
    closures = groups.add_parser("closures", help=text, description=text)
    actions = closures.add_subparsers(title="closure commands", metavar="COMMAND", required=True)

    p = actions.add_parser("list", help="list the closure days", description="List them.")
    db_option(p)
    p.set_defaults(handler=cmd_closures_list)

    p = actions.add_parser(
        "add",
        help="record a closure day, or a range of days",
        description="Record the school closed on DATE (through --through, inclusive).",
    )
    db_option(p)
    p.add_argument("date", type=_day, metavar="DATE", help="YYYY-MM-DD or MM/DD/YYYY")
    p.add_argument("--through", type=_day, metavar="DATE", help="the last closed day")
    p.add_argument("--label", required=True, help="what it is, e.g. 'Winter break'")
    p.set_defaults(handler=cmd_closures_add)

    p = actions.add_parser(
        "remove",
        help="forget a closure day, or a range of days",
        description="Forget the closure days from DATE (through --through, inclusive).",
    )
    db_option(p)
    p.add_argument("date", type=_day, metavar="DATE")
    p.add_argument("--through", type=_day, metavar="DATE")
    p.set_defaults(handler=cmd_closures_remove)

    p = groups.add_parser(
        "holidays",
        help="Washington's legal holidays of a year (RCW 1.16.050)",
        description="List Washington's legal holidays, observed dates included.",
    )
    p.add_argument("year", type=int, help="the calendar year, e.g. 2026")
    p.set_defaults(handler=cmd_holidays)
