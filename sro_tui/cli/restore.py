"""`sro-tui restore BACKUP`: put a backup back in place of the database, safely.

The one way to restore: copying a backup over the database by hand while an old `-wal` file lies
beside it corrupts the restored file (SQLite replays the stale log onto it).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from sro_tui.cli.common import EXIT_OK, CommandFailed
from sro_tui.paths import default_db_path


def cmd_restore(args: argparse.Namespace) -> int:
    from sro_tui.safekeeping import BackupError, restore_backup

    db_path = getattr(args, "db", None) or default_db_path()
    try:
        result = restore_backup(args.backup, db_path)
    except BackupError as exc:
        raise CommandFailed(str(exc)) from exc
    for line in result.lines():
        print(line)
    return EXIT_OK


def register(sub: argparse._SubParsersAction, db_option: Callable) -> None:
    restore = sub.add_parser(
        "restore",
        help="put a backup back in place of the database (checked; the old one kept)",
        description="Check the backup (integrity and schema), keep the current database as a "
        "dated copy, remove stale -wal/-shm files and put the backup in place. Refused while "
        "sro-tui has the database open.",
    )
    db_option(restore)
    restore.add_argument("backup", type=Path, help="a backup file written by `sro-tui backup`")
    restore.set_defaults(handler=cmd_restore)
