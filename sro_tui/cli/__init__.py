"""The `sro-tui` command line: argparse entry point and its subcommands.

Not a lazy namespace like the duty packages: `sro_tui.cli.main` is both the module and the
entry point function (`sro-tui = "sro_tui.cli:main"`), and the command line loads it anyway.
"""

from sro_tui.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
