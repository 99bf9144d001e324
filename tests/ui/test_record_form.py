"""The one record form, driven with the keyboard alone: what a person types after a failed save
lands in the box that needs it, Backspace edits a default instead of wiping it, US dates are read,
narratives keep their lines and ctrl+a selects all of one."""

from __future__ import annotations

from datetime import date
from typing import Any

from textual.app import App
from textual.widgets import Input, TextArea

from sro_tui.db import open_database
from sro_tui.models import PresentationSession, SafetyStaff
from sro_tui.records import ValidationError
from sro_tui.ui.app import SroApp
from sro_tui.ui.widgets.record_form import FormField, RecordForm

from .test_checkin import open_checkin


class FormApp(App):
    """A bare app that opens one form and keeps what it was dismissed with."""

    def __init__(self, form: RecordForm):
        super().__init__()
        self.the_form = form
        self.result: Any = "not closed"

    def on_mount(self) -> None:
        self.push_screen(self.the_form, self._form_closed)

    def _form_closed(self, result: Any) -> None:
        self.result = result


def test_an_unknown_field_kind_is_refused():
    try:
        FormField("x", "X", "colour")
    except ValueError as exc:
        assert "colour" in str(exc)
    else:
        raise AssertionError("a field of an unknown kind was accepted")


async def test_backspace_in_a_box_with_a_default_removes_one_character():
    form = RecordForm(
        "Visit",
        [FormField("place", "Place"), FormField("days", "Days per week", value="2.5")],
        lambda values: values,
    )
    app = FormApp(form)
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("tab", "backspace", "7")  # into "Days per week 2.5", as a person would
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.result == {"place": "", "days": "2.7"}


async def test_after_a_failed_save_typing_goes_into_the_first_bad_field():
    def save(values: dict[str, Any]) -> dict[str, Any]:
        if not values["agency"]:
            raise ValidationError({"agency": "name the agency"})
        return values

    form = RecordForm(
        "Staff",
        [
            FormField("name", "Name", value="Dana"),
            FormField("agency", "Agency"),
            FormField("days", "Days", value="5"),
            FormField("since", "Since", "date"),
        ],
        save,
    )
    app = FormApp(form)
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.result == "not closed"
        assert "name the agency" in str(form.query_one("#error-agency").render())
        await pilot.press(*"Sheriff")
        await pilot.pause()
        # A second failure, from reading the boxes this time: the date, after the agency.
        await pilot.press("tab", "tab", *"13/40/2026", "ctrl+s")
        await pilot.pause()
        assert form.query_one("#error-since").display
        assert not form.query_one("#error-agency").display
        await pilot.press(*["backspace"] * 10, *"11/28/2026", "ctrl+s")
        await pilot.pause()
    assert app.result == {
        "name": "Dana",
        "agency": "Sheriff",
        "days": "5",
        "since": date(2026, 11, 28),
    }


async def test_a_narrative_keeps_its_lines_and_ctrl_a_selects_all_of_it():
    form = RecordForm(
        "Complaint",
        [FormField("what_happened", "What happened", "narrative", required=True)],
        lambda values: values,
    )
    app = FormApp(form)
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press(*"Lunch", "enter", *"Hallway", "ctrl+a", *"At lunch", "enter")
        await pilot.press(*"In the hall", "ctrl+s")
        await pilot.pause()
    assert app.result == {"what_happened": "At lunch\nIn the hall"}


async def test_staff_form_typing_after_a_failed_save_fills_the_agency(school_db):
    app = SroApp(school_db, start_section="staff")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"Jordan", "tab", *"Pak", "tab", "enter", "up", "enter")  # Kind: SRO
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.focused, Input) and app.focused.id == "field-employer_name"
        await pilot.press(*"Jefferson County Sheriff", "ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "StaffScreen"
    database = open_database(school_db)
    try:
        saved = SafetyStaff.get(SafetyStaff.last_name == "Pak")
        assert (saved.kind, saved.employer_name, saved.days_per_week) == (
            "sro",
            "Jefferson County Sheriff",
            5.0,
        )
    finally:
        database.close()


async def test_new_session_takes_a_us_date_and_multi_line_notes(school_db):
    app = SroApp(school_db, start_section="checkin")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_checkin(app, pilot)
        await pilot.press("f12")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        date_box = app.screen.query_one("#field-held_on", Input)
        assert app.focused is date_box
        await pilot.press(*["backspace"] * len(date_box.value), *"12/3/2026")
        await pilot.press("tab", "tab", *"Room 104")
        app.screen.query_one("#field-notes", TextArea).focus()
        await pilot.press(*"Make-up", "enter", *"for absent students", "ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "CheckInScreen"
    database = open_database(school_db)
    try:
        session = PresentationSession.get(PresentationSession.place == "Room 104")
        assert session.held_on == date(2026, 12, 3)
        assert session.notes == "Make-up\nfor absent students"
    finally:
        database.close()
