"""Dashboard: the school, its year and what is on record, as cards (see widgets/dashboard_cards)."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header

from sro_tui.reports import full_status
from sro_tui.ui.dashboard.cards import CARDS, CardView
from sro_tui.ui.widgets.section_bar import SectionBar


class DashboardScreen(Screen):
    """What the school has on record and still owes this year."""

    SECTION_TITLE = "Dashboard"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "refresh_counts", "Refresh", id="dashboard.refresh"),
        # On the dashboard, where the school sees what it owes; the palette has it everywhere.
        Binding("s", "app.send_to_district", "Send to district", id="dashboard.send"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield SectionBar("dashboard")  # composed here: the first screen pays for no second layout
        # Scrolls with the arrow keys and PageUp/PageDown: on 24 rows the cards do not all fit.
        with VerticalScroll(id="dashboard-scroll"), Grid(id="dashboard-cards"):
            for card in CARDS:
                yield CardView(card)
        yield Footer(compact=True)

    def on_screen_resume(self) -> None:
        # Also sent when the screen is first shown. Counts change on other screens (an import, a
        # new staff member): redraw on return.
        self.refresh_counts()

    def refresh_counts(self) -> None:
        """Read the counts in a thread (the notice counts walk every household: ~0.3 s for a
        5,000-student school) so the screen draws at once and fills in when they arrive."""
        self._read_counts()

    @work(thread=True, exclusive=True, group="dashboard-counts", exit_on_error=False)
    def _read_counts(self) -> None:
        with self.app.database.connection_context():
            status = full_status()
        self.app.call_from_thread(self._show_counts, status)

    def _show_counts(self, status: dict) -> None:
        for view in self.query(CardView):
            content = view.card.build(status)
            view.display = content is not None
            if content is not None:
                view.show(content)

    def action_refresh_counts(self) -> None:
        self.refresh_counts()
        self.notify("Counts refreshed.", timeout=2)
