"""A section's first open imports and builds only what its first frame shows (issue 16); what it
leaves for later (the families dialogs) still comes at the first key that needs it."""

from __future__ import annotations

from textual import events

from sro_tui.ui.app import SroApp
from sro_tui.ui.families.screen import FamiliesScreen
from sro_tui.ui.help import HelpScreen


async def test_a_families_dialog_asked_for_with_f4_opens_once_the_list_is_read(school_db):
    """F4 and n queued together right after start (nothing built or imported ahead): the
    record-notice dialog, imported at that key, opens over the families screen."""
    app = SroApp(school_db)
    app.warm_sections = lambda: None  # type: ignore[method-assign]
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        for key, character in (("f4", None), ("n", "n")):
            app.post_message(events.Key(key, character))  # as a fast typist
        for _ in range(3):
            await pilot.pause()
            await app.workers.wait_for_complete()
        assert type(app.screen).__name__ == "RecordNoticeDialog"
        assert isinstance(app.screen_stack[-2], FamiliesScreen)


async def test_help_still_lists_the_keys_of_the_dialogs_imported_on_first_use(school_db):
    app = SroApp(school_db)
    app.warm_sections = lambda: None  # type: ignore[method-assign]
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f1")
        await app.workers.wait_for_complete()  # a key at once waits for the open (first_frame)
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        titles = [title for title, _ in app.screen.groups()]
        for dialog in ("Record notice", "Session", "Delivery status", "Folder", "Rule"):
            assert f"Families & notices · {dialog}" in titles, titles
