"""Dialogs for intervention requests: submit (or amend) with reasons, review, export, history."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from sro_tui import policy
from sro_tui.interventions import HistoryEntry
from sro_tui.ui.widgets.text_box import TextBox

FIELD_LABELS = {
    "occurred_at": "When",
    "location": "Where",
    "on_premises": "On premises",
    "requested_by_name": "Requested by",
    "requested_by_role": "Requester's role",
    "staff_initiated_emergency": "Staff-initiated emergency",
    "criterion": "Criterion",
    "facts": "Facts",
    "purpose_is_discipline": "Purpose is discipline",
    "actions": "Actions taken",
    "outcome": "Outcome",
    "students": "Students involved",
    "staff": "Responding staff",
    "law_enforcement": "Law-enforcement activity",
    "restraint": "Restraint / isolation",
    "acknowledged_reasons": "Reasons given",
    "review_note": "Review note",
}


class SubmitDialog(ModalScreen[dict[str, Any] | None]):
    """Confirm a submission or an amendment: one reason per NEEDS_REASON finding, and for an
    amendment the reason for the change. Dismisses with {"reasons": {...}, "amendment": str}."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="submit.cancel"),
        Binding("ctrl+s", "confirm", "Confirm", id="submit.confirm", priority=True),
    ]

    def __init__(
        self, needs_reason: list[policy.Finding], given: dict[str, str], *, amending: bool = False
    ):
        super().__init__()
        self.needs_reason = needs_reason
        self.given = given
        self.amending = amending

    def compose(self) -> ComposeResult:
        title = "Amend this submitted request?" if self.amending else "Submit this request?"
        with Vertical(classes="dialog", id="submit-dialog"):
            yield Static(f"[b]{title}[/]", classes="dialog-text")
            with VerticalScroll(id="submit-reasons"):
                if self.amending:
                    yield Label("Why is it being amended? (kept with the original)")
                    yield TextBox(placeholder="Reason for the amendment", id="amendment-reason")
                if self.needs_reason:
                    yield Static("Each of these needs a written reason before it is saved:")
                for index, finding in enumerate(self.needs_reason):
                    yield Static(
                        f"[yellow]![/] {escape(finding.message)} "
                        f"[dim]({escape(finding.citation)})[/]"
                    )
                    yield TextBox(
                        self.given.get(finding.key, ""), placeholder="Reason", id=f"reason-{index}"
                    )
                if not self.needs_reason and not self.amending:
                    yield Static(
                        "No finding needs a reason. Once submitted, a change is an "
                        "amendment with a reason."
                    )
            yield Static("", id="submit-problem", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(
                    "Amend" if self.amending else "Submit", variant="primary", id="confirm"
                )
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        inputs = list(self.query(Input))
        (inputs[0] if inputs else self.query_one("#confirm", Button)).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_confirm()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "confirm":
            self.action_confirm()
        else:
            self.dismiss(None)

    def action_confirm(self) -> None:
        reasons = {
            f.key: self.query_one(f"#reason-{i}", Input).value.strip()
            for i, f in enumerate(self.needs_reason)
        }
        missing = [f for f in self.needs_reason if not reasons[f.key]]
        amendment = ""
        if self.amending:
            amendment = self.query_one("#amendment-reason", Input).value.strip()
        problem = self.query_one("#submit-problem", Static)
        if self.amending and not amendment:
            problem.update("Say why the request is being amended.")
            return
        if missing:
            problem.update(f"{len(missing)} finding(s) still need a reason.")
            return
        self.dismiss({"reasons": {k: v for k, v in reasons.items() if v}, "amendment": amendment})

    def action_cancel(self) -> None:
        self.dismiss(None)


class TextPromptDialog(ModalScreen[str | None]):
    """Ask for one line of text (a review note); dismisses with it, or None on cancel."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel"),
    ]

    def __init__(self, question: str, placeholder: str, confirm_label: str):
        super().__init__()
        self.question, self.placeholder, self.confirm_label = question, placeholder, confirm_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="dialog-text")
            yield TextBox(placeholder=self.placeholder, id="prompt-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.confirm_label, variant="primary", id="confirm")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(self.query_one(Input).value if event.button.id == "confirm" else None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ExportDialog(ModalScreen[tuple[Path, bool] | None]):
    """Choose the folder and the form (identified or de-identified) of an export."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="export.cancel"),
    ]

    def __init__(self, folder: Path):
        super().__init__()
        self.folder = folder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                "[b]Export intervention requests for the district[/]\nSubmitted and "
                "reviewed requests of this school year; four CSV files.",
                classes="dialog-text",
            )
            yield Label("Folder")
            yield TextBox(str(self.folder), id="export-folder")
            yield Checkbox(
                "De-identified (no names, no free text; SIS id, grade and demographics kept)",
                id="export-deidentified",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Export", variant="primary", id="confirm")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#export-folder", Input).focus()

    def _result(self) -> tuple[Path, bool]:
        return (
            Path(self.query_one("#export-folder", Input).value).expanduser(),
            self.query_one("#export-deidentified", Checkbox).value,
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(self._result())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(self._result() if event.button.id == "confirm" else None)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _value_text(value: Any, name: str = "") -> str:
    """A snapshot value in words: labels rather than ids, lists joined, empty as a dash."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if name == "criterion":
        crit = policy.CRITERIA.get(value)
        return crit.label if crit else str(value)
    if name == "requested_by_role":
        return policy.REQUESTER_ROLES.get(value, str(value))
    if name == "actions":
        return ", ".join(
            policy.ACTIONS.get(a) or policy.DISCIPLINARY_ACTIONS.get(a, a) for a in value
        )
    if name == "students":
        return "; ".join(
            f"{s.get('student') or s.get('unknown_person')} ({s.get('role')})" for s in value
        )
    if name == "law_enforcement":
        return "; ".join(
            f"{policy.LAW_ENFORCEMENT_ACTIVITIES[a['kind']].label}"
            + (f", attorney: {a['attorney_access']}" if a.get("attorney_access") else "")
            + (f", parent notified: {_value_text(a.get('parent_notified'))}")
            for a in value
        )
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(
            f"{k.replace('_', ' ')}: {_value_text(v)}"
            for k, v in value.items()
            if v not in (None, "", False)
        )
    return str(value)


def history_markup(entries: list[HistoryEntry]) -> str:
    """The original as submitted, then each step with who, when, why and what changed."""
    if not entries:
        return "No history recorded."
    steps = [e for e in entries if e.action in ("amend", "review")]
    parts = []
    if steps:
        parts.append(
            f"[dim]{len(steps)} later step(s): "
            + ", ".join(f"{e.title.lower()} v{e.version}" for e in steps)
            + "[/]"
        )
    for entry in entries:
        head = (
            f"[b]{entry.title}[/] · version {entry.version} · "
            f"{entry.at:%Y-%m-%d %H:%M} UTC · by {escape(entry.actor)}"
        )
        lines = [head]
        if entry.reason:
            lines.append(f"Reason: {escape(entry.reason)}")
        if entry.action in ("submit", "refuse", "create"):
            lines.append("[dim]As first recorded:[/]")
            for name, label in FIELD_LABELS.items():
                value = entry.after.get(name)
                if name != "review_note" and value not in (None, "", [], {}):
                    lines.append(f"· {label}: {escape(_value_text(value, name))}")
        else:
            for change in entry.changes:
                label = FIELD_LABELS.get(change.field, change.field)
                lines.append(
                    f"· {label}: [red]{escape(_value_text(change.before, change.field))}[/] → "
                    f"[green]{escape(_value_text(change.after, change.field))}[/]"
                )
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


class HistoryScreen(ModalScreen[None]):
    """A request's history: the original and every amendment and review."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="history.close"),
    ]

    def __init__(self, title: str, entries: list[HistoryEntry]):
        super().__init__()
        self.title_text = title
        self.entries = entries

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="history-dialog"):
            yield Static(f"[b]History · {escape(self.title_text)}[/]", classes="dialog-text")
            with VerticalScroll(id="history-scroll"):
                yield Static(history_markup(self.entries), id="history-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close", id="close")

    def on_mount(self) -> None:
        self.query_one("#history-scroll").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
