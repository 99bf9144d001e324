"""The School form: the school's name, its own short code, the OSPI building code and the
county-district code. Asked on the first import, editable later from the roster screen.

It only asks and checks; the roster screen saves through `sro_tui.roster.set_school_identity`.
"""

from __future__ import annotations

from typing import ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from sro_tui.roster import SchoolIdentity, identity_problems
from sro_tui.ui.roster.fields import OrderedInput

FIELDS = (
    ("name", "school-name", "School name", "e.g. Port Townsend High School"),
    ("code", "school-code", "Short code (in every export)", "e.g. PTHS"),
    ("building_code", "school-building", "OSPI building code (optional)", "4 digits, e.g. 3021"),
    ("district_code", "school-district", "County-district code (optional)", "5 digits, e.g. 16050"),
)


class SchoolForm(ModalScreen[SchoolIdentity | None]):
    """Edit the school's name and codes; dismisses the SchoolIdentity to save, or None."""

    DIALOG_TITLE = "School: name and codes"
    TITLE_TEXT = "The school"
    INTRO = (
        "Changing the code keeps every record as it is; exports carry the new code from now on. "
        "Every change is kept in the audit trail."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="school_form.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="school_form.cancel"),
    ]

    def __init__(self, current: SchoolIdentity | None = None):
        super().__init__()
        self.current = current or SchoolIdentity()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="school-form"):
            yield Static(self.TITLE_TEXT, classes="dialog-title")
            yield Static(self.INTRO, classes="dialog-text")
            for attr, widget_id, label, placeholder in FIELDS:
                yield Label(label)
                yield OrderedInput(
                    getattr(self.current, attr) or "", placeholder=placeholder, id=widget_id
                )
            yield Static("", id="school-form-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel (Esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#school-form-error").display = False
        first_empty = next(
            (w for _a, w, _l, _p in FIELDS[:2] if not self.query_one(f"#{w}", Input).value),
            "school-name",
        )
        self.query_one(f"#{first_empty}", Input).focus()

    def identity(self) -> SchoolIdentity:
        values = {attr: self.query_one(f"#{w}", Input).value.strip() for attr, w, _l, _p in FIELDS}
        return SchoolIdentity(**values)

    def problem(self, identity: SchoolIdentity) -> str:
        """Why the form cannot be saved ('' when it can)."""
        if not identity.name:
            return "Type the school's name."
        if not identity.code:
            return "Type the school's short code (letters and digits, e.g. PTHS)."
        problems = identity_problems(identity)
        return problems[0][0].upper() + problems[0][1:] + "." if problems else ""

    def action_save(self) -> None:
        identity = self.identity()
        problem = self.problem(identity)
        if problem:
            error = self.query_one("#school-form-error", Static)
            error.update(escape(problem))
            error.display = True
            return
        self.dismiss(identity)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
