"""Agreements & complaints screen, tried as a new user would: start an agreement, see adoption
refused with every reason until a parent, a student and a community member took part, adopt it;
log, route, answer and close a complaint; write the annual report."""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import Input, Select, TextArea

from sro_tui.agreements import AGREEMENT_ITEMS
from sro_tui.db import open_database
from sro_tui.models import Agreement, Complaint
from sro_tui.ui.agreements.screen import AgreementsScreen
from sro_tui.ui.agreements.tab import RecordsTab
from sro_tui.ui.app import SroApp

from .helpers import table_rows, text_of

TODAY = date(2026, 10, 15)


def _app(school_db) -> SroApp:
    app = SroApp(school_db, start_section="agreements")
    return app


def _screen(app) -> AgreementsScreen:
    screen = app.screen
    assert isinstance(screen, AgreementsScreen), type(screen).__name__
    return screen


async def _fill(pilot, values: dict[str, object]) -> None:
    app = pilot.app
    for name, value in values.items():
        widget = app.screen.query_one(f"#field-{name}")
        if isinstance(widget, Input):
            widget.value = str(value)
        elif isinstance(widget, TextArea):
            widget.load_text(str(value))
        elif isinstance(widget, Select):
            widget.value = value
        else:
            widget.value = bool(value)
    await pilot.press("ctrl+s")
    await pilot.pause()


@pytest.mark.slow
async def test_agreement_from_first_meeting_to_adoption(school_db):
    app = _app(school_db)
    async with app.run_test(size=(130, 40)) as pilot:
        await pilot.pause()
        screen = _screen(app)
        screen.today = TODAY
        screen.reload()
        # The roster's SRO works for the police department: the screen warns before anything.
        assert "Port Townsend Police Department supplies Dana Reyes" in text_of(
            app, "#agreements-warnings"
        )
        await pilot.press("n")
        await pilot.pause()
        await _fill(pilot, {"provider_name": "Port Townsend Police Department"})
        assert table_rows(app, "#agreement-table")[0][:3] == [
            "Port Townsend Police Department",
            "in review",
            "0/7",
        ]
        detail = text_of(app, "#agreement-detail")
        assert "Cannot be adopted yet" in detail and "no student took part" in detail

        # A meeting with parents and staff only.
        await pilot.press("l")
        await pilot.pause()
        await _fill(pilot, {"held_on": "2026-09-10", "parent": 4, "staff": 2})
        for number, code in enumerate(AGREEMENT_ITEMS, start=1):
            await pilot.press("i")
            await pilot.pause()
            await _fill(pilot, {"code": code, "met": True, "where_met": f"§{number}"})
        assert table_rows(app, "#agreement-table")[0][2:] == ["7/7", "4 / 0 / 0"]

        # Adoption refused, every remaining reason said, nothing written.
        await pilot.press("A")
        await pilot.pause()
        assert type(app.screen).__name__ == "AgreementsScreen"
        messages = " ".join(str(n.message) for n in app._notifications)
        assert "no student took part" in messages and "no community member" in messages
        assert "item" not in text_of(app, "#agreement-detail").split("Cannot be adopted yet")[1]

        await pilot.press("l")
        await pilot.pause()
        await _fill(
            pilot, {"held_on": "2026-09-24", "kind": "survey", "student": 30, "community_member": 2}
        )
        assert "Ready to adopt" in text_of(app, "#agreement-detail")
        await pilot.press("A")
        await pilot.pause()
        await _fill(pilot, {"adopted_by": "School board, resolution 2026-14"})
        assert table_rows(app, "#agreement-table")[0][1] == "adopted 2026-10-15"
        assert "every agency or company" in text_of(app, "#agreements-warnings")
    database = open_database(school_db)
    try:
        agreement = Agreement.get()
        assert (agreement.adopted_on, agreement.adopted_by) == (
            TODAY,
            "School board, resolution 2026-14",
        )
    finally:
        database.close()


