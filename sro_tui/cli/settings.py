"""`sro-tui settings`: the school's settings kept in the database (for now, the export folder)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from sro_tui.cli.common import EXIT_OK, CommandFailed, open_db
from sro_tui.paths import default_export_dir


def cmd_export_folder(args: argparse.Namespace) -> int:
    """Show the export folder, or keep a new one (every screen and command without --out)."""
    from sro_tui.records import (
        EXPORT_FOLDER_SETTING,
        ValidationError,
        export_folder,
        get_setting,
        set_export_folder,
    )

    db = open_db(args, create=False)
    try:
        if args.folder is None:
            chosen = get_setting(EXPORT_FOLDER_SETTING)
            where = export_folder(default_export_dir())
            print(f"{where}{'' if chosen else ' (the default)'}")
            return EXIT_OK
        try:
            saved = set_export_folder(args.folder)
        except ValidationError as exc:
            raise CommandFailed(exc.problems.get("export_folder", str(exc))) from exc
    finally:
        db.close()
    print(f"exports now go to {saved}")
    return EXIT_OK


def register(sub: argparse._SubParsersAction, db_option: Callable) -> None:
    """Add `sro-tui settings ...` to the parser."""
    settings = sub.add_parser(
        "settings",
        help="the school's settings (the export folder)",
        description="Show or change the settings kept in the database.",
    )
    commands = settings.add_subparsers(title="settings", metavar="SETTING", required=True)
    folder = commands.add_parser(
        "export-folder",
        help="where exports go when --out is not given (show, or give a folder to change it)",
        description=(
            "Show the folder every export goes to, or keep a new one. The app's screens and "
            f"the export commands use it; --out still wins. Default: {default_export_dir()}."
        ),
    )
    db_option(folder)
    folder.add_argument("folder", nargs="?", type=Path, help="the new export folder")
    folder.set_defaults(handler=cmd_export_folder)
