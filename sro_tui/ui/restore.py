"""Restore a backup from inside the app: the same checked restore as `sro-tui restore BACKUP`.

The app lets go of its own database (connection and lock), restores, opens the restored file and
starts every section afresh, so no screen keeps showing records from the file it replaced.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from sro_tui.ui.widgets.dialogs import BackupDialog
from sro_tui.ui.widgets.text_box import TextBox


class RestoreDialog(BackupDialog):
    """Which backup file to put back; dismisses with its path, or None."""

    DIALOG_TITLE = "Restore a backup"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="backup-dialog"):
            yield Static(self.DIALOG_TITLE, classes="dialog-title")
            yield Static(
                "The backup is checked first. The current database is kept beside it as a "
                "dated copy (NAME.before-restore-…), stale log files are removed, and every "
                "section starts again on the restored records.",
                classes="dialog-text",
            )
            yield TextBox(
                str(Path.home() / "sro-tui-backups") + "/",
                placeholder="a backup file written by Back up",
                id="backup-folder",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Restore", variant="warning", id="confirm")
                yield Button("Cancel", id="cancel")
