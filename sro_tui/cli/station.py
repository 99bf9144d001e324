"""`sro-tui station …`: check-in stations for an assembly with more than one door (issue 17).

`kit` writes a small database for one door's laptop (`sro-tui check-in --db KIT` runs there);
`merge` brings each kit's check-ins, undos and unknown IDs into the school's session, all or
nothing per kit; `list` shows the session's stations; `link` links unknown IDs that now match a
student. A refused kit is one line on stderr (exit 1) and changes nothing.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from sro_tui.cli.common import EXIT_BAD_DATA, EXIT_OK, CommandFailed, open_db


def _session(session_id: int | None):
    from sro_tui.presentation import get_session, todays_session

    return get_session(session_id) if session_id else todays_session()


def cmd_station_kit(args: argparse.Namespace) -> int:
    from sro_tui.presentation import StationKitError, make_station_kit
    from sro_tui.records import ValidationError

    db = open_db(args, create=False)
    try:
        session = _session(args.session)
        path = make_station_kit(args.to, args.name or "", session)
    except (StationKitError, ValidationError) as exc:
        raise CommandFailed(str(exc)) from exc
    finally:
        db.close()
    print(f"station kit for “{session.title}” (session {session.id}) written to {path}")
    print(f"at the door: sro-tui check-in --db {path}")
    print(f"afterwards, in the office: sro-tui station merge {path}")
    return EXIT_OK


def cmd_station_merge(args: argparse.Namespace) -> int:
    from sro_tui.presentation import StationKitError, merge_station_kit

    db = open_db(args, create=False)
    refused = 0
    linkable = {}
    try:
        for kit in args.kits:
            try:
                result = merge_station_kit(kit)
            except StationKitError as exc:
                print(f"sro-tui: {exc}", file=sys.stderr)
                refused += 1
                continue
            print(result.summary)
            linkable.update({item.scan.id: item for item in result.linkable})
    finally:
        db.close()
    if linkable:
        print(f"{len(linkable)} unknown ID(s) now match a student (the kit's roster was older):")
        for item in linkable.values():
            print(f"  {item.line}")
        print("link them with: sro-tui station link (or F10 on the check-in screen)")
    return EXIT_BAD_DATA if refused else EXIT_OK


def cmd_station_list(args: argparse.Namespace) -> int:
    from sro_tui.presentation import get_session, list_sessions, station_summary
    from sro_tui.records import ValidationError

    db = open_db(args, create=False)
    try:
        try:
            sessions = [get_session(args.session)] if args.session else list_sessions()
        except ValidationError as exc:
            raise CommandFailed(str(exc)) from exc
        for session in sessions:
            print(f"{session.id:>4}  {session.title} ({session.held_on.isoformat()})")
            for summary in station_summary(session):
                print(f"      {summary.line}")
    finally:
        db.close()
    return EXIT_OK


def cmd_station_link(args: argparse.Namespace) -> int:
    from sro_tui.presentation import get_session, link_matching_scans, linkable_scans
    from sro_tui.records import ValidationError

    db = open_db(args, create=False)
    try:
        try:
            session = get_session(args.session) if args.session else None
        except ValidationError as exc:
            raise CommandFailed(str(exc)) from exc
        if args.dry_run:
            found = linkable_scans(session)
            for item in found:
                print(f"would link {item.line}")
            print(f"dry run, nothing written: {len(found)} unknown ID(s) now match a student")
            return EXIT_OK
        done = link_matching_scans(session)
        for item, outcome in done:
            verb = "checked in" if outcome.status == "recorded" else "already counted"
            print(f"linked {item.line}: {verb}")
        print(f"{len(done)} unknown ID(s) linked")
    finally:
        db.close()
    return EXIT_OK


def register(sub: argparse._SubParsersAction, db_option: Callable) -> None:
    """Add `sro-tui station kit | merge | list | link` to the parser."""
    station = sub.add_parser(
        "station",
        help="check-in stations: a kit for each door's laptop, merged back afterwards",
        description="Check-in stations for an assembly with more than one door.",
    )
    commands = station.add_subparsers(title="station commands", metavar="COMMAND", required=True)

    p = commands.add_parser(
        "kit",
        help="write a station kit (students' IDs, names, grades, homerooms; nothing else)",
        description="Write a station kit for one door: a small database for "
        "`sro-tui check-in --db KIT`, holding the session and the active students' IDs, names, "
        "grades and homerooms only (0600).",
    )
    db_option(p)
    p.add_argument("--to", type=Path, required=True, metavar="DIR", help="the folder (a USB stick)")
    p.add_argument("--name", metavar="NAME", help='the station, e.g. "North door"')
    p.add_argument(
        "--session",
        type=int,
        metavar="ID",
        help="the session (default: today's, created as 'Assembly <date>' when there is none)",
    )
    p.set_defaults(handler=cmd_station_kit)

    p = commands.add_parser(
        "merge",
        help="merge station kits into the school's session (all or nothing per kit)",
        description="Merge each kit's check-ins, undos and unknown IDs into the school's "
        "session. The same kit twice changes nothing; a kit of another school, year or session "
        "is refused.",
    )
    db_option(p)
    p.add_argument("kits", type=Path, nargs="+", metavar="KIT")
    p.set_defaults(handler=cmd_station_merge)

    p = commands.add_parser(
        "list",
        help="the stations of each session: students recorded, kits merged",
        description="List each session's stations with the students they recorded.",
    )
    db_option(p)
    p.add_argument("--session", type=int, metavar="ID", help="one session (default: all this year)")
    p.set_defaults(handler=cmd_station_list)

    p = commands.add_parser(
        "link",
        help="link unknown IDs kept at a station that now match a student",
        description="Link every open unmatched scan whose ID now matches a student (a kit's "
        "roster was older than the school's); each is checked in at the time of its scan.",
    )
    db_option(p)
    p.add_argument("--session", type=int, metavar="ID", help="one session (default: this year)")
    p.add_argument("--dry-run", action="store_true", help="list them; link nothing")
    p.set_defaults(handler=cmd_station_link)
