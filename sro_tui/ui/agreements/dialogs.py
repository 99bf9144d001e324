"""One small form dialog for the agreements and complaints screens.

A `RecordForm` is given its fields and a `save` function that calls the core. The core's
`ValidationError.problems` (and `AdoptionRefused.reasons`) are shown in the dialog, next to the
field they concern, and the form stays open until the record saves or the person cancels; it then
dismisses with whatever `save` returned.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from sro_tui.agreements import AdoptionRefused
from sro_tui.exchange import ExchangeError
from sro_tui.records import ValidationError, parse_date
from sro_tui.ui.widgets.dialogs import YesNoCheckbox


@dataclass(frozen=True)
class FormField:
    """`kind`: text, date (YYYY-MM-DD), int, select (from `choices`), check."""

    name: str
    label: str
    kind: str = "text"
    choices: dict[str, str] | None = None
    value: Any = None
    required: bool = False


class RecordForm(ModalScreen[Any]):
    """A titled form; ctrl+s saves through `save(values)`, escape cancels (dismisses None)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="record_form.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="record_form.cancel"),
    ]

    def __init__(
        self,
        title: str,
        fields: list[FormField],
        save: Callable[[dict[str, Any]], Any],
        *,
        intro: str = "",
        confirm_label: str = "Save",
    ) -> None:
        super().__init__()
        self.title_text, self.intro, self.fields = title, intro, fields
        self.save, self.confirm_label = save, confirm_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog record-form"):
            yield Static(self.title_text, classes="dialog-title")
            if self.intro:
                yield Static(self.intro, classes="dialog-text")
            yield Static("", id="form-error", classes="field-error")
            with VerticalScroll(classes="record-form-fields"):
                for field in self.fields:
                    with Horizontal(classes="form-row"):
                        yield Label(field.label, classes="form-label")
                        yield self._widget(field)
                    yield Static("", id=f"error-{field.name}", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.confirm_label} (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def _widget(self, field: FormField) -> Any:
        wid = f"field-{field.name}"
        if field.kind == "select":
            options = [(label, key) for key, label in (field.choices or {}).items()]
            return Select(
                options,
                id=wid,
                value=field.value if field.value else Select.NULL,
                allow_blank=not field.value,
                compact=True,  # a form row is one line high (app.tcss .form-row)
            )
        if field.kind == "check":
            return YesNoCheckbox(bool(field.value), id=wid, compact=True)
        value = field.value.isoformat() if isinstance(field.value, date) else field.value
        placeholder = "YYYY-MM-DD" if field.kind == "date" else ""
        return Input(
            "" if value is None else str(value), id=wid, placeholder=placeholder, compact=True
        )

    def on_mount(self) -> None:
        for error in self.query(".field-error"):
            error.display = False
        if self.fields:
            self.query_one(f"#field-{self.fields[0].name}").focus()

    def values(self) -> tuple[dict[str, Any], dict[str, str]]:
        """The typed values, and problems with what was typed (a date that is not a date …)."""
        values: dict[str, Any] = {}
        problems: dict[str, str] = {}
        for field in self.fields:
            widget = self.query_one(f"#field-{field.name}")
            if field.kind == "select":
                raw = widget.value  # type: ignore[attr-defined]
                values[field.name] = None if raw == Select.NULL else raw
            elif field.kind == "check":
                values[field.name] = bool(widget.value)  # type: ignore[attr-defined]
            else:
                text = str(widget.value).strip()  # type: ignore[attr-defined]
                values[field.name] = text
                if field.kind == "date" and text:
                    try:
                        values[field.name] = parse_date(text)
                    except ValueError as exc:
                        problems[field.name] = str(exc)
                elif field.kind == "date":
                    values[field.name] = None
                elif field.kind == "int":
                    values[field.name] = int(text) if text.isdigit() else 0
                    if text and not text.isdigit():
                        problems[field.name] = "a whole number"
            if field.required and values[field.name] in (None, "") and field.name not in problems:
                problems[field.name] = "required"
        return values, problems

    def show_problems(self, problems: dict[str, str]) -> None:
        for error in self.query(".field-error"):
            error.display = False
        general = []
        for name, message in problems.items():
            matches = self.query(f"#error-{name}")
            if matches:
                matches.first(Static).update(message)
                matches.first(Static).display = True
            else:
                general.append(message)
        banner = self.query_one("#form-error", Static)
        banner.update("\n".join(general))
        banner.display = bool(general)

    def action_save(self) -> None:
        values, problems = self.values()
        if problems:
            self.show_problems(problems)
            return
        try:
            result = self.save(values)
        except ValidationError as exc:
            self.show_problems(exc.problems)
            return
        except ExchangeError as exc:
            self.show_problems({"": str(exc)})
            return
        except AdoptionRefused as exc:
            self.show_problems(
                {"": "Cannot adopt yet:\n" + "\n".join(f"• {r}" for r in exc.reasons)}
            )
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()
