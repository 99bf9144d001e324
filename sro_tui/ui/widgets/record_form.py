"""The one form dialog every screen uses to add or change a record.

A `RecordForm` is given its fields (`FormField`) and a `save` function that calls the core. It
reads what was typed (dates through `records.parse_date`, so `11/28/2026` and `2026-11-28` both
work), and shows each problem directly under its field: the problems found while reading the
boxes (a date that is not a date) and the core's `ValidationError.problems`. After a failed save
the first field with a problem has the focus, so what the person types next lands there; the form
stays open, with everything typed, until the record saves or the person cancels (Esc). It then
dismisses with whatever `save` returned.

Keyboard: Tab and shift+Tab walk the fields; a one-line box keeps its text when focused (Backspace
removes one character, not the whole default); Enter in a one-line box moves to the next field
(or saves, for the small dialogs built with `enter_saves=True`); narratives are multi-line boxes
where Enter starts a new line and ctrl+a selects everything; ctrl+s saves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, SelectionList, Static, TextArea
from textual.widgets.selection_list import Selection

from sro_tui.records import ValidationError, parse_date
from sro_tui.ui.widgets.dialogs import YesNoCheckbox
from sro_tui.ui.widgets.text_box import TextBox
from sro_tui.ui.widgets.work import error_words, write_now

# What each kind of field reads as: text (one line), narrative (several lines), date, int (a
# whole number), number (may have a decimal point), select (one of `choices`), check (yes/no),
# choices (any number of `choices`, toggled with space).
FIELD_KINDS = ("text", "narrative", "date", "int", "number", "select", "check", "choices")
DATE_HINT = "MM/DD/YYYY or YYYY-MM-DD"


@dataclass(frozen=True)
class FormField:
    """One field of a form. `choices` maps each stored value to the words shown for it; for
    `choices` fields `value` is the list of values ticked at the start."""

    name: str
    label: str
    kind: str = "text"
    choices: Mapping[Any, str] | None = None
    value: Any = None
    required: bool = False
    placeholder: str = ""
    disabled: bool = False

    def __post_init__(self) -> None:
        if self.kind not in FIELD_KINDS:
            raise ValueError(f"unknown form field kind {self.kind!r}")


class NarrativeArea(TextArea):
    """A multi-line box for what someone writes in their own words (facts, what happened, notes).

    Enter starts a new line, Tab leaves the box, ctrl+a selects everything (a TextArea moves to
    the line start on ctrl+a; in a narrative "select all, then retype" is what people expect)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+a", "select_all", "Select all", id="narrative.select_all", show=False),
    ]

    def __init__(self, text: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("compact", True)
        kwargs.setdefault("soft_wrap", True)
        kwargs.setdefault("tab_behavior", "focus")
        kwargs.setdefault("highlight_cursor_line", False)  # reads as a box inside the box
        super().__init__(text, **kwargs)


def form_text(value: Any) -> str:
    """A stored value as a box shows it: dates as YYYY-MM-DD, 5.0 as "5", None as ""."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def field_widget(field: FormField, text_box: type[TextBox] = TextBox) -> Widget:
    """The widget that edits `field`, with the id `field-<name>` (a one-line field: a
    `text_box`)."""
    wid = f"field-{field.name}"
    choices = field.choices or {}
    if field.kind == "select":
        return Select(
            [(label, key) for key, label in choices.items()],
            id=wid,
            value=field.value if field.value is not None else Select.NULL,
            allow_blank=field.value is None,
            compact=True,  # a form row is one line high (app.tcss .form-row)
            disabled=field.disabled,
        )
    if field.kind == "check":
        return YesNoCheckbox(bool(field.value), id=wid, compact=True, disabled=field.disabled)
    if field.kind == "choices":
        ticked = set(field.value or ())
        return SelectionList[Any](
            *[Selection(label, key, key in ticked) for key, label in choices.items()],
            id=wid,
            compact=True,
            disabled=field.disabled,
        )
    if field.kind == "narrative":
        return NarrativeArea(
            form_text(field.value),
            id=wid,
            placeholder=field.placeholder,
            disabled=field.disabled,
        )
    placeholder = field.placeholder or (DATE_HINT if field.kind == "date" else "")
    return text_box(
        form_text(field.value),
        id=wid,
        placeholder=placeholder,
        compact=True,
        disabled=field.disabled,
    )


def read_field(field: FormField, widget: Widget) -> tuple[Any, str | None]:
    """The value a field's widget holds, and the problem with what was typed (or None)."""
    if isinstance(widget, Select):
        return (None if widget.value == Select.NULL else widget.value), None
    if isinstance(widget, YesNoCheckbox):
        return bool(widget.value), None
    if isinstance(widget, SelectionList):
        return list(widget.selected), None
    if isinstance(widget, TextArea):
        return widget.text.strip(), None
    text = str(widget.value).strip()  # type: ignore[attr-defined]
    if not text:
        return (None if field.kind in ("date", "int", "number") else ""), None
    try:
        if field.kind == "date":
            return parse_date(text), None
        if field.kind == "int":
            return int(text), None
        if field.kind == "number":
            return float(text), None
    except ValueError as exc:
        if field.kind == "date":
            return None, str(exc)
        return None, "a whole number" if field.kind == "int" else "a number, e.g. 2.5"
    return text, None


class RecordForm(ModalScreen[Any]):
    """A titled form; ctrl+s saves through `save(values)`, escape cancels (dismisses None)."""

    TEXT_BOX: ClassVar[type[TextBox]] = TextBox  # what a one-line field is typed into

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
        enter_saves: bool = False,
    ) -> None:
        super().__init__()
        self.title_text, self.intro, self.fields = title, intro, fields
        self.save, self.confirm_label, self.enter_saves = save, confirm_label, enter_saves

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog record-form"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            if self.intro:
                yield Static(self.intro, classes="dialog-text", markup=False)
            yield Static("", id="form-error", classes="field-error", markup=False)
            with VerticalScroll(classes="record-form-fields"):
                for field in self.fields:
                    tall = field.kind in ("narrative", "choices")
                    with Horizontal(classes="form-row -tall" if tall else "form-row"):
                        yield Label(field.label, classes="form-label", markup=False)
                        yield field_widget(field, self.TEXT_BOX)
                    yield Static("", id=f"error-{field.name}", classes="field-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.confirm_label} (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel (Esc)", id="cancel")

    def on_mount(self) -> None:
        self.show_problems({}, focus=False)
        first = self.first_field()
        if first is not None:
            self.field(first).focus()

    def first_field(self) -> str | None:
        """The field that has the focus when the form opens: the first that can be typed in."""
        return next((f.name for f in self.fields if not f.disabled), None)

    def field(self, name: str) -> Widget:
        """The widget of the field called `name`."""
        return self.query_one(f"#field-{name}")

    def values(self) -> tuple[dict[str, Any], dict[str, str]]:
        """The typed values, and problems with what was typed (a date that is not a date …)."""
        values: dict[str, Any] = {}
        problems: dict[str, str] = {}
        for field in self.fields:
            value, problem = read_field(field, self.field(field.name))
            values[field.name] = value
            if problem:
                problems[field.name] = problem
            elif field.required and value in (None, "", []):
                problems[field.name] = "required"
        return values, problems

    def problems_before_save(
        self, values: dict[str, Any], problems: dict[str, str]
    ) -> dict[str, str]:
        """What to show when the boxes themselves have problems; a form may add the core's other
        findings here, so the person sees every problem at once rather than one per try."""
        return problems

    def show_problems(self, problems: Mapping[str, str], *, focus: bool = True) -> None:
        """Each problem under its field; problems about no field of this form at the top. The
        first field with a problem gets the focus."""
        for error in self.query(".field-error"):
            error.display = False
        general = []
        for name, message in problems.items():
            matches = self.query(f"#error-{name}")
            if matches:
                matches.first(Static).update(f"↑ {message}")
                matches.first(Static).display = True
            else:
                general.append(message)
        banner = self.query_one("#form-error", Static)
        banner.update("\n".join(general))
        banner.display = bool(general)
        if not focus:
            return
        first = next((f for f in self.fields if f.name in problems and not f.disabled), None)
        if first is not None:
            widget = self.field(first.name)
            widget.focus(scroll_visible=False)
            # After the layout that shows the messages, so the box and its message are in view.
            self.call_after_refresh(widget.scroll_visible, animate=False)

    def action_save(self) -> None:
        values, problems = self.values()
        if problems:
            self.show_problems(self.problems_before_save(values, problems))
            return

        def saving() -> Any:
            return self.save(values)

        try:
            # On the screen's thread: the form closes only once the record is committed.
            written, result = write_now(
                self,
                f"Saving “{self.title_text}”",
                saving,
                "Nothing was saved; what you typed is still in the form.",
            )
        except ValidationError as exc:
            self.show_problems(exc.problems)
            return
        if not written:  # busy, full or read-only: said and logged by the app
            self.show_problems(
                {
                    "": f"Not saved: {error_words(result)}. Nothing was saved; what you typed is "
                    "still in the form: ctrl+s tries again."
                },
                focus=False,
            )
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.enter_saves:
            self.action_save()
        else:
            self.focus_next()  # as on a paper form; ctrl+s saves
