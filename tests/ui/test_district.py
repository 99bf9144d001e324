"""The district office's screen, and "Send to the district" in the school's app."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest

from sro_tui.cli.main import main
from sro_tui.district import merge_bundle, open_district_database
from sro_tui.district.laptop import computer_name
from sro_tui.models import utc_now
from sro_tui.ui.app import SroApp
from sro_tui.ui.district import DistrictApp
from sro_tui.ui.district.screen import SchoolDetailScreen
from sro_tui.ui.district.send_dialog import SendToDistrictDialog
from tests.core.test_district_helpers import (
    build_demo_school,
    other_school,
    send_from,
)
from tests.ui.helpers import table_rows, text_of, wait_for_workers


@pytest.fixture(scope="module")
def district_file(tmp_path_factory):
    """A district database with two buildings: PTHS sent today, BMS three weeks ago."""
    work = tmp_path_factory.mktemp("district")
    pths = build_demo_school(work / "pths.sqlite3")
    bms = other_school(pths, work / "bms.sqlite3")
    target = work / "district.sqlite3"
    district = open_district_database(target)
    merge_bundle(district, send_from(pths, work / "out").path)
    merge_bundle(district, send_from(bms, work / "out", now=utc_now() - timedelta(days=21)).path)
    district.close()
    return target


async def test_the_district_screen_shows_every_building_and_a_school_on_enter(district_file):
    app = DistrictApp(str(district_file))
    async with app.run_test(size=(140, 36)) as pilot:
        await wait_for_workers(app)
        await pilot.pause()
        rows = table_rows(app, "#district-table")
        assert [r[0] for r in rows] == ["BMS", "PTHS"]
        bms, pths = rows
        assert bms[2] == pths[2] == f"1: {computer_name()}"  # one laptop each, by its name
        assert bms[3].startswith("⚠ ") and "21 d ago" in bms[3]
        assert pths[4] == "600" and pths[5].startswith("█████████░") and pths[5].endswith("90%")
        assert "not sent for more than 14 days: BMS" in text_of(app, "#district-summary")
        await pilot.press("down", "enter")
        await wait_for_workers(app)
        await pilot.pause()
        assert isinstance(app.screen, SchoolDetailScreen)
        detail = text_of(app, "#school-detail-text")
        assert "Port Townsend High School (PTHS)" in detail
        assert "540 of 600" in detail and "presentation-students" in detail
        assert "Laptops (1;" in detail and f"from {computer_name()}: written" in detail
        await pilot.press("escape")
        assert not isinstance(app.screen, SchoolDetailScreen)


async def test_two_laptops_of_one_school_show_as_one_building(tmp_path):
    from tests.core.laptops_helpers import NOW, office_and_principal, send

    office, principal = office_and_principal(tmp_path)
    district = open_district_database(tmp_path / "district.sqlite3")
    for laptop in (principal, office):
        merge_bundle(district, send(laptop, tmp_path / "out", now=NOW).path)
    district.close()
    app = DistrictApp(str(tmp_path / "district.sqlite3"))
    async with app.run_test(size=(160, 36)) as pilot:
        await wait_for_workers(app)
        await pilot.pause()
        [row] = table_rows(app, "#district-table")
        assert row[:3] == ["PTHS", "Port Townsend High School", "2: Front office, Principal"]
        assert row[4] == "100" and row[5].endswith("70%") and row[7] == "5"
        await pilot.press("enter")
        await wait_for_workers(app)
        await pilot.pause()
        detail = text_of(app, "#school-detail-text")
        assert "70 of 100" in detail and "20 of 100" in detail
        assert "Front office" in detail and "Principal" in detail


async def test_send_to_the_district_from_the_school_app(tmp_path, school_db):
    app = SroApp(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SendToDistrictDialog)
        assert "Never sent" in text_of(app, "#send-district-last")
        folder = app.screen.query_one("#backup-folder")
        assert folder.value == str(app.export_folder / "to the district")  # the one export folder
        folder.value = str(tmp_path / "to-district")
        await pilot.press("enter")
        await wait_for_workers(app)
        await pilot.pause()
        bundles = list((tmp_path / "to-district").iterdir())
        assert len(bundles) == 1 and (bundles[0] / "manifest.json").exists()
        await pilot.press("s")
        await pilot.pause()
        assert "Last sent to the district today" in text_of(app, "#send-district-last")


async def test_merging_from_the_district_screen(district_file, tmp_path):
    bundles = district_file.parent / "out"
    app = DistrictApp(str(tmp_path / "new-district.sqlite3"))
    async with app.run_test(size=(140, 36)) as pilot:
        await wait_for_workers(app)
        await pilot.pause()
        assert table_rows(app, "#district-table") == []
        await pilot.press("m")
        await pilot.pause()
        app.screen.query_one("#backup-folder").value = str(bundles)
        await pilot.press("enter")
        await wait_for_workers(app)
        await pilot.pause()
        await wait_for_workers(app)
        await pilot.pause()
        assert [r[0] for r in table_rows(app, "#district-table")] == ["BMS", "PTHS"]
        await pilot.press("m")
        await pilot.pause()
        app.screen.query_one("#backup-folder").value = str(bundles)
        await pilot.press("enter")
        await wait_for_workers(app)
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert sum("already merged" in m for m in messages) == 2


async def test_the_merge_dialog_proposes_the_folder_sends_land_in(
    district_file, tmp_path, monkeypatch, capsys
):
    """A send without --to lands in the export folder's "to the district"; on that computer the
    district screen's merge dialog proposes that very folder, and Enter merges what is there."""
    monkeypatch.setattr("sro_tui.paths.user_documents_path", lambda: tmp_path / "Documents")
    school = shutil.copyfile(district_file.parent / "pths.sqlite3", tmp_path / "pths.sqlite3")
    assert main(["district", "send", "--db", str(school)]) == 0
    landed = tmp_path / "Documents" / "sro-tui exports" / "to the district"
    assert f"bundle written to {landed}" in capsys.readouterr().out
    app = DistrictApp(str(tmp_path / "district.sqlite3"))
    async with app.run_test(size=(140, 36)) as pilot:
        await wait_for_workers(app)
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        assert app.screen.query_one("#backup-folder").value == str(landed)
        await pilot.press("enter")
        await wait_for_workers(app)
        await pilot.pause()
        await wait_for_workers(app)
        await pilot.pause()
        assert [r[0] for r in table_rows(app, "#district-table")] == ["PTHS"]


