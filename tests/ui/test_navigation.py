"""Moving between sections with F-keys, from any focus; help; the command palette."""

from __future__ import annotations

from textual.widgets import Input

from sro_tui.ui.app import SroApp
from sro_tui.ui.help import HelpScreen
from sro_tui.ui.navigation import SECTIONS

from .helpers import drawn_text


async def test_f_keys_switch_sections_even_from_the_search_box(school_db):
    app = SroApp(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert app.current_mode == "dashboard"
        await pilot.press("f8")
        await pilot.pause()
        assert app.current_mode == "roster"
        assert isinstance(app.focused, Input)  # the search box has focus and still F6 works
        await pilot.press("f6")
        await pilot.pause()
        assert app.current_mode == "staff"
        await pilot.press("f2")
        await pilot.pause()
        assert app.current_mode == "dashboard"


async def test_start_section_and_title(school_db):
    app = SroApp(school_db, start_section="staff", title_note="DEMO — changes are thrown away")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert app.current_mode == "staff"
        assert "Port Townsend High School" in app.sub_title
        assert "2026-27" in app.sub_title
        assert "DEMO" in app.sub_title


async def test_help_lists_every_section_and_screen_key(school_db):
    app = SroApp(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f1")
        await app.workers.wait_for_complete()  # a key at once waits for the open (first_frame)
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = "\n".join(str(s.render()) for s in app.screen.query(".help-group"))
        for section in SECTIONS:
            assert section.title in shown
            assert section.key.upper() in shown
        for words in ("Import roster", "Add staff", "Deactivate", "Save", "ctrl+p", "Quit", "Esc"):
            assert words in shown, words
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_palette_runs_a_screen_action(school_db):
    app = SroApp(school_db, start_section="staff")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"add staff")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert type(app.screen).__name__ == "StaffForm"


async def test_palette_runs_another_sections_action_from_anywhere(school_db):
    app = SroApp(school_db, start_section="interventions")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"import roster")
        await pilot.pause(0.3)
        await pilot.press("enter")
        for _ in range(20):
            await pilot.pause(0.1)
            if app.current_mode == "roster" and app.screen.is_modal:
                break
        assert app.current_mode == "roster"
        assert type(app.screen).DIALOG_TITLE == "Import: choose the file"


