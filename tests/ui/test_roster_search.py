"""Search-as-you-type on the roster screen, and the student detail."""

from __future__ import annotations

from pathlib import Path

import pytest

from sro_tui.ui.app import SroApp

from .conftest import small_school_file
from .helpers import table_rows, text_of, wait_for_workers


async def open_roster(app, pilot):
    await pilot.pause()
    await wait_for_workers(app)  # the student index is built after the first paint
    await pilot.press("f8")
    await pilot.pause()
    await wait_for_workers(app)  # the roster asks for the index on first need: let it arrive
    await pilot.pause()


async def search(pilot, text: str):
    await pilot.press("escape")  # clears the box
    await pilot.press(*text)
    await pilot.pause(0.3)  # the results at once; the first one's detail once the keys pause


async def test_search_by_name_prefix_id_and_without_accents(school_db):
    app = SroApp(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_roster(app, pilot)
        await search(pilot, "jose")
        rows = table_rows(app, "#roster-results")
        # "jose" is José's whole first name: he comes before Josephine.
        assert [r[1] for r in rows] == ["000123", "000202"]
        assert rows[0][0] == "Núñez, José (Pepe)"

        await search(pilot, "000123")
        assert [r[1] for r in table_rows(app, "#roster-results")][0] == "000123"

        await search(pilot, "nunez")
        assert sorted(r[1] for r in table_rows(app, "#roster-results")) == ["000123", "000124"]

        await search(pilot, "obrien")
        assert [r[0] for r in table_rows(app, "#roster-results")] == ["O'Brien, Mia"]

        await search(pilot, "zzzz")
        assert table_rows(app, "#roster-results") == []
        assert "No student matches" in text_of(app, "#roster-more")


async def test_detail_shows_guardians_and_households_not_demographics(school_db):
    app = SroApp(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_roster(app, pilot)
        await search(pilot, "ana nu")
        detail = text_of(app, "#student-detail")
        assert "Ana Núñez" in detail and "000124" in detail and "Grade: 11" in detail
        assert "María Núñez — Mother" in detail
        assert "360-555-0101 · maria.nunez@example.org" in detail
        assert "Language: Spanish" in detail
        assert "12 Water St, Port Townsend, WA 98368" in detail
        assert "Carlos Núñez — Father" in detail
        assert "Households (2)" in detail  # parents at two addresses: two notices
        for demographic in ("Race", "Sex", "IEP", "504"):
            assert demographic not in detail


async def test_inactive_students_are_hidden_until_asked(school_db):
    app = SroApp(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_roster(app, pilot)
        await search(pilot, "whitaker")
        assert table_rows(app, "#roster-results") == []
        await pilot.press("ctrl+t")
        await pilot.pause()
        rows = table_rows(app, "#roster-results")
        assert rows[0][0] == "Whitaker, Noah" and rows[0][4] == "inactive"


@pytest.fixture
def big_school_db(tmp_path: Path) -> Path:
    return small_school_file(tmp_path / "big.sqlite3", extra_students=4000)


async def test_thousands_of_students_caps_rows_and_says_how_many_more(big_school_db):
    app = SroApp(big_school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_roster(app, pilot)
        rows = table_rows(app, "#roster-results")
        assert len(rows) == 200
        assert rows[0][0] == "Adams, Josephine (Jo)"  # empty search: the roster by name
        assert "3,805 more — keep typing" in text_of(app, "#roster-more")
        await search(pilot, "family0399")
        rows = table_rows(app, "#roster-results")
        # The ten prefix matches come first; names one typo away follow them.
        assert [r[0] for r in rows[:10]] == [
            "Family03990, Student3990",
            "Family03991, Student3991",
            "Family03992, Student3992",
            "Family03993, Student3993",
            "Family03994, Student3994",
            "Family03995, Student3995",
            "Family03996, Student3996",
            "Family03997, Student3997",
            "Family03998, Student3998",
            "Family03999, Student3999",
        ]
        await search(pilot, "503999")
        assert table_rows(app, "#roster-results")[0][1] == "503999"
