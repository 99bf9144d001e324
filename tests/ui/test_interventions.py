"""Intervention requests as a principal uses them: log one by keyboard, see a discipline request
refused and an immigration remark stopped, amend a submitted request and read its history,
filter the list and export."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from textual.widgets import Checkbox, Input, Select, TextArea

from sro_tui.db import open_database
from sro_tui.exchange import read_exchange_csv
from sro_tui.interventions import InvolvedStudent, RequestForm, submit_request
from sro_tui.models import InterventionRequest, SafetyStaff, Student
from sro_tui.ui.app import SroApp

from .helpers import hold_write_lock, settle, shown_within, table_rows, text_of


async def _open_form(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("n")
    await pilot.pause()
    assert type(app.screen).__name__ == "InterventionForm"


async def _type(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(c, c) for c in text])


async def _fill_basics(app, pilot, *, purpose: str = "no", type_facts: bool = False) -> None:
    """Tab through the top of the form as a person would."""
    await pilot.press("ctrl+a")  # the time is prefilled: keep it
    await pilot.press("tab")
    await _type(pilot, "Cafeteria")
    await pilot.press("tab", "tab", "tab")  # on premises, emergency: leave as they are
    await _type(pilot, "Ms Alvarez")
    await pilot.press("tab", "enter", "t", "enter")  # role: type-to-search "Teacher"
    await pilot.pause()
    await pilot.press("tab", "enter", "i", "enter")  # criterion: "Immediate ... danger"
    await pilot.pause()
    await pilot.press("tab", "enter", purpose[0], "enter")  # purpose is discipline: Yes / No
    await pilot.pause()
    await pilot.press("tab")
    facts = "Student swung a chair at classmates and would not stop when asked"
    if type_facts:
        await _type(pilot, facts)
    else:  # typing is tested once; elsewhere the text is set to keep the tests quick
        app.screen.query_one("#f-facts", TextArea).insert(facts)
        await pilot.pause()


def assert_one_draft_at(school_db: Path, location: str) -> None:
    """What is on disk once the app has closed: one draft request, at `location`."""
    database = open_database(school_db)
    try:
        drafts = list(InterventionRequest.select())
        assert [(r.status, r.location) for r in drafts] == [("draft", location)]
    finally:
        database.close()


def _panel(app) -> str:
    return text_of(app, "#findings-text")


@pytest.mark.slow
async def test_log_a_request_with_the_keyboard_alone(school_db: Path):
    app = SroApp(school_db, start_section="interventions")
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_form(app, pilot)
        await _fill_basics(app, pilot, type_facts=True)
        assert app.screen.query_one("#f-requested_by_role", Select).value == "teacher"
        assert app.screen.query_one("#f-criterion", Select).value == "danger_to_others"
        await pilot.press("tab")  # the student search
        await _type(pilot, "nunez")
        await pilot.pause()
        await pilot.press("enter")  # adds the first match
        await pilot.pause()
        await pilot.press("tab", "tab", "tab")  # unknown person, involved list, staff
        assert app.focused.id == "f-staff"
        await pilot.press("space")  # the first staff member (Sam Okafor, security officer)
        await pilot.press("tab", "space")  # what was done: de-escalation
        await pilot.pause()
        assert "No findings" in _panel(app)
        await pilot.press("f9")
        await pilot.pause()
        assert type(app.screen).__name__ == "SubmitDialog"
        await pilot.press("enter")  # the Submit button has focus: no reasons needed
        await pilot.pause()
        assert type(app.screen).__name__ == "InterventionsScreen"
        assert table_rows(app, "#interventions-table")[0][1] == "Submitted"
    database = open_database(school_db)
    try:
        request = InterventionRequest.get()
        assert request.status == "submitted"
        assert request.location == "Cafeteria" and request.requested_by_name == "Ms Alvarez"
        assert [s.student.last_name for s in request.students] == ["Núñez"]
        assert [s.staff.last_name for s in request.staff] == ["Okafor"]
    finally:
        database.close()


@pytest.mark.slow
async def test_a_discipline_request_is_refused_in_the_policys_words(school_db: Path):
    app = SroApp(school_db, start_section="interventions")
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_form(app, pilot)
        await _fill_basics(app, pilot, purpose="yes")
        assert app.screen.query_one("#f-purpose", Select).value == "yes"
        assert "Refused" in _panel(app)
        assert "handle all student discipline matters" in _panel(app)
        await pilot.press("ctrl+s")  # not even a draft
        await pilot.pause()
        assert InterventionRequest.select().count() == 0
        await pilot.press("f9")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmDialog"
        app.screen.query_one("#confirm").press()
        await settle(app, pilot)
        assert InterventionRequest.get().status == "refused"


async def test_an_immigration_remark_is_stopped_before_it_is_stored(school_db: Path):
    app = SroApp(school_db, start_section="interventions")
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_form(app, pilot)
        await _fill_basics(app, pilot)
        app.screen.query_one("#f-facts", TextArea).insert(". SRO asked if he was undocumented")
        await pilot.pause()
        assert "RCW 10.93.160" in _panel(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert InterventionRequest.select().count() == 0
        assert type(app.screen).__name__ == "InterventionForm"  # the text is still there to fix
        facts = app.screen.query_one("#f-facts", TextArea)
        facts.text = facts.text.split(". SRO")[0]
        await pilot.pause()
        assert "RCW 10.93.160" not in _panel(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert InterventionRequest.get().status == "draft"


def _submitted_request(db_path: Path) -> None:
    _requests_in(
        db_path,
        ["Gym"],
        first_day=24,
        facts="Student threw basketballs at the bleachers and would not let class start",
    )


def _requests_in(
    db_path: Path,
    places: list[str],
    first_day: int = 20,
    facts: str = "Student would not let class start",
) -> None:
    """One submitted request a day of November 2026 in each place, the first place the oldest."""
    database = open_database(db_path)
    try:
        staff = SafetyStaff.get(SafetyStaff.last_name == "Okafor")
        for day, place in enumerate(places, start=first_day):
            submit_request(
                RequestForm(
                    occurred_at=datetime(2026, 11, day, 10, 0),
                    location=place,
                    requested_by_name="Mr Haugen",
                    requested_by_role="teacher",
                    criterion="disruption",
                    purpose_is_discipline=False,
                    facts=facts,
                    actions=["de_escalation"],
                    outcome="Calmed down.",
                    students=[InvolvedStudent(Student.get(Student.sis_id == "000200").id)],
                    staff_ids=[staff.id],
                ),
                actor="principal",
                now=datetime(2026, 11, day, 11, 0),
            )
    finally:
        database.close()


async def test_cursor_keys_typed_with_f5_move_the_list_and_its_detail_follows(school_db: Path):
    """F5 then two downs at once, before the list is built: the cursor ends on the third
    request (newest first) and, once the keys pause, the detail shows that request."""
    from textual import events

    _requests_in(school_db, ["Gym", "Library", "Cafeteria"])
    app = SroApp(school_db)

    def detail() -> str:
        return text_of(app, "#request-detail-text")

    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        for key in ("f5", "down", "down"):
            app.post_message(events.Key(key, None))  # queued together, as a fast typist
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)  # the detail follows once the keys pause
        assert app.current_mode == "interventions"
        assert [row[0] for row in table_rows(app, "#interventions-table")] == [
            "2026-11-22 10:00",
            "2026-11-21 10:00",
            "2026-11-20 10:00",
        ]
        assert app.screen.query_one("#interventions-table").cursor_row == 2
        assert await shown_within(app, pilot, lambda: "Where: Gym" in detail())
        await pilot.press("up")
        assert await shown_within(app, pilot, lambda: "Where: Library" in detail())


async def test_amend_a_submitted_request_and_see_its_history(school_db: Path):
    _submitted_request(school_db)
    app = SroApp(school_db, start_section="interventions")
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert table_rows(app, "#interventions-table")[0][3] == "Mia O'Brien"
        await pilot.press("o")
        await pilot.pause()
        assert "Amending request" in text_of(app, "#form-title")
        outcome = app.screen.query_one("#f-outcome", Input)
        outcome.value = "Calmed down; a parent picked her up."
        await pilot.press("ctrl+s")  # a submitted request is not overwritten
        await pilot.pause()
        assert InterventionRequest.get().version == 1
        await pilot.press("f9")
        await pilot.pause()
        await _type(pilot, "Pick-up was left out")
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "InterventionsScreen"
        stored = InterventionRequest.get()
        assert stored.version == 2 and stored.outcome.endswith("picked her up.")
        await pilot.press("h")
        await pilot.pause()
        history = text_of(app, "#history-text")
        assert "Submitted" in history and "Calmed down." in history  # the original
        assert "Amended · version 2" in history and "Reason: Pick-up was left out" in history
        assert "· Outcome: Calmed down. → Calmed down; a parent picked her up." in history


async def test_review_filter_and_export_both_forms(school_db: Path, tmp_path: Path):
    _submitted_request(school_db)
    app = SroApp(school_db, start_section="interventions")
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("v")
        await pilot.pause()
        await _type(pilot, "Criterion met")
        await pilot.press("enter")
        await pilot.pause()
        assert InterventionRequest.get().status == "reviewed"
        app.screen.query_one("#flt-status", Select).value = "submitted"
        await pilot.pause()
        assert table_rows(app, "#interventions-table") == []
        app.screen.query_one("#flt-status", Select).value = "reviewed"
        await pilot.pause()
        assert len(table_rows(app, "#interventions-table")) == 1
        # Dates as an office types them; one that is not a date says so instead of hiding rows.
        since = app.screen.query_one("#flt-from", Input)
        since.value = "11/25/2026"
        await pilot.pause()
        assert table_rows(app, "#interventions-table") == []
        since.value = "11/24/2026"
        await pilot.pause()
        assert len(table_rows(app, "#interventions-table")) == 1
        since.value = "last week"
        await pilot.pause()
        assert len(table_rows(app, "#interventions-table")) == 1
        assert "date filter is not a date" in text_of(app, "#interventions-summary")
        since.value = ""
        await pilot.pause()
        assert "not a date" not in text_of(app, "#interventions-summary")
        for deidentified in (False, True):
            await pilot.press("x")
            await pilot.pause()
            app.screen.query_one("#export-folder", Input).value = str(tmp_path / "out")
            app.screen.query_one("#export-deidentified", Checkbox).value = deidentified
            app.screen.query_one("#confirm").press()
            await pilot.pause()
            await app.workers.wait_for_complete()
    files = sorted((tmp_path / "out").glob("PTHS_interventions*.csv"))
    assert len(files) == 2
    identified = next(f for f in files if "deidentified" not in f.name)
    deidentified = next(f for f in files if "deidentified" in f.name)
    assert read_exchange_csv(identified).rows[0]["location"] == "Gym"
    assert "location" not in read_exchange_csv(deidentified).columns
    students = sorted((tmp_path / "out").glob("PTHS_intervention-students-deidentified*.csv"))
    assert "student_sis_id" not in read_exchange_csv(students[0]).columns  # 34 CFR 99.3


async def test_arrows_pick_which_student_to_add(school_db: Path):
    app = SroApp(school_db, start_section="interventions")
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_form(app, pilot)
        app.screen.query_one("#student-search").focus()
        await _type(pilot, "nunez")  # Ana and José Núñez, Ana first
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        involved = app.screen.query_one("StudentsInvolved").students
        added = [Student.get_by_id(i.student_id).first_name for i in involved]
        assert added == ["José"]


async def test_record_whether_discipline_followed(school_db: Path):
    """d on a submitted request: yes / no / not decided, kept for the annual report."""
    _submitted_request(school_db)
    app = SroApp(school_db, start_section="interventions")
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Student discipline followed: not recorded yet (d to record)" in text_of(
            app, "#request-detail-text"
        )
        await pilot.press("d")
        await pilot.pause()
        assert type(app.screen).__name__ == "ChoiceDialog"
        await pilot.press("enter")  # "Yes" has focus
        await pilot.pause()
        assert "Student discipline followed: yes" in text_of(app, "#request-detail-text")
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("escape")  # cancelled: nothing changes
        await pilot.pause()
    database = open_database(school_db)
    try:
        assert InterventionRequest.get().resulted_in_discipline is True
    finally:
        database.close()


@pytest.mark.slow
async def test_escape_never_throws_away_a_half_written_request(school_db: Path):
    """Esc on an untouched form just closes; with something typed it asks first, and "Save as
    draft" keeps it."""
    app = SroApp(school_db, start_section="interventions")
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_form(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "InterventionsScreen"  # nothing typed: no question

        await _open_form(app, pilot)
        await pilot.press("tab")
        await _type(pilot, "Library")
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "ChoiceDialog"
        await pilot.press("escape")  # "Keep editing" (Esc in the question keeps the form)
        await pilot.pause()
        assert type(app.screen).__name__ == "InterventionForm"
        assert app.screen.query_one("#f-location", Input).value == "Library"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("enter")  # "Save as draft" has focus
        await pilot.pause()
        assert type(app.screen).__name__ == "InterventionsScreen"
    assert_one_draft_at(school_db, "Library")


async def test_a_draft_saved_while_another_program_writes_is_kept_in_the_form(school_db: Path):
    """The save runs on the screen's thread (committed before "Draft saved"): a busy database
    is said and logged, the form stays open with what was typed, and ctrl+s saves it later."""
    app = SroApp(school_db, start_section="interventions")
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_form(app, pilot)
        await pilot.press("tab")
        await _type(pilot, "Library")
        other = hold_write_lock(school_db)  # for longer than a save waits
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.is_running and type(app.screen).__name__ == "InterventionForm"
        assert app.screen.query_one("#f-location", Input).value == "Library"
        log = (school_db.parent / "sro-tui.log").read_text()
        assert "Saving the draft failed: the database is busy" in log
        other.execute("ROLLBACK")
        other.close()
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert_one_draft_at(school_db, "Library")


async def test_ctrl_q_never_throws_away_a_half_written_request(school_db: Path):
    """ctrl+q with a request half written asks, as Esc does, even from another section; "Save
    as draft" keeps it and quits. Untouched, ctrl+q quits at once."""
    app = SroApp(school_db, start_section="interventions")
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_form(app, pilot)
        await pilot.press("tab")
        await _type(pilot, "Gym")
        await pilot.press("f6")  # off to another section, the form left open behind
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running and app.current_mode == "interventions"
        assert type(app.screen).__name__ == "ChoiceDialog"
        await pilot.press("escape")  # "Keep editing"
        await pilot.pause()
        assert app.is_running and type(app.screen).__name__ == "InterventionForm"
        assert app.screen.query_one("#f-location", Input).value == "Gym"
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("enter")  # "Save as draft" has focus
        await pilot.pause()
    assert app.return_code == 0
    assert_one_draft_at(school_db, "Gym")

    app = SroApp(school_db, start_section="interventions")
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_form(app, pilot)
        await pilot.press("ctrl+q")  # nothing typed: no question
        await pilot.pause()
        assert not app.is_running

    app = SroApp(school_db, start_section="interventions")
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_form(app, pilot)
        await pilot.press("tab")
        await _type(pilot, "Hall")
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("ctrl+q")  # asked, and asked again: the person means it
        await pilot.pause()
        assert not app.is_running
    assert_one_draft_at(school_db, "Gym")  # "Hall" was not saved: quitting without it was chosen
