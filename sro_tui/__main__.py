import sys

from sro_tui.cli import main

sys.exit(main())
