"""Small dialogs that end in `dismiss(...)`."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Static

from sro_tui.ui.widgets.text_box import TextBox


class ConfirmDialog(ModalScreen[bool]):
    """Ask a yes/no question; dismisses with True only when the person confirms."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="confirm.cancel"),
    ]

    def __init__(
        self, question: str, *, confirm_label: str = "Confirm", confirm_variant: str = "primary"
    ):
        super().__init__()
        self.question = question
        self.confirm_label = confirm_label
        self.confirm_variant = confirm_variant

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(
                    self.confirm_label,
                    variant=self.confirm_variant,  # type: ignore[arg-type]
                    id="confirm",
                )
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm")

    def action_cancel(self) -> None:
        self.dismiss(False)


class ChoiceDialog(ModalScreen[object]):
    """A question with a few answers as buttons; dismisses with the chosen answer's value, or
    `ChoiceDialog.CANCELLED` on escape."""

    CANCELLED = object()
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="choice.cancel"),
    ]

    def __init__(
        self,
        question: str,
        choices: list[tuple[str, object]],
        *,
        current: object = None,
        cancel_label: str = "Cancel",
    ):
        super().__init__()
        self.question = question
        self.choices = choices
        self.current = current
        self.cancel_label = cancel_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                for number, (label, value) in enumerate(self.choices):
                    yield Button(
                        label,
                        id=f"choice-{number}",
                        variant="primary" if value == self.current else "default",
                    )
                yield Button(self.cancel_label, id="cancel")

    def on_mount(self) -> None:
        self.query_one("#choice-0", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.dismiss(self.CANCELLED)
        else:
            self.dismiss(self.choices[int(str(event.button.id).removeprefix("choice-"))][1])

    def action_cancel(self) -> None:
        self.dismiss(self.CANCELLED)


class YesNoCheckbox(Checkbox):
    """A checkbox that also says "yes" or "no", so its state reads without colour (a monochrome
    terminal, a screen reader, a screenshot)."""

    def __init__(self, value: bool = False, **kwargs) -> None:
        super().__init__("yes" if value else "no", value, **kwargs)

    def watch_value(self) -> None:
        super().watch_value()
        self.label = "yes" if self.value else "no"


class FolderDialog(ModalScreen[Path | None]):
    """Ask for a folder; dismisses with it (`~` expanded), or None."""

    DIALOG_TITLE = ""
    EXPLANATION = ""
    CONFIRM_LABEL = "OK"
    INPUT_ID = "folder"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="folder.cancel"),
    ]

    def __init__(self, folder: Path):
        super().__init__()
        self.folder = folder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id=f"{self.INPUT_ID}-dialog"):
            yield Static(self.DIALOG_TITLE, classes="dialog-title")
            yield Static(self.EXPLANATION, classes="dialog-text")
            yield TextBox(str(self.folder), id=self.INPUT_ID)
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.CONFIRM_LABEL, variant="primary", id="confirm")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one(f"#{self.INPUT_ID}", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._finish()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "confirm":
            self._finish()
        else:
            self.dismiss(None)

    def _finish(self) -> None:
        text = self.query_one(f"#{self.INPUT_ID}", Input).value.strip().strip("'\"")
        self.dismiss(Path(text).expanduser() if text else None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class BackupDialog(FolderDialog):
    """Where to write a copy of the database; dismisses with the folder, or None."""

    DIALOG_TITLE = "Back up the database"
    EXPLANATION = (
        "A consistent copy, safe while the app is open, readable only by you. Keep it "
        "where the district allows student records (a USB stick locked away, say)."
    )
    CONFIRM_LABEL = "Back up"
    INPUT_ID = "backup-folder"

    def __init__(self, folder: Path | None = None):
        super().__init__(folder or Path.home() / "sro-tui-backups")


class ExportFolderDialog(FolderDialog):
    """The folder every export goes to (files for the district); dismisses with it, or None."""

    DIALOG_TITLE = "Export folder"
    EXPLANATION = (
        "Every export (notices, letters, requests, agreements, complaints, the annual report) "
        "is written here, and so is every sro-tui command's when --out is not given. Choose "
        "a place the district allows student records."
    )
    CONFIRM_LABEL = "Use this folder"
    INPUT_ID = "export-folder-setting"
