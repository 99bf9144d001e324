"""The floors `bench_screens.py` compares sro-tui with: bare Textual apps that do the same kind of
thing with nothing of ours in them (no database, no core, no CSS of ours).

- `SwitchFloor`: seven modes, each a screen with a header, a 20-row DataTable and a footer,
  switched with F2…F8 as sro-tui's sections are.
- `TypingFloor`: a focused Input whose every change is echoed into a Static (a keystroke drawn).
- `CursorFloor`: a focused 200-row DataTable (row cursor, zebra stripes) and nothing else.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

MODES = ("m2", "m3", "m4", "m5", "m6", "m7", "m8")


class _TableScreen(Screen):
    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Name", "ID", "Grade", "Homeroom", "Status")
        table.add_rows(
            [(f"Student {n}, Name", f"{n:07d}", "9", "9-01", "") for n in range(self.rows)]
        )
        table.focus()


class SwitchFloor(App):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(f"f{n}", f"switch_mode('m{n}')", f"Mode {n}", priority=True) for n in range(2, 9)
    ]
    MODES: ClassVar = {mode: (lambda: _TableScreen(20)) for mode in MODES}

    def on_mount(self) -> None:
        self.switch_mode("m2")


class TypingFloor(App):
    def compose(self) -> ComposeResult:
        yield Input(id="box")
        yield Static(id="echo")
        yield DataTable()

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#echo", Static).update(event.value)


class CursorFloor(App):
    def on_mount(self) -> None:
        self.push_screen(_TableScreen(200))
