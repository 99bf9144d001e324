"""The roster import dialogs: where is the file, which school, what will change, what is wrong.

They only ask and show; the roster screen runs the core (`sro_tui.roster`) in thread workers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from sro_tui.ui.roster.fields import OrderedInput
from sro_tui.ui.roster.school_form import SchoolForm

PREVIEW_NAMES = 60  # names listed per kind of change; the counts are always complete


@dataclass(frozen=True)
class ImportFiles:
    """The roster chosen, and the contacts export that goes with it (or None)."""

    path: Path
    contacts: Path | None = None

    @property
    def name(self) -> str:
        return self.path.name


class ImportPathDialog(ModalScreen[ImportFiles | None]):
    """Ask for the roster (a CSV file, a OneRoster/SDS folder or a zip) and, optionally, the
    contacts export that goes with a students CSV."""

    DIALOG_TITLE = "Import: choose the file"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="import_path.cancel"),
    ]

    def __init__(self, initial: str = "", contacts: str = ""):
        super().__init__()
        self.initial = initial
        self.contacts = contacts

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="import-path-dialog"):
            yield Static("Import a roster", classes="dialog-title")
            yield Static(
                "The student information system's CSV export, or a OneRoster or School Data "
                "Sync folder or .zip. Nothing is written until you have seen the changes and "
                "confirmed.",
                classes="dialog-text",
            )
            yield OrderedInput(self.initial, placeholder="/media/usb/roster.csv", id="import-path")
            yield Static(
                "Contacts file (optional): a PowerSchool contacts export, one row per contact "
                "with the student number; its parents and guardians join the students.",
                classes="dialog-text",
            )
            yield OrderedInput(
                self.contacts, placeholder="/media/usb/contacts.csv", id="import-contacts"
            )
            yield Static("", id="import-path-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Preview", variant="primary", id="preview")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#import-path-error").display = False
        self.query_one("#import-path", Input).focus()

    def _submit(self) -> None:
        text = self.query_one("#import-path", Input).value.strip().strip("'\"")  # drag-and-drop
        extra = self.query_one("#import-contacts", Input).value.strip().strip("'\"")
        error = self.query_one("#import-path-error", Static)
        path = Path(text).expanduser() if text else None
        contacts = Path(extra).expanduser() if extra else None
        problem = ""
        if path is None:
            problem = "Type the path of a roster file or folder."
        elif not path.exists():
            problem = f"There is no file or folder at {escape(str(path))}."
        elif contacts is not None and not contacts.is_file():
            problem = f"There is no contacts file at {escape(str(contacts))}."
        if problem or path is None:
            error.update(problem)
            error.display = True
            return
        self.dismiss(ImportFiles(path, contacts))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "preview":
            self._submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChooseSchoolDialog(ModalScreen[Any]):
    """A district file holds several schools: pick the one this computer keeps records for."""

    DIALOG_TITLE = "Import: choose the school"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="choose_school.cancel"),
    ]

    def __init__(self, schools: Sequence[Any], current_code: str = ""):
        super().__init__()
        self.schools = list(schools)
        self.current_code = current_code

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="choose-school-dialog"):
            yield Static(
                f"This file holds {len(self.schools)} schools. Which one is this school?",
                classes="dialog-title",
            )
            options = [Option(escape(str(s)), id=str(i)) for i, s in enumerate(self.schools)]
            yield OptionList(*options, id="school-choices")
            yield Static("Enter chooses · Esc cancels", classes="dialog-text")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.focus()
        for i, school in enumerate(self.schools):
            if self.current_code and self.current_code in (
                getattr(school, "identifier", ""),
                getattr(school, "sourced_id", ""),
            ):
                options.highlighted = i

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.schools[int(event.option.id or 0)])

    def action_cancel(self) -> None:
        self.dismiss(None)


class SchoolCodeDialog(SchoolForm):
    """The first import: this database has no school yet. Asks its name and codes (prefilled
    with what the file says, when it names the school)."""

    DIALOG_TITLE = "Import: name the school"
    TITLE_TEXT = "Which school is this roster for?"
    INTRO = (
        "This is the first import. Give the school's name and its own short code: they name "
        "the school in every export (the OSPI codes are for the state reports; they can be "
        "added later with the School form)."
    )


def describe_student(item: Any) -> str:
    """ "Núñez, José (000123)" for a roster or database student, else its text."""
    if isinstance(item, tuple) and item:
        item = item[-1]  # (before, after) pairs: name the student as the file has them now
    last, first = getattr(item, "last_name", None), getattr(item, "first_name", None)
    if last is None and first is None:
        return str(item)
    sis_id = getattr(item, "sis_id", "")
    return f"{last}, {first}" + (f" ({sis_id})" if sis_id else "")


def _listing(title: str, items: Iterable[Any], total: int) -> str:
    names = [escape(describe_student(item)) for item in islice(items, PREVIEW_NAMES)]
    more = f"\n  … and {total - len(names):,} more" if total > len(names) else ""
    return f"[b]{title}[/b]\n" + "\n".join(f"  {n}" for n in names) + more


def _n(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _count(value: Any) -> int:
    return value if isinstance(value, int) else len(value)


class ImportPreviewDialog(ModalScreen[bool]):
    """What the import will change; dismisses True when the person confirms."""

    DIALOG_TITLE = "Import: preview"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "confirm", "Import now", id="import_preview.confirm", priority=True),
        Binding("escape", "cancel", "Cancel", id="import_preview.cancel"),
    ]

    def __init__(self, plan: Any, source: Path):
        super().__init__()
        self.plan = plan
        self.source = source

    def summary(self) -> str:
        plan = self.plan
        parts = [
            f"{_count(plan.to_add):,} to add",
            f"{_count(plan.to_update):,} to update",
            f"{_count(plan.to_deactivate):,} to deactivate",
            f"{_count(plan.unchanged):,} unchanged",
        ]
        return "Students: " + " · ".join(parts) + "\n" + self.families()

    def families(self) -> str:
        """Guardians and households the import leaves, new ones and those no longer listed."""
        plan = self.plan
        guardians = getattr(plan, "guardians", 0)
        households = getattr(plan, "households", None)
        if households is None:
            return f"Families: {_n(guardians, 'guardian')} on record, kept as they are"
        new, gone = getattr(plan, "guardians_added", 0), getattr(plan, "guardians_deactivated", 0)
        return (
            f"Families: {_n(guardians, 'guardian')} in {_n(households, 'household')} · "
            f"{new:,} new · {gone:,} no longer listed"
        )

    def compose(self) -> ComposeResult:
        plan = self.plan
        with Vertical(classes="dialog", id="import-preview-dialog"):
            yield Static(f"Preview: {escape(self.source.name)}", classes="dialog-title")
            yield Static(self.summary(), id="import-summary")
            if plan.mass_deactivation:
                yield Static(
                    f"[b]This file leaves out {plan.missing:,} of the {plan.active_before:,} "
                    "students enrolled here: importing it marks them all inactive. [/b]Is it "
                    "the whole roster? If not, cancel and export the full roster from the SIS.",
                    id="import-mass-warning",
                    classes="field-error",
                )
            elif getattr(plan, "many_deactivations", False):
                yield Static(
                    f"[b]{plan.missing:,} of the {plan.active_before:,} students enrolled here "
                    "are not in this file[/b] and would be marked inactive (kept on record): "
                    "more than a tenth of the school. Check it is the whole roster.",
                    id="import-many-warning",
                    classes="field-error",
                )
            with VerticalScroll(id="import-changes"):
                changes = (
                    ("Will be added", plan.to_add),
                    ("Will be updated", plan.to_update),
                    ("Will be marked inactive (kept on record)", plan.to_deactivate),
                )
                links = plan.guardian_link_changes
                if plan.guardians_replaced:
                    yield Static(
                        f"[b]{plan.guardians_deactivated:,} guardians on record are not found in "
                        "this file as they were[/b] (another export layout, changed e-mails, or "
                        "a contacts file left out): they would be marked no longer listed and "
                        "unlinked from these students, and a household without an address can "
                        "lose its notice status. Check the file is the usual export before "
                        "importing.",
                        id="import-guardian-warning",
                        classes="change-list warnings",
                    )
                warnings = [str(w) for w in plan.warnings]
                if plan.encoding_note:
                    warnings.insert(0, plan.encoding_note)
                if plan.skipped_inactive:
                    warnings.append(
                        f"{plan.skipped_inactive:,} student(s) the file lists as no longer "
                        "enrolled, never on record here, are left out"
                    )
                if warnings:
                    yield Static(
                        "[b]Warnings (the import can go ahead)[/b]\n"
                        + "\n".join(f"  {escape(w)}" for w in warnings),
                        id="import-warnings",
                        classes="change-list warnings",
                    )
                if links:  # then: a family that stops getting its notice matters most
                    yield Static(
                        _listing(
                            "Guardian changes for students on record (notices follow them)",
                            links,
                            len(links),
                        ),
                        id="import-guardian-changes",
                        classes="change-list",
                    )
                for title, items in changes:
                    if _count(items):
                        yield Static(_listing(title, items, _count(items)), classes="change-list")
                columns = _columns_text(plan)  # last: what each column was read for
                if columns:
                    yield Static(columns, id="import-columns", classes="change-list")
            with Horizontal(classes="dialog-buttons"):
                mass = plan.mass_deactivation
                yield Button(
                    "Import anyway" if mass else "Import (ctrl+s)",
                    variant="error" if mass else "primary",
                    id="confirm",
                )
                yield Button("Cancel (Esc)", id="cancel")

    def on_mount(self) -> None:
        # Enter on a file that would empty the school cancels: the safe answer has the focus.
        self.query_one("#cancel" if self.plan.mass_deactivation else "#confirm", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm")

    def action_confirm(self) -> None:
        if self.plan.mass_deactivation:  # no shortcut past the warning: the button only
            self.query_one("#confirm", Button).focus()
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


def _columns_text(plan: Any) -> str:
    """The columns read (and for what) and the columns ignored, for the preview."""
    used = getattr(plan, "columns_used", None) or []
    ignored = getattr(plan, "columns_ignored", None) or []
    if not used and not ignored:
        return ""
    lines = ["[b]Columns read from the file[/b]"]
    lines += [f"  {escape(h)} → {escape(p)}" for h, p in used]
    if ignored:
        lines.append("[b]Columns ignored[/b] (nothing in them is imported)")
        lines.append("  " + escape(", ".join(ignored)))
    return "\n".join(lines)


class ImportProblemsDialog(ModalScreen[None]):
    """Why the roster cannot be imported: every problem with its file, row and column."""

    DIALOG_TITLE = "Import: problems"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="import_problems.close"),
    ]

    def __init__(self, problems: Sequence[Any], more: int = 0, summary: str = ""):
        super().__init__()
        self.problems = list(problems)
        self.more = more
        self.summary = summary

    def compose(self) -> ComposeResult:
        total = len(self.problems) + self.more
        with Vertical(classes="dialog", id="import-problems-dialog"):
            yield Static(
                f"Nothing was imported: {total} problem{'s' if total != 1 else ''} in the roster",
                classes="dialog-title error-title",
            )
            with VerticalScroll(id="import-problems"):
                for problem in self.problems:
                    yield Static(escape(_problem_text(problem)), classes="problem")
                if self.more:
                    yield Static(f"… and {self.more:,} more", classes="problem")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close (Esc)", id="close")

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


def _problem_text(problem: Any) -> str:
    file, row, column = (getattr(problem, a, None) for a in ("file", "row", "column"))
    reason = getattr(problem, "reason", None)
    if reason is None:
        return str(problem)
    where = [str(file)] if file else []
    if row is not None:
        where.append(f"row {row}")
    if column:
        where.append(f"column {column}")
    return f"{', '.join(where)}: {reason}"
