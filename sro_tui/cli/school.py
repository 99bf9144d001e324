"""`sro-tui school show|set|laptop|merge`: the school's name and codes (audited), this laptop's
name, and another laptop's bundle of the same school taken into this database (issue 18).

Changing the code changes the one School row: every record keeps its record_id, and exports
from then on carry the new code.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from sro_tui.cli.common import EXIT_OK, CommandFailed, open_db


def _show(school: object) -> None:
    for label, attr in (
        ("name", "name"),
        ("code", "code"),
        ("OSPI building code", "ospi_building_code"),
        ("county-district code", "county_district_code"),
    ):
        print(f"{label}: {getattr(school, attr) or '(not set)'}")


def cmd_school_show(args: argparse.Namespace) -> int:
    from sro_tui.records import get_school

    db = open_db(args, create=False)
    try:
        school = get_school()
        if school is None:
            raise CommandFailed("no school yet: import a roster first (sro-tui roster import)")
        _show(school)
    finally:
        db.close()
    return 0


def cmd_school_set(args: argparse.Namespace) -> int:
    from sro_tui.records import get_school
    from sro_tui.roster import SchoolIdentity, SchoolIdentityError, set_school_identity

    identity = SchoolIdentity(
        name=args.name,
        code=args.code,
        building_code=args.building_code,
        district_code=args.district_code,
    )
    if not identity.given():
        raise CommandFailed(
            "nothing to change: give --name, --code, --building-code or --district-code"
        )
    db = open_db(args, create=False)
    try:
        school = get_school()
        if school is None:
            raise CommandFailed("no school yet: import a roster first (sro-tui roster import)")
        try:
            set_school_identity(school, identity, reason=args.reason or "")
        except SchoolIdentityError as exc:
            raise CommandFailed(f"{exc}; nothing was changed") from exc
        _show(school)
    finally:
        db.close()
    return 0


def cmd_school_laptop(args: argparse.Namespace) -> int:
    from sro_tui.district.laptop import laptop_name, set_laptop_name
    from sro_tui.records import ValidationError

    db = open_db(args, create=False)
    try:
        if args.name is not None:
            try:
                set_laptop_name(args.name)
            except ValidationError as exc:
                raise CommandFailed(f"{exc}; nothing was changed") from exc
        print(f"this laptop sends as: {laptop_name()}")
    finally:
        db.close()
    return EXIT_OK


def cmd_school_merge(args: argparse.Namespace) -> int:
    from sro_tui.district.school_merge import merge_laptop_bundle
    from sro_tui.exchange import ExchangeError

    db = open_db(args, create=False)
    try:
        result = merge_laptop_bundle(args.bundle)
    except ExchangeError as exc:
        raise CommandFailed(str(exc)) from exc
    finally:
        db.close()
    for line in result.summary():
        print(line)
    return EXIT_OK


def register(sub: argparse._SubParsersAction, db_option: Callable) -> None:
    """Add `school show|set|laptop|merge` to the command line."""
    school = sub.add_parser(
        "school",
        help="the school's name and codes",
        description="Show or change the school's name, short code, OSPI building code and "
        "county-district code (every change is audited).",
    )
    school_sub = school.add_subparsers(title="school commands", metavar="COMMAND", required=True)
    show = school_sub.add_parser("show", help="print the school's name and codes")
    db_option(show)
    show.set_defaults(handler=cmd_school_show)
    change = school_sub.add_parser(
        "set",
        help="change the school's name or codes",
        description="Change the school's name or codes. Records keep their IDs; exports carry "
        "the new code from now on.",
    )
    db_option(change)
    change.add_argument("--name", help="the school's name")
    change.add_argument("--code", help="the school's own short code (e.g. PTHS)")
    change.add_argument("--building-code", metavar="DIGITS", help="OSPI building code")
    change.add_argument(
        "--district-code", metavar="DIGITS", help="OSPI county-district code (five digits)"
    )
    change.add_argument("--reason", help="why (kept in the audit trail)")
    change.set_defaults(handler=cmd_school_set)
    laptop = school_sub.add_parser(
        "laptop",
        help="show or set this laptop's name (sent with every bundle)",
        description="A school may keep its records on several laptops; each bundle names the "
        "laptop that sent it (default: the computer's name).",
    )
    db_option(laptop)
    laptop.add_argument(
        "--name", metavar="NAME", help='e.g. "Front office" ("" for the computer\'s name)'
    )
    laptop.set_defaults(handler=cmd_school_laptop)
    merge = school_sub.add_parser(
        "merge",
        help="take another laptop's bundle of this school into this database",
        description="Merge the bundle another laptop of this school sent (sro-tui district "
        "send): its check-ins and family notices, matched by SIS id and household. All or "
        "nothing; another school's bundle is refused; the same bundle twice changes nothing.",
    )
    db_option(merge)
    merge.add_argument("bundle", type=Path, metavar="OTHER_BUNDLE", help="bundle folder or .zip")
    merge.set_defaults(handler=cmd_school_merge)
