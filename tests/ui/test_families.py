"""The Families & notices screen: the list, filters, recording a notice, marking returned mail,
and the family notice list export, driven as a person would with the keyboard."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Select, Static, TextArea

from sro_tui.db import open_database
from sro_tui.exchange import read_exchange_csv
from sro_tui.models import FamilyNotice
from sro_tui.notices import load_households
from sro_tui.ui.app import SroApp
from sro_tui.ui.families.dialogs import household_rule_text
from sro_tui.ui.families.screen import FamiliesScreen
from sro_tui.ui.widgets.line_table import LineTable


async def _open(app: SroApp, pilot) -> FamiliesScreen:
    await pilot.press("f4")
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, FamiliesScreen)
    return screen


async def test_record_a_notice_and_see_progress(school_db: Path):
    app = SroApp(school_db)
    async with app.run_test(size=(130, 36)) as pilot:
        screen = await _open(app, pilot)
        table = screen.query_one(LineTable)
        assert table.row_count == 3  # Núñez (two addresses) and O'Brien
        summary = str(screen.query_one("#families-summary", Static).render())
        assert "Notified 0 / 3 households" in summary
        await pilot.press("n")
        await pilot.pause()
        # The dialog says whose household it is, not only its (often shared) label.
        intro = " ".join(str(s.render()) for s in app.screen.query(".dialog-text"))
        first = screen.shown[0]
        assert first.label in intro and first.guardian_names[0] in intro
        app.screen.query_one("#field-notes", TextArea).load_text("In the Friday folder")
        await pilot.click("#save")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        summary = str(screen.query_one("#families-summary", Static).render())
        assert "Notified 1 / 3 households" in summary
        screen.query_one(LineTable).move_cursor(row=0)
        await pilot.pause()
        assert "Note: In the Friday folder" in str(
            screen.query_one("#families-detail-text", Static).render()
        )
    database = open_database(school_db)  # the notice is on disk after the app has closed
    try:
        assert FamilyNotice.select().count() == 1
        assert FamilyNotice.get().method == "paper_home"
    finally:
        database.close()


async def test_a_date_in_the_future_keeps_the_dialog_open_with_what_was_typed(school_db: Path):

    from sro_tui.ui.families.dialogs import RecordNoticeDialog

    app = SroApp(school_db)
    async with app.run_test(size=(130, 36)) as pilot:
        await _open(app, pilot)
        await pilot.press("n")
        await pilot.pause()
        date_box = app.screen.query_one("#field-sent_on", Input)
        date_box.value = "1/15/2099"
        app.screen.query_one("#field-notes", TextArea).load_text("sent with report cards")
        date_box.focus()
        await pilot.press("enter")  # Enter in a box confirms, as a keyboard user would
        await pilot.pause()
        assert isinstance(app.screen, RecordNoticeDialog)  # still open, nothing lost
        error = str(app.screen.query_one("#error-sent_on", Static).render())
        assert "2099-01-15 is in the future" in error
        assert app.screen.query_one("#field-notes", TextArea).text == "sent with report cards"
        date_box.value = "9/8/2026"  # US order is understood
        date_box.focus()
        await pilot.press("enter")
        # The dialog closes, then the notice is written in a worker: wait for both, generously
        # (a loaded CI machine is slow), before the app is closed.
        for _ in range(200):
            await pilot.pause(0.05)
            await app.workers.wait_for_complete()
            summary = app.screen.query("#families-summary")
            if summary and "Notified 1" in str(summary.first(Static).render()):
                break
    database = open_database(school_db)
    try:
        notice = FamilyNotice.get()
        assert (str(notice.sent_on), notice.notes) == ("2026-09-08", "sent with report cards")
    finally:
        database.close()


@pytest.mark.slow
async def test_filters_returned_mail_and_export(school_db: Path, tmp_path: Path):
    app = SroApp(school_db)
    async with app.run_test(size=(130, 36)) as pilot:
        screen = await _open(app, pilot)
        await pilot.press("space", "space")  # mark two households
        assert len(screen.marked) == 2
        await pilot.press("n")
        await pilot.pause()
        app.screen.query_one("#field-method", Select).value = "mail"
        await pilot.click("#save")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert sum(h.is_notified for h in screen.households) == 2
        table = screen.query_one(LineTable)
        table.move_cursor(row=0)
        await pilot.press("s")
        await pilot.pause()
        app.screen.query_one("#field-status", Select).value = "returned"
        await pilot.click("#save")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen.query_one("#filter-status", Select).value = "problem"
        await pilot.pause()
        assert table.row_count == 1
        screen.query_one("#filter-status", Select).value = "pending"
        await pilot.pause()
        assert table.row_count == 2

        await pilot.press("x")
        await pilot.pause()
        app.screen.query_one("#field-folder").value = str(tmp_path / "exports")
        await pilot.click("#save")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        files = list((tmp_path / "exports").glob("PTHS_family-notices_2026-27_*.csv"))
        assert len(files) == 1
        rows = read_exchange_csv(files[0]).rows
        assert len(rows) == 3
        assert sorted(r["notice_status"] for r in rows) == [
            "Not notified",
            "Notified",
            "Returned mail",
        ]

        await pilot.press("g")
        await pilot.pause()
        rule = str(app.screen.query_one(".dialog-text", Static).render())
        assert "share a mailing address" in rule and "two households" in rule
        await pilot.press("escape")


def test_the_rule_shown_is_the_one_in_the_code():
    text = household_rule_text()
    assert text.startswith("Households: the families that get one notice together.")
    assert "Guardians of the same student at different addresses are different households" in text


def test_households_are_loaded_by_the_core(school_db: Path):
    database = open_database(school_db)
    try:
        assert len(load_households()) == 3
    finally:
        database.close()


async def test_a_roster_without_guardians_is_said_on_the_families_screen(school_db: Path):
    """Students with no family on record: the list is short, and the screen says why."""
    from sro_tui.models import StudentGuardian

    database = open_database(school_db)
    StudentGuardian.delete().execute()  # as after a roster with no guardian columns
    database.close()
    app = SroApp(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _open(app, pilot)
        summary = str(screen.query_one("#families-summary", Static).render())
        assert "have no guardian on record" in summary
        assert "Import a file with guardians" in summary


async def test_keys_pressed_while_the_households_load_act_once_they_are_in(
    school_db: Path, monkeypatch
):
    """A person who opens the section and presses ↓ and space at once marks the second
    household, as if the list had been there: no key is lost or acts on an empty list."""
    import threading

    from sro_tui.ui.families import screen as families_screen

    real_loader = families_screen.load_household_order
    release = threading.Event()

    def slow_loader():
        release.wait(10)
        return real_loader()

    monkeypatch.setattr(families_screen, "load_household_order", slow_loader)
    app = SroApp(school_db, start_section="families")
    async with app.run_test(size=(130, 36)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, FamiliesScreen) and screen.shown == []
        await pilot.press("down", "space")  # while the list is still being read
        assert screen.marked == set()
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.marked == {screen.shown[1].household_id}
        assert screen.query_one(LineTable).cursor_row == 2  # space moved on to the next row
        summary = str(screen.query_one("#families-summary", Static).render())
        assert "Notified 0 / 3 households" in summary


async def test_the_list_is_drawn_before_its_filters_are_read(school_db: Path, monkeypatch):
    """In a large school the households are drawn and counted at once; the language and grade
    choices, and the e-mail "E" needs, follow. E pressed in between opens its dialog once they
    are in. (A small school's list is read whole first: this one is taken as large.)"""
    import threading

    from sro_tui.ui.families import screen as families_screen
    from sro_tui.ui.families.dialogs import RecordNoticeDialog

    real_filters = families_screen.with_filters
    release = threading.Event()

    def slow_filters(order):
        release.wait(10)
        return real_filters(order)

    monkeypatch.setattr(families_screen, "with_filters", slow_filters)
    monkeypatch.setattr(families_screen, "READ_WHOLE_UP_TO", 0)
    app = SroApp(school_db, start_section="families")
    async with app.run_test(size=(130, 36)) as pilot:
        for _ in range(100):  # the list, read without its filters
            await pilot.pause(0.05)
            if isinstance(app.screen, FamiliesScreen) and app.screen.shown:
                break
        screen = app.screen
        assert isinstance(screen, FamiliesScreen)
        assert screen.query_one(LineTable).row_count == 3
        assert "Notified 0 / 3 households" in str(
            screen.query_one("#families-summary", Static).render()
        )
        assert screen.households is not None and not screen.households.filters_ready
        await pilot.press("E")
        await pilot.pause()
        assert not isinstance(app.screen, RecordNoticeDialog)  # kept, not lost
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, RecordNoticeDialog)
        assert "of 3)" in " ".join(str(s.render()) for s in app.screen.query(".dialog-text"))
        await pilot.press("escape")
        await pilot.pause()
        languages = screen.query_one("#filter-language", Select)
        assert [value for _, value in languages._options][1:]  # the choices are in


