"""What every `sro-tui` command shares: exit codes, the one-line failure, the --db option."""

from __future__ import annotations

import argparse
from pathlib import Path

from sro_tui.paths import DB_ENV_VAR, default_db_path

EXIT_OK, EXIT_BAD_DATA, EXIT_USAGE = 0, 1, 2


class CommandFailed(Exception):
    """A command could not do what was asked; the message is printed as one line on stderr."""


def db_option(parser: argparse.ArgumentParser, *, top_level: bool = False) -> None:
    # On subcommands the default is SUPPRESS, so `sro-tui --db X status` keeps the top-level value.
    parser.add_argument(
        "--db",
        metavar="PATH",
        type=Path,
        default=None if top_level else argparse.SUPPRESS,
        help=f"the database file (default: ${DB_ENV_VAR}, else {default_db_path({})})",
    )


def open_db(args: argparse.Namespace, *, create: bool = True):
    from sro_tui.db import open_database

    return open_database(args.db or default_db_path(), create=create)
