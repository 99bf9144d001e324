"""Check-in stations from the check-in screen: write a kit for a door (ctrl+t) and merge kits
back into the session (m in the sessions dialog, F12).

Both write in a thread worker (a 5,000-student kit takes a moment) and say what happened only
once the core has committed it; a refused kit shows its reason and changes nothing. `session`
is the session record as the check-in screen holds it (the screens never import the models).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from rich.markup import escape
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from sro_tui.presentation import (
    MergeResult,
    StationKitError,
    is_station_kit,
    make_station_kit,
    merge_station_kit,
    station_summary,
)
from sro_tui.records import ValidationError
from sro_tui.ui.widgets.text_box import TextBox


class StationKitDialog(ModalScreen[Path | None]):
    """The station's name and the folder (a USB stick); Enter writes the kit."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="station_kit.cancel"),
    ]

    def __init__(self, session: Any, folder: Path):
        super().__init__()
        self.session = session
        self.folder = folder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog checkin-dialog", id="station-kit-dialog"):
            yield Static(
                f"[b]Station kit[/b] for “{escape(self.session.title)}” · Enter writes · Esc",
                classes="dialog-title",
            )
            yield Static(
                "A small file for another door's laptop: the session and the students' IDs, "
                "names, grades and homerooms — nothing else. Run `sro-tui check-in --db KIT` "
                "there; merge it back from the sessions (F12, m).",
                classes="dialog-text",
            )
            yield Label("Station name")
            yield TextBox(placeholder="North door", id="station-name")
            yield Label("Folder")
            yield TextBox(str(self.folder), id="station-folder")
            yield Static("", id="station-kit-problems", classes="dialog-error")

    def on_mount(self) -> None:
        if is_station_kit():
            self.query_one("#station-kit-problems", Static).update(
                "This laptop is a station: make kits in the office, from the school's database."
            )
        self.query_one("#station-name", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "station-name":
            self.query_one("#station-folder", Input).focus()
            return
        name = self.query_one("#station-name", Input).value
        folder = Path(self.query_one("#station-folder", Input).value.strip() or ".")
        self.query_one("#station-kit-problems", Static).update("Writing the kit…")
        self.write_kit(name, folder)

    @work(thread=True, exclusive=True, exit_on_error=False, group="station-kit")
    def write_kit(self, name: str, folder: Path) -> None:
        with self.app.database.connection_context():  # type: ignore[attr-defined]
            try:
                path = make_station_kit(folder, name, self.session)
            except (StationKitError, ValidationError) as exc:
                self.app.call_from_thread(self._refused, str(exc))
                return
        self.app.call_from_thread(self._written, path)

    def _refused(self, reason: str) -> None:
        self.query_one("#station-kit-problems", Static).update(escape(reason))

    def _written(self, path: Path) -> None:
        self.app.notify(f"Station kit written to {path}", title="Station kit", timeout=10)
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)


class StationMergeDialog(ModalScreen[bool]):
    """Type a kit's path and Enter: it is merged (all or nothing) and the stations are listed.
    Stays open for the next kit; dismisses with whether anything changed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="station_merge.close"),
    ]

    def __init__(self, session: Any):
        super().__init__()
        self.session = session
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog checkin-dialog", id="station-merge-dialog"):
            yield Static(
                f"[b]Merge station kits[/b] into “{escape(self.session.title)}” · Enter merges · "
                "Esc",
                classes="dialog-title",
            )
            yield TextBox(placeholder="the kit's file, e.g. /media/usb/PTHS-…-north-door.sqlite3")
            yield Static("", id="station-merge-result")
            yield Static("", id="station-merge-stations")

    def on_mount(self) -> None:
        self.show_stations()
        self.query_one(Input).focus()

    def show_stations(self) -> None:
        lines = [escape(s.line) for s in station_summary(self.session)]
        self.query_one("#station-merge-stations", Static).update(
            "[b]Stations[/b]\n" + ("\n".join(lines) or "No check-ins yet.")
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        path = event.value.strip()
        if path:
            self.query_one("#station-merge-result", Static).update("Merging…")
            self.merge(Path(path))

    @work(thread=True, exclusive=True, exit_on_error=False, group="station-merge")
    def merge(self, path: Path) -> None:
        with self.app.database.connection_context():  # type: ignore[attr-defined]
            try:
                result = merge_station_kit(path)
            except StationKitError as exc:
                self.app.call_from_thread(self._show, f"[b]Refused:[/b] {escape(str(exc))}")
                return
        self.app.call_from_thread(self._merged, result)

    def _merged(self, result: MergeResult) -> None:
        self.changed = self.changed or result.changed
        lines = [escape(result.summary)]
        if result.linkable:
            lines.append(
                f"{len(result.linkable)} unknown ID(s) now match a student — link them in "
                "Unmatched scans (F10, m):"
            )
            lines += [f"  {escape(item.line)}" for item in result.linkable[:8]]
        self._show("\n".join(lines))
        self.query_one(Input).value = ""
        self.show_stations()

    def _show(self, text: str) -> None:
        self.query_one("#station-merge-result", Static).update(text)

    def action_close(self) -> None:
        self.dismiss(self.changed)