@pytest.mark.slow
async def test_log_route_answer_close_a_complaint_then_annual_report(school_db, tmp_path):
    app = _app(school_db)
    async with app.run_test(size=(130, 40)) as pilot:
        await pilot.pause()
        screen = _screen(app)
        screen.today = TODAY
        await pilot.press("3")
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        staff_choices = app.screen.query_one("#field-staff", Select)
        reyes = next(value for label, value in staff_choices._options if "Reyes" in str(label))
        await _fill(
            pilot,
            {
                "received_on": "2026-10-01",
                "complainant_name": "María Núñez",
                "language": "Spanish",
                "staff": reyes,
                "what_happened": "Questioned my son at lunch without calling me.",
            },
        )
        assert table_rows(app, "#complaint-table")[0][:3] == ["2026-10-01", "Received", "14 d"]
        # Closing too early lists what is missing, and the complaint stays open.
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        error = str(app.screen.query_one("#error-closed_on").render())
        assert "routed to the school" in error and "response" in error
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        await _fill(pilot, {})  # defaults: school and agency today
        await pilot.press("t")
        await pilot.pause()
        await _fill(pilot, {"note": "Spoke with Officer Reyes."})
        await pilot.press("s")
        await pilot.pause()
        await _fill(pilot, {"summary": "Letter in Spanish; meeting on 10/20."})
        await pilot.press("x")
        await pilot.pause()
        await _fill(pilot, {})
        assert table_rows(app, "#complaint-table")[0][1] == "Closed"
        assert "Press u to reopen" in text_of(app, "#complaint-detail")

        await pilot.press("R")
        await pilot.pause()
        await _fill(pilot, {"folder": str(tmp_path / "reports")})
        assert type(app.screen).__name__ == "AgreementsScreen"
    [text_file] = (tmp_path / "reports").glob("*.txt")
    report = text_file.read_text()
    assert "1 complaint(s) filed" in report
    # Part (c) now comes from the intervention requests: none were logged in this school.
    assert "From intervention requests: arrests, restraints (use of force)" in report
    assert "none recorded" in report
    database = open_database(school_db)
    try:
        assert Complaint.get().closed_on == TODAY
    finally:
        database.close()


async def test_training_tab_lists_overdue_first(school_db):
    app = _app(school_db)
    async with app.run_test(size=(130, 40)) as pilot:
        await pilot.pause()
        screen = _screen(app)
        screen.today = date(2027, 2, 1)  # Okafor's planned training was due 2027-01-15
        screen.reload()
        await pilot.press("1")
        await pilot.pause()
        rows = table_rows(app, "#training-table")
        assert rows[0][0] == "Sam Okafor" and rows[0][3].startswith("Overdue by 17 day(s)")
        assert rows[1][3] == "Completed 2026-08-20"
        assert "1 overdue" in text_of(app, "#training-summary")


async def test_a_hidden_tab_is_built_at_its_first_show_and_keys_typed_with_it_reach_it(school_db):
    """F7 opens with only the Agreements tab built. F7, 3 and r queued together, as a fast
    typist: the complaints tab is built and read before r acts on it (no complaint yet: it says
    so); then 1 shows the training tab, read at its first show, with the day the screen uses."""
    from textual import events

    app = SroApp(school_db)  # on the dashboard, the background warm-up not started
    app.warm_sections = lambda: None  # type: ignore[method-assign]
    async with app.run_test(size=(130, 40)) as pilot:
        await pilot.pause()
        for key in ("f7", "3", "r"):
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = _screen(app)
        assert screen.query_one("#agreements-tabs").active == "complaints"
        assert table_rows(app, "#complaint-table") == []
        messages = " ".join(str(n.message) for n in app._notifications)
        assert "Choose a complaint first" in messages
        assert not screen.query("#training-tab")  # not shown yet: not built
        screen.today = date(2027, 2, 1)  # Okafor's planned training was due 2027-01-15
        await pilot.press("1")
        await pilot.pause()
        rows = table_rows(app, "#training-table")
        assert rows[0][0] == "Sam Okafor" and rows[0][3].startswith("Overdue by 17 day(s)")
        assert "1 overdue" in text_of(app, "#training-summary")


async def test_a_screen_built_ahead_builds_every_tab(school_db):
    """Built ahead while the app is idle (ui/preload.py), the screen builds and reads all three
    tabs: its first show, and each tab's, only paints."""
    from sro_tui.ui import preload

    app = SroApp(school_db)
    async with app.run_test(size=(130, 40)) as pilot:
        await pilot.pause()
        screen = app._modes["agreements"]()
        await preload.build(app, "agreements", screen, preload.Quiet(app))
        assert app.current_mode == "dashboard"
        assert all(tab.is_mounted for tab in screen.query(RecordsTab))
        assert len(screen.query(RecordsTab)) == 3
        assert len(screen.tab("training").rows) == 2  # read, not waiting for its first show


async def test_with_no_agency_staff_it_does_not_claim_every_agency_has_an_agreement(school_db):
    import sqlite3

    # Only district-employed staff on record: no agreement is owed, and none exists.
    with sqlite3.connect(school_db) as conn:
        conn.execute("UPDATE safety_staff SET employer_type = 'district'")
        conn.execute("DELETE FROM agreement")
    app = _app(school_db)
    async with app.run_test(size=(130, 40)) as pilot:
        await pilot.pause()
        said = text_of(app, "#agreements-warnings")
        assert "No staff from a police agency or security company on record" in said
        assert "every agency" not in said
