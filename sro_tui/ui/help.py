"""Help (F1): every key, grouped by screen, generated from the bindings themselves."""

from __future__ import annotations

import re
from typing import ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from sro_tui.ui.commands import key_display, screen_bindings
from sro_tui.ui.navigation import SECTIONS, screen_class


def dialog_title(dialog: type) -> str:
    """A dialog's name in help: its own title, else its class name in words
    ("RecordNoticeDialog" -> "Record notice")."""
    for attribute in ("DIALOG_TITLE", "TITLE_TEXT"):
        title = getattr(dialog, attribute, "")
        if isinstance(title, str) and title:
            return title
    words = re.findall(r"[A-Z][a-z]*", dialog.__name__.removesuffix("Dialog"))
    return " ".join([words[0], *(w.lower() for w in words[1:])]) if words else dialog.__name__


class HelpScreen(ModalScreen[None]):
    """A scrollable list of keys: everywhere, then per screen and per dialog."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close help", id="help.close"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            yield Static("Keys  ·  Esc closes  ·  ctrl+p searches every action", id="help-title")
            with VerticalScroll(id="help-groups"):
                for title, bindings in self.groups():
                    yield Static(self._table(title, bindings), classes="help-group")

    def groups(self) -> list[tuple[str, list[Binding]]]:
        """(heading, bindings) for the app and for every section screen and its dialogs."""
        app = self.app
        everywhere = [
            *screen_bindings(type(app)),
            Binding(app.COMMAND_PALETTE_BINDING, "command_palette", "Command palette"),
        ]
        groups: list[tuple[str, list[Binding]]] = [("Everywhere", everywhere)]
        for section in SECTIONS:
            cls = screen_class(section)
            groups.append((section.title, screen_bindings(cls)))
            for dialog in dict.fromkeys(getattr(cls, "DIALOGS", ())):  # each dialog once
                groups.append(
                    (f"{section.title} · {dialog_title(dialog)}", screen_bindings(dialog))
                )
        return [(title, bindings) for title, bindings in groups if bindings]

    def _table(self, title: str, bindings: list[Binding]) -> str:
        rows = [f"[b]{escape(title)}[/b]"]
        for binding in bindings:
            rows.append(
                f"  [b]{escape(key_display(binding)):<14}[/b]  {escape(binding.description)}"
            )
        return "\n".join(rows)

    def action_close(self) -> None:
        self.dismiss(None)
