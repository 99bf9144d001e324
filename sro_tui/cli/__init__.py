"""The `sro-tui` command line: argparse entry point and its subcommands."""

from sro_tui.cli.main import (
    build_parser,
    main,
)

__all__ = [
    "build_parser",
    "main",
]
