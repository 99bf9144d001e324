"""Small dialogs that end in `dismiss(...)`."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Static


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


class YesNoCheckbox(Checkbox):
    """A checkbox that also says "yes" or "no", so its state reads without colour (a monochrome
    terminal, a screen reader, a screenshot)."""

    def __init__(self, value: bool = False, **kwargs) -> None:
        super().__init__("yes" if value else "no", value, **kwargs)

    def watch_value(self) -> None:
        super().watch_value()
        self.label = "yes" if self.value else "no"
