"""Staff, agreements & complaints: training status, the year's agreements with their checklist,
stakeholder log and adoption, and family complaints from intake to closing.

One widget per tab (`TrainingTab`, `AgreementsTab`, `ComplaintsTab`) reads its records from the
core and holds its own actions; the screen owns the keys (so the footer, help and palette list
them), the warnings above the tabs and the files written for the district.
"""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static, TabbedContent, TabPane

from sro_tui import agreements as core
from sro_tui.records import current_year
from sro_tui.reports import annual_report_incidents, annual_report_notes, write_annual_report
from sro_tui.ui.agreements.agreements_tab import AgreementsTab
from sro_tui.ui.agreements.complaints_tab import ComplaintsTab
from sro_tui.ui.agreements.tab import RecordsTab, Saved, open_form
from sro_tui.ui.agreements.training_tab import TrainingTab
from sro_tui.ui.preload import read_own_stylesheet
from sro_tui.ui.widgets.footer import KeysFooter
from sro_tui.ui.widgets.freshness import Freshness
from sro_tui.ui.widgets.header import TitleHeader
from sro_tui.ui.widgets.record_form import FormField, RecordForm
from sro_tui.ui.widgets.section_bar import SectionBar

TABS: dict[str, type[RecordsTab]] = {
    "training": TrainingTab,
    "agreements": AgreementsTab,
    "complaints": ComplaintsTab,
}
FIRST_TAB = "agreements"


def _on_tab(key: str, tab: str, action: str, description: str, id: str, **kw: Any) -> Binding:
    """A key that runs `action` of one tab's widget (shown in the footer on that tab only)."""
    return Binding(key, f"on_tab('{tab}', '{action}')", description, id=id, **kw)