async def test_a_merge_that_fails_is_told_and_logged_beside_the_district_database(
    district_file, tmp_path, monkeypatch
):
    import sro_tui.ui.district.screen as district_screen

    def disk_full(database, bundles):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(district_screen, "merge_bundles", disk_full)
    target = tmp_path / "district.sqlite3"
    shutil.copyfile(district_file, target)
    app = DistrictApp(str(target))
    async with app.run_test(size=(140, 36)) as pilot:
        await wait_for_workers(app)
        await pilot.press("m")
        await pilot.pause()
        app.screen.query_one("#backup-folder").value = str(tmp_path)
        await pilot.press("enter")
        await wait_for_workers(app)
        await pilot.pause()
        [failure] = [n for n in app._notifications if n.severity == "error"]
        assert failure.message.startswith(f"Merging the bundles in {tmp_path} failed: ")
        assert "failed: the disk is full." in failure.message
        assert "the one that failed was not merged at all." in failure.message
        log = tmp_path / "sro-tui.log"
        assert f"Details are in {log}." in failure.message
        assert "OSError" in log.read_text() and log.stat().st_mode & 0o777 == 0o600
        # The buildings are read again, unchanged.
        assert [r[0] for r in table_rows(app, "#district-table")] == ["BMS", "PTHS"]


async def test_a_district_read_that_fails_says_so_where_the_figures_would_be(
    district_file, tmp_path, monkeypatch
):
    import sro_tui.ui.district.screen as district_screen

    def locked(*args):
        raise RuntimeError("the district database is busy")

    app = DistrictApp(str(district_file))
    async with app.run_test(size=(140, 36)) as pilot:
        await wait_for_workers(app)
        monkeypatch.setattr(district_screen, "district_status", locked)
        monkeypatch.setattr(district_screen, "district_state_overview", locked)
        await pilot.press("r")
        await wait_for_workers(app)
        await pilot.pause()
        summary = text_of(app, "#district-summary")
        assert summary == "Not read: the district database is busy. Press r to try again."
        await pilot.press("o")  # the state reports: the screen's own reaction runs here too
        await wait_for_workers(app)
        await pilot.pause()
        assert text_of(app, "#state-due").startswith("Not counted: the district database is busy")
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert any(m.startswith("Reading the district database failed") for m in errors)
        assert any(m.startswith("Counting the state and federal reports failed") for m in errors)
