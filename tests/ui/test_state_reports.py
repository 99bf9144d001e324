"""The state and federal reports, one key away: `o` on the district screen and on the dashboard."""

from __future__ import annotations

import pytest

from sro_tui.district import merge_bundle, open_district_database
from sro_tui.paths import default_export_dir
from sro_tui.ui.app import SroApp
from sro_tui.ui.district import DistrictApp
from sro_tui.ui.reports.screen import ReportsFolderDialog, StateReportsScreen, count_bar
from tests.core.test_district_helpers import send_from
from tests.core.test_state_reports import _alpha, _beta
from tests.ui.helpers import table_rows, text_of, wait_for_workers


@pytest.fixture(scope="module")
def two_schools(tmp_path_factory):
    work = tmp_path_factory.mktemp("state-ui")
    alpha, beta = _alpha(work / "alpha.sqlite3"), _beta(work / "beta.sqlite3")
    target = work / "district.sqlite3"
    district = open_district_database(target)
    for school in (alpha, beta):
        merge_bundle(district, send_from(school, work / "out").path)
    district.close()
    return {"district": target, "alpha": alpha}


def test_a_bar_is_drawn_against_the_largest_count():
    assert count_bar(3, 3, 6) == "██████   3"
    assert count_bar(1, 30, 6) == "█░░░░░   1"  # one is never drawn as none
    assert count_bar(0, 0, 6) == "░░░░░░   0"


async def test_the_district_screen_opens_the_reports_and_writes_them(two_schools, tmp_path):
    app = DistrictApp(str(two_schools["district"]))
    async with app.run_test(size=(160, 36)) as pilot:
        await wait_for_workers(app)
        await pilot.press("o")
        await pilot.pause()
        await wait_for_workers(app)
        await pilot.pause()
        assert isinstance(app.screen, StateReportsScreen)
        due = text_of(app, "#state-due")
        assert "due January 1, 2027" in due and "every building" in due
        rows = table_rows(app, "#state-table")
        assert [r[0] for r in rows] == ["ALPHA", "BETA", "TOTAL"]
        alpha, beta, total = rows
        assert alpha[2].endswith("   3") and alpha[2].startswith("████")
        assert (alpha[3], alpha[4], alpha[5], alpha[7]) == ("2", "1", "2", "3")
        assert alpha[6].endswith("  16")
        assert (total[2], total[3], total[6], total[7]) == ("5", "4", "17", "4")
        assert "17 student(s) referred" in text_of(app, "#state-notes")
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, ReportsFolderDialog)
        box = app.screen.query_one("#state-reports-folder")
        # The one export folder, where `sro-tui report … --district` writes too.
        assert box.value == str(default_export_dir())
        box.value = str(tmp_path / "reports")
        await pilot.press("enter")
        await pilot.pause()
        await wait_for_workers(app)
        await pilot.pause()
        written = sorted(p.name for p in (tmp_path / "reports").iterdir())
        assert "crdc_2026-27_published.csv" in written
        assert "students-restrained-or-isolated_2026-27_NOT-FOR-PUBLICATION.csv" in written
        assert len(written) == 9
        await pilot.press("escape")
        assert not isinstance(app.screen, StateReportsScreen)


async def test_the_dashboard_shows_the_schools_own_numbers(two_schools):
    app = SroApp(two_schools["alpha"])
    async with app.run_test(size=(160, 36)) as pilot:
        await wait_for_workers(app)
        await pilot.press("o")
        await pilot.pause()
        await wait_for_workers(app)
        await pilot.pause()
        assert isinstance(app.screen, StateReportsScreen)
        rows = table_rows(app, "#state-table")
        assert [r[0] for r in rows] == ["ALPHA"]  # one school: no total repeating it
        assert rows[0][2].endswith("   3") and rows[0][3] == "2"
        assert "this school's own records" in text_of(app, "#state-due")