async def test_a_filter_is_chosen_from_its_list_with_the_keyboard(school_db: Path):
    """A filter opens with Enter and takes a choice with the arrows and Enter (its list is
    built when first opened); the table and the filter's own line follow, and the blank choice
    brings every household back."""
    from sro_tui.notices import load_household_lines
    from sro_tui.ui.families.filters import FilterCurrent

    app = SroApp(school_db)
    async with app.run_test(size=(130, 36)) as pilot:
        screen = await _open(app, pilot)
        table = screen.query_one(LineTable)
        grades = screen.query_one("#filter-grade", Select)
        line = grades.query_one(FilterCurrent)
        assert str(line.render()).split() == ["Any", "grade", "▼"]
        wanted = [value for _, value in grades._options][1]  # the first grade offered
        lines = load_household_lines()
        expected = sum(wanted in household.grades for household in lines)
        assert 0 < expected < len(lines)

        grades.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert grades.expanded
        await pilot.press("down", "enter")  # past "Any grade" to the first grade
        await pilot.pause()
        assert not grades.expanded and grades.value == wanted
        assert table.row_count == expected
        assert str(line.render()).split() == ["Grade", wanted, "▼"]

        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("up", "enter")  # back to "Any grade"
        await pilot.pause()
        assert grades.value == Select.NULL
        assert table.row_count == len(lines)
        assert str(line.render()).split() == ["Any", "grade", "▼"]


async def test_a_filter_changes_the_list_in_the_same_frame_as_its_label(
    school_db: Path, monkeypatch
):
    """The list follows a filter as its value changes, not a message (and a frame) later: no
    frame shows the new label over the old list."""
    from textual.app import App

    app = SroApp(school_db)
    async with app.run_test(size=(130, 36)) as pilot:
        screen = await _open(app, pilot)
        table = screen.query_one(LineTable)
        everyone = table.row_count
        drawn: list[tuple[str, int]] = []
        display = App._display

        def noted(self, screen_, renderable):  # type: ignore[no-untyped-def]
            if renderable is not None:
                label = str(screen.query_one("#filter-status", Select).value)
                drawn.append((label, table.row_count))
            return display(self, screen_, renderable)

        monkeypatch.setattr(App, "_display", noted)
        screen.query_one("#filter-status", Select).value = "notified"
        assert table.row_count == 0  # at once: none notified yet
        await pilot.pause()
        await pilot.pause()
        assert drawn and all(rows == 0 for label, rows in drawn if label == "notified")
        screen.query_one("#filter-status", Select).value = "all"
        assert table.row_count == everyone
