"""`python -m sro_tui.cli`: the same as the `sro-tui` command."""

import sys

from sro_tui.cli import main

sys.exit(main())
