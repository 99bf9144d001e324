""" "Send to the district" in the school's app: where to write the bundle, and when it last went."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from sro_tui.district import describe_last_send, send_to_district
from sro_tui.exchange import ExchangeError
from sro_tui.records import ValidationError
from sro_tui.ui.widgets.dialogs import BackupDialog, YesNoCheckbox

DEFAULT_FOLDER = Path.home() / "sro-tui-to-district"


class SendToDistrictDialog(BackupDialog):
    """Where to write this year's bundle; dismisses with (folder, also a workbook) or None.

    The backup dialog's folder box and buttons, with what the district needs said above them."""

    DIALOG_TITLE = "Send to the district"
    CSS_PATH = "district.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="send-district.cancel"),
    ]

    def __init__(self, last_send: str):
        super().__init__()
        self.last_send = last_send

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="send-district-dialog"):
            yield Static(self.DIALOG_TITLE, classes="dialog-title")
            yield Static(self.last_send, id="send-district-last")
            yield Static(
                "One bundle with every file of the year and its manifest, readable only by you. "
                "Give it to the district office (USB stick, shared drive).",
                classes="dialog-text",
            )
            yield Input(str(DEFAULT_FOLDER), id="backup-folder")
            with Horizontal(id="send-district-options"):
                yield Static("Also an Excel workbook (IDs as text):")
                yield YesNoCheckbox(False, id="send-district-xlsx")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Send", variant="primary", id="confirm")
                yield Button("Cancel", id="cancel")

    def _finish(self) -> None:
        text = self.query_one("#backup-folder", Input).value.strip().strip("'\"")
        xlsx = self.query_one("#send-district-xlsx", YesNoCheckbox).value
        self.dismiss((Path(text).expanduser(), xlsx) if text else None)  # type: ignore[arg-type]


def start_send_to_district(app: App) -> None:
    """Ask where, then write the bundle in a thread and say where it went (or why not)."""
    database = app.database  # type: ignore[attr-defined]

    def write(choice: tuple[Path, bool] | None) -> None:
        if choice is not None:
            app.run_worker(
                lambda: _send(choice), thread=True, exclusive=True, group="send-to-district"
            )

    def _send(choice: tuple[Path, bool]) -> None:
        folder, xlsx = choice
        try:
            with database.connection_context():
                sent = send_to_district(folder, xlsx=xlsx)
        except (ExchangeError, ValidationError, OSError) as exc:
            app.call_from_thread(app.notify, f"Not sent: {exc}", severity="error", timeout=10)
            return
        rows = sum(sent.rows.values())
        app.call_from_thread(
            app.notify,
            f"{rows} rows in {sent.path}",
            title="Bundle written for the district",
            timeout=10,
        )

    with database.connection_context():
        last = describe_last_send()
    app.push_screen(SendToDistrictDialog(last), write)