async def test_backup_from_the_app_writes_a_private_copy(school_db, tmp_path):
    import sqlite3
    import stat

    from textual.widgets import Input

    app = SroApp(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+b")
        await pilot.pause()
        app.screen.query_one("#backup-folder", Input).value = str(tmp_path / "backups")
        await pilot.press("enter")
        await app.workers.wait_for_complete()  # written in a thread
        await pilot.pause()
        assert "Backed up to" in " ".join(str(n.message) for n in app._notifications)
    [copy] = (tmp_path / "backups").iterdir()
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    con = sqlite3.connect(copy)
    assert con.execute("SELECT count(*) FROM student").fetchone()[0] == 6
    con.close()


async def test_palette_goes_to_a_section(school_db):
    app = SroApp(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"go to roster")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert app.current_mode == "roster"


def drawn_card(app, card_id: str) -> str:
    """A dashboard card, border and all, as it is on screen (the cards are one widget)."""
    from sro_tui.ui.widgets.card import CardsView

    card = app.screen.query_one(CardsView).drawn(card_id)
    on_screen = drawn_text(app, "#dashboard-cards")
    assert all(line in on_screen for line in card.splitlines()), on_screen
    return card


async def test_dashboard_counts_and_empty_roster_hint(school_db, empty_db):
    app = SroApp(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()  # the counts are read in a thread
        await pilot.pause()
        assert "5 active" in drawn_card(app, "students")
        assert "1 inactive" in drawn_card(app, "students")
        assert "3 guardians" in drawn_card(app, "families")
        staff = drawn_card(app, "staff")
        assert "1 × School resource officer" in staff
        assert "1 × School security officer" in staff
    app = SroApp(empty_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Import a roster: press F8" in drawn_card(app, "students")
        # No household yet: the notices card is left out, the cards after it move up.
        cards = drawn_text(app, "#dashboard-cards")
        assert "Family notices" not in cards and "Export folder" in cards


async def test_cards_share_an_odd_width_as_textual_columns_do(school_db):
    """At an odd width the right column is one cell wider: each card is drawn at its own."""
    app = SroApp(school_db)
    async with app.run_test(size=(101, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        left, right = drawn_card(app, "school"), drawn_card(app, "students")
        assert len(right.splitlines()[0]) == len(left.splitlines()[0]) + 1


async def test_notice_card_draws_its_progress_bar(school_db):
    """The families-notified card: counts, a bar as wide as the card allows, the percentage."""
    from sro_tui.models import Household
    from sro_tui.notices import record_notice

    app = SroApp(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()  # the counts are read in a thread
        await pilot.pause()
        card = drawn_card(app, "notices")
        assert "0 / 3 households notified this year" in card
        assert "0%" in card and "━" in card
        assert "Record notices: press F4." in card
        with app.database.connection_context():
            first = Household.select().where(Household.active == True).first()  # noqa: E712
            record_notice(first.id, method="email")
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        card = drawn_card(app, "notices")
        assert "1 / 3 households notified this year" in card
        bar = next(line for line in card.splitlines() if "━" in line)
        assert bar.rstrip(" │").endswith("33%")
        assert bar.count("━") <= 32  # at most 32 cells, whatever the card's width


async def test_every_section_key_shows_at_80_columns(school_db):
    """The section bar keeps every F-key on screen: full titles when there is room, short ones
    on an 80-column terminal."""
    app = SroApp(school_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        bar = drawn_text(app, "#section-bar")
        assert all(s.key.upper() in bar for s in SECTIONS), bar
        assert "F8 Roster" in bar and "…" not in bar
        await pilot.resize_terminal(120, 36)
        await pilot.pause()
        bar = drawn_text(app, "#section-bar")
        assert "F5 Interventions" in bar and "F6 Safety staff" in bar


async def test_details_go_under_their_list_on_an_80_column_terminal(school_db):
    """At 80 columns nothing is cut off at the right edge: the student detail sits under the
    list, as wide as the screen; at 120 columns it is beside the list again."""
    app = SroApp(school_db, start_section="roster")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        listing = app.screen.query_one("#roster-list").region
        detail = app.screen.query_one("#student-detail-pane").region
        assert detail.y >= listing.bottom and detail.right <= 80 and listing.right <= 80
        await pilot.resize_terminal(120, 36)
        await pilot.pause()
        listing = app.screen.query_one("#roster-list").region
        detail = app.screen.query_one("#student-detail-pane").region
        assert detail.x >= listing.right and detail.y == listing.y


async def test_the_dashboard_scrolls_from_the_keyboard(school_db):
    """On 24 rows the cards do not all fit: PageDown shows the rest."""
    app = SroApp(school_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        scroll = app.screen.query_one("#dashboard-scroll")
        assert scroll.max_scroll_y > 0 and scroll.scroll_y == 0
        await pilot.press("pagedown")
        await pilot.pause(0.3)
        assert scroll.scroll_y > 0


async def test_keys_typed_right_after_an_f_key_go_to_the_new_section(school_db):
    """F8 then a name typed at once, before the roster screen is even built: the letters land
    in the roster's search box, not on the dashboard, and none is lost."""
    from textual import events
    from textual.widgets import Input

    app = SroApp(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        for key, character in (("f8", None), ("j", "j"), ("o", "o"), ("s", "s")):
            app.post_message(events.Key(key, character))  # queued together, as a fast typist
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.current_mode == "roster"
        assert app.screen.query_one("#roster-search", Input).value == "jos"


async def test_the_warm_up_after_start_builds_the_student_index(school_db, monkeypatch):
    """Once the first screen is up, the app prepares the sections and builds the student index
    in the background, so the check-in's first open does not wait for it; the dashboard alone
    never asked for it."""
    from sro_tui.ui import app as app_module

    # Only the call below warms up (a loaded test machine may take two seconds to get there).
    monkeypatch.setattr(app_module, "SECTIONS_WARM_AFTER_SECONDS", 600.0)
    app = SroApp(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.student_index is None  # the dashboard does not need it
        app.warm_sections()  # what the app's timer does two seconds after start
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()
        assert app.student_index is not None
        assert len(app.student_index.students) > 0


async def test_the_header_keeps_the_school_and_its_year_at_80_columns(school_db):
    app = SroApp(school_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        header = drawn_text(app, "TitleHeader")
        # The program's long name gives way: the school and its year are what the office needs.
        assert "Port Townsend High School · school year 2026-27" in header, header
        assert "records" not in header and "…" not in header
        await pilot.resize_terminal(120, 36)
        await pilot.pause()
        header = drawn_text(app, "TitleHeader")
        assert "school safety & security records" in header and "2026-27" in header
        await pilot.press("f6")  # another section's header follows the same rule
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert "school year 2026-27" in drawn_text(app, "TitleHeader")
