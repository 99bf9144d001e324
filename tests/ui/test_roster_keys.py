"""What a roster keystroke does besides searching: the box is not laid out again with each
letter (and still scrolls to its cursor), and the long-lived objects are kept out of the
garbage collector's full passes while the roster is open (and given back when it closes)."""

from __future__ import annotations

import gc
from unittest import mock

from textual.app import App, ComposeResult
from textual.screen import Screen

from sro_tui.ui.app import SroApp
from sro_tui.ui.roster.search_box import SearchBox
from sro_tui.ui.widgets import collector as long_lived
from sro_tui.ui.widgets.text_box import TextBox

from .helpers import table_rows
from .test_roster_search import open_roster, search


class _BoxApp(App):
    CSS = "#box { width: 12; }"

    def __init__(self, box: TextBox) -> None:
        super().__init__()
        self.box = box

    def compose(self) -> ComposeResult:
        yield self.box

    def on_mount(self) -> None:
        self.box.focus()


async def _layouts_while_typing(box: TextBox, text: str) -> int:
    app = _BoxApp(box)
    async with app.run_test(size=(40, 5)) as pilot:
        await pilot.pause()
        with mock.patch.object(
            Screen, "_refresh_layout", autospec=True, side_effect=Screen._refresh_layout
        ) as layout:
            await pilot.press(*text)
            await pilot.pause()
        assert app.box.value == text
        return layout.call_count


async def test_typing_in_the_search_box_does_not_lay_out_the_screen():
    # Textual's own box lays the whole screen out as its text grows.
    assert await _layouts_while_typing(TextBox(id="box"), "garcia") > 0
    assert await _layouts_while_typing(SearchBox(id="box"), "garcia") == 0


async def _typed_line(box: TextBox, text: str) -> tuple[str, float]:
    app = _BoxApp(box)
    async with app.run_test(size=(40, 5)) as pilot:
        await pilot.pause()
        await pilot.press(*text)
        await pilot.pause()
        return app.box.render_line(0).text, app.box.scroll_x


async def test_the_search_box_still_scrolls_to_its_cursor():
    text = "martinez-garcia lopez"  # longer than the box (12 wide, 8 inside)
    shown, scrolled = await _typed_line(SearchBox(id="box"), text)
    assert scrolled > 0 and "lopez" in shown and "martinez" not in shown
    assert (shown, scrolled) == await _typed_line(TextBox(id="box"), text)


async def test_the_roster_keeps_the_index_out_of_full_collections_and_gives_it_back(school_db):
    app = SroApp(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_roster(app, pilot)
        index = app.student_index
        assert index is not None and gc.get_freeze_count() > 0
        students = {id(s) for s in index.students}
        # Frozen objects are in no generation the collector walks.
        walked = {id(o) for generation in range(3) for o in gc.get_objects(generation)}
        assert not students & walked
        await search(pilot, "nunez")  # the keys pause: the detail, then a collection
        assert sorted(r[1] for r in table_rows(app, "#roster-results")) == ["000123", "000124"]
    assert gc.get_freeze_count() == 0  # the app closed: nothing stays frozen


def test_a_pause_frees_what_died_and_freezes_only_a_bulk_of_new_objects():
    gc.collect()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        for _ in range(long_lived.MANY_NEW_OBJECTS):  # cycles that died: freed, not frozen
            cycle: list = []
            cycle.append(cycle)
        del cycle
        long_lived.collect_and_freeze()
        assert gc.get_freeze_count() == frozen
        kept = [[n] for n in range(2 * long_lived.MANY_NEW_OBJECTS)]  # a bulk that lives on
        long_lived.collect_and_freeze()
        assert gc.get_freeze_count() >= frozen + len(kept)
    finally:
        long_lived.thaw()
