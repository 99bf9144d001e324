"""`sro-tui district …`: the school's send, and the district office's merge, status, files, demo.

`--db` on `send` is the school's database; on every other district command it is the district's
own database: a SQLite file (default: $SRO_TUI_DISTRICT_DB, else the user data folder) or a
`postgresql://user@host:port/dbname` URL.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Callable
from pathlib import Path

from sro_tui.cli.common import EXIT_BAD_DATA, EXIT_OK, CommandFailed, open_db
from sro_tui.paths import default_data_dir, default_export_dir, district_sends_dir


def _district_db(args: argparse.Namespace):
    from sro_tui.district import DistrictDatabaseError, open_district_database

    try:
        return open_district_database(getattr(args, "district_db", None))
    except DistrictDatabaseError as exc:
        raise CommandFailed(str(exc)) from exc


def cmd_open(args: argparse.Namespace) -> int:
    from sro_tui.district import default_district_target
    from sro_tui.ui.district import DistrictApp

    _district_db(args).close()  # a wrong file or an unreachable server: one line, not a traceback
    target = getattr(args, "district_db", None) or default_district_target()
    DistrictApp(target, stale_days=args.stale_days).run()
    return EXIT_OK


def cmd_send(args: argparse.Namespace) -> int:
    from sro_tui.district import send_to_district
    from sro_tui.exchange import ExchangeError
    from sro_tui.records import ValidationError, export_folder

    db = open_db(args, create=False)
    try:
        # --to wins; else where the app's "Send to the district" writes: the export folder's.
        to = args.to or district_sends_dir(export_folder(default_export_dir()))
        sent = send_to_district(to, xlsx=args.xlsx)
    except (ExchangeError, ValidationError, OSError) as exc:
        raise CommandFailed(str(exc)) from exc
    finally:
        db.close()
    print(f"bundle written to {sent.path}")
    for kind, rows in sent.rows.items():
        print(f"  {kind}: {rows} row(s)")
    if sent.workbook:
        print(f"workbook written to {sent.workbook}")
    return EXIT_OK


def cmd_merge(args: argparse.Namespace) -> int:
    from sro_tui.district import merge_bundles
    from sro_tui.exchange import find_bundles

    bundles = find_bundles(args.bundles)
    if not bundles:
        raise CommandFailed("no bundle found in " + ", ".join(map(str, args.bundles)))
    db = _district_db(args)
    try:
        merged, refused = merge_bundles(db, bundles, merged_by=args.by)
    finally:
        db.close()
    for result in merged:
        print(result.summary())
        if result.counts["inserted"] != result.changed:  # a later bundle: say what changed
            for line in result.changes_by_kind():
                print(f"  {line}")
    for problem in refused:
        print(f"refused, nothing changed: {problem}")
    return EXIT_BAD_DATA if refused else EXIT_OK


def _bar(pct: float | None, width: int = 10) -> str:
    if pct is None:
        return "-" * width + "    —"
    filled = round(pct / 100 * width)
    return "█" * filled + "░" * (width - filled) + f" {pct:3.0f}%"


def cmd_status(args: argparse.Namespace) -> int:
    from sro_tui.district import district_status

    db = _district_db(args)
    try:
        schools = district_status(args.stale_days)
    finally:
        db.close()
    if args.json:
        print(json.dumps([s.as_json() for s in schools], indent=2))
        return EXIT_OK
    if not schools:
        print("no school has sent a bundle yet")
        return EXIT_OK
    print(
        f"{'school':<8} {'sent':<17} {'students':>8}  {'presented':<15} {'notified':<15} "
        f"{'requests':>8} {'R/I':>4} {'open dl':>7} {'agr ok/miss':>11} {'complaints':>10}"
    )
    for s in schools:
        flag = "!" if s.stale else " "
        sent = f"{s.last_sent_at:%Y-%m-%d} ({s.age_days}d){flag}"
        print(
            f"{s.code:<8} {sent:<17} {s.students:>8}  {_bar(s.presented_pct):<15} "
            f"{_bar(s.notified_pct):<15} {s.intervention_requests:>8} "
            f"{s.restraint_isolation_incidents:>4} {s.open_deadlines:>7} "
            f"{s.agreements_adopted:>5}/{s.agreements_not_adopted:<5} {s.open_complaints:>10}"
        )
        if s.laptops:
            print(f"{'':<8} sent from {len(s.laptops)} laptop(s): {s.laptops_line()}")
    stale = [s.code for s in schools if s.stale]
    if stale:
        print(f"! not sent for more than {args.stale_days} days: {', '.join(stale)}")
    return EXIT_OK


def cmd_files(args: argparse.Namespace) -> int:
    from sro_tui.district import write_district_report, write_merged_csvs
    from sro_tui.exchange import ExchangeError

    db = _district_db(args)
    try:
        paths = write_merged_csvs(args.out)
        paths.extend(write_district_report(args.out))
    except (ExchangeError, OSError) as exc:
        raise CommandFailed(str(exc)) from exc
    finally:
        db.close()
    for path in paths:
        print(f"written: {path}")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from sro_tui.district import DEMO_BUILDINGS, write_demo_district
    from sro_tui.district.demo_laptops import write_demo_laptops
    from sro_tui.paths import ensure_private_dir

    out = args.out or default_data_dir() / "demo-bundles"
    if args.keep_schools:
        ensure_private_dir(args.keep_schools)
    buildings = DEMO_BUILDINGS[: args.schools]
    db = _district_db(args)
    try:
        done = []
        if args.laptops:  # the first building from two laptops, the others as usual
            with tempfile.TemporaryDirectory(prefix="sro-tui-demo-laptops-") as work:
                done += write_demo_laptops(db, out, args.keep_schools or Path(work))
            buildings = buildings[1:]
        done += write_demo_district(db, out, buildings, keep_schools=args.keep_schools)
    except OSError as exc:
        raise CommandFailed(str(exc)) from exc
    finally:
        db.close()
    for _sent, result in done:
        print(result.summary())
    target = getattr(args, "district_db", None)
    print("open it with: sro-tui district" + (f" --db {target}" if target else ""))
    return EXIT_OK


def register(sub: argparse._SubParsersAction, db_option: Callable) -> None:
    """Add `sro-tui district …` to the parser."""

    def district_db(parser: argparse.ArgumentParser, default: object = argparse.SUPPRESS) -> None:
        # SUPPRESS on the subcommands, so `sro-tui district --db X status` keeps X.
        parser.add_argument(
            "--db",
            dest="district_db",
            metavar="DISTRICT",
            default=default,
            help="the district database: a SQLite file or a postgresql:// URL "
            "(default: $SRO_TUI_DISTRICT_DB, else the user data folder)",
        )

    def stale(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--stale-days",
            type=int,
            default=14,
            metavar="N",
            help="schools that have not sent for more than N days stand out (default 14)",
        )

    text = "the district office: schools send bundles, the district merges them"
    district = sub.add_parser("district", help=text, description=text + ". Alone: the screen.")
    district_db(district, default=None)
    stale(district)
    district.set_defaults(handler=cmd_open)
    commands = district.add_subparsers(title="district commands", metavar="COMMAND")

    p = commands.add_parser(
        "send",
        help="(at a school) write this year's bundle for the district",
        description="Write one bundle with every export of the year and its manifest.",
    )
    db_option(p)
    p.add_argument(
        "--to",
        type=Path,
        metavar="DIR",
        help="where to write (default: the export folder's 'to the district')",
    )
    p.add_argument("--xlsx", action="store_true", help="also write an Excel workbook, IDs as text")
    p.set_defaults(handler=cmd_send)

    p = commands.add_parser(
        "merge",
        help="merge school bundles (folders or .zip) into the district database",
        description="Verify each bundle and merge it, all or nothing; the same bundle twice "
        "changes nothing.",
    )
    p.add_argument("bundles", nargs="+", metavar="BUNDLE_OR_FOLDER")
    district_db(p)
    p.add_argument("--by", metavar="NAME", help="who merges (default: the computer account)")
    p.set_defaults(handler=cmd_merge)

    p = commands.add_parser("status", help="one row per school", description="One row per school.")
    district_db(p)
    stale(p)
    p.add_argument("--json", action="store_true", help="machine-readable")
    p.set_defaults(handler=cmd_status)

    p = commands.add_parser(
        "files",
        help="the merged CSV of each kind and the annual report across buildings",
        description="Write the merged CSVs and the RCW 28A.320.1241 report of every building.",
    )
    district_db(p)
    p.add_argument("--out", type=Path, required=True, metavar="DIR")
    p.set_defaults(handler=cmd_files)

    p = commands.add_parser(
        "demo",
        help="demo schools (four by default) send bundles, merged into the district database",
        description="Make four demo schools' bundles and merge them.",
    )
    district_db(p)
    p.add_argument("--out", type=Path, metavar="DIR", help="where the bundles go")
    p.add_argument(
        "--schools", type=int, choices=range(1, 5), default=4, metavar="N",
        help="how many demo schools, 1 to 4 (default 4)",
    )  # fmt: skip
    p.add_argument(
        "--keep-schools", type=Path, metavar="DIR",
        help="keep each school's database there (<CODE>.sqlite3) to record more and send again",
    )  # fmt: skip
    p.add_argument(
        "--laptops", action="store_true",
        help="the first school keeps its records on two laptops, the front office and the "
        "principal (PTHS-office.sqlite3, PTHS-principal.sqlite3), each sending its own bundle",
    )  # fmt: skip
    p.set_defaults(handler=cmd_demo)
