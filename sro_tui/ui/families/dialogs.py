"""The Families screen's dialogs: recording a notice, a delivery status, paper notices for a
session's students, where to write the list or the letters, and the household rule.

The forms are `RecordForm`s: each checks what it can before it closes (a date in the future, a
folder not given) and shows the problem under its field; the screen then does the work in a
thread.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from sro_tui.notices import (
    DELIVERY_STATUSES,
    NOTICE_METHODS,
    HouseholdNotices,
    validate_notice,
)
from sro_tui.roster.households import __doc__ as HOUSEHOLD_RULE
from sro_tui.ui.widgets.record_form import FormField, RecordForm


def household_rule_text() -> str:
    """The grouping rule as written in `households.py` (one source for code, README and UI)."""
    text = HOUSEHOLD_RULE or ""
    return text.split("\n\nHousehold keys")[0].strip()


def _checked_notice(values: dict[str, Any]) -> dict[str, Any]:
    """The dialog's values, once the core agrees the notice can be recorded (raises
    ValidationError, shown under the field, otherwise)."""
    validate_notice(values.get("method") or "paper_home", values["sent_on"])
    return values


class RecordNoticeDialog(RecordForm):
    """Method, date and a note for the chosen households; dismisses with a dict of them."""

    def __init__(self, intro: str, method: str | None = None):
        super().__init__(
            "Record the family notice",
            [
                FormField(
                    "method",
                    "How it went out",
                    "select",
                    NOTICE_METHODS,
                    method or "paper_home",
                    disabled=method is not None,
                ),
                FormField("sent_on", "Sent on", "date", value=date.today(), required=True),
                FormField("notes", "Note (optional)", "narrative"),
            ],
            _checked_notice,
            intro=intro,
            confirm_label="Record",
            enter_saves=True,
        )


class DeliveryStatusDialog(RecordForm):
    """Change the delivery status of one of the household's notices (audited)."""

    def __init__(self, household: HouseholdNotices):
        notices = {
            n.notice_id: f"{n.sent_on} {NOTICE_METHODS.get(n.method, n.method)} — "
            f"{DELIVERY_STATUSES[n.delivery_status]}"
            for n in household.notices
        }
        super().__init__(
            "Delivery status",
            [
                FormField("notice_id", "Notice", "select", notices, next(iter(notices), None)),
                FormField("status", "Status", "select", DELIVERY_STATUSES, "delivered"),
                FormField("reason", "Reason", placeholder="e.g. moved, no forwarding address"),
            ],
            lambda values: values,
            intro=f"{household.label}: returned mail and bounced e-mail put the household "
            "back on the to-do list.",
            confirm_label="Change",
            enter_saves=True,
        )


class SessionDialog(RecordForm):
    """Paper notice sent home with every student presented in a session: which one, and when."""

    def __init__(self, sessions: dict[int, str]):
        super().__init__(
            "Paper notice sent home with a session's students",
            [
                FormField("session_id", "Session", "select", sessions, next(iter(sessions))),
                FormField("sent_on", "Sent home on", "date", value=date.today(), required=True),
            ],
            _checked_notice,
            intro="One notice per household of the students checked in to the session.",
            confirm_label="Record",
            enter_saves=True,
        )


def _folder_values(values: dict[str, Any]) -> dict[str, Any]:
    folder = str(values["folder"]).strip("'\"")  # pasted from a file manager, quotes and all
    return {**values, "folder": Path(folder).expanduser()}


class FolderDialog(RecordForm):
    """Where to write the family notice list or the letters, and which households."""

    def __init__(self, title: str, intro: str, folder: Path, *, letters: bool = False):
        fields = [
            FormField("folder", "Folder", value=str(folder), required=True),
            FormField("pending", "Only households still to notify", "check", value=letters),
        ]
        if letters:
            formats = {"txt": "Plain text", "html": "HTML (print from a browser)"}
            fields.append(FormField("fmt", "Format", "select", formats, "txt"))
        super().__init__(
            title, fields, _folder_values, intro=intro, confirm_label="Write", enter_saves=True
        )


class RuleDialog(ModalScreen[None]):
    """How households are grouped, in the words of the code that groups them."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "close", "Close", id="families_rule.close"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog families-dialog"):
            yield Static("How households are grouped", classes="dialog-title")
            yield Static(household_rule_text(), classes="dialog-text", markup=False)
            yield Button("Close", id="close")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
