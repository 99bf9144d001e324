"""The school's closure days (breaks, snow days): a small dialog over `interventions.calendar`.

Legal holidays (RCW 1.16.050) are always skipped by the restraint deadlines; the days listed here
give the school-day date shown beside the statutory one. Same rules as `sro-tui calendar closures`.
"""

from __future__ import annotations

from typing import ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Static

from sro_tui.interventions import add_closures, remove_closures, school_closures
from sro_tui.records import ValidationError, parse_date
from sro_tui.ui.widgets.text_box import TextBox


class ClosuresDialog(ModalScreen[None]):
    """List, add and remove the school's closure days; every change is saved at once."""

    DEFAULT_CSS = """
    ClosuresDialog Horizontal { height: auto; }
    ClosuresDialog #closures-dates Input { width: 1fr; }
    ClosuresDialog #closures-list { height: 8; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="closures.close"),
        Binding("delete", "remove", "Remove the chosen day", id="closures.remove"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                "[b]School closure days[/b] — legal holidays are always skipped; these days "
                "give the school-day date shown beside each restraint deadline.",
                classes="dialog-text",
            )
            yield OptionList(id="closures-list")
            with Horizontal(id="closures-dates"):
                yield TextBox(placeholder="First day (MM/DD/YYYY)", id="closures-first")
                yield TextBox(placeholder="Last day (empty: one day)", id="closures-last")
            yield TextBox(placeholder="What it is, e.g. Winter break", id="closures-label")
            yield Static("", id="closures-problem")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Add", variant="primary", id="closures-add")
                yield Button("Remove chosen", id="closures-remove")
                yield Button("Close", id="closures-close")

    def on_mount(self) -> None:
        self.refresh_list()
        self.query_one("#closures-first", Input).focus()

    def refresh_list(self) -> None:
        options = self.query_one("#closures-list", OptionList)
        options.clear_options()
        self.closures = school_closures()
        if not self.closures:
            options.add_option("No closure days listed yet.")
        options.add_options(f"{c.day:%a %Y-%m-%d}  {escape(c.label)}" for c in self.closures)

    def _problem(self, text: str) -> None:
        self.query_one("#closures-problem", Static).update(f"[red]{escape(text)}[/]")

    def add(self) -> None:
        first_text = self.query_one("#closures-first", Input).value
        last_text = self.query_one("#closures-last", Input).value
        try:
            first = parse_date(first_text)
            last = parse_date(last_text) if last_text.strip() else None
            added = add_closures(first, last, self.query_one("#closures-label", Input).value)
        except (ValueError, ValidationError) as exc:
            self._problem(str(exc))
            return
        self._problem("")
        for box in ("#closures-first", "#closures-last", "#closures-label"):
            self.query_one(box, Input).value = ""
        self.refresh_list()
        self.notify(f"{len(added)} closure day(s) saved.")

    def action_remove(self) -> None:
        highlighted = self.query_one("#closures-list", OptionList).highlighted
        if highlighted is None or not self.closures:
            self._problem("Choose a day in the list first.")
            return
        day = self.closures[highlighted].day
        remove_closures(day)
        self.refresh_list()
        self.notify(f"{day:%Y-%m-%d} is no longer a closure day.")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        # Enter moves on to the next box, and adds from the last one.
        following = {"closures-first": "#closures-last", "closures-last": "#closures-label"}
        if event.input.id in following:
            self.query_one(following[event.input.id], Input).focus()
        else:
            self.add()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "closures-add":
            self.add()
        elif event.button.id == "closures-remove":
            self.action_remove()
        else:
            self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
