"""The district office's app: `sro-tui district` opens it on the district database.

Its own App, apart from the school's sections: one screen of every building, a school's detail on
Enter. Reads go through `sro_tui.district` in thread workers.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from sro_tui.district import (
    DEFAULT_STALE_DAYS,
    describe_target,
    is_server_url,
    open_district_database,
)
from sro_tui.paths import default_data_dir, default_export_dir, district_sends_dir, log_path
from sro_tui.ui.district.screen import DistrictScreen
from sro_tui.ui.widgets.failures import ReportsFailures


class DistrictApp(ReportsFailures, App):
    """Every building's Policy 4311 records, as the district office receives them. A failed
    read or merge is told and logged (beside a SQLite district database, else in the user data
    folder)."""

    CSS_PATH = ["../app.tcss", "../shared.tcss", "district.tcss"]
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

    def failure_log(self) -> Path | None:
        if not is_server_url(self.target):
            return log_path(Path(self.target))
        folder = default_data_dir()
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError:
            return None
        return folder / "sro-tui-district.log"

    def on_mount(self) -> None:
        self.sub_title = self.target_label
        self.push_screen(DistrictScreen())

    def on_unmount(self) -> None:
        self.workers.cancel_all()
        self.database.close()
