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
from sro_tui.paths import district_sends_dir
from sro_tui.records import ValidationError
from sro_tui.ui.widgets.dialogs import BackupDialog, YesNoCheckbox
from sro_tui.ui.widgets.text_box import TextBox
from sro_tui.ui.widgets.work import run_in_thread


class SendToDistrictDialog(BackupDialog):
    """Where to write this year's bundle; dismisses with (folder, also a workbook) or None.

    The backup dialog's folder box and buttons, with what the district needs said above them."""

    DIALOG_TITLE = "Send to the district"
    CSS_PATH = "district.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="send-district.cancel"),
    ]

    def __init__(self, last_send: str, folder: Path):
        super().__init__()
        self.last_send = last_send
        self.folder = folder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="send-district-dialog"):
            yield Static(self.DIALOG_TITLE, classes="dialog-title")
            yield Static(self.last_send, id="send-district-last")
            yield Static(
                "One bundle with every file of the year and its manifest, readable only by you. "
                "Give it to the district office (USB stick, shared drive).",
                classes="dialog-text",
            )
            yield TextBox(str(self.folder), id="backup-folder")
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
    """Ask where (the school's export folder by default), then write the bundle in a thread and
    say where it went; a refusal is one line, any other failure goes to the App's handler."""
    database = app.database  # type: ignore[attr-defined]

    def write(choice: tuple[Path, bool] | None) -> None:
        if choice is not None:
            run_in_thread(
                app,
                lambda: _send(choice),
                what="Sending to the district",
                after="No bundle was written.",
                group="send-to-district",
                done=_said,
            )

    def _send(choice: tuple[Path, bool]) -> str:
        folder, xlsx = choice
        try:
            sent = send_to_district(folder, xlsx=xlsx)
        except (ExchangeError, ValidationError) as exc:
            return f"Not sent: {exc}"
        return f"{sum(sent.rows.values())} rows in {sent.path}"

    def _said(message: str) -> None:
        refused = message.startswith("Not sent:")
        app.notify(
            message,
            title="" if refused else "Bundle written for the district",
            severity="error" if refused else "information",
            timeout=10,
        )

    with database.connection_context():
        last = describe_last_send()
    folder = district_sends_dir(app.export_folder)  # type: ignore[attr-defined]
    app.push_screen(SendToDistrictDialog(last, folder), write)