class AgreementsScreen(Screen):
    """Training, agreements and complaints in three tabs."""

    SECTION_TITLE = "Agreements & complaints"
    CSS_PATH = "agreements.tcss"
    PRELOAD = True  # may be built ahead (ui/preload.py): it reads again on show when stale
    DIALOGS = (RecordForm,)
    BINDINGS: ClassVar[list[BindingType]] = [
        # The tab labels say "1 Training  2 Agreements  3 Complaints": the footer keeps its room
        # for the tab's own keys.
        Binding("1", "show_tab('training')", "Training", id="agreements.tab_training", show=False),
        Binding(
            "2", "show_tab('agreements')", "Agreements", id="agreements.tab_agreements", show=False
        ),
        Binding(
            "3", "show_tab('complaints')", "Complaints", id="agreements.tab_complaints", show=False
        ),
        _on_tab("n", "agreements", "new_agreement", "New agreement", "agreements.new"),
        _on_tab("i", "agreements", "set_item", "Checklist item", "agreements.item"),
        _on_tab("l", "agreements", "log_meeting", "Log meeting", "agreements.meeting"),
        _on_tab("A", "agreements", "adopt", "Adopt", "agreements.adopt"),
        _on_tab(
            "W", "agreements", "withdraw", "Withdraw adoption", "agreements.withdraw", show=False
        ),
        _on_tab("c", "complaints", "new_complaint", "New complaint", "complaints.new"),
        _on_tab("r", "complaints", "route", "Route", "complaints.route"),
        _on_tab("t", "complaints", "add_note", "Note", "complaints.note"),
        _on_tab("s", "complaints", "record_response", "Response", "complaints.response"),
        _on_tab("x", "complaints", "close", "Close", "complaints.close"),
        _on_tab("u", "complaints", "reopen", "Reopen", "complaints.reopen"),
        Binding("e", "export", "Export CSV", id="agreements.export"),
        Binding("R", "annual_report", "Annual report", id="agreements.annual_report"),
    ]

    def __init__(self, today: date | None = None) -> None:
        super().__init__()
        read_own_stylesheet(self)  # not Textual's re-parse and restyle of the app at first show
        self._today = today or date.today()
        self._read = Freshness()  # read again on return only when something changed
        self._building = asyncio.Lock()  # one tab built at a time (a key waits for it)

    @property
    def today(self) -> date:
        """The day ages and deadlines count from (a test sets another)."""
        return self._today

    @today.setter
    def today(self, day: date) -> None:
        self._today = day
        for tab in self.query(RecordsTab):  # a tab built later is made with `today`
            tab.today = day

    def compose(self) -> ComposeResult:
        # Opened by its key, only the tab shown is built: the other two are built (and read) when
        # first shown (`built`), not inside the first open. A screen built ahead while the app is
        # idle (ui/preload.py, not current yet) builds all three: nobody waits for it.
        every_tab = not self.is_current
        # The app puts the section bar at the top of a section's screen after its first frame
        # (a second layout and frame); composed here, it is there in the first. (The first
        # screen of the app may have it already: the app put it there before this compose.)
        if not self.query(SectionBar):
            yield SectionBar("agreements")
        yield TitleHeader()
        yield Static("", id="agreements-warnings", classes="screen-summary")
        with TabbedContent(initial=FIRST_TAB, id="agreements-tabs"):
            for number, (tab_id, tab) in enumerate(TABS.items(), start=1):
                with TabPane(f"{number} {tab_id.capitalize()}", id=tab_id):
                    if every_tab or tab_id == FIRST_TAB:
                        yield tab(self.today, id=f"{tab_id}-tab")
        yield KeysFooter(compact=True)

    async def built(self, tab_id: str) -> RecordsTab:
        """The widget of one tab, built and read now if it was not yet (its first show). A key
        or click meanwhile waits for it: its actions always find the tab's table and rows."""
        async with self._building:
            if not self.query(f"#{tab_id}-tab"):
                tab = TABS[tab_id](self.today, id=f"{tab_id}-tab")
                await self.query_one(f"TabPane#{tab_id}", TabPane).mount(tab)
                tab.reload()
        return self.tab(tab_id)

    def _tabs(self) -> list[RecordsTab]:
        """The tabs built so far (a tab being built reads and draws itself once mounted)."""
        return [tab for tab in self.query(RecordsTab) if tab.is_mounted]

    def on_mount(self) -> None:
        if self.app.is_running:  # else the app closed while this screen was built ahead
            self.reload()

    def on_screen_resume(self) -> None:
        # Back from another section (staff added in F6, a roster imported …) or a dialog.
        if self._read.stale():
            self.reload()

    def on_resize(self) -> None:
        # After the new layout (under 100 columns details go under their lists).
        self.call_after_refresh(self._draw_tabs)

    def _draw_tabs(self) -> None:
        for tab in self._tabs():
            tab.draw()

    def reload(self) -> None:
        """Read everything again from the database and redraw the three tabs."""
        self._read.mark()
        year = current_year()
        warnings = [
            f"[b $warning]⚠[/] {gap.message}" for gap in core.providers_without_adopted_agreement()
        ]
        if warnings:
            summary = "\n".join(warnings)
        elif core.has_contracted_staff():
            summary = (
                f"School year {year.name if year else '—'}: every agency or company with staff "
                "here has an adopted agreement."
            )
        else:  # nobody from a police agency or security company on record: nothing owed yet
            summary = (
                "No staff from a police agency or security company on record (F6): no agreement "
                "is owed until there are."
            )
        self.query_one("#agreements-warnings", Static).update(summary)
        for tab in self._tabs():
            tab.reload()

    def on_saved(self, message: Saved) -> None:
        self.reload()

    async def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id in TABS:  # a tab label clicked: its first show builds it
            await self.built(event.pane.id)
        self.refresh_bindings()
        # A table on a hidden tab had no width of its own: fit it now that it shows.
        self.call_after_refresh(self._draw_tabs)

    def tab(self, tab_id: str) -> RecordsTab:
        """The widget of one tab: "training", "agreements" or "complaints"."""
        return self.query_one(f"#{tab_id}-tab", TABS[tab_id])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Agreement keys only on the Agreements tab, complaint keys only on the Complaints tab.
        if action == "on_tab":
            active = self.query_one(TabbedContent).active if self.is_mounted else "agreements"
            return parameters[0] == active
        return True

    async def action_show_tab(self, tab: str) -> None:
        await self.built(tab)
        self.query_one(TabbedContent).active = tab
        self.refresh_bindings()

    async def action_on_tab(self, tab: str, action: str) -> None:
        """Run one tab's action (from the command palette, it first shows the tab)."""
        if self.query_one(TabbedContent).active != tab:
            await self.action_show_tab(tab)
        getattr(await self.built(tab), f"action_{action}")()

    # --- files --------------------------------------------------------------------------------

    def action_export(self) -> None:
        def save(v: dict[str, Any]) -> list[Path]:
            return [
                core.export_agreements_csv(v["folder"]),
                core.export_complaints_csv(v["folder"], today=self.today),
            ]

        open_form(
            self,
            "Export agreements and complaints (district CSV)",
            [FormField("folder", "Folder", value=str(self.app.export_folder), required=True)],
            save,
            lambda paths: "Written: " + ", ".join(p.name for p in paths),
            intro="Complaints leave without names, contact details or narrative.",
            confirm_label="Write",
        )

    def action_annual_report(self) -> None:
        year = current_year()
        open_form(
            self,
            "Annual report (RCW 28A.320.1241)",
            [
                FormField("year", "School year", value=year.name if year else "", required=True),
                FormField("folder", "Folder", value=str(self.app.export_folder), required=True),
            ],
            lambda v: write_annual_report(
                v["folder"],
                v["year"],
                incidents=annual_report_incidents,
                incident_notes=annual_report_notes,
            ),
            lambda paths: (
                f"Annual report written to {paths[0].parent}: text for reading "
                f"({paths[0].name}) and CSV for the district ({paths[1].name})."
            ),
            confirm_label="Write",
        )
