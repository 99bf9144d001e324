"""The district office's app: `sro-tui district` opens it on the district database.

Its own App, apart from the school's sections: one screen of every building, a school's detail on
Enter. Reads go through `sro_tui.district` in thread workers.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from sro_tui.district import DEFAULT_STALE_DAYS, describe_target, open_district_database
from sro_tui.paths import default_export_dir, district_sends_dir
from sro_tui.ui.district.screen import DistrictScreen


class DistrictApp(App):
    """Every building's Policy 4311 records, as the district office receives them."""

    CSS_PATH = ["../app.tcss", "district.tcss"]
    TITLE = "sro-tui · district office"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "app.quit", "Quit", id="district.quit", priority=True),
    ]

    def __init__(
        self,
        target: str,
        *,
        stale_days: int = DEFAULT_STALE_DAYS,
        bundle_folder: Path | None = None,
    ):
        super().__init__()
        # What the merge dialog proposes: where a send on this computer writes its bundles.
        self.bundle_folder = bundle_folder or district_sends_dir(default_export_dir())
        self.target = target
        self.target_label = describe_target(target)
        self.stale_days = stale_days
        self.database = open_district_database(target)

    def on_mount(self) -> None:
        self.sub_title = self.target_label
        self.push_screen(DistrictScreen())

    def on_unmount(self) -> None:
        self.workers.cancel_all()
        self.database.close()
