"""The rules of every screen but the dashboard (shared.tcss) are not parsed for the first frame,
and are there, before any section's own stylesheet, for every other screen and dialog.

Private Textual API (pinned to 8.2): `Stylesheet.source` (the sheets read, in order)."""

from __future__ import annotations

from textual.containers import Vertical

from sro_tui.ui.app import SHARED_CSS_PATH, SroApp
from sro_tui.ui.dashboard.screen import DashboardScreen
from sro_tui.ui.families.screen import FamiliesScreen


def _sources(app: SroApp) -> list[str]:
    return [path for path, _ in app.stylesheet.source if path.endswith(".tcss")]


async def test_the_dashboard_starts_without_them_a_dialog_has_them(school_db):
    app = SroApp(school_db)
    app.warm_sections = lambda: None  # type: ignore[method-assign]  (the warm-up reads them too)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert str(SHARED_CSS_PATH) not in _sources(app)
        await pilot.press("f1")  # help: a dialog styled by shared.tcss (.dialog, #help-dialog)
        await pilot.pause()
        assert str(SHARED_CSS_PATH) in _sources(app)
        assert app.screen.query_one("#help-dialog", Vertical).outer_size.width == 90


async def test_they_come_before_a_sections_own(school_db):
    app = SroApp(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        app.push_screen(FamiliesScreen())  # made outside a section: reads its own at once
        await pilot.pause()
        sources = _sources(app)
        families = next(path for path in sources if path.endswith("families.tcss"))
        assert sources.index(str(SHARED_CSS_PATH)) < sources.index(families)
        assert sources.index(str(SHARED_CSS_PATH)) > sources.index(
            str(SHARED_CSS_PATH.with_name("app.tcss"))
        )
