"""The dashboard section of the app: the first screen, so importing it is start-up (the garbage
collector is held back until its first counts are drawn: see `ui.widgets.collector`)."""

from sro_tui.ui.widgets.collector import hold

hold()
